package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubedyn.core.HashRange;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.Table;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Which shard owns which range of the 64-bit partition-key hash space: the entries the operator
 * publishes as {@code status.shardMap} and hands each shard's pods as their owned ranges. (Not
 * core's {@code ShardMap}, which is the gateway's routing table from ranges to addresses.) The
 * first assignment cuts the space into contiguous ranges of sizes differing by at most one hash,
 * exactly as a Scan's segments are cut ({@link HashRange#segment}); bounds are inclusive and
 * written as {@link HashRange#formatBound} writes them.
 *
 * <p>An assignment is durable: a key's shard is where its data is, and the pods persist the
 * range they were first given and refuse another. So once shards exist, what their StatefulSets
 * hand their pods is the record of the assignment, and the published status is only a copy of
 * it (a status can be lost: restoring resources from a backup drops it).
 *
 * @param ranges shard number to the range it owns; a shard that owns nothing is absent
 */
public record ShardAssignment(Map<Integer, HashRange> ranges) {

    /** The owned-ranges value of a shard that owns no hash (provisioned beyond the map). */
    public static final String NONE = "none";

    public ShardAssignment {
        ranges = Collections.unmodifiableMap(new TreeMap<>(ranges));
    }

    /** The first assignment of a table: {@code shards} equal ranges in shard order. */
    public static ShardAssignment evenlySplit(int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("a table needs at least one shard, got " + shards);
        }
        Map<Integer, HashRange> ranges = new TreeMap<>();
        for (int shard = 0; shard < shards; shard++) {
            ranges.put(shard, HashRange.segment(shard, shards));
        }
        return new ShardAssignment(ranges);
    }

    public static List<ShardRange> evenlySplit(int shards, IntFunction<String> serviceOfShard) {
        return evenlySplit(shards).shardMap(serviceOfShard);
    }

    /** The assignment published in a Table's status; empty when none is. */
    public static ShardAssignment published(Table table) {
        Map<Integer, HashRange> ranges = new TreeMap<>();
        List<ShardRange> map =
                table.getStatus() == null ? null : table.getStatus().getShardMap();
        for (ShardRange entry : map == null ? List.<ShardRange>of() : map) {
            if (entry.getShard() != null) {
                ranges.put(entry.getShard(), rangeOf(entry));
            }
        }
        return new ShardAssignment(ranges);
    }

    /**
     * What the existing shard StatefulSets record their pods own, by shard number: their
     * {@value ShardStatefulSet#OWNED_RANGES_ANNOTATION} annotation (kept current through splits),
     * else, on StatefulSets made before it, what they hand their storage container as
     * {@value ShardStatefulSet#OWNED_RANGES_ENV}.
     */
    public static Map<Integer, String> handedOut(Collection<StatefulSet> statefulSets) {
        Map<Integer, String> handedOut = new TreeMap<>();
        for (StatefulSet statefulSet : statefulSets) {
            ShardStatefulSet.shardOf(statefulSet)
                    .ifPresent(shard -> ShardStatefulSet.ownedRangesOf(statefulSet)
                            .ifPresent(value -> handedOut.put(shard, value.trim())));
        }
        return handedOut;
    }

    /**
     * The assignment a Table's shards work by, and the conflicts that forbid publishing it.
     *
     * <p>In order: what the StatefulSets hand out, when their ranges cover the hash space (the
     * durable record: it survives a lost status); else the published map; else, for a new table,
     * the even split of {@code spec.shards}. Whichever it is must give every shard whose
     * StatefulSet exists exactly the range that StatefulSet has (or nothing, for {@code none}):
     * a range moved away from the shard holding its data would route keys to a shard without
     * them, and the shard's pods would refuse to start with it anyway.
     */
    public static Decision inEffect(Table table, Collection<StatefulSet> statefulSets) {
        Map<Integer, String> handedOut = handedOut(statefulSets);
        List<String> conflicts = new ArrayList<>();
        Map<Integer, HashRange> recorded = new TreeMap<>();
        handedOut.forEach((shard, value) -> {
            if (NONE.equals(value)) {
                return;
            }
            try {
                recorded.put(shard, HashRange.parse(value));
            } catch (IllegalArgumentException e) {
                conflicts.add("StatefulSet " + ShardIdentity.of(table, shard).name() + " hands its pods "
                        + ShardStatefulSet.OWNED_RANGES_ENV + "=" + value + ", which is not a hash range");
            }
        });
        ShardAssignment fromStatefulSets = new ShardAssignment(recorded);
        ShardAssignment published = published(table);
        ShardAssignment chosen;
        if (fromStatefulSets.coversHashSpace()) {
            chosen = fromStatefulSets;
        } else if (!published.ranges().isEmpty()) {
            chosen = published;
        } else {
            Integer shards = table.getSpec().getShards();
            chosen = evenlySplit(shards == null || shards < 1 ? 1 : shards);
        }
        handedOut.forEach((shard, value) -> {
            boolean agrees = NONE.equals(value)
                    ? !chosen.ranges().containsKey(shard)
                    : !recorded.containsKey(shard) // not a range: reported above
                            || recorded.get(shard).equals(chosen.ranges().get(shard));
            if (!agrees) {
                conflicts.add("StatefulSet " + ShardIdentity.of(table, shard).name() + " hands its pods "
                        + value + " but the shard map would give shard " + shard + " "
                        + chosen.ownedRanges(shard));
            }
        });
        if (!chosen.coversHashSpace()) {
            conflicts.add("the shard map " + chosen.ranges() + " does not cover the hash space once");
        }
        return new Decision(chosen, conflicts);
    }

    /**
     * @param conflicts why the assignment cannot be published, each a sentence; empty when it can
     */
    public record Decision(ShardAssignment assignment, List<String> conflicts) {}

    /** Whether the ranges, in hash order, run from 0 to 2^64 - 1 without gap or overlap. */
    public boolean coversHashSpace() {
        List<HashRange> sorted = ranges.values().stream()
                .sorted(Comparator.comparing(HashRange::first, Long::compareUnsigned))
                .toList();
        long next = 0;
        for (int i = 0; i < sorted.size(); i++) {
            HashRange range = sorted.get(i);
            if (range.first() != next) {
                return false;
            }
            if (range.last() == -1L) {
                return i == sorted.size() - 1;
            }
            next = range.last() + 1;
        }
        return false;
    }

    /** The assignment once {@code split} is done: its source keeps the lower half, its target owns the rest. */
    public ShardAssignment after(ShardSplit split) {
        Map<Integer, HashRange> after = new TreeMap<>(ranges);
        after.put(split.source(), split.kept(ranges.get(split.source())));
        after.put(split.target(), split.moving());
        return new ShardAssignment(after);
    }

    /** Shards that own a range, in order. */
    public List<Integer> shards() {
        return List.copyOf(ranges.keySet());
    }

    /**
     * What a shard's storage pods own, in the form of their {@code kubedyn.storage.owned-ranges}
     * setting: its range's inclusive bounds ({@code 0x...-0x...}), or {@code none} for a shard
     * provisioned beyond the map, which owns no hash yet.
     */
    public String ownedRanges(int shard) {
        return Optional.ofNullable(ranges.get(shard)).map(HashRange::toString).orElse(NONE);
    }

    /** The assignment as {@code status.shardMap} publishes it. */
    public List<ShardRange> shardMap(IntFunction<String> serviceOfShard) {
        List<ShardRange> map = new ArrayList<>(ranges.size());
        ranges.forEach((shard, range) -> map.add(new ShardRange(
                shard,
                HashRange.formatBound(range.first()),
                HashRange.formatBound(range.last()),
                serviceOfShard.apply(shard),
                ShardIdentity.GRPC_PORT)));
        return map;
    }

    /** The hash range of a shard-map entry, its bounds parsed as every bound is. */
    public static HashRange rangeOf(ShardRange entry) {
        return new HashRange(HashRange.parseBound(entry.getFirstHash()), HashRange.parseBound(entry.getLastHash()));
    }
}
