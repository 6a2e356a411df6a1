package io.kubedyn.core.write;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ExpressionAttributes;
import io.kubedyn.core.expression.UpdateExpression;
import java.util.Map;

/**
 * What one write does to one item, decided where the item lives and under its lock: an
 * optional condition on the current item, then a replacement (PutItem), a removal (DeleteItem),
 * an update (UpdateItem, which starts from the key attributes when the item is absent) or
 * nothing (a transaction's ConditionCheck).
 * Expressions arrive parsed and validated; {@link #attributes()} keeps the names and values
 * they were parsed with, so the change can be sent to another process and parsed again there.
 */
public final class ItemChange {
    public enum Kind {
        PUT,
        DELETE,
        UPDATE,
        CHECK
    }

    private final Kind kind;
    private final Map<String, AttributeValue> item;
    private final ConditionExpression condition;
    private final UpdateExpression update;
    private final ExpressionAttributes attributes;

    private ItemChange(
            Kind kind,
            Map<String, AttributeValue> item,
            ConditionExpression condition,
            UpdateExpression update,
            ExpressionAttributes attributes) {
        this.kind = kind;
        this.item = Map.copyOf(item);
        this.condition = condition;
        this.update = update;
        this.attributes = attributes == null ? ExpressionAttributes.none() : attributes;
    }

    /** Replace the item with {@code item}, if {@code condition} (nullable) holds. */
    public static ItemChange put(
            Map<String, AttributeValue> item, ConditionExpression condition, ExpressionAttributes attributes) {
        return new ItemChange(Kind.PUT, item, condition, null, attributes);
    }

    /** Delete the item with key {@code key}, if {@code condition} (nullable) holds. */
    public static ItemChange delete(
            Map<String, AttributeValue> key, ConditionExpression condition, ExpressionAttributes attributes) {
        return new ItemChange(Kind.DELETE, key, condition, null, attributes);
    }

    /**
     * Apply {@code update} (null: no change but creation) to the item with key {@code key},
     * created from the key attributes if absent, if {@code condition} holds.
     */
    public static ItemChange update(
            Map<String, AttributeValue> key,
            UpdateExpression update,
            ConditionExpression condition,
            ExpressionAttributes attributes) {
        return new ItemChange(Kind.UPDATE, key, condition, update, attributes);
    }

    /** Change nothing; only check {@code condition} on the item with key {@code key} (a transaction's ConditionCheck). */
    public static ItemChange check(
            Map<String, AttributeValue> key, ConditionExpression condition, ExpressionAttributes attributes) {
        return new ItemChange(Kind.CHECK, key, condition, null, attributes);
    }

    /**
     * The item after the change (null: no item), given the item before it (null: none).
     *
     * @throws ConditionalCheckFailedException if the condition does not hold; nothing must be written then
     */
    public Map<String, AttributeValue> apply(Map<String, AttributeValue> current) {
        if (condition != null && !condition.test(current)) {
            throw new ConditionalCheckFailedException(current);
        }
        switch (kind) {
            case PUT:
                return item;
            case DELETE:
                return null;
            case CHECK:
                return current;
            default:
                if (current == null && update != null && !update.createsItem()) {
                    return null;
                }
                Map<String, AttributeValue> base = current == null ? item : current;
                Map<String, AttributeValue> updated = update == null ? base : update.apply(base, current != null);
                if (io.kubedyn.core.ItemSize.of(updated) > io.kubedyn.core.ItemSize.MAX_ITEM_BYTES) {
                    // DynamoDB words an update that grows an item too large in its own way.
                    throw io.kubedyn.core.DynamoDbException.validation(
                            "Item size to update has exceeded the maximum allowed size");
                }
                return updated;
        }
    }

    public Kind kind() {
        return kind;
    }

    /** The new item (PUT) or the key attributes (DELETE, UPDATE, CHECK). */
    public Map<String, AttributeValue> item() {
        return item;
    }

    /** The condition, or null. */
    public ConditionExpression condition() {
        return condition;
    }

    /** The update (UPDATE only), or null. */
    public UpdateExpression update() {
        return update;
    }

    public ExpressionAttributes attributes() {
        return attributes;
    }
}
