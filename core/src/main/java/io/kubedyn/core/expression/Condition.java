package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import java.util.List;
import java.util.Map;

/** A parsed condition, evaluated on an item by DynamoDB's rules. */
sealed interface Condition {

    boolean test(Map<String, AttributeValue> item);

    enum Comparator {
        EQ("="),
        NE("<>"),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">=");

        final String symbol;

        Comparator(String symbol) {
            this.symbol = symbol;
        }
    }

    /**
     * {@code a op b}. Values of different types are never equal and never ordered; a missing
     * operand equals nothing, so {@code <>} is true for it.
     */
    record Comparison(Comparator comparator, Operand left, Operand right) implements Condition {
        @Override
        public boolean test(Map<String, AttributeValue> item) {
            AttributeValue a = Operand.evaluate(left, item);
            AttributeValue b = Operand.evaluate(right, item);
            if (comparator == Comparator.EQ) {
                return a != null && a.equals(b);
            }
            if (comparator == Comparator.NE) {
                return a == null || !a.equals(b);
            }
            if (a == null || b == null) {
                return false;
            }
            Integer order = Values.compare(a, b);
            if (order == null) {
                return false;
            }
            switch (comparator) {
                case LT:
                    return order < 0;
                case LE:
                    return order <= 0;
                case GT:
                    return order > 0;
                default:
                    return order >= 0;
            }
        }
    }

    /** {@code a BETWEEN low AND high}, inclusive, all three of one comparable type. */
    record Between(Operand value, Operand lower, Operand upper) implements Condition {
        @Override
        public boolean test(Map<String, AttributeValue> item) {
            AttributeValue v = Operand.evaluate(value, item);
            AttributeValue lo = Operand.evaluate(lower, item);
            AttributeValue hi = Operand.evaluate(upper, item);
            if (v == null || lo == null || hi == null) {
                return false;
            }
            Integer fromLower = Values.compare(v, lo);
            Integer toUpper = Values.compare(v, hi);
            return fromLower != null && toUpper != null && fromLower >= 0 && toUpper <= 0;
        }
    }

    /** {@code a IN (b, c, ...)}. */
    record In(Operand value, List<Operand> candidates) implements Condition {
        @Override
        public boolean test(Map<String, AttributeValue> item) {
            AttributeValue v = Operand.evaluate(value, item);
            if (v == null) {
                return false;
            }
            for (Operand candidate : candidates) {
                if (v.equals(Operand.evaluate(candidate, item))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The condition of an empty legacy Expected or filter map. */
    record Always() implements Condition {
        @Override
        public boolean test(Map<String, AttributeValue> item) {
            return true;
        }
    }

    record And(Condition left, Condition right) implements Condition {
        @Override
        public boolean test(Map<String, AttributeValue> item) {
            return left.test(item) && right.test(item);
        }
    }

    record Or(Condition left, Condition right) implements Condition {
        @Override
        public boolean test(Map<String, AttributeValue> item) {
            return left.test(item) || right.test(item);
        }
    }

    record Not(Condition operand) implements Condition {
        @Override
        public boolean test(Map<String, AttributeValue> item) {
            return !operand.test(item);
        }
    }

    /** {@code attribute_exists(path)} or, with {@code exists} false, {@code attribute_not_exists(path)}. */
    record AttributeExists(DocumentPath path, boolean exists) implements Condition {
        @Override
        public boolean test(Map<String, AttributeValue> item) {
            return (path.get(item) != null) == exists;
        }
    }

    /** {@code attribute_type(path, :t)}, or of a value: {@code attribute_type(:v, :t)}. */
    record AttributeType(Operand subject, Operand type) implements Condition {
        @Override
        public boolean test(Map<String, AttributeValue> item) {
            AttributeValue v = Operand.evaluate(subject, item);
            AttributeValue t = Operand.evaluate(type, item);
            return v != null && t instanceof AttributeValue.S s && v.type().equals(s.value());
        }
    }

    /** {@code begins_with(a, b)}. */
    record BeginsWith(Operand value, Operand prefix) implements Condition {
        @Override
        public boolean test(Map<String, AttributeValue> item) {
            AttributeValue v = Operand.evaluate(value, item);
            AttributeValue p = Operand.evaluate(prefix, item);
            return v != null && p != null && Values.beginsWith(v, p);
        }
    }

    /** {@code contains(a, b)}. */
    record Contains(Operand container, Operand operand) implements Condition {
        @Override
        public boolean test(Map<String, AttributeValue> item) {
            AttributeValue c = Operand.evaluate(container, item);
            AttributeValue o = Operand.evaluate(operand, item);
            return c != null && o != null && Values.contains(c, o);
        }
    }
}
