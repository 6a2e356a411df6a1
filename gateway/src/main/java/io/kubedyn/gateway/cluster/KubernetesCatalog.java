package io.kubedyn.gateway.cluster;

import io.kubedyn.core.ShardMap;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableDefinitions;
import io.kubedyn.gateway.TableCatalog;
import java.util.List;
import java.util.Optional;

/**
 * Tables as the namespace's {@code Table} resources say, read from the gateway's one informer
 * ({@link KubernetesTables}): no request here reaches a storage pod or, except DescribeTable of
 * a name the cache lacks, the API server. The operator and the pods create each table's stores
 * (under the resource's uid as table id) and report it Ready; only then is it served.
 *
 * <p>DescribeTable shows a Table CREATING until it is served, ACTIVE while it is (Ready or
 * Degraded, with a complete shard map), and DELETING from its deletion until the operator's
 * finalizer lets it go. A table being deleted is not found to item requests: DynamoDB "might
 * continue to accept" them, and its ResourceNotFoundException covers a table whose "status might
 * not be ACTIVE".
 */
public final class KubernetesCatalog implements TableCatalog {
    private final KubernetesTables resources;
    private final KubernetesShardMaps maps;

    public KubernetesCatalog(KubernetesTables resources) {
        this.resources = resources;
        this.maps = new KubernetesShardMaps(resources);
    }

    @Override
    public Optional<TableDefinition> table(String name) {
        return maps.servedDefinition(name);
    }

    @Override
    public Optional<TableDescription> describe(String name) {
        return resources.find(name).map(this::described);
    }

    private TableDescription described(Table resource) {
        TableDefinition table = TableDefinitions.of(resource);
        if (KubernetesTables.deleting(resource)) {
            return new TableDescription(table, "DELETING");
        }
        return new TableDescription(table, maps.routable(table.name()).isPresent() ? "ACTIVE" : "CREATING");
    }

    /** Every Table of the namespace, also those CREATING or DELETING, as DynamoDB lists them. */
    @Override
    public List<String> names() {
        return resources.cachedNames();
    }

    @Override
    public ShardMap shards(TableDefinition table) {
        return maps.forTable(table.name());
    }
}
