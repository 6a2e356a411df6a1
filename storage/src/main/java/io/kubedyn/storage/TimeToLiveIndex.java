package io.kubedyn.storage;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.ItemCodec;
import io.kubedyn.core.TimeToLive;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One table's Time to Live index in its shard's store: a column family whose keys are
 * {@code expiry seconds (8 bytes, big-endian) | storage key}, so the items due for deletion are
 * the index's first entries. Writes keep it in the WriteBatch of the item change; the expirer
 * reads it from the start up to now. An entry may be stale (its item changed or went away since);
 * the expirer checks the item itself before deleting anything.
 */
final class TimeToLiveIndex {
    /** A due entry: the item's storage key and the expiry the index holds for it. */
    record Due(byte[] indexKey, byte[] storageKey, long expirySeconds) {}

    private final ColumnFamilyHandle family;

    TimeToLiveIndex(ColumnFamilyHandle family) {
        this.family = family;
    }

    ColumnFamilyHandle family() {
        return family;
    }

    static byte[] key(long expirySeconds, byte[] storageKey) {
        return ByteBuffer.allocate(Long.BYTES + storageKey.length)
                .putLong(expirySeconds)
                .put(storageKey)
                .array();
    }

    /** Stages the index's part of changing {@code old} into {@code updated} (either may be null). */
    void stage(
            WriteBatch batch,
            String attribute,
            byte[] storageKey,
            Map<String, AttributeValue> old,
            Map<String, AttributeValue> updated)
            throws RocksDBException {
        OptionalLong before = TimeToLive.expiryOf(old, attribute);
        OptionalLong after = TimeToLive.expiryOf(updated, attribute);
        if (before.equals(after)) {
            return;
        }
        if (before.isPresent()) {
            batch.delete(family, key(before.getAsLong(), storageKey));
        }
        if (after.isPresent()) {
            batch.put(family, key(after.getAsLong(), storageKey), new byte[0]);
        }
    }

    /** At most {@code max} entries whose expiry is at or before {@code nowSeconds}, oldest first. */
    List<Due> due(RocksDB db, long nowSeconds, int max) {
        List<Due> due = new ArrayList<>();
        try (RocksIterator it = db.newIterator(family)) {
            for (it.seekToFirst(); it.isValid() && due.size() < max; it.next()) {
                byte[] key = it.key();
                long expiry = ByteBuffer.wrap(key).getLong();
                if (expiry > nowSeconds) {
                    break;
                }
                due.add(new Due(key, Arrays.copyOfRange(key, Long.BYTES, key.length), expiry));
            }
        }
        return due;
    }

    /**
     * Indexes the items of {@code items} (a table's item family) that have an expiry under
     * {@code attribute}, after clearing the index: Time to Live enabled on a table that already
     * holds items. Entries written meanwhile by writes are kept or rewritten alike, and an entry for
     * an item changed since it was read is only stale. Stops, answering false, when {@code stop}
     * says so (the store is closing).
     */
    boolean rebuild(
            RocksDB db,
            WriteOptions options,
            ColumnFamilyHandle items,
            String attribute,
            java.util.function.BooleanSupplier stop)
            throws RocksDBException {
        db.deleteRange(family, options, new byte[0], key(Long.MAX_VALUE, new byte[] {(byte) 0xFF}));
        try (RocksIterator it = db.newIterator(items)) {
            WriteBatch batch = new WriteBatch();
            try {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    OptionalLong expiry = TimeToLive.expiryOf(ItemCodec.decode(it.value()), attribute);
                    if (expiry.isPresent()) {
                        batch.put(family, key(expiry.getAsLong(), it.key()), new byte[0]);
                    }
                    if (batch.count() >= 1000) {
                        if (stop.getAsBoolean()) {
                            return false;
                        }
                        db.write(options, batch);
                        batch.close();
                        batch = new WriteBatch();
                    }
                }
                db.write(options, batch);
            } finally {
                batch.close();
            }
        }
        return true;
    }
}
