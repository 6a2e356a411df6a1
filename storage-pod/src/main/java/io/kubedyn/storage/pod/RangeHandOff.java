package io.kubedyn.storage.pod;

import io.kubedyn.core.HashRange;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.RangeNotOwnedException;
import io.kubedyn.storage.StorageException;
import io.kubedyn.storage.StorageWire;
import io.kubedyn.storage.StoreClosedException;
import io.kubedyn.storage.grpc.CopyRangeRequest;
import io.kubedyn.storage.grpc.RangeChangesRequest;
import io.kubedyn.storage.grpc.RangePage;
import io.kubedyn.storage.grpc.ReleaseRangeRequest;
import io.kubedyn.storage.grpc.SealRangeRequest;
import io.kubedyn.storage.grpc.TableRef;
import io.quarkus.logging.Log;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The source side of a range hand-off (an online shard split): what the pod that owns a hash
 * range of its table does for the pod that is to own it ({@link RangeReceiver}).
 * <ol>
 *   <li>copy: the range from one snapshot, in pages, with the WAL position it is as of; from
 *       then on the store keeps its write-ahead log for the receiver;</li>
 *   <li>changes: the range's writes after a position, read from that log;</li>
 *   <li>seal: once no write runs (the ownership lock, {@link ShardScope#changeRanges}), no
 *       prepared transaction holds an item there and no global index is being backfilled, the
 *       range leaves this pod's owned ranges, durably, so every later request there is refused
 *       as not owned; the index entries of the changes made before are fed; the reply says the
 *       position every write it took (those entries' included) is at or below;</li>
 *   <li>release: once the receiver serves the range, the data here is deleted and the log let go.</li>
 * </ol>
 * A sealed range stays readable for copies and changes until released, across restarts (the
 * store records it), so a receiver that lost its place can copy it again. Seals and releases run
 * one at a time (a seal the receiver stopped waiting for may still be running when it asks
 * again). Stores holding other tables do not hand ranges off.
 * <p>
 * A replicated shard's replicas each serve copies and changes from their own store and
 * write-ahead log (the receiver follows one of them throughout); its seal and its release go
 * through its group's log ({@link StoreCommands}), proposed by the leader, so every replica gives
 * the range up at the same entry. With global secondary indexes the seal entry leaves the range
 * draining: the replicas still take the entries of its own feed there (the leader's, logged), and
 * once the leader fed every change made before the seal, a {@code drained_range} entry ends that
 * and moves every replica's feed position past them. The followed replica answers the seal once
 * it applied that entry too.
 */
final class RangeHandOff {
    /** About how many bytes of writes a page carries: well under the gRPC message limit. */
    static final long PAGE_BYTES = 1 << 20;
    /** How long a seal waits for the index entries of the range's last changes before the receiver asks again. */
    private static final java.time.Duration INDEX_DRAIN_TIMEOUT = java.time.Duration.ofSeconds(5);

    private final ShardScope scope;
    private final StoreLifecycle lifecycle;

    RangeHandOff(ShardScope scope, StoreLifecycle lifecycle) {
        this.scope = scope;
        this.lifecycle = lifecycle;
    }

    void copy(PartitionStore store, CopyRangeRequest request, Consumer<RangePage> pages) {
        HashRange range = StorageWire.range(request.getRange());
        TableDefinition table = source(store, request.getTable(), range);
        long asOf = store.copyRange(
                table,
                range,
                request.getHolder(),
                PAGE_BYTES,
                (at, writes) -> pages.accept(StorageWire.rangePage(at, writes)));
        // The last page, empty, says where the copy stands even when the range holds nothing.
        pages.accept(RangePage.newBuilder().setThrough(asOf).build());
    }

    RangePage changes(PartitionStore store, RangeChangesRequest request) {
        HashRange range = StorageWire.range(request.getRange());
        TableDefinition table = source(store, request.getTable(), range);
        long maxBytes = request.getMaxBytes() > 0 ? Math.min(request.getMaxBytes(), PAGE_BYTES) : PAGE_BYTES;
        var changes = store.rangeChangesSince(table, range, request.getHolder(), request.getAfter(), maxBytes);
        return StorageWire.rangePage(changes.through(), changes.writes());
    }

    /**
     * Seals the range here; the WAL position every write to it is at or below. With global
     * secondary indexes, the entries of every change made here before the seal are fed first,
     * those of the sealed range written here (so they go with it): the new owner's own changes
     * then reach the indexes only after them, and no entry steps back.
     */
    synchronized long seal(PartitionStore store, SealRangeRequest request) {
        HashRange range = StorageWire.range(request.getRange());
        TableDefinition table = source(store, request.getTable(), range);
        Optional<ShardReplica> replica = lifecycle.replica();
        if (replica.isPresent()) {
            if (lifecycle.leads()) {
                // A new leader may not have applied the last leader's seal or drain yet: it must
                // not seal twice, nor feed from before the drain's position.
                replica.get().readBarrier();
            }
            if (scope.ranges(table).intersects(range)) {
                if (store.holdsPreparedIn(table, range)) {
                    throw busyWithTransaction(range);
                }
                if (table.hasGlobalIndexes() && lifecycle.leads()) {
                    // Only the leader backfills and feeds: its state is the one that counts.
                    refuseWhileBackfilling(store, table, range);
                    feedIndexEntriesBefore(store, table, range, "sealed");
                }
                // The group seals it, in its log: every replica then refuses the range's writes
                // from the same entry on. Only the leader proposes (else NotLeader, naming it).
                lifecycle.execute(lifecycle.commands().sealRange, request);
            }
            if (scope.draining().intersects(range)) {
                // The index entries of the changes made before the seal, fed by the leader (the
                // range's own written here through the log); then the group says so in its log.
                if (lifecycle.leads()) {
                    // The feed's position is in this replica's numbering of change records, the
                    // same as every replica's but for a backfill's records (the leader's alone).
                    refuseWhileBackfilling(store, table, range);
                    feedIndexEntriesBefore(store, table, range, "handed off");
                }
                lifecycle.execute(
                        lifecycle.commands().drainedRange,
                        io.kubedyn.storage.grpc.DrainedRange.newBuilder()
                                .setTable(request.getTable())
                                .setRange(request.getRange())
                                .setFedThrough(store.globalIndexesFedThrough(table))
                                .build());
            }
            // Sealed (and drained) on this replica: every write to the range it applied is at or
            // below its latest sequence number, in its own write-ahead log, the one the receiver follows.
            long through = store.latestSequence();
            Log.infof(
                    "hash range %s of table %s sealed for %s; at WAL sequence %d on this replica",
                    range, table.name(), request.getReceiver(), through);
            return through;
        }
        if (scope.ranges(table).intersects(range)) {
            feedIndexEntriesBefore(store, table, range, "sealed");
        }
        scope.changeRanges(current -> {
            if (current.intersects(range)) {
                refuseWhileBackfilling(store, table, range);
                give(scope, store, table, range, current, request.getReceiver(), false);
            } // else sealed before: the reply was lost, or the receiver restarted
            scope.drainingIndexEntries(range, true);
            return null;
        });
        try {
            feedIndexEntriesBefore(store, table, range, "handed off");
        } finally {
            // Under the ownership lock: no entry of the range is being written here as it stops.
            scope.changeRanges(current -> {
                scope.drainingIndexEntries(range, false);
                return null;
            });
        }
        return scope.changeRanges(current -> {
            long through = store.latestSequence();
            Log.infof(
                    "hash range %s of table %s sealed for %s at WAL sequence %d; this pod owns %s now",
                    range, table.name(), request.getReceiver(), through, current);
            return through;
        });
    }

    /**
     * Feeds the global secondary index entries of every change recorded here so far, or refuses
     * (RangeBusy, the receiver asks again) when the shards they go to do not take them now:
     * before a seal, so that its drain is short; after it, so that no entry of a change made
     * here reaches an index after one the new owner made.
     */
    private static void feedIndexEntriesBefore(
            PartitionStore store, TableDefinition table, HashRange range, String step) {
        if (!store.feedGlobalIndexesToLastRecord(table, INDEX_DRAIN_TIMEOUT)) {
            throw new RangeBusyException("the global secondary index entries of table " + table.name()
                    + " cannot all be written now (a shard they go to does not take them); hash range " + range
                    + " is " + step + " once they can");
        }
    }

    /**
     * A backfill walks the items it finds here: one that moves meanwhile would have its entries
     * written from both sides.
     */
    private static void refuseWhileBackfilling(PartitionStore store, TableDefinition table, HashRange range) {
        java.util.Set<String> backfilling = store.indexStatus(table).backfilling();
        if (!backfilling.isEmpty()) {
            throw new RangeBusyException("global secondary index " + backfilling + " of table " + table.name()
                    + " is being backfilled here; hash range " + range + " is handed off once it is done");
        }
    }

    /**
     * A replicated shard's seal, as each replica applies it from the log: as {@link #seal}'s; with
     * global secondary indexes the range is left draining ({@link #drainedApplied} ends it). The
     * leader checked for backfills before it proposed the seal: only its own state says (a
     * follower's records of a backfill are not the leader's).
     */
    static void sealApplied(ShardScope scope, PartitionStore store, SealRangeRequest request) {
        HashRange range = StorageWire.range(request.getRange());
        TableDefinition table = ShardScope.resolveIncarnation(store, request.getTable());
        try {
            scope.changeRanges(current -> {
                if (current.intersects(range)) {
                    give(scope, store, table, range, current, request.getReceiver(), table.hasGlobalIndexes());
                }
                return null;
            });
        } catch (RangeBusyException e) {
            // A transaction prepared between the leader's check and this entry: the entry's result
            // on every replica (not a store fault, which would stop the replica); the receiver
            // asks again.
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Takes {@code range} out of this pod's ranges, durably, naming {@code receiver} in refusals
     * from now on; left {@code draining} durably (a replica's seal: see {@link #drainedApplied}).
     */
    private static void give(
            ShardScope scope,
            PartitionStore store,
            TableDefinition table,
            HashRange range,
            OwnedRanges current,
            String receiver,
            boolean draining) {
        if (store.holdsPreparedIn(table, range)) {
            throw busyWithTransaction(range);
        }
        OwnedRanges sealed = sealed(store);
        if (!sealed.covers(range)) {
            store.recordSealedRanges(sealed.with(range).toString());
        }
        if (!receiver.isEmpty()) {
            // Before the range is given up: a refusal from now on names where it went.
            java.util.Map<HashRange, String> handedOff = new java.util.LinkedHashMap<>(scope.handedOff());
            handedOff.put(range, receiver);
            store.recordHandedOffRanges(ShardScope.formatHandedOff(handedOff));
            scope.handedOff(handedOff);
        }
        if (draining) {
            scope.recordDraining(store, range, true);
        }
        // The table's stream: the records so far are of the ranges owned until now (the parent
        // shard, closed); later ones of what is left here (a child).
        store.closeStreamEpoch(table, current.ranges());
        OwnedRanges left = current.without(range);
        store.reassignShard(left.toString());
        scope.assign(left);
    }

    /**
     * A replicated shard's {@code drained_range}, as each replica applies it: the range takes no
     * more of this shard's own index entries, and the feed here is past every change its leader
     * fed (written last: the entry's mark of having been applied).
     */
    static void drainedApplied(ShardScope scope, PartitionStore store, io.kubedyn.storage.grpc.DrainedRange request) {
        HashRange range = StorageWire.range(request.getRange());
        TableDefinition table = ShardScope.resolveIncarnation(store, request.getTable());
        scope.changeRanges(current -> {
            if (scope.draining().covers(range)) {
                scope.recordDraining(store, range, false);
            }
            store.recordGlobalIndexesFed(table, request.getFedThrough());
            return null;
        });
    }

    synchronized void release(PartitionStore store, ReleaseRangeRequest request) {
        HashRange range = StorageWire.range(request.getRange());
        TableDefinition table = ShardScope.resolveIncarnation(store, request.getTable());
        // This replica's hold on its write-ahead log, if the receiver followed it; then the
        // group deletes the range (through the log, on its leader, when replicated).
        store.releaseRangeChanges(request.getHolder());
        if (!scope.ranges(table).covers(range) && !sealed(store).covers(range)) {
            return; // released before: the reply was lost, or another replica of the receiver asks too
        }
        source(store, request.getTable(), range);
        lifecycle.execute(lifecycle.commands().releaseRange, request);
    }

    /** Deletes a sealed range's data here, once its new owner serves it (each replica, from the log). */
    static void releaseApplied(ShardScope scope, PartitionStore store, ReleaseRangeRequest request) {
        HashRange range = StorageWire.range(request.getRange());
        TableDefinition table = ShardScope.resolveIncarnation(store, request.getTable());
        scope.changeRanges(current -> {
            if (current.intersects(range)) {
                throw new IllegalStateException("hash range " + range + " is owned here (" + current
                        + "): it is not deleted before it is sealed");
            }
            OwnedRanges sealed = sealed(store);
            if (sealed.covers(range)) {
                // One batch: a replica replaying its log after a crash skips an entry that wrote,
                // so the deletion and the record of it must not be split by one.
                store.clearRange(table, range, sealed.without(range).toString());
                Log.infof("hash range %s of table %s handed off and deleted here", range, table.name());
            }
            return null;
        });
    }

    /** The table, checked as a source of {@code range}: a range this pod owns, or sealed and still holds. */
    private TableDefinition source(PartitionStore store, TableRef ref, HashRange range) {
        TableDefinition table = ShardScope.resolveIncarnation(store, ref);
        if (store.tableNames().size() != 1 || scope.configuredAlone(table)) {
            throw new StorageException(
                    "a range hand-off moves a range of the pod's one table; this pod's ranges "
                            + "are set per table or it holds several",
                    null);
        }
        if (!scope.ranges(table).covers(range) && !sealed(store).covers(range)) {
            throw new RangeNotOwnedException("hash range " + range + " of table " + table.name()
                    + " is neither owned nor sealed here (" + scope.ranges(table) + ")");
        }
        return table;
    }

    private static RangeBusyException busyWithTransaction(HashRange range) {
        return new RangeBusyException("a transaction prepared here holds an item of hash range " + range
                + "; it is sealed once the transaction finishes");
    }

    private static OwnedRanges sealed(PartitionStore store) {
        return OwnedRanges.parse(store.sealedRanges().orElse("none"));
    }

    /** The range cannot be sealed yet: the receiver asks again (UNAVAILABLE, retryable). */
    static final class RangeBusyException extends StoreClosedException {
        RangeBusyException(String message) {
            super(message);
        }
    }
}
