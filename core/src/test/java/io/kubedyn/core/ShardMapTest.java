package io.kubedyn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardMapTest {
    private final ShardMap three = ShardMap.equalRanges(List.of("a:1", "b:1", "c:1"));

    @Test
    void everyHashHasExactlyTheShardWhoseRangeHoldsIt() {
        for (long hash : new long[] {
            0,
            1,
            Long.MAX_VALUE,
            Long.MIN_VALUE,
            -1L,
            HashRange.segment(1, 3).first(),
            HashRange.segment(1, 3).last(),
            HashRange.segment(2, 3).first()
        }) {
            ShardMap.Shard shard = three.shardFor(hash);
            assertThat(shard.range().contains(hash)).isTrue();
            assertThat(three.shards().stream().filter(s -> s.range().contains(hash)))
                    .containsExactly(shard);
        }
    }

    @Test
    void aScanSegmentMapsToTheShardsItOverlapsNarrowedToTheOverlap() {
        List<ShardMap.Shard> whole = three.shardsFor(HashRange.all());
        assertThat(whole).isEqualTo(three.shards());
        List<ShardMap.Shard> firstHalf = three.shardsFor(HashRange.segment(0, 2));
        assertThat(firstHalf).extracting(ShardMap.Shard::address).containsExactly("a:1", "b:1");
        assertThat(firstHalf.get(1).range())
                .isEqualTo(new HashRange(HashRange.segment(1, 3).first(), Long.MAX_VALUE));
        assertThat(three.shardsFor(HashRange.segment(5, 6)))
                .extracting(ShardMap.Shard::address)
                .containsExactly("c:1");
    }

    @Test
    void rangesMustCoverTheHashSpaceInOrder() {
        assertThatThrownBy(() -> new ShardMap(List.of(new ShardMap.Shard(new HashRange(1, -1L), "a"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ShardMap(List.of(new ShardMap.Shard(new HashRange(0, 5), "a"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ShardMap.equalRanges(List.of("only")).shards()).hasSize(1);
    }
}
