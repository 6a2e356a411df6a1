package io.kubedyn.gateway;

import io.kubedyn.core.ShardMap;
import io.kubedyn.gateway.cluster.KubernetesCatalog;
import io.kubedyn.gateway.cluster.KubernetesTables;
import io.kubedyn.gateway.cluster.RemoteStores;
import io.kubedyn.gateway.cluster.ShardMapSource;
import io.kubedyn.storage.PartitionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the DynamoDB operations run on: the catalog of tables, the control plane that creates and
 * deletes them, and the router to their stores. The three ways the gateway runs differ only in
 * how these are assembled; every operation's code is the same for all of them.
 *
 * <p>{@code localReads}: item calls are answered by a store in this process, so they need not
 * leave the event loop: reads come from memory and the page cache, never waiting on the network
 * or on a WAL sync, and item writes are decided there and synced by the store's group commit
 * (true only for the embedded server).
 *
 * <p>{@code notReady}: why the gateway cannot serve now (the gateway's readiness check), or empty.
 */
public record StoragePlane(
        TableCatalog catalog,
        ControlPlane controlPlane,
        ShardRouter router,
        AutoCloseable owned,
        boolean localReads,
        Supplier<Optional<String>> notReady)
        implements AutoCloseable {

    /** The address of the embedded server's one store in its shard maps. */
    static final String LOCAL = "local";

    /**
     * The single-process server: one partition store in this process, owning the whole hash space;
     * a new table is CREATING for {@code creating}.
     */
    public static StoragePlane embedded(PartitionStore store, Duration creating) {
        ShardMap whole = ShardMap.equalRanges(List.of(LOCAL));
        ShardMapSource maps = new ShardMapSource() {
            @Override
            public ShardMap forTable(String table) {
                return whole;
            }

            @Override
            public Set<String> allAddresses() {
                return Set.of(LOCAL);
            }
        };
        StoreCatalog catalog = new StoreCatalog(maps, address -> store, creating, Clock.systemUTC());
        // Not ready while the store cannot write (it reopens itself once the cause is gone).
        return new StoragePlane(
                catalog, catalog, new ShardRouter(catalog, address -> store), store, true, store::fault);
    }

    /** Storage pods configured by hand: the gateway is their control plane too. */
    public static StoragePlane configured(ShardMapSource maps, RemoteStores stores, Duration creating) {
        StoreCatalog catalog = new StoreCatalog(maps, stores, creating, Clock.systemUTC());
        return new StoragePlane(catalog, catalog, new ShardRouter(catalog, stores), stores, false, Optional::empty);
    }

    /** Kubernetes: tables are Table resources, provisioned by the operator and the pods. */
    public static StoragePlane kubernetes(KubernetesTables tables, RemoteStores stores) {
        KubernetesCatalog catalog = new KubernetesCatalog(tables);
        return new StoragePlane(
                catalog,
                tables,
                new ShardRouter(catalog, stores),
                () -> {
                    stores.close();
                    tables.close();
                },
                false,
                tables::notReady);
    }

    @Override
    public void close() throws Exception {
        owned.close();
    }
}
