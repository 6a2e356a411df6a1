package io.kubedyn.storage;

/**
 * What a store's block cache holds, memtables included ({@link StoreMemory}).
 *
 * @param usageBytes memory charged to the cache now
 * @param pinnedBytes of it, entries in use that cannot be evicted
 * @param capacityBytes the cache's capacity
 */
public record CacheUse(long usageBytes, long pinnedBytes, long capacityBytes) {}
