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
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What a request may touch on this shard: the table incarnation it names, as this store holds
 * it, and keys inside this pod's {@link OwnedRanges}. Both the service (reads) and the commands
 * (writes, wherever they are applied) check through here.
 */
final class ShardScope {
    private final OwnedRangesConfig owned;
    /**
     * Held shared by every command applied on an unreplicated pod, from its ownership check to
     * its end, and exclusively by a hand-off changing the ranges: so once a range is sealed, no
     * write to it is still running (see {@link RangeHandOff}).
     */
    private final ReentrantReadWriteLock ownership = new ReentrantReadWriteLock();

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

    /** Runs {@code command} while the owned ranges cannot change. */
    <T> T owning(java.util.function.Supplier<T> command) {
        ownership.readLock().lock();
        try {
            return command.get();
        } finally {
            ownership.readLock().unlock();
        }
    }

    /** Changes the owned ranges once no command is running, by {@code change} (which records them). */
    <T> T changeRanges(java.util.function.Function<OwnedRanges, T> change) {
        ownership.writeLock().lock();
        try {
            return change.apply(owned.defaults());
        } finally {
            ownership.writeLock().unlock();
        }
    }

    /** Whether {@code table} has ranges configured for it alone (not the pod's). */
    boolean configuredAlone(TableDefinition table) {
        return owned.configured(table.name()).isPresent();
    }

    /** The pod's ranges from now on. */
    void assign(OwnedRanges ranges) {
        owned.assign(ranges);
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
