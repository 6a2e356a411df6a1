package io.kubedyn.operator;

import io.kubedyn.core.HashRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One shard handing the upper part of its hash range to a new shard: how a table grows when
 * {@code spec.shards} is raised (the upper half) or a shard passes {@code autoSplit.maxShardSize}
 * (the part after its items' median). The new shard's pods receive the range from the source's pods
 * while it is written (storage-pod's range hand-off); once they serve it, the shard map gives it
 * to them.
 *
 * @param source the shard that owns the range now
 * @param target the new shard, beyond the shard map
 * @param moving the range it receives: the upper part of the source's
 */
public record ShardSplit(int source, int target, HashRange moving) {

    /**
     * The splits of this round: each shard beyond the map receives half of a mapped shard's range,
     * the largest ranges first. A table raised past twice its mapped shards grows in rounds: the
     * rest wait for the next round, once the first ones are in the map.
     */
    public static List<ShardSplit> plan(ShardAssignment assignment, int shards) {
        return plan(assignment, shards, List.of());
    }

    /**
     * {@link #plan(ShardAssignment, int)} around the splits already {@code started}: their targets
     * and sources keep them, and the rest are paired as above.
     */
    public static List<ShardSplit> plan(ShardAssignment assignment, int shards, List<ShardSplit> started) {
        java.util.Set<Integer> busy = new java.util.HashSet<>();
        started.forEach(split -> {
            busy.add(split.source());
            busy.add(split.target());
        });
        List<Integer> targets = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            if (!assignment.ranges().containsKey(shard) && !busy.contains(shard)) {
                targets.add(shard);
            }
        }
        List<Map.Entry<Integer, HashRange>> sources = assignment.ranges().entrySet().stream()
                .filter(e -> !busy.contains(e.getKey()))
                .filter(e -> e.getValue().first() != e.getValue().last())
                .sorted(Comparator.comparing(
                                (Map.Entry<Integer, HashRange> e) ->
                                        e.getValue().span(),
                                Long::compareUnsigned)
                        .reversed()
                        .thenComparing(Map.Entry::getKey))
                .toList();
        List<ShardSplit> splits = new ArrayList<>(started);
        for (int i = 0; i < Math.min(targets.size(), sources.size()); i++) {
            HashRange range = sources.get(i).getValue();
            long middle = range.first() + ((range.last() - range.first()) >>> 1);
            splits.add(
                    new ShardSplit(sources.get(i).getKey(), targets.get(i), new HashRange(middle + 1, range.last())));
        }
        return splits;
    }

    /**
     * The splits a table with {@code autoSplit} starts by itself: each shard of the map whose data
     * is past the policy's size ({@code bytes}, by shard; the heaviest first, as many as
     * {@code maxShards} leaves room for) hands the part of its range after its items' median
     * partition hash ({@code medians}, of a shard and its range) to a new shard, numbered from
     * {@code shards} on. DynamoDB splits a partition so, at its median key rather than in the
     * middle, so a skewed table ends up with halves of equal weight. A shard whose items share one
     * partition key has no median and stays whole: an item collection never splits.
     */
    public static List<ShardSplit> bySize(
            ShardAssignment assignment,
            int shards,
            AutoSplitPolicy policy,
            Map<Integer, Long> bytes,
            java.util.function.BiFunction<Integer, HashRange, java.util.OptionalLong> medians) {
        List<ShardSplit> splits = new ArrayList<>();
        int target = shards;
        for (int source : policy.due(bytes, shards)) {
            HashRange range = assignment.ranges().get(source);
            if (range == null) {
                continue;
            }
            java.util.OptionalLong median = medians.apply(source, range);
            if (median.isEmpty() || !range.contains(median.getAsLong()) || median.getAsLong() == range.last()) {
                continue;
            }
            splits.add(new ShardSplit(source, target++, new HashRange(median.getAsLong() + 1, range.last())));
        }
        return splits;
    }

    /**
     * The splits a table's new shards were started to receive and do not serve yet: each new
     * shard's StatefulSet says what range its pods receive, and the mapped shard holding that range
     * is its source. They go on whatever the plan would say now (a plan made after another split
     * ended could pair them otherwise).
     */
    public static List<ShardSplit> started(ShardAssignment assignment, Map<Integer, ShardGiven> given) {
        List<ShardSplit> started = new ArrayList<>();
        given.forEach((target, handed) -> {
            if (assignment.ranges().containsKey(target) || handed.receiveRange() == null) {
                return;
            }
            HashRange moving;
            try {
                moving = HashRange.parse(handed.receiveRange());
            } catch (IllegalArgumentException e) {
                return;
            }
            assignment.ranges().forEach((source, range) -> {
                if (range.contains(moving.first())
                        && range.contains(moving.last())
                        && range.last() == moving.last()
                        && range.first() != moving.first()) {
                    started.add(new ShardSplit(source, target, moving));
                }
            });
        });
        return started;
    }

    /** The range the source keeps: the lower half. */
    public HashRange kept(HashRange sourceRange) {
        return new HashRange(sourceRange.first(), moving.first() - 1);
    }
}
