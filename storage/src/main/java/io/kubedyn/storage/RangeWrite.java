package io.kubedyn.storage;

/**
 * One key-value write to a table's data in a hash range, as RocksDB holds it: what moves when a
 * shard hands a range to another ({@link PartitionStore#copyRange},
 * {@link PartitionStore#rangeChangesSince}, {@link PartitionStore#applyRange}). Raw bytes, so
 * items, local and global index entries, Time to Live entries and item collection sizes move
 * alike, exactly as written.
 *
 * @param part  which of the table's column families: {@code ""} its items, otherwise the
 *              family's suffix ({@code .ttl}, {@code .collections}, {@code .index.<name>}); the
 *              receiving store names its families after its own table id
 * @param kind  put, delete, merge (item collection sizes are merged), or clear: every key of the
 *              part in the hand-off's range deleted (a Time to Live index being rebuilt)
 * @param key   empty for a clear
 * @param value null for a delete or a clear
 */
public record RangeWrite(String part, Kind kind, byte[] key, byte[] value) {
    public enum Kind {
        PUT,
        DELETE,
        MERGE,
        CLEAR
    }

    /** About how many bytes the write takes in a message. */
    public long size() {
        return part.length() + key.length + (value == null ? 0 : value.length) + 8;
    }
}
