package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import java.util.Map;

/**
 * Something an expression evaluates to an attribute value on an item: a document path, an
 * expression attribute value, or a function or arithmetic on other operands.
 */
sealed interface Operand {

    /** A document path; evaluates to the value there, or null when the item has none. */
    record Path(DocumentPath path) implements Operand {}

    /** An ExpressionAttributeValues entry ({@code :v}). */
    record Value(String ref, AttributeValue value) implements Operand {}

    /** {@code size(path)}. */
    record Size(Operand argument) implements Operand {}

    /** {@code if_not_exists(path, operand)}, in SET only. */
    record IfNotExists(DocumentPath path, Operand fallback) implements Operand {}

    /** {@code list_append(a, b)}, in SET only. */
    record ListAppend(Operand first, Operand second) implements Operand {}

    /** {@code a + b} or {@code a - b}, in SET only. */
    record Arithmetic(Operand left, boolean plus, Operand right) implements Operand {}

    /**
     * The value of an operand in a condition: null when it names nothing in the item (a missing
     * path, or the size of something that has no size).
     */
    static AttributeValue evaluate(Operand operand, Map<String, AttributeValue> item) {
        if (operand instanceof Path p) {
            return p.path().get(item);
        } else if (operand instanceof Value v) {
            return v.value();
        } else if (operand instanceof Size s) {
            AttributeValue argument = evaluate(s.argument(), item);
            return argument == null ? null : Values.size(argument);
        }
        throw new IllegalStateException("not a condition operand: " + operand);
    }
}
