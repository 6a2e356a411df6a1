package io.kubedyn.storage;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.ItemSize;
import java.util.Map;

/**
 * What one write did: the item before and after it where the write was asked to return them
 * (null otherwise, or where there was, or is, no item), both items' DynamoDB sizes, which
 * ConsumedCapacity needs whatever was returned, and the bytes of the item's collection after the
 * write (ItemCollectionMetrics; -1 for a table without local secondary indexes).
 */
public record WriteResult(
        Map<String, AttributeValue> old,
        Map<String, AttributeValue> updated,
        long oldSize,
        long newSize,
        long itemCollectionBytes) {

    /** A write that wrote nothing and reports nothing (a repeat of a request already done). */
    public static final WriteResult NOTHING = new WriteResult(null, null, 0, 0, -1);

    /** The result of changing {@code old} into {@code updated}, keeping only the item {@code returns} asks for. */
    public static WriteResult of(
            Map<String, AttributeValue> old,
            Map<String, AttributeValue> updated,
            ReturnItems returns,
            long itemCollectionBytes) {
        return new WriteResult(
                returns == ReturnItems.OLD ? old : null,
                returns == ReturnItems.NEW ? updated : null,
                sizeOf(old),
                sizeOf(updated),
                itemCollectionBytes);
    }

    private static long sizeOf(Map<String, AttributeValue> item) {
        return item == null ? 0 : ItemSize.of(item);
    }
}
