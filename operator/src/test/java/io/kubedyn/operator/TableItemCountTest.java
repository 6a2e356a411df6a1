package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a shard's item count from the metrics its storage pod exports. */
class TableItemCountTest {

    @Test
    void theGaugeIsFoundAmongTheOtherMetrics() {
        String metrics = """
        # HELP kubedyn_table_items RocksDB's estimate of the items in the pod's tables
        # TYPE kubedyn_table_items gauge
        kubedyn_table_items 1234.0
        # TYPE kubedyn_rocksdb_estimate_num_keys gauge
        kubedyn_rocksdb_estimate_num_keys 1240.0
        """;
        assertThat(TableItemCount.parse(metrics)).hasValue(1234);
    }

    @Test
    void noGaugeOrNoValueIsNoCount() {
        assertThat(TableItemCount.parse("kubedyn_rocksdb_estimate_num_keys 3.0\n"))
                .isEmpty();
        assertThat(TableItemCount.parse("kubedyn_table_items NaN\n")).isEmpty();
    }

    @Test
    void aShardThatCannotBeReachedLeavesTheCountUnknownRatherThanShort() {
        assertThat(TableItemCount.of(List.of("no-such-shard.invalid"))).isEmpty();
    }
}
