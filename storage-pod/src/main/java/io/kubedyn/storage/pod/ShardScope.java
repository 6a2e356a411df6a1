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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

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
    /** Writes begun under {@link #owningWithoutWaiting} and not yet synced (or failed). */
    private final AtomicInteger unfinished = new AtomicInteger();
    /**
     * Range changes waiting for or holding the ownership lock: no write begins without waiting
     * meanwhile (a {@code tryLock} would overtake the waiting change, and could keep it waiting).
     */
    private final AtomicInteger changing = new AtomicInteger();

    private final long begunWritesWaitMillis;
    /** Ranges this pod handed to another pod in a split, with that pod's address: named in refusals. */
    private volatile Map<HashRange, String> handedOff = Map.of();
    /** Sealed ranges whose hand-off is feeding this pod's index entries there (see {@link #drainingIndexEntries}). */
    private volatile OwnedRanges draining = new OwnedRanges(List.of());

    ShardScope(OwnedRangesConfig owned) {
        this(owned, BEGUN_WRITES_WAIT_MILLIS);
    }

    /** {@code begunWritesWaitMillis}: how long a range change waits for begun writes' syncs. */
    ShardScope(OwnedRangesConfig owned, long begunWritesWaitMillis) {
        this.owned = owned;
        this.begunWritesWaitMillis = begunWritesWaitMillis;
    }

    /**
     * The definition this store holds for the named table: of the incarnation named, or, when
     * the reference names none (DescribeTable by name), the current one. ResourceNotFound otherwise.
     */
    static TableDefinition resolve(PartitionStore store, TableRef table) {
        return resolve(table, store.describeTable(table.getName()));
    }

    /** {@code table} as the store holds it ({@code held}, its definition under that name). */
    private static TableDefinition resolve(TableRef table, Optional<TableDefinition> held) {
        return held.filter(t -> table.getTableId().isEmpty() || t.tableId().equals(table.getTableId()))
                .orElseThrow(() -> DynamoDbException.tableNotFound(table.getName()));
    }

    /** Item requests must name the incarnation they were validated against. */
    static TableDefinition resolveIncarnation(PartitionStore store, TableRef table) {
        return resolveIncarnation(table, () -> store.describeTable(table.getName()));
    }

    /**
     * As {@link #resolveIncarnation(PartitionStore, TableRef)}, for a thread that must not wait
     * ({@link PartitionStore#describeTableWithoutWaiting}).
     */
    static TableDefinition resolveIncarnationWithoutWaiting(PartitionStore store, TableRef table) {
        return resolveIncarnation(table, () -> store.describeTableWithoutWaiting(table.getName()));
    }

    private static TableDefinition resolveIncarnation(
            TableRef table, java.util.function.Supplier<Optional<TableDefinition>> held) {
        if (table.getTableId().isEmpty()) {
            throw new IllegalArgumentException("an item request must name its table's incarnation (table_id)");
        }
        return resolve(table, held.get());
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

    /**
     * As {@link #owning}, for a command begun on a thread that must not wait: {@code command}
     * checks ownership and begins its write, and the ranges cannot change until that write's
     * future completes (a write begun but not yet synced is a running command, for the seal).
     * Null, having done nothing, while the ranges are being changed, or when {@code command}
     * returns null (it could not begin without waiting).
     */
    <T> CompletableFuture<T> owningWithoutWaiting(Supplier<CompletableFuture<T>> command) {
        if (changing.get() > 0 || !ownership.readLock().tryLock()) {
            return null;
        }
        try {
            CompletableFuture<T> begun = command.get();
            if (begun != null) {
                unfinished.incrementAndGet();
                begun.whenComplete((result, failure) -> finished());
            }
            return begun;
        } finally {
            ownership.readLock().unlock();
        }
    }

    private void finished() {
        if (unfinished.decrementAndGet() == 0) {
            synchronized (unfinished) {
                unfinished.notifyAll();
            }
        }
    }

    /**
     * Changes the owned ranges once no command is running, by {@code change} (which records them).
     * Refused as busy (retryable) if the writes begun in them are not synced within
     * {@link #BEGUN_WRITES_WAIT_MILLIS}, having changed nothing.
     */
    <T> T changeRanges(java.util.function.Function<OwnedRanges, T> change) {
        changing.incrementAndGet();
        try {
            ownership.writeLock().lock();
            try {
                awaitBegunWrites();
                return change.apply(owned.defaults());
            } finally {
                ownership.writeLock().unlock();
            }
        } finally {
            changing.decrementAndGet();
        }
    }

    /** How long a range change waits for the writes begun without waiting to be synced. */
    static final long BEGUN_WRITES_WAIT_MILLIS = 30_000;

    /**
     * Writes begun without waiting hold no lock while their sync is pending: waits for them. None
     * begins meanwhile (they need the lock), and the store's group commit ends each, written or
     * failed; a store being reopened after a fault may hold them for seconds.
     */
    private void awaitBegunWrites() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(begunWritesWaitMillis);
        synchronized (unfinished) {
            while (unfinished.get() > 0) {
                long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new RangeHandOff.RangeBusyException(unfinished.get()
                            + " writes to this pod's ranges are not synced yet; the ranges change once they are");
                }
                try {
                    unfinished.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreLifecycle.StoreUnavailableException();
                }
            }
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
            Map.Entry<HashRange, String> handed = handedOffWith(hash);
            throw new RangeNotOwnedException(
                    "partition hash " + HashRange.formatBound(hash) + " of table " + table.name()
                            + " is not owned here (" + ranges + ")",
                    handed == null ? null : handed.getValue(),
                    handed == null ? null : handed.getKey());
        }
    }

    /**
     * Whether this pod's own global secondary index feed writes an entry of {@code hash} to its
     * own store: in its ranges, or in a range it sealed whose hand-off is still taking in the
     * entries of the changes made before the seal ({@link #drainingIndexEntries}). An unreplicated
     * pod calls it within {@link #owning}, with the write; a replica checks again as it applies
     * the entry ({@link #checkOwnIndexEntry}).
     */
    boolean takesOwnIndexEntry(TableDefinition table, long hash) {
        return ranges(table).containsHash(hash) || draining.containsHash(hash);
    }

    /**
     * As {@link #checkOwned}, for an entry of this pod's own global secondary index feed
     * ({@link #takesOwnIndexEntry}): a replica checks each as it applies it from the log.
     */
    void checkOwnIndexEntry(TableDefinition table, long hash) {
        if (!draining.containsHash(hash)) {
            checkOwned(table, hash);
        }
    }

    /**
     * While a sealed range's hand-off feeds the global index entries of the changes made before
     * the seal: this pod's feed writes entries of that range here still, and they go with the
     * range (its writes up to the position the seal answers). Set and cleared within
     * {@link #changeRanges}, so no entry is being written here as it stops.
     */
    void drainingIndexEntries(HashRange range, boolean draining) {
        if (draining && !this.draining.covers(range)) {
            this.draining = this.draining.with(range);
        } else if (!draining && this.draining.covers(range)) {
            this.draining = this.draining.without(range);
        }
    }

    /** The sealed ranges still taking in this pod's own index entries ({@link #drainingIndexEntries}). */
    OwnedRanges draining() {
        return draining;
    }

    /**
     * As {@link #drainingIndexEntries}, recorded in {@code store} (a replica's seal and drain,
     * applied from its log: a restart, or a snapshot installed, must find the range draining).
     */
    void recordDraining(PartitionStore store, HashRange range, boolean draining) {
        drainingIndexEntries(range, draining);
        store.recordDrainingRanges(this.draining.toString());
    }

    /** The ranges {@code store} records as handed off and draining (at the pod's start). */
    void handOffsAsRecorded(PartitionStore store) {
        handedOff(parseHandedOff(store.handedOffRanges().orElse("")));
        draining = OwnedRanges.parse(store.drainingRanges().orElse("none"));
    }

    /**
     * The ranges {@code store} records as owned, handed off and draining (a replica's store, a
     * snapshot installed into it); call it within {@link #changeRanges}.
     */
    void asRecorded(PartitionStore store) {
        store.shardAssignment().map(OwnedRanges::parse).ifPresent(this::assign);
        handOffsAsRecorded(store);
    }

    /** The range this pod handed {@code hash} to, with the pod it went to, or null. */
    private Map.Entry<HashRange, String> handedOffWith(long hash) {
        return handedOffHolding(hash, hash);
    }

    /** The range this pod handed off that holds {@code first} to {@code last}, with where it went, or null. */
    private Map.Entry<HashRange, String> handedOffHolding(long first, long last) {
        for (Map.Entry<HashRange, String> entry : handedOff.entrySet()) {
            if (entry.getKey().contains(first) && entry.getKey().contains(last)) {
                return entry;
            }
        }
        return null;
    }

    /** The pod this one handed a range holding {@code first} to {@code last} to, or null. */
    String ownerOf(long first, long last) {
        Map.Entry<HashRange, String> handed = handedOffHolding(first, last);
        return handed == null ? null : handed.getValue();
    }

    /** The ranges handed off, as the store records them ({@code first-last=host:port,...}). */
    static Map<HashRange, String> parseHandedOff(String record) {
        Map<HashRange, String> parsed = new java.util.LinkedHashMap<>();
        for (String entry : record.split(",")) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                parsed.put(
                        HashRange.parse(entry.substring(0, equals)),
                        entry.substring(equals + 1).trim());
            }
        }
        return parsed;
    }

    static String formatHandedOff(Map<HashRange, String> handedOff) {
        List<String> entries = new ArrayList<>();
        handedOff.forEach((range, owner) -> entries.add(range + "=" + owner));
        return String.join(",", entries);
    }

    Map<HashRange, String> handedOff() {
        return handedOff;
    }

    void handedOff(Map<HashRange, String> ranges) {
        handedOff = Map.copyOf(ranges);
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
