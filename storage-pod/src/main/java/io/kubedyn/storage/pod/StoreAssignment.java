package io.kubedyn.storage.pod;

import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.storage.PartitionStore;
import io.quarkus.logging.Log;
import java.util.List;
import java.util.Optional;

/**
 * What a storage pod is given to own: its hash ranges and, on Kubernetes, the table it serves
 * (the operator hands both over in the pod's environment). Taking them over checks them against
 * what the store already holds, so data is never served by a schema or from a range it was not
 * written under:
 * <ul>
 *   <li>ranges: a store records the ranges it was first given and refuses any other later (a
 *       store that owned none may be given some: it holds no data of any range). A range
 *       hand-off changes what the store owns while it serves; started again with the ranges
 *       it was given, the pod serves what the store records;</li>
 *   <li>the table: created when the store lacks it; kept when the store holds it with the same
 *       key schema (served as the new incarnation when its id changed: a Table created again
 *       over volumes kept by deletionPolicy Retain finds its data); refused when the store
 *       holds it with another key schema.</li>
 * </ul>
 */
record StoreAssignment(OwnedRanges ranges, TableDefinition table) {

    /** The store disagrees with the assignment; the message says how, for a person to act on. */
    static final class RefusedException extends IllegalStateException {
        RefusedException(String message) {
            super(message);
        }
    }

    /**
     * Checks the assignment against the store and takes it over; returns the ranges the pod
     * serves: those assigned, or, when a range hand-off changed the store's since it was
     * started with these, the store's.
     */
    OwnedRanges takeOver(PartitionStore store) {
        String assigned = ranges.toString();
        Optional<String> recorded = store.shardAssignment();
        String given = store.shardAssignmentGiven().orElse(recorded.orElse("none"));
        OwnedRanges serving = ranges;
        // A store that owned none may be given some (it holds no data), unless it gave away all
        // it had in hand-offs (then it was given something once).
        if (recorded.isEmpty() || (recorded.get().equals("none") && given.equals("none"))) {
            store.recordShardAssignment(assigned);
        } else if (!recorded.get().equals(assigned)) {
            if (!given.equals(assigned)) {
                throw new RefusedException("this store owns the hash ranges " + recorded.get()
                        + " but was started to own "
                        + assigned + "; serving it would answer \"not found\" for the items it holds. Give the pod its "
                        + "store's ranges back (the Table's status.shardMap entry for this shard)");
            }
            serving = OwnedRanges.parse(recorded.get());
            Log.infof("this store owns %s since a range hand-off (started to own %s)", serving, assigned);
        }
        takeOverTable(store);
        return serving;
    }

    private void takeOverTable(PartitionStore store) {
        if (table == null) {
            return;
        }
        Optional<TableDefinition> held = store.describeTable(table.name());
        if (held.isEmpty()) {
            store.createTable(table);
            Log.infof("table %s created in this store (id %s)", table.name(), table.tableId());
        } else if (!sameKeys(held.get(), table)) {
            throw new RefusedException(
                    "this store holds table " + table.name() + " with key schema "
                            + describeKeys(held.get()) + " but the Table asks for " + describeKeys(table)
                            + "; the data on this volume was written under the other schema. Restore the Table's "
                            + "keySchema and attributeDefinitions, or delete the table's PersistentVolumeClaims to start empty");
        } else if (!held.get().localIndexes().equals(table.localIndexes())) {
            throw new RefusedException("this store holds table " + table.name() + " with the local secondary indexes "
                    + indexNames(held.get().localIndexes()) + " but the Table asks for "
                    + indexNames(table.localIndexes())
                    + "; local secondary indexes are defined when a table is created and never change. Restore "
                    + "the Table's localSecondaryIndexes, or delete the table's PersistentVolumeClaims to start empty");
        } else if (!held.get().tableId().equals(table.tableId())) {
            store.adoptTable(table);
            Log.infof(
                    "table %s: the store's data (id %s) is served as table id %s",
                    table.name(), held.get().tableId(), table.tableId());
        } else if (!held.get().equals(table)) {
            store.updateTable(table);
            Log.infof(
                    "table %s: settings updated (stream %s, deletion protection %s, indexes %s)",
                    table.name(),
                    table.stream() == null ? "disabled" : table.stream().viewType(),
                    table.deletionProtectionEnabled(),
                    table.indexes().stream().map(SecondaryIndex::name).toList());
        }
    }

    private static boolean sameKeys(TableDefinition a, TableDefinition b) {
        return a.keySchema().equals(b.keySchema());
    }

    private static String indexNames(List<SecondaryIndex> indexes) {
        return indexes.stream()
                .map(index -> index.name() + " "
                        + index.keySchema().sortKey().map(sk -> sk.name()).orElse("") + " "
                        + index.projection().type())
                .toList()
                .toString();
    }

    private static String describeKeys(TableDefinition table) {
        StringBuilder out = new StringBuilder("[HASH ")
                .append(table.keySchema().partitionKey().name())
                .append(' ')
                .append(table.keySchema().partitionKey().type());
        table.keySchema()
                .sortKey()
                .ifPresent(sk ->
                        out.append(", RANGE ").append(sk.name()).append(' ').append(sk.type()));
        return out.append(']').toString();
    }
}
