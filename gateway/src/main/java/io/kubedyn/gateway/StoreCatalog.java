package io.kubedyn.gateway;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ShardMap;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.gateway.cluster.ShardMapSource;
import io.kubedyn.storage.StoreClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Tables kept by the stores themselves, where no operator runs: the embedded server (one store
 * owning the whole hash space) and storage pods configured by hand. The stores' own catalogs are
 * the truth; definitions are cached and every item request names the incarnation it was validated
 * against, so a store refuses a request made on a definition that is no longer current (the
 * router then {@link #refresh}es it). Being its own control plane, it creates a table in every
 * shard's store and drops it from all of them. A new table is CREATING for {@code creating} after
 * its creation time, as DynamoDB's tables are for a while (clients wait for ACTIVE with waiters
 * built for that): DescribeTable says so, and item requests find no table until it is ACTIVE.
 */
public final class StoreCatalog implements TableCatalog, ControlPlane {
    private final ShardMapSource maps;
    private final Function<String, StoreClient> stores;
    private final Map<String, TableDefinition> definitions = new ConcurrentHashMap<>();
    private final Duration creating;
    private final Clock clock;

    public StoreCatalog(ShardMapSource maps, Function<String, StoreClient> stores, Duration creating, Clock clock) {
        this.maps = maps;
        this.stores = stores;
        this.creating = creating;
        this.clock = clock;
    }

    @Override
    public Optional<TableDefinition> table(String name) {
        TableDefinition cached = definitions.get(name);
        if (cached == null) {
            Optional<TableDefinition> held =
                    store(maps.forTable(name).addresses().get(0)).describeTable(name);
            if (held.isEmpty()) {
                return held;
            }
            cached = held.get();
            definitions.put(name, cached);
        }
        return status(cached).equals("ACTIVE") ? Optional.of(cached) : Optional.empty();
    }

    /** CREATING until {@code creating} has passed since the table was created, then ACTIVE. */
    private String status(TableDefinition table) {
        return clock.millis() < table.creationDateTimeMillis() + creating.toMillis() ? "CREATING" : "ACTIVE";
    }

    /**
     * The table as its first shard's store holds it now (not the cached definition: another
     * gateway may have changed its settings), which also refreshes the cache.
     */
    @Override
    public Optional<TableDescription> describe(String name) {
        Optional<TableDefinition> held =
                store(maps.forTable(name).addresses().get(0)).describeTable(name);
        held.ifPresentOrElse(table -> definitions.put(name, table), () -> definitions.remove(name));
        return held.map(table -> new TableDescription(table, status(table)));
    }

    @Override
    public List<String> names() {
        TreeSet<String> names = new TreeSet<>();
        for (String address : maps.allAddresses()) {
            names.addAll(store(address).tableNames());
        }
        return List.copyOf(names);
    }

    @Override
    public ShardMap shards(TableDefinition table) {
        return maps.forTable(table.name());
    }

    @Override
    public Optional<TableDefinition> refresh(TableDefinition stale) {
        definitions.remove(stale.name(), stale);
        return table(stale.name());
    }

    /** Creates the table in every shard's store; if one fails, drops it from those done, and fails. */
    @Override
    public TableDescription createTable(TableDefinition table) {
        List<String> created = new ArrayList<>();
        try {
            for (String address : maps.forTable(table.name()).addresses()) {
                store(address).createTable(table);
                created.add(address);
            }
        } catch (RuntimeException e) {
            for (String address : created) {
                try {
                    store(address).deleteTable(table.name());
                } catch (RuntimeException ignored) {
                    // That store keeps an orphan incarnation; a new CreateTable mints a new id, and
                    // item requests name the id, so it is never read.
                }
            }
            throw e;
        }
        definitions.put(table.name(), table);
        return new TableDescription(table, status(table));
    }

    /**
     * Gives every shard's store the new settings, one after the other. A store that cannot be
     * reached fails the call after the stores before it took them: the table's shards then
     * disagree until the setting is turned off and on again (there is no transaction across
     * shards here; the operator's pods on Kubernetes take settings from the Table instead).
     */
    @Override
    public synchronized TableDescription updateTable(TableDefinition before, TableDefinition table) {
        TableDefinition current = describe(table.name())
                .orElseThrow(() -> DynamoDbException.tableNotFound(table.name()))
                .definition();
        if (!current.equals(before)) {
            throw ControlPlane.changedMeanwhile(table.name());
        }
        for (String address : maps.forTable(table.name()).addresses()) {
            store(address).updateTable(table);
        }
        definitions.put(table.name(), table);
        return new TableDescription(table, "ACTIVE");
    }

    /** Drops the table from every shard's store; fails if a store could not be asked. */
    @Override
    public TableDefinition deleteTable(String name) {
        // As the stores hold it now, not as cached: another gateway may have turned protection on.
        // (The stores refuse too.)
        describe(name)
                .filter(table -> table.definition().deletionProtectionEnabled())
                .ifPresent(table -> {
                    throw DynamoDbException.deletionProtected();
                });
        definitions.remove(name);
        TableDefinition deleted = null;
        DynamoDbException unavailable = null;
        for (String address : maps.forTable(name).addresses()) {
            try {
                deleted = store(address).deleteTable(name);
            } catch (DynamoDbException e) {
                if (e.error() != DynamoDbError.RESOURCE_NOT_FOUND) {
                    unavailable = e;
                }
            }
        }
        if (unavailable != null) {
            throw unavailable;
        }
        if (deleted == null) {
            throw DynamoDbException.tableNotFound(name);
        }
        return deleted;
    }

    private StoreClient store(String address) {
        return stores.apply(address);
    }
}
