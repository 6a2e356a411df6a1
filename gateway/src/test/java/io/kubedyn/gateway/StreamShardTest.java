package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubedyn.core.HashRange;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.storage.ChangePage;
import io.kubedyn.storage.StreamEpoch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A table's stream shards and their lineage, from what each storage shard's log says of its splits. */
class StreamShardTest {
    private static final TableDefinition TABLE = new TableDefinition(
            "Games",
            "6f1c7a52-0000-4000-8000-000000000001",
            KeySchema.of(new KeyAttribute("id", ScalarType.S), null),
            Map.of("id", ScalarType.S),
            "PAY_PER_REQUEST",
            0,
            0,
            0L,
            false,
            null,
            null,
            List.of());
    private static final HashRange WHOLE = new HashRange(0L, -1L);
    private static final HashRange LOWER = new HashRange(0L, 0x7fffffffffffffffL);
    private static final HashRange UPPER = new HashRange(0x8000000000000000L, -1L);
    private static final HashRange LOWEST = new HashRange(0L, 0x3fffffffffffffffL);
    private static final HashRange SECOND = new HashRange(0x4000000000000000L, 0x7fffffffffffffffL);

    private static ChangePage log(List<StreamEpoch> closed, HashRange... owned) {
        return new ChangePage(List.of(), 1, 0, 0).withEpochs(closed).withOwned(List.of(owned));
    }

    @Test
    void aShardThatNeverSplitIsOneOpenStreamShardWithoutParent() {
        List<StreamShard> shards =
                StreamShard.lineage(StreamShard.of(TABLE, "local", WHOLE, new ChangePage(List.of(), 1, 0, 0)));
        assertThat(shards).singleElement().satisfies(shard -> {
            assertThat(shard.closed()).isFalse();
            assertThat(shard.parentId()).isNull();
            assertThat(shard.after()).isZero();
            assertThat(shard.id()).matches("shardId-\\d{20}-[0-9a-f]{8}").hasSizeBetween(28, 65);
        });
    }

    @Test
    void aSplitClosesTheParentAndOpensAChildOnEachSideTwice() {
        List<StreamShard> all = new ArrayList<>();
        // Shard 0 owned everything, handed the upper half to shard 1 at 100, then the second
        // quarter to shard 2 at 250.
        all.addAll(StreamShard.of(
                TABLE,
                "shard-0",
                WHOLE,
                log(List.of(new StreamEpoch(List.of(WHOLE), 100), new StreamEpoch(List.of(LOWER), 250)), LOWEST)));
        all.addAll(StreamShard.of(TABLE, "shard-1", UPPER, log(List.of(), UPPER)));
        all.addAll(StreamShard.of(TABLE, "shard-2", SECOND, log(List.of(), SECOND)));

        List<StreamShard> shards = StreamShard.lineage(all);
        assertThat(shards)
                .extracting(StreamShard::ranges)
                .containsExactly(List.of(WHOLE), List.of(LOWER), List.of(LOWEST), List.of(SECOND), List.of(UPPER));
        StreamShard root = shards.get(0);
        StreamShard lower = shards.get(1);
        assertThat(root.closed()).isTrue();
        assertThat(root.through()).isEqualTo(100);
        assertThat(root.parentId()).isNull();
        assertThat(lower.after()).isEqualTo(100);
        assertThat(lower.through()).isEqualTo(250);
        assertThat(lower.parentId()).isEqualTo(root.id());
        assertThat(shards.get(4).parentId()).as("the upper half").isEqualTo(root.id());
        assertThat(shards.get(2).parentId()).as("the lowest quarter, kept").isEqualTo(lower.id());
        assertThat(shards.get(2).after()).isEqualTo(250);
        assertThat(shards.get(3).parentId())
                .as("the second quarter, handed off")
                .isEqualTo(lower.id());
        assertThat(shards.get(3).after())
                .as("the new shard's log holds only its own records")
                .isZero();
        assertThat(shards).extracting(StreamShard::id).doesNotHaveDuplicates();
        assertThat(shards.stream().filter(StreamShard::closed)).hasSize(2);
    }

    @Test
    void aStretchClosedByASealThatDidNotTakeGoesOnAsTheOpenShard() {
        // The store recorded the end of its stretch, then stopped before giving the range up: it
        // owns the whole range still, and its records after 100 are the same shard's.
        List<StreamShard> shards = StreamShard.lineage(StreamShard.of(
                TABLE, "shard-0", WHOLE, log(List.of(new StreamEpoch(List.of(WHOLE), 100)), WHOLE)));
        assertThat(shards).singleElement().satisfies(shard -> {
            assertThat(shard.closed()).isFalse();
            assertThat(shard.after()).isZero();
        });
    }
}
