package io.kubedyn.gateway.cluster;

import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ShardMap;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableDefinitions;
import io.kubedyn.crd.TableStatus;
import io.quarkus.logging.Log;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Shard maps as the operator publishes them: per table, the map in the {@code Table}'s
 * {@code status.shardMap} (hash ranges to the shard Services' DNS names and gRPC port), read
 * from the informer cache of {@link KubernetesTables} (one informer serves routing and DDL). A
 * table is routable once the operator has reported it Ready, and stays so while Degraded (only
 * the down shards' ranges fail, retryably). Before that (the operator publishes the map as soon
 * as it assigns the ranges, while the pods still start), without a complete map, or while being
 * deleted, it is not routable and reads as not found, as DynamoDB answers for a table that is
 * not ACTIVE. Tables are keyed by their DynamoDB name ({@link io.kubedyn.crd.TableNames#of}).
 */
public final class KubernetesShardMaps implements ShardMapSource {
    private final KubernetesTables tables;
    /**
     * Each table's map as parsed from the cached resource it came from. The informer replaces a
     * cached object on every change and never edits one, so the same object means the same map:
     * a status is parsed (and a bad one logged) once per change, not once per request.
     */
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    private record Parsed(Table resource, Optional<ShardMap> map, AtomicReference<TableDefinition> mapped) {
        static Parsed of(Table resource, Optional<ShardMap> map) {
            return new Parsed(resource, map, new AtomicReference<>());
        }

        /** The table's definition, mapped from the resource on first use (routing alone needs none). */
        TableDefinition definition() {
            TableDefinition definition = mapped.get();
            if (definition == null) {
                definition = TableDefinitions.of(resource);
                mapped.set(definition);
            }
            return definition;
        }
    }

    public KubernetesShardMaps(KubernetesTables tables) {
        this.tables = tables;
    }

    /** The table's map, or empty when it has no Table, no complete map, or is being deleted. */
    Optional<ShardMap> routable(String name) {
        return parsed(name).flatMap(Parsed::map);
    }

    /**
     * The definition item requests on a routable table are validated against, mapped once per
     * change of its cached resource; empty when the table is not routable.
     */
    Optional<TableDefinition> servedDefinition(String name) {
        return parsed(name).filter(p -> p.map().isPresent()).map(Parsed::definition);
    }

    private Optional<Parsed> parsed(String name) {
        Optional<Table> resource = tables.cached(name).filter(t -> !KubernetesTables.deleting(t));
        if (resource.isEmpty()) {
            parsed.remove(name);
            return Optional.empty();
        }
        Parsed entry = parsed.get(name);
        if (entry == null || entry.resource() != resource.get()) {
            Optional<ShardMap> map = shardMapOf(resource.get());
            if (map.isEmpty()
                    && entry != null
                    && entry.map().isPresent()
                    && statusLost(entry.resource(), entry.map().get(), resource.get())) {
                map = entry.map();
            }
            entry = Parsed.of(resource.get(), map);
            parsed.put(name, entry);
        }
        return Optional.of(entry);
    }

    /**
     * Whether the same Table (same uid) lost the status it was served by rather than changed
     * what it says: no status, or one being rebuilt by the operator (no phase yet, or
     * Provisioning) that publishes no map or the same ranges again. A restore from a backup of
     * the resources drops status; the shards still hold their ranges, so the table is served by
     * its last map meanwhile instead of answering "not found" until the operator republishes.
     */
    private static boolean statusLost(Table before, ShardMap servedBy, Table after) {
        if (!java.util.Objects.equals(
                before.getMetadata().getUid(), after.getMetadata().getUid())) {
            return false;
        }
        TableStatus status = after.getStatus();
        if (status == null) {
            return true;
        }
        boolean rebuilding = status.getPhase() == null || TableStatus.PHASE_PROVISIONING.equals(status.getPhase());
        Optional<ShardMap> republished = published(after);
        return rebuilding && (republished.isEmpty() || republished.get().equals(servedBy));
    }

    /**
     * The routable map of a {@code Table}'s status, or empty when the table has not been
     * Ready yet, or its status has no map or one that does not cover the hash space exactly
     * once (never route by a partial map).
     */
    public static Optional<ShardMap> shardMapOf(Table table) {
        if (table.getStatus() == null || !serving(table.getStatus().getPhase())) {
            return Optional.empty();
        }
        return published(table);
    }

    /** The complete map the status publishes, whatever the phase; empty when there is none. */
    private static Optional<ShardMap> published(Table table) {
        if (table.getStatus() == null
                || table.getStatus().getShardMap() == null
                || table.getStatus().getShardMap().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ShardRange.toShardMap(table.getStatus().getShardMap()));
        } catch (RuntimeException e) {
            Log.warnf(
                    "Table %s: status.shardMap is not usable (%s); not routing to it",
                    table.getMetadata().getName(), e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean serving(String phase) {
        return TableStatus.PHASE_READY.equals(phase) || TableStatus.PHASE_DEGRADED.equals(phase);
    }

    @Override
    public ShardMap forTable(String table) {
        return routable(table).orElseThrow(() -> DynamoDbException.tableNotFound(table));
    }

    @Override
    public Set<String> allAddresses() {
        Set<String> all = new LinkedHashSet<>();
        Set<String> names = new HashSet<>();
        for (String name : tables.cachedNames()) {
            names.add(name);
            routable(name).ifPresent(map -> all.addAll(map.addresses()));
        }
        parsed.keySet().retainAll(names); // forget tables deleted since they were last routed to
        return all;
    }
}
