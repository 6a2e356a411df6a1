package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubedyn.core.HashRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which shard hands which range to which new shard when a table grows, and what the map becomes. */
class ShardSplitTest {

    @Test
    void twoShardsRaisedToFourHandTheUpperHalfOfEachRangeToANewShard() {
        ShardAssignment two = ShardAssignment.evenlySplit(2);
        List<ShardSplit> splits = ShardSplit.plan(two, 4);
        assertThat(splits)
                .containsExactly(
                        new ShardSplit(0, 2, new HashRange(0x4000000000000000L, 0x7fffffffffffffffL)),
                        new ShardSplit(1, 3, new HashRange(0xc000000000000000L, -1L)));
        ShardAssignment four = two.after(splits.get(0)).after(splits.get(1));
        assertThat(four.coversHashSpace()).isTrue();
        assertThat(four.ranges())
                .containsEntry(0, new HashRange(0L, 0x3fffffffffffffffL))
                .containsEntry(2, new HashRange(0x4000000000000000L, 0x7fffffffffffffffL))
                .containsEntry(1, new HashRange(0x8000000000000000L, 0xbfffffffffffffffL))
                .containsEntry(3, new HashRange(0xc000000000000000L, -1L));
        assertThat(ShardSplit.plan(four, 4)).isEmpty();
    }

    @Test
    void oneShardRaisedToFourGrowsInRoundsLargestRangesFirst() {
        ShardAssignment one = ShardAssignment.evenlySplit(1);
        List<ShardSplit> first = ShardSplit.plan(one, 4);
        assertThat(first).singleElement().isEqualTo(new ShardSplit(0, 1, new HashRange(0x8000000000000000L, -1L)));
        ShardAssignment two = one.after(first.get(0));
        assertThat(ShardSplit.plan(two, 4))
                .extracting(ShardSplit::source, ShardSplit::target)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 2), org.assertj.core.groups.Tuple.tuple(1, 3));
    }

    @Test
    void aSplitUnderWayKeepsItsSourceWhenAnotherEndsFirst() {
        ShardAssignment three = new ShardAssignment(java.util.Map.of(
                0, new HashRange(0L, 0x7fffffffffffffffL),
                1, new HashRange(0x8000000000000000L, 0xbfffffffffffffffL),
                2, new HashRange(0xc000000000000000L, -1L)));
        List<ShardSplit> round = ShardSplit.plan(three, 5);
        assertThat(round)
                .extracting(ShardSplit::source, ShardSplit::target)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 3), org.assertj.core.groups.Tuple.tuple(1, 4));
        ShardAssignment afterFirst = three.after(round.get(0));
        // Every range is a quarter now: planned afresh, shard 4 would be paired with shard 0.
        assertThat(ShardSplit.plan(afterFirst, 5))
                .singleElement()
                .satisfies(split -> assertThat(split.source()).isEqualTo(0));
        // Its StatefulSet says what it receives: that split goes on, from shard 1.
        var given = java.util.Map.of(
                4,
                new ShardGiven(
                        "none",
                        round.get(1).moving().toString(),
                        "music-shard-1.prod.svc.cluster.local:9090",
                        "0",
                        null,
                        null));
        List<ShardSplit> started = ShardSplit.started(afterFirst, given);
        assertThat(started).containsExactly(round.get(1));
        assertThat(ShardSplit.plan(afterFirst, 5, started)).containsExactly(round.get(1));
    }

    @Test
    void aShardPastItsAutoSplitSizeHandsWhatLiesAfterItsMedianToTheNextShard() {
        ShardAssignment two = ShardAssignment.evenlySplit(2);
        AutoSplitPolicy policy = new AutoSplitPolicy(1_000_000, "1M", 4);
        long median = 0x1234000000000000L; // a skewed shard: most of its items low in its range
        List<ShardSplit> splits = ShardSplit.bySize(
                two,
                2,
                policy,
                java.util.Map.of(0, 3_000_000L, 1, 400_000L),
                (shard, range) -> shard == 0 ? java.util.OptionalLong.of(median) : java.util.OptionalLong.empty());
        assertThat(splits).containsExactly(new ShardSplit(0, 2, new HashRange(median + 1, 0x7fffffffffffffffL)));
        // Its StatefulSet says what it receives, and the split goes on from there like any other.
        var given = java.util.Map.of(
                2,
                new ShardGiven(
                        "none",
                        splits.get(0).moving().toString(),
                        "music-shard-0.prod.svc.cluster.local:9090",
                        "0",
                        null,
                        null));
        assertThat(ShardSplit.started(two, given)).containsExactly(splits.get(0));
        assertThat(two.after(splits.get(0)).ranges()).containsEntry(0, new HashRange(0L, median));
    }

    @Test
    void autoSplitTakesTheHeaviestShardsFirstUpToMaxShardsAndLeavesOnePartitionKeyWhole() {
        ShardAssignment four = ShardAssignment.evenlySplit(4);
        AutoSplitPolicy policy = new AutoSplitPolicy(100, "100", 6);
        java.util.Map<Integer, Long> bytes = java.util.Map.of(0, 150L, 1, 900L, 2, 100L, 3, 400L);
        assertThat(policy.due(bytes, 4))
                .as("past 100 bytes, heaviest first, room for two")
                .containsExactly(1, 3);
        assertThat(policy.due(bytes, 6)).as("at maxShards").isEmpty();
        // Shard 1's items are all under one partition key: no median, it stays whole, and shard
        // 3 is the one split now.
        List<ShardSplit> splits = ShardSplit.bySize(
                four,
                4,
                policy,
                bytes,
                (shard, range) ->
                        shard == 1 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(range.first() + 10));
        assertThat(splits)
                .extracting(ShardSplit::source, ShardSplit::target)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3, 4));
    }
}
