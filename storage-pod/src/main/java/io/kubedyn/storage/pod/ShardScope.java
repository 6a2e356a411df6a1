package io.kubedyn.storage.pod;

import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.RangeNotOwnedException;
import io.kubedyn.storage.StorageWire;
import io.kubedyn.storage.TableKey;
import io.kubedyn.storage.TableWrite;
import io.kubedyn.storage.grpc.GetRequest;
import io.kubedyn.storage.grpc.TableRef;
import io.kubedyn.storage.grpc.WriteRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What a request may touch on this shard: the table incarnation it names, as this store holds
 * it, and keys inside this pod's {@link OwnedRanges}. Both the service (reads) and the commands
 * (writes, wherever they are applied) check through here.
 */
final class ShardScope {
    private final OwnedRangesConfig owned;

    ShardScope(OwnedRangesConfig owned) {
        this.owned = owned;
    }

    /**
     * The definition this store holds for the named table: of the incarnation named, or, when
     * the reference names none (DescribeTable by name), the current one. ResourceNotFound otherwise.
     */
    static TableDefinition resolve(PartitionStore store, TableRef table) {
        return store.describeTable(table.getName())
                .filter(t -> table.getTableId().isEmpty() || t.tableId().equals(table.getTableId()))
                .orElseThrow(() -> DynamoDbException.tableNotFound(table.getName()));
    }

    /** Item requests must name the incarnation they were validated against. */
    static TableDefinition resolveIncarnation(PartitionStore store, TableRef table) {
        if (table.getTableId().isEmpty()) {
            throw new IllegalArgumentException("an item request must name its table's incarnation (table_id)");
        }
        return resolve(store, table);
    }

    OwnedRanges ranges(TableDefinition table) {
        return owned.forTable(table.name());
    }

    PrimaryKey ownedKey(TableDefinition table, io.kubedyn.storage.grpc.Key key) {
        PrimaryKey primaryKey = StorageWire.key(key);
        checkOwned(table, primaryKey.hash());
        return primaryKey;
    }

    void checkOwned(TableDefinition table, long hash) {
        OwnedRanges ranges = ranges(table);
        if (!ranges.containsHash(hash)) {
            throw new RangeNotOwnedException("partition hash " + HashRange.formatBound(hash) + " of table "
                    + table.name() + " is not owned here (" + ranges + ")");
        }
    }

    List<TableKey> ownedKeys(PartitionStore store, List<GetRequest> gets) {
        List<TableKey> keys = new ArrayList<>(gets.size());
        for (GetRequest get : gets) {
            TableDefinition table = resolveIncarnation(store, get.getTable());
            keys.add(new TableKey(table, ownedKey(table, get.getKey())));
        }
        return keys;
    }

    List<TableWrite> ownedWrites(PartitionStore store, List<WriteRequest> requests) {
        List<TableWrite> writes = new ArrayList<>(requests.size());
        for (WriteRequest write : requests) {
            TableDefinition table = resolveIncarnation(store, write.getTable());
            writes.add(new TableWrite(table, ownedKey(table, write.getKey()), StorageWire.change(write)));
        }
        return writes;
    }
}
