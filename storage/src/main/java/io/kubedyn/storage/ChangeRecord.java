package io.kubedyn.storage;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.StreamViewType;
import java.util.Map;

/**
 * One entry of a table's change log: what a write did to one item, as a DynamoDB stream record
 * says it. Written in the same WriteBatch as the change it records.
 *
 * @param sequence increases within the shard's log; never reused
 * @param approximateCreationMillis when the change was written
 * @param keys the item's key attributes
 * @param oldImage the item before the change, if the stream's view type or a global secondary
 *     index needs it (else null)
 * @param newImage the item after the change, if the stream's view type or a global secondary
 *     index needs it (else null)
 * @param byTimeToLive whether the change is Time to Live's deletion of an expired item
 * @param streamed whether the table's stream was enabled when the change was made: records the
 *     log keeps only to feed global secondary indexes are not the stream's
 */
public record ChangeRecord(
        long sequence,
        EventName eventName,
        long approximateCreationMillis,
        Map<String, AttributeValue> keys,
        Map<String, AttributeValue> oldImage,
        Map<String, AttributeValue> newImage,
        boolean byTimeToLive,
        boolean streamed) {

    /** This record as a stream of view type {@code view} shows it: only the images the view keeps. */
    public ChangeRecord as(StreamViewType view) {
        return new ChangeRecord(
                sequence,
                eventName,
                approximateCreationMillis,
                keys,
                view.keepsOldImage() ? oldImage : null,
                view.keepsNewImage() ? newImage : null,
                byTimeToLive,
                streamed);
    }

    /** DynamoDB's eventName. */
    public enum EventName {
        INSERT,
        MODIFY,
        REMOVE
    }

    /** The event a change from {@code old} to {@code updated} is; null when nothing changed. */
    public static EventName eventOf(Map<String, AttributeValue> old, Map<String, AttributeValue> updated) {
        if (old == null) {
            return updated == null ? null : EventName.INSERT;
        }
        if (updated == null) {
            return EventName.REMOVE;
        }
        return old.equals(updated) ? null : EventName.MODIFY;
    }

    /** DynamoDB's StreamRecord SizeBytes: the keys and the images the record holds. */
    public long sizeBytes() {
        return ItemSize.of(keys)
                + (oldImage == null ? 0 : ItemSize.of(oldImage))
                + (newImage == null ? 0 : ItemSize.of(newImage));
    }
}
