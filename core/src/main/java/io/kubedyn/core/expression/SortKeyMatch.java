package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.SortKeyCondition;

/** Whether a sort key value satisfies a Query's sort-key condition, in DynamoDB's key order. */
public final class SortKeyMatch {
    private SortKeyMatch() {}

    public static boolean test(SortKeyCondition condition, AttributeValue value) {
        if (condition.operator() == SortKeyCondition.Operator.BEGINS_WITH) {
            return Values.beginsWith(value, condition.value());
        }
        Integer order = Values.compare(value, condition.value());
        if (order == null) {
            return false;
        }
        return switch (condition.operator()) {
            case EQ -> order == 0;
            case LT -> order < 0;
            case LE -> order <= 0;
            case GT -> order > 0;
            case GE -> order >= 0;
            case BETWEEN -> {
                Integer upper = Values.compare(value, condition.upper());
                yield order >= 0 && upper != null && upper <= 0;
            }
            case BEGINS_WITH -> throw new IllegalStateException("handled above");
        };
    }
}
