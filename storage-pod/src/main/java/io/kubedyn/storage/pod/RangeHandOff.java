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
import java.util.function.Consumer;

/**
 * The source side of a range hand-off (an online shard split): what the pod that owns a hash
 * range of its table does for the pod that is to own it ({@link RangeReceiver}).
 * <ol>
 *   <li>copy: the range from one snapshot, in pages, with the WAL position it is as of; from
 *       then on the store keeps its write-ahead log for the receiver;</li>
 *   <li>changes: the range's writes after a position, read from that log;</li>
 *   <li>seal: once no write runs (the ownership lock, {@link ShardScope#changeRanges}) and no
 *       prepared transaction holds an item there, the range leaves this pod's owned ranges,
 *       durably, so every later request there is refused as not owned; the reply says the
 *       position every write it took is at or below;</li>
 *   <li>release: once the receiver serves the range, the data here is deleted and the log let go.</li>
 * </ol>
 * A sealed range stays readable for copies and changes until released, across restarts (the
 * store records it), so a receiver that lost its place can copy it again. Replicated shards and
 * stores holding other tables do not hand ranges off yet.
 */
final class RangeHandOff {
    /** About how many bytes of writes a page carries: well under the gRPC message limit. */
    static final long PAGE_BYTES = 1 << 20;

    private final ShardScope scope;
    private final StoreLifecycle lifecycle;

    RangeHandOff(ShardScope scope, StoreLifecycle lifecycle) {
        this.scope = scope;
        this.lifecycle = lifecycle;
    }

    void copy(PartitionStore store, CopyRangeRequest request, Consumer<RangePage> pages) {
        HashRange range = StorageWire.range(request.getRange());
        TableDefinition table = source(store, request.getTable(), range);
        long asOf = store.copyRange(table, range, request.getHolder(), PAGE_BYTES,
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

    /** Seals the range here; the WAL position every write to it is at or below. */
    long seal(PartitionStore store, SealRangeRequest request) {
        HashRange range = StorageWire.range(request.getRange());
        TableDefinition table = source(store, request.getTable(), range);
        return scope.changeRanges(current -> {
            OwnedRanges sealed = sealed(store);
            if (!current.intersects(range)) {
                return store.latestSequence();  // sealed before: the reply was lost, or the receiver restarted
            }
            if (store.holdsPreparedIn(table, range)) {
                throw new RangeBusyException("a transaction prepared here holds an item of hash range " + range
                        + "; it is sealed once the transaction finishes");
            }
            if (!sealed.covers(range)) {
                store.recordSealedRanges(sealed.with(range).toString());
            }
            if (!request.getReceiver().isEmpty()) {
                // Before the range is given up: a refusal from now on names where it went.
                java.util.Map<HashRange, String> handedOff = new java.util.LinkedHashMap<>(scope.handedOff());
                handedOff.put(range, request.getReceiver());
                store.recordHandedOffRanges(ShardScope.formatHandedOff(handedOff));
                scope.handedOff(handedOff);
            }
            OwnedRanges left = current.without(range);
            store.reassignShard(left.toString());
            scope.assign(left);
            long through = store.latestSequence();
            Log.infof("hash range %s of table %s sealed for %s at WAL sequence %d; this pod owns %s now", range,
                    table.name(), request.getReceiver(), through, left);
            return through;
        });
    }

    void release(PartitionStore store, ReleaseRangeRequest request) {
        HashRange range = StorageWire.range(request.getRange());
        TableDefinition table = source(store, request.getTable(), range);
        store.releaseRangeChanges(request.getHolder());
        scope.changeRanges(current -> {
            if (current.intersects(range)) {
                throw new IllegalStateException("hash range " + range + " is owned here (" + current
                        + "): it is not deleted before it is sealed");
            }
            OwnedRanges sealed = sealed(store);
            if (sealed.covers(range)) {
                store.clearRange(table, range);
                store.recordSealedRanges(sealed.without(range).toString());
                Log.infof("hash range %s of table %s handed off and deleted here", range, table.name());
            }
            return null;
        });
    }

    /** The table, checked as a source of {@code range}: a range this pod owns, or sealed and still holds. */
    private TableDefinition source(PartitionStore store, TableRef ref, HashRange range) {
        if (lifecycle.replica().isPresent()) {
            throw new StorageException("range hand-offs of replicated shards are not implemented yet", null);
        }
        TableDefinition table = ShardScope.resolveIncarnation(store, ref);
        if (store.tableNames().size() != 1 || scope.configuredAlone(table)) {
            throw new StorageException("a range hand-off moves a range of the pod's one table; this pod's ranges "
                    + "are set per table or it holds several", null);
        }
        if (!scope.ranges(table).covers(range) && !sealed(store).covers(range)) {
            throw new RangeNotOwnedException("hash range " + range + " of table " + table.name()
                    + " is neither owned nor sealed here (" + scope.ranges(table) + ")");
        }
        return table;
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
