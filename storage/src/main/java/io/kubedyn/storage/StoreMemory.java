package io.kubedyn.storage;

/**
 * The memory RocksDB may take outside the JVM's heap: one block cache for every column family,
 * with the memtables of all of them charged to it, so the store's off-heap memory stays near
 * {@code cacheBytes} whatever the number of tables, indexes and change logs (a memtable of 64 MB
 * per column family, RocksDB's default, would otherwise grow with each).
 *
 * @param cacheBytes the block cache's capacity: data, index and filter blocks, and the memtables
 * @param writeBufferBytes the memtables' share of it; past it RocksDB flushes the largest
 */
public record StoreMemory(long cacheBytes, long writeBufferBytes) {

    private static final long MIB = 1024L * 1024;

    /** The embedded server's, where no container limit is known. */
    public static final StoreMemory DEFAULT = new StoreMemory(256 * MIB, 128 * MIB);

    /**
     * RocksDB's share of a container's memory limit. The JVM's heap gets at most 40% (its
     * {@code -XX:MaxRAMPercentage}, set in the storage pod's image); the rest is for gRPC's direct
     * buffers, the JVM's own memory and the page cache RocksDB reads its files through.
     */
    static final double LIMIT_SHARE = 0.25;

    /** Below this the store cannot hold a memtable per column family of a few tables. */
    static final long MINIMUM_CACHE = 32 * MIB;

    public StoreMemory {
        if (writeBufferBytes <= 0 || cacheBytes < writeBufferBytes) {
            throw new IllegalArgumentException("memtables (" + writeBufferBytes
                    + " bytes) must fit in the block cache (" + cacheBytes + " bytes)");
        }
    }

    /** The budget for a store in a container whose memory is limited to {@code limitBytes}. */
    public static StoreMemory ofLimit(long limitBytes) {
        long cache = Math.max(MINIMUM_CACHE, (long) (limitBytes * LIMIT_SHARE));
        return new StoreMemory(cache, cache / 2);
    }
}
