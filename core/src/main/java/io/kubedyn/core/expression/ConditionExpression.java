package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed ConditionExpression or FilterExpression. {@link #test} evaluates it on an item by
 * DynamoDB's rules: comparing values of different types is false rather than an error, a
 * missing attribute equals nothing (so {@code <>} is true for it), and so on.
 */
public final class ConditionExpression {
    private final String text;
    private final Condition condition;

    private ConditionExpression(String text, Condition condition) {
        this.text = text;
        this.condition = condition;
    }

    /** A condition built other than by parsing (from the legacy parameters); {@code description} is for toString. */
    static ConditionExpression of(String description, Condition condition) {
        return new ConditionExpression(description, condition);
    }

    /** Parses a ConditionExpression (PutItem, UpdateItem, DeleteItem, ConditionCheck). */
    public static ConditionExpression parse(String text, ExpressionAttributes attributes) {
        return parse("ConditionExpression", text, attributes);
    }

    /** Parses a FilterExpression (Query, Scan): same language, its own name in messages. */
    public static ConditionExpression parseFilter(String text, ExpressionAttributes attributes) {
        return parse("FilterExpression", text, attributes);
    }

    private static ConditionExpression parse(String kind, String text, ExpressionAttributes attributes) {
        Objects.requireNonNull(attributes, "attributes");
        return new ConditionExpression(text, ExpressionBuilder.parseCondition(kind, text, attributes));
    }

    /** Whether {@code item} (null or empty when there is no item) satisfies the condition. */
    public boolean test(Map<String, AttributeValue> item) {
        return condition.test(item == null ? Map.of() : item);
    }

    @Override
    public String toString() {
        return text;
    }
}
