package io.kubedyn.storage;

import io.kubedyn.core.HashRange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The column families of one table in a store that hold data of a hash range, by part (see
 * {@link RangeWrite#part}), and where each key's partition hash is: the first 8 bytes of every
 * key but a Time to Live entry's ({@code expiry | storage key}: the 8 after). The change log is
 * not among them: its records are the stream of the store that wrote them.
 */
final class RangeFamilies {
    private final Map<String, ColumnFamilyHandle> byPart;
    private final Map<Integer, String> partById = new HashMap<>();

    RangeFamilies(Map<String, ColumnFamilyHandle> byPart) {
        this.byPart = new LinkedHashMap<>(byPart);
        byPart.forEach((part, handle) -> partById.put(handle.getID(), part));
    }

    Map<String, ColumnFamilyHandle> byPart() {
        return byPart;
    }

    ColumnFamilyHandle family(String part) {
        ColumnFamilyHandle family = byPart.get(part);
        if (family == null) {
            // Not a fault of this store (which would stop a replica applying it): the writes are
            // refused, the same on every replica, until the definitions agree.
            throw new IllegalStateException(
                    "the table has no column family for \"" + part + "\"; the stores disagree on its definition");
        }
        return family;
    }

    /** Whether a part's keys start with the hash, so a hash range is one key range of it. */
    static boolean hashLeads(String part) {
        return !part.equals(PartitionStore.TTL_SUFFIX);
    }

    static boolean inRange(String part, byte[] key, HashRange range) {
        int offset = hashLeads(part) ? 0 : Long.BYTES;
        if (key.length < offset + Long.BYTES) {
            return false;
        }
        return range.contains(ByteBuffer.wrap(key, offset, Long.BYTES).getLong());
    }

    /**
     * Reads the writes of a WriteBatch (from RocksDB's WAL) that touch these families within
     * {@code range}, in their order.
     */
    List<RangeWrite> writesIn(WriteBatch batch, HashRange range) throws RocksDBException {
        List<RangeWrite> writes = new ArrayList<>();
        try (Reader reader = new Reader(range, writes)) {
            batch.iterate(reader);
            if (reader.partialDelete) {
                throw new StorageException(
                        "a range delete over part of the hand-off's range: it cannot be "
                                + "followed; copy the range again",
                        null);
            }
        }
        return writes;
    }

    private final class Reader extends WriteBatch.Handler {
        private final HashRange range;
        private final List<RangeWrite> writes;
        private final KeyRange keys;
        private boolean partialDelete;

        Reader(HashRange range, List<RangeWrite> writes) {
            this.range = range;
            this.writes = writes;
            this.keys = KeyRange.ofHashRange(range);
        }

        private void add(int family, RangeWrite.Kind kind, byte[] key, byte[] value) {
            String part = partById.get(family);
            if (part != null && inRange(part, key, range)) {
                writes.add(new RangeWrite(part, kind, key, value));
            }
        }

        @Override
        public void put(int family, byte[] key, byte[] value) {
            add(family, RangeWrite.Kind.PUT, key, value);
        }

        @Override
        public void merge(int family, byte[] key, byte[] value) {
            add(family, RangeWrite.Kind.MERGE, key, value);
        }

        @Override
        public void delete(int family, byte[] key) {
            add(family, RangeWrite.Kind.DELETE, key, null);
        }

        @Override
        public void singleDelete(int family, byte[] key) {
            add(family, RangeWrite.Kind.DELETE, key, null);
        }

        @Override
        public void deleteRange(int family, byte[] begin, byte[] end) {
            String part = partById.get(family);
            if (part == null) {
                return;
            }
            boolean whole = hashLeads(part)
                    ? Arrays.compareUnsigned(begin, keys.start()) <= 0
                            && keys.end() != null
                            && Arrays.compareUnsigned(end, keys.end()) >= 0
                    : begin.length == 0 && end.length > 0 && (end[0] & 0xFF) >= 0x7F;
            if (whole) {
                writes.add(new RangeWrite(part, RangeWrite.Kind.CLEAR, new byte[0], null));
            } else {
                partialDelete = true;
            }
        }

        @Override
        public void put(byte[] key, byte[] value) {}

        @Override
        public void merge(byte[] key, byte[] value) {}

        @Override
        public void delete(byte[] key) {}

        @Override
        public void singleDelete(byte[] key) {}

        @Override
        public void deleteRange(byte[] begin, byte[] end) {}

        @Override
        public void logData(byte[] blob) {}

        @Override
        public void putBlobIndex(int family, byte[] key, byte[] value) {}

        @Override
        public void markBeginPrepare() {}

        @Override
        public void markEndPrepare(byte[] xid) {}

        @Override
        public void markNoop(boolean emptyBatch) {}

        @Override
        public void markRollback(byte[] xid) {}

        @Override
        public void markCommit(byte[] xid) {}

        @Override
        public void markCommitWithTimestamp(byte[] xid, byte[] timestamp) {}
    }
}
