package io.kubedyn.storage.pod;

import io.kubedyn.storage.CacheUse;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pod's Prometheus metrics, kept beside the request path rather than inside it:
 * {@code kubedyn_storage_requests_seconds{operation, outcome}} (count and latency per gRPC
 * operation), a few RocksDB figures summed over all tables, and {@code kubedyn_table_items}, the
 * estimated item count of the pod's tables; for a replica of a replicated shard, its Raft
 * group's applied index, whether it leads and how many replicas vote
 * ({@code kubedyn_raft_applied_index}, {@code kubedyn_raft_leader}, {@code kubedyn_raft_voters}).
 */
@ApplicationScoped
public class StorageMetrics {
    private static final List<String> ROCKSDB_PROPERTIES = List.of(
            "rocksdb.estimate-num-keys",
            "rocksdb.cur-size-all-mem-tables",
            "rocksdb.estimate-live-data-size",
            "rocksdb.num-running-compactions",
            "rocksdb.num-running-flushes");

    /** The items gauge, {@code kubedyn_table_items} in Prometheus' text. */
    public static final String ITEMS = "kubedyn.table.items";

    private final MeterRegistry registry;
    private final StoreLifecycle lifecycle;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    StorageMetrics(MeterRegistry registry, StoreLifecycle lifecycle) {
        this.registry = registry;
        this.lifecycle = lifecycle;
    }

    void registerRocksDbGauges(@Observes StartupEvent event) {
        for (String property : ROCKSDB_PROPERTIES) {
            Gauge.builder(
                            "kubedyn.rocksdb."
                                    + property.substring("rocksdb.".length()).replace('-', '.'),
                            this,
                            m -> m.property(property))
                    .description("RocksDB " + property + ", summed over all tables")
                    .register(registry);
        }
        Gauge.builder("kubedyn.rocksdb.block.cache.usage", this, m -> m.cache(CacheUse::usageBytes))
                .description("Bytes in RocksDB's block cache, every table's memtables included: the pod's RocksDB"
                        + " memory outside the JVM's heap")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("kubedyn.rocksdb.block.cache.capacity", this, m -> m.cache(CacheUse::capacityBytes))
                .description("The block cache's capacity: a quarter of the container's memory limit")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder(ITEMS, this, StorageMetrics::items)
                .description("RocksDB's estimate of the items in the pod's tables (what the operator reports in a "
                        + "Table's status.itemCount, summed over its shards)")
                .register(registry);
        Gauge.builder("kubedyn.raft.applied.index", this, m -> m.raft(ShardReplica::appliedIndex))
                .description("A replicated shard's replica: the last entry of its Raft group's log it has applied"
                        + " (NaN when the shard is not replicated)")
                .register(registry);
        Gauge.builder("kubedyn.raft.log.start.index", this, m -> m.raft(ShardReplica::logStartIndex))
                .description("A replicated shard's replica: the first entry its log still holds (those before are"
                        + " in its snapshot)")
                .register(registry);
        Gauge.builder("kubedyn.raft.leader", this, m -> m.raft(r -> r.isLeader() ? 1 : 0))
                .description("A replicated shard's replica: 1 while it leads its Raft group, else 0")
                .register(registry);
        Gauge.builder("kubedyn.raft.voters", this, m -> m.raft(r -> r.voters().size()))
                .description("A replicated shard's replica: how many replicas vote in its Raft group, as its"
                        + " configuration has it (0 while a change of members is under way)")
                .register(registry);
    }

    private double raft(java.util.function.ToLongFunction<ShardReplica> figure) {
        return lifecycle.replica().map(r -> (double) figure.applyAsLong(r)).orElse(Double.NaN);
    }

    private double items() {
        try {
            return lifecycle.withStore(store -> (double) store.tableNames().stream()
                    .flatMap(name -> store.describeTable(name).stream())
                    .mapToLong(store::estimatedItemCount)
                    .sum());
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private double property(String property) {
        try {
            return lifecycle.withStore(store -> (double) store.aggregatedProperty(property));
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private double cache(java.util.function.ToLongFunction<CacheUse> figure) {
        try {
            return lifecycle.withStore(store -> (double) figure.applyAsLong(store.blockCache()));
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Records one request's duration under its operation and outcome. */
    public void record(String operation, String outcome, long nanos) {
        timers.computeIfAbsent(
                        operation + '/' + outcome,
                        k -> Timer.builder("kubedyn.storage.requests")
                                .description("storage pod gRPC requests")
                                .tag("operation", operation)
                                .tag("outcome", outcome)
                                .register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
