package io.kubedyn.gateway.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.ShardMap;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableStatus;
import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shard maps as the operator publishes them: an informer on the namespace's {@code Table}
 * resources keeps, per table, the map in {@code status.shardMap} (hash ranges to the shard
 * Services' DNS names and gRPC port). A table is routable once the operator has reported it
 * Ready (and stays so while Degraded: only the down shards' ranges fail, retryably). Before
 * that, while its pods start (the operator publishes the map as soon as it assigns the
 * ranges), or without a complete map, it is not routable and reads as not found, as DynamoDB
 * answers for a table that is not ACTIVE. The DynamoDB table name is the resource's
 * {@code metadata.name}.
 */
public final class KubernetesShardMaps implements ShardMapSource, AutoCloseable {
    private final Map<String, ShardMap> maps = new ConcurrentHashMap<>();
    private final SharedIndexInformer<Table> informer;

    public KubernetesShardMaps(KubernetesClient client, String namespace) {
        informer = client.resources(Table.class).inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Table table) {
                update(table);
            }

            @Override
            public void onUpdate(Table before, Table after) {
                update(after);
            }

            @Override
            public void onDelete(Table table, boolean finalStateUnknown) {
                maps.remove(table.getMetadata().getName());
            }
        });
    }

    private void update(Table table) {
        String name = table.getMetadata().getName();
        Optional<ShardMap> map = shardMapOf(table);
        if (map.isPresent()) {
            maps.put(name, map.get());
        } else {
            maps.remove(name);
        }
    }

    /**
     * The routable map of a {@code Table}'s status, or empty when the table has not been
     * Ready yet, or its status has no map or one that does not cover the hash space exactly
     * once (never route by a partial map).
     */
    public static Optional<ShardMap> shardMapOf(Table table) {
        if (table.getStatus() == null || table.getStatus().getShardMap() == null
                || table.getStatus().getShardMap().isEmpty() || !serving(table.getStatus().getPhase())) {
            return Optional.empty();
        }
        List<ShardMap.Shard> shards = new ArrayList<>();
        try {
            for (ShardRange range : table.getStatus().getShardMap()) {
                shards.add(new ShardMap.Shard(new HashRange(hash(range.getFirstHash()), hash(range.getLastHash())),
                        range.getService() + ":" + range.getPort()));
            }
            shards.sort(Comparator.comparing((ShardMap.Shard s) -> s.range().first(), Long::compareUnsigned));
            return Optional.of(new ShardMap(shards));
        } catch (RuntimeException e) {
            Log.warnf("Table %s: status.shardMap is not usable (%s); not routing to it",
                    table.getMetadata().getName(), e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean serving(String phase) {
        return TableStatus.PHASE_READY.equals(phase) || TableStatus.PHASE_DEGRADED.equals(phase);
    }

    private static long hash(String hex) {
        if (hex == null || !hex.startsWith("0x")) {
            throw new IllegalArgumentException("hash " + hex + " is not 0x followed by hex digits");
        }
        return Long.parseUnsignedLong(hex.substring(2), 16);
    }

    @Override
    public ShardMap forTable(String table) {
        ShardMap map = maps.get(table);
        if (map == null) {
            throw DynamoDbException.resourceNotFound("Requested resource not found: Table: " + table + " not found");
        }
        return map;
    }

    @Override
    public Set<String> allAddresses() {
        Set<String> all = new LinkedHashSet<>();
        maps.values().forEach(map -> all.addAll(map.addresses()));
        return all;
    }

    @Override
    public void close() {
        informer.close();
    }
}
