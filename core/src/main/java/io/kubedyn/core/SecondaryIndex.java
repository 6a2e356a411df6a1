package io.kubedyn.core;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A local or global secondary index of a table: its name, its key schema, what it projects and,
 * for a global index of a provisioned table, its own capacity.
 *
 * <p>An item is in the index when it has every key attribute of the index (sparse indexes): with
 * a multi-attribute key, all of them. Its
 * entry's storage key is {@code hash(index pk) | index pk | index sk | table pk | table sk},
 * every part self-delimiting: an index partition is one contiguous key range ordered by the
 * index sort key, the table key making two items with one index key two entries, so a Query of
 * an index is the same range read as a Query of a table. A local index has the table's partition
 * key and so the same hash: its entries live in the same shard as their items.
 */
public record SecondaryIndex(
        String name,
        boolean global,
        KeySchema keySchema,
        IndexProjection projection,
        long readCapacityUnits,
        long writeCapacityUnits) {

    public static SecondaryIndex local(String name, KeySchema keySchema, IndexProjection projection) {
        return new SecondaryIndex(name, false, keySchema, projection, 0, 0);
    }

    public static SecondaryIndex global(String name, KeySchema keySchema, IndexProjection projection) {
        return new SecondaryIndex(name, true, keySchema, projection, 0, 0);
    }

    /** Whether {@code item} has every key attribute of this index, and so an entry in it. */
    public boolean indexes(Map<String, AttributeValue> item) {
        if (item == null) {
            return false;
        }
        for (KeyAttribute key : keySchema.attributes()) {
            if (!hasKey(item, key)) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasKey(Map<String, AttributeValue> item, KeyAttribute key) {
        AttributeValue value = item.get(key.name());
        return value != null && key.type().matches(value) && KeyEncoding.rawLength(value) > 0;
    }

    /** The index's key of an indexed item: its partition and sort key values in the index. */
    public PrimaryKey indexKeyOf(Map<String, AttributeValue> item) {
        return PrimaryKey.of(keySchema.partitionValueOf(item), keySchema.sortValueOf(item));
    }

    /** The storage key of {@code item}'s entry, or null when the item is not in the index. */
    public byte[] entryKey(Map<String, AttributeValue> item, KeySchema table) {
        if (!indexes(item)) {
            return null;
        }
        return entryKey(indexKeyOf(item), table.keyOf(item, false));
    }

    /** The storage key of the entry of the table item {@code tableKey} under index key {@code indexKey}. */
    public static byte[] entryKey(PrimaryKey indexKey, PrimaryKey tableKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        out.writeBytes(indexKey.storageKey());
        KeyEncoding.encode(tableKey.partitionKey(), out);
        if (tableKey.sortKey() != null) {
            KeyEncoding.encode(tableKey.sortKey(), out);
        }
        return out.toByteArray();
    }

    /** What the index holds of {@code item}: the key attributes of the table and the index, and the projected rest. */
    public Map<String, AttributeValue> project(Map<String, AttributeValue> item, KeySchema table) {
        if (projection.type() == IndexProjection.Type.ALL) {
            return item;
        }
        Map<String, AttributeValue> projected = new LinkedHashMap<>();
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            if (projects(attribute.getKey(), table)) {
                projected.put(attribute.getKey(), attribute.getValue());
            }
        }
        return projected;
    }

    /** Whether the index holds attribute {@code name} of its items. */
    public boolean projects(String name, KeySchema table) {
        return projection.type() == IndexProjection.Type.ALL
                || table.isKeyAttribute(name)
                || keySchema.isKeyAttribute(name)
                || projection.nonKeyAttributes().contains(name);
    }
}
