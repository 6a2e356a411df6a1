package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.HashRange;
import io.kubedyn.crd.ShardRange;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardAssignmentTest {

    private static final BigInteger HASH_SPACE = BigInteger.ONE.shiftLeft(64);

    private static BigInteger parse(String hash) {
        assertThat(hash).matches("0x[0-9a-f]{16}");
        return new BigInteger(hash.substring(2), 16);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 10, 1024})
    void rangesCoverEveryHashExactlyOnceInShardOrder(int shards) {
        List<ShardRange> map = ShardAssignment.evenlySplit(shards, shard -> "s" + shard);

        assertThat(map).hasSize(shards);
        BigInteger next = BigInteger.ZERO;
        BigInteger smallest = HASH_SPACE;
        BigInteger largest = BigInteger.ZERO;
        for (int i = 0; i < shards; i++) {
            ShardRange range = map.get(i);
            assertThat(range.getShard()).isEqualTo(i);
            assertThat(range.getService()).isEqualTo("s" + i);
            assertThat(parse(range.getFirstHash())).isEqualTo(next);
            BigInteger last = parse(range.getLastHash());
            BigInteger size = last.subtract(next).add(BigInteger.ONE);
            smallest = smallest.min(size);
            largest = largest.max(size);
            next = last.add(BigInteger.ONE);
        }
        assertThat(next).isEqualTo(HASH_SPACE);
        assertThat(largest.subtract(smallest))
                .as("ranges are as even as integers allow")
                .isLessThanOrEqualTo(BigInteger.ONE);
    }

    @Test
    void oneShardOwnsTheWholeHashSpace() {
        ShardRange only = ShardAssignment.evenlySplit(1, shard -> "s").get(0);
        assertThat(only.getFirstHash()).isEqualTo("0x0000000000000000");
        assertThat(only.getLastHash()).isEqualTo("0xffffffffffffffff");
    }

    @Test
    void twoShardsSplitAtTheMiddleOfTheHashSpace() {
        List<ShardRange> map = ShardAssignment.evenlySplit(2, shard -> "s");
        assertThat(map.get(0).getLastHash()).isEqualTo("0x7fffffffffffffff");
        assertThat(map.get(1).getFirstHash()).isEqualTo("0x8000000000000000");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7})
    void shardRangesAreTheScanSegmentsOfTheSameCount(int shards) {
        // One rule for cutting the hash space, whether into shards or into a Scan's segments.
        List<ShardRange> map = ShardAssignment.evenlySplit(shards, shard -> "s" + shard);
        for (int i = 0; i < shards; i++) {
            assertThat(ShardAssignment.rangeOf(map.get(i))).isEqualTo(HashRange.segment(i, shards));
            assertThat(map.get(i).getFirstHash() + "-" + map.get(i).getLastHash())
                    .isEqualTo(HashRange.segment(i, shards).toString());
        }
    }

    @Test
    void zeroShardsIsRefused() {
        assertThatThrownBy(() -> ShardAssignment.evenlySplit(0, shard -> "s"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
