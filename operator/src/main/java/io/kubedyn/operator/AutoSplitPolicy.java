package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.Quantity;
import io.kubedyn.crd.AutoSplit;
import io.kubedyn.crd.TableSpec;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table's {@code spec.autoSplit}, validated: a shard whose data passes {@code maxShardBytes}
 * splits, until the table has {@code maxShards}.
 *
 * @param maxShardBytes {@code maxShardSize} in bytes
 * @param maxShardSize {@code maxShardSize} as the spec writes it, for messages
 * @param maxShards the most shards the table grows to by itself
 */
public record AutoSplitPolicy(long maxShardBytes, String maxShardSize, int maxShards) {

    /** The policy of a validated spec, if it has one. */
    public static Optional<AutoSplitPolicy> of(TableSpec spec) {
        AutoSplit autoSplit = spec.getAutoSplit();
        if (autoSplit == null) {
            return Optional.empty();
        }
        return Optional.of(
                new AutoSplitPolicy(bytes(autoSplit), autoSplit.getMaxShardSize(), autoSplit.getMaxShards()));
    }

    /** {@code maxShardSize} in bytes (a quantity past 2^63 - 1 counts as that). */
    static long bytes(AutoSplit autoSplit) {
        BigInteger bytes = Quantity.getAmountInBytes(new Quantity(autoSplit.getMaxShardSize()))
                .toBigInteger();
        return bytes.bitLength() >= Long.SIZE ? Long.MAX_VALUE : bytes.longValue();
    }

    /**
     * The shards to split now, of a table with {@code shards}: those whose data ({@code bytes}, by
     * shard) is past the threshold, the heaviest first, as many as {@code maxShards} leaves room
     * for.
     */
    public List<Integer> due(Map<Integer, Long> bytes, int shards) {
        return bytes.entrySet().stream()
                .filter(e -> e.getValue() > maxShardBytes)
                .sorted(Map.Entry.<Integer, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(Math.max(0, maxShards - shards))
                .map(Map.Entry::getKey)
                .toList();
    }
}
