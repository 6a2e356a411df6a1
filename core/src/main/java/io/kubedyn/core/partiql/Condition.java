package io.kubedyn.core.partiql;

import io.kubedyn.core.AttributeValue;
import java.util.ArrayList;
import java.util.List;

/** A WHERE clause, or a part of one. */
public sealed interface Condition
        permits Condition.Comparison,
                Condition.Between,
                Condition.In,
                Condition.Is,
                Condition.Not,
                Condition.And,
                Condition.Or,
                Operand.Function {

    /** {@code left comparator right}, the comparator one of {@code = <> < <= > >=}. */
    record Comparison(Operand left, String comparator, Operand right) implements Condition {}

    record Between(Operand subject, Operand low, Operand high) implements Condition {}

    record In(Operand subject, List<AttributeValue> options) implements Condition {
        public In {
            options = List.copyOf(options);
        }
    }

    /** {@code subject IS [NOT] MISSING} or {@code subject IS [NOT] NULL}. */
    record Is(Operand subject, boolean negated, boolean missing) implements Condition {}

    record Not(Condition condition) implements Condition {}

    record And(Condition left, Condition right) implements Condition {}

    record Or(Condition left, Condition right) implements Condition {}

    /** The terms joined by the top-level ANDs of {@code condition} (itself alone if none). */
    static List<Condition> conjuncts(Condition condition) {
        List<Condition> terms = new ArrayList<>();
        collect(condition, terms);
        return terms;
    }

    private static void collect(Condition condition, List<Condition> terms) {
        if (condition instanceof And and) {
            collect(and.left(), terms);
            collect(and.right(), terms);
        } else {
            terms.add(condition);
        }
    }
}
