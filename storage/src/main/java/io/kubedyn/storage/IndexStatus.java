package io.kubedyn.storage;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A table's secondary indexes as one store sees them: the estimated entry count and bytes of
 * each, and the global indexes it is still backfilling (its items not yet all fed to the index).
 * Summed over a table's shards, an index is ACTIVE once no shard is backfilling it.
 */
public record IndexStatus(Map<String, Long> itemCounts, Map<String, Long> sizeBytes, Set<String> backfilling) {
    public static final IndexStatus NONE = new IndexStatus(Map.of(), Map.of(), Set.of());

    public IndexStatus {
        itemCounts = Map.copyOf(itemCounts);
        sizeBytes = Map.copyOf(sizeBytes);
        backfilling = Set.copyOf(backfilling);
    }

    /** This status and {@code other}'s, as of one table over two shards. */
    public IndexStatus plus(IndexStatus other) {
        Map<String, Long> counts = new HashMap<>(itemCounts);
        other.itemCounts.forEach((index, count) -> counts.merge(index, count, Long::sum));
        Map<String, Long> sizes = new HashMap<>(sizeBytes);
        other.sizeBytes.forEach((index, size) -> sizes.merge(index, size, Long::sum));
        Set<String> both = new HashSet<>(backfilling);
        both.addAll(other.backfilling);
        return new IndexStatus(counts, sizes, both);
    }
}
