package io.kubedyn.core;

/**
 * The sort-key part of a Query's key condition: {@code sk op :v}, {@code sk BETWEEN :a AND :b}
 * or {@code begins_with(sk, :p)}. {@code upper} is set only for BETWEEN.
 */
public record SortKeyCondition(Operator operator, AttributeValue value, AttributeValue upper) {
    public enum Operator {
        EQ,
        LT,
        LE,
        GT,
        GE,
        BETWEEN,
        BEGINS_WITH
    }

    public SortKeyCondition {
        if ((operator == Operator.BETWEEN) != (upper != null)) {
            throw new IllegalArgumentException("BETWEEN, and only BETWEEN, takes an upper bound");
        }
    }
}
