package io.kubedyn.operator;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A table's approximate item count, as DynamoDB's DescribeTable reports one: the sum over its
 * shards of the {@code kubedyn_table_items} gauge each storage pod exports with its metrics
 * (RocksDB's estimate), read from its metrics ({@link PodMetrics}).
 */
final class TableItemCount {
    static final String GAUGE = "kubedyn_table_items";

    private TableItemCount() {}

    /**
     * The items of the shards reached at {@code hosts} (one per shard), or empty when one of them
     * cannot say: a partial sum would read as items lost.
     */
    static OptionalLong of(List<String> hosts) {
        long sum = 0;
        for (String host : hosts) {
            OptionalLong items = itemsAt(host);
            if (items.isEmpty()) {
                return OptionalLong.empty();
            }
            sum += items.getAsLong();
        }
        return OptionalLong.of(sum);
    }

    private static OptionalLong itemsAt(String host) {
        return PodMetrics.read(host).map(TableItemCount::parse).orElse(OptionalLong.empty());
    }

    /** The gauge's value in a Prometheus text exposition, or empty when it is absent, NaN or negative. */
    static OptionalLong parse(String metrics) {
        OptionalDouble items = PodMetrics.gauge(metrics, GAUGE);
        return items.isPresent() && items.getAsDouble() >= 0
                ? OptionalLong.of((long) items.getAsDouble())
                : OptionalLong.empty();
    }
}
