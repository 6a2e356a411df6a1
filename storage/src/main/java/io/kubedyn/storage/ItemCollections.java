package io.kubedyn.storage;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ItemCodec;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.TableDefinition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The sizes of a table's item collections in its shard's store: for a table with local
 * secondary indexes, each partition key's items and their local index entries together, which
 * DynamoDB limits to 10 GB and reports as ItemCollectionMetrics.
 *
 * <p>A column family keyed by partition prefix ({@code hash | enc(pk)}) whose values are byte
 * counts, 8 bytes little-endian, kept by RocksDB's {@link UInt64AddOperator}: each item change
 * merges its size difference (two's complement for a shrink) in the change's own WriteBatch, so
 * the count is exact across crashes and two writers of one partition never lose an update. The
 * family must be opened with {@link #options}.
 */
final class ItemCollections {
    /** DynamoDB's limit on an item collection: 10 GB. */
    static final long LIMIT_BYTES = 10L << 30;
    /** What DynamoDB counts for each local index entry beyond its attributes. */
    static final int INDEX_ENTRY_OVERHEAD_BYTES = 100;

    static final String SUFFIX = ".collections";
    private static final int REBUILD_BATCH = 10_000;

    private final ColumnFamilyHandle family;

    ItemCollections(ColumnFamilyHandle family) {
        this.family = family;
    }

    /**
     * The options every collections family is opened with: {@code base}'s, and
     * {@code operator} (the caller closes it after the options).
     */
    static ColumnFamilyOptions options(ColumnFamilyOptions base, UInt64AddOperator operator) {
        return new ColumnFamilyOptions(base).setMergeOperator(operator);
    }

    static boolean isCollectionsFamily(String name) {
        return name.endsWith(SUFFIX);
    }

    ColumnFamilyHandle family() {
        return family;
    }

    /**
     * What {@code item} (null: none) adds to its collection: its own size and that of its entry
     * in each local index that holds it.
     */
    static long sizeOf(TableDefinition table, Map<String, AttributeValue> item) {
        if (item == null) {
            return 0;
        }
        long size = ItemSize.of(item);
        for (SecondaryIndex index : table.localIndexes()) {
            if (index.indexes(item)) {
                size += ItemSize.of(index.project(item, table.keySchema())) + INDEX_ENTRY_OVERHEAD_BYTES;
            }
        }
        return size;
    }

    /** The bytes of the collection of partition {@code prefix} now. */
    long bytes(RocksDB db, byte[] prefix) throws RocksDBException {
        byte[] value = db.get(family, prefix);
        return value == null
                ? 0
                : ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /**
     * Stages changing {@code old} into {@code updated} in the collection of partition
     * {@code prefix}, refusing a growth past {@code limitBytes} ({@link #LIMIT_BYTES} but in
     * tests) as DynamoDB does; answers the collection's bytes after the change.
     * {@code staged} holds what earlier writes of the same WriteBatch added to each partition
     * (by {@link ByteBuffer} of its prefix); this write's is added to it.
     *
     * <p>Two writers of one partition, on two items, may both pass the check with room for one:
     * the count stays exact (the merge operator adds both), the limit may be passed by that
     * write. DynamoDB's own limit is an estimate too.
     */
    long stage(
            RocksDB db,
            WriteBatch batch,
            TableDefinition table,
            byte[] prefix,
            Map<String, AttributeValue> old,
            Map<String, AttributeValue> updated,
            long limitBytes,
            Map<ByteBuffer, Long> staged)
            throws RocksDBException {
        long delta = sizeOf(table, updated) - sizeOf(table, old);
        ByteBuffer partition = ByteBuffer.wrap(prefix);
        long before = bytes(db, prefix) + staged.getOrDefault(partition, 0L);
        if (delta > 0 && before + delta > limitBytes) {
            throw new DynamoDbException(DynamoDbError.ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED, "Collection size exceeded.");
        }
        if (delta != 0) {
            batch.merge(family, prefix, encode(delta));
            staged.merge(partition, delta, Long::sum);
        }
        return before + delta;
    }

    private static byte[] encode(long delta) {
        return ByteBuffer.allocate(Long.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(delta)
                .array();
    }

    /**
     * Counts every collection of the table from its items ({@code items}, in storage order, so a
     * partition's items are contiguous): for a table that had local indexes before the store kept
     * collections. Runs before the store serves the table.
     */
    void rebuild(RocksDB db, TableDefinition table, ColumnFamilyHandle items, WriteOptions sync)
            throws RocksDBException {
        byte[] prefix = null;
        long bytes = 0;
        try (RocksIterator it = db.newIterator(items);
                WriteBatch batch = new WriteBatch()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                Map<String, AttributeValue> item = ItemCodec.decode(it.value());
                byte[] itemPrefix = table.keySchema().keyOf(item, false).partitionPrefix();
                if (prefix != null && !Arrays.equals(prefix, itemPrefix)) {
                    batch.put(family, prefix, encode(bytes));
                    bytes = 0;
                    if (batch.count() >= REBUILD_BATCH) {
                        db.write(sync, batch);
                        batch.clear();
                    }
                }
                prefix = itemPrefix;
                bytes += sizeOf(table, item);
            }
            if (prefix != null) {
                batch.put(family, prefix, encode(bytes));
            }
            db.write(sync, batch);
        }
    }
}
