package io.kubedyn.storage.pod;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.ShardMap;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.storage.IndexSink;
import io.kubedyn.storage.IndexWrite;
import io.kubedyn.storage.InternalTls;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.RangeNotOwnedException;
import io.kubedyn.storage.StorageException;
import io.kubedyn.storage.StorageWire;
import io.kubedyn.storage.grpc.StorageError;
import io.kubedyn.storage.grpc.StorageGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Where this pod's global secondary index entries go: each to the shard owning the entry's hash
 * (the index key's, not the item's), by the table's shard map ({@code kubedyn.storage.shard-map},
 * the same map the gateway routes by). Entries in this pod's own ranges are written to its own
 * store; the others go to their shard's pod over gRPC ({@code ApplyIndexWrites}), one call per
 * shard. The feed moves past its records only once every call has succeeded, so a shard that is
 * down delays the index, never loses an entry.
 *
 * <p>The map is the one the pod started with; a split moves ranges after that. A pod refusing
 * entries of a range it handed off names the range and its new owner, and from then on this pod
 * sends that range's entries there (the smallest such range, when a moved range moved again).
 */
final class IndexRouting implements IndexSink, AutoCloseable {
    /** Most bytes of entries per call: well under gRPC's default 4 MiB message limit. */
    private static final long CALL_BYTES = 2L * 1024 * 1024;
    /** How many times one feed step follows a refusal naming a range's new owner before it fails and retries later. */
    private static final int MOVES_FOLLOWED = 4;

    private final ShardScope scope;
    private final Optional<ShardMap> map;
    private final Duration timeout;
    private final InternalTls tls;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** Ranges other pods said they handed off since this pod started, with where they went. */
    private final Map<HashRange, String> moved = new ConcurrentHashMap<>();
    /** How entries of this pod's own ranges are written: through its shard's log when replicated. */
    private volatile BiConsumer<TableDefinition, List<IndexWrite>> local;
    /** Whether {@link #local} checks each entry's range itself, as it applies it (a replica's log does). */
    private volatile boolean localChecks;

    IndexRouting(PartitionStore store, ShardScope scope, Optional<ShardMap> map, Duration timeout, InternalTls tls) {
        this.tls = tls;
        this.scope = scope;
        this.map = map;
        this.timeout = timeout;
        this.local = store::applyIndexWrites;
    }

    /**
     * Writes this pod's own entries with {@code writer} from now on: a replica's, through its
     * log, where each entry's range is checked as the entry is applied (a seal applied before it
     * refuses it, naming the new owner) rather than while the ranges are held still, which would
     * keep that seal from being applied.
     */
    void writeOwnEntriesWith(BiConsumer<TableDefinition, List<IndexWrite>> writer) {
        this.local = writer;
        this.localChecks = true;
    }

    @Override
    public void apply(TableDefinition table, List<IndexWrite> writes) {
        apply(table, writes, 0);
    }

    private void apply(TableDefinition table, List<IndexWrite> writes, int movesFollowed) {
        List<IndexWrite> elsewhere;
        if (localChecks) {
            try {
                elsewhere = writeOwn(table, writes);
            } catch (RangeNotOwnedException e) {
                // A range sealed since: its entries go to the owner the refusal names, by this
                // call again (none of them was written).
                if (e.owner() == null || e.ownerRange() == null || movesFollowed >= MOVES_FOLLOWED) {
                    throw e;
                }
                moved.put(e.ownerRange(), e.owner());
                apply(table, writes, movesFollowed + 1);
                return;
            }
        } else {
            // Checked and written while the ranges cannot change: a range sealed meanwhile would
            // not take the entry with it.
            elsewhere = scope.owning(() -> writeOwn(table, writes));
        }
        Map<String, List<IndexWrite>> remote = new LinkedHashMap<>();
        for (IndexWrite write : elsewhere) {
            remote.computeIfAbsent(addressOf(table, write.hash()), a -> new ArrayList<>())
                    .add(write);
        }
        List<IndexWrite> again = new ArrayList<>();
        remote.forEach((address, part) -> {
            List<List<IndexWrite>> calls = calls(part);
            for (int i = 0; i < calls.size(); i++) {
                try {
                    send(address, table, calls.get(i));
                } catch (RangeMovedException e) {
                    if (movesFollowed >= MOVES_FOLLOWED) {
                        throw new StorageException(
                                "global secondary index entries of table " + table.name() + " were refused as moved "
                                        + MOVES_FOLLOWED + " times in a row",
                                e);
                    }
                    // This call and the shard's later ones go round again, in order, by the new owner.
                    moved.put(e.range, e.owner);
                    calls.subList(i, calls.size()).forEach(again::addAll);
                    return;
                }
            }
        });
        if (!again.isEmpty()) {
            apply(table, again, movesFollowed + 1);
        }
    }

    /** Writes the entries this pod takes itself; the others, to send. */
    private List<IndexWrite> writeOwn(TableDefinition table, List<IndexWrite> writes) {
        List<IndexWrite> own = new ArrayList<>();
        List<IndexWrite> others = new ArrayList<>();
        for (IndexWrite write : writes) {
            (scope.takesOwnIndexEntry(table, write.hash()) ? own : others).add(write);
        }
        if (!own.isEmpty()) {
            this.local.accept(table, own);
        }
        return others;
    }

    /** {@code writes} in order, in calls of at most about CALL_BYTES: gRPC refuses messages over 4 MiB. */
    private static List<List<IndexWrite>> calls(List<IndexWrite> writes) {
        List<List<IndexWrite>> calls = new ArrayList<>();
        List<IndexWrite> call = new ArrayList<>();
        long bytes = 0;
        for (IndexWrite write : writes) {
            long size = write.entryKey().length + (write.value() == null ? 0 : write.value().length) + 16;
            if (!call.isEmpty() && bytes + size > CALL_BYTES) {
                calls.add(call);
                call = new ArrayList<>();
                bytes = 0;
            }
            call.add(write);
            bytes += size;
        }
        calls.add(call);
        return calls;
    }

    /** Where an entry of {@code hash} goes: the newest owner a refusal named, else the map's shard. */
    private String addressOf(TableDefinition table, long hash) {
        HashRange narrowest = null;
        for (HashRange range : moved.keySet()) {
            if (range.contains(hash)
                    && (narrowest == null || Long.compareUnsigned(range.span(), narrowest.span()) < 0)) {
                narrowest = range;
            }
        }
        if (narrowest != null) {
            return moved.get(narrowest);
        }
        ShardMap shards = map.orElseThrow(() -> new StorageException(
                "global secondary index entry of table "
                        + table.name() + " with hash " + HashRange.formatBound(hash) + " belongs to another shard, and "
                        + "this pod has no shard map to find it (kubedyn.storage.shard-map)",
                null));
        return shards.shardFor(hash).address();
    }

    /** To the shard at {@code address}; a replicated shard's ({@code a|b|c}) leader takes them. */
    private void send(String address, TableDefinition table, List<IndexWrite> writes) {
        StatusRuntimeException last = null;
        for (String replica : ShardMap.replicas(address)) {
            ManagedChannel channel =
                    channels.computeIfAbsent(replica, a -> tls.channel(a).build());
            try {
                StorageGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .applyIndexWrites(StorageWire.indexWrites(table, writes));
                return;
            } catch (StatusRuntimeException e) {
                StorageError error = StorageWire.errorOf(e);
                if (error != null
                        && error.getCode() == StorageError.Code.NOT_OWNED
                        && error.hasOwner()
                        && error.hasOwnerRange()) {
                    throw new RangeMovedException(StorageWire.range(error.getOwnerRange()), error.getOwner());
                }
                last = e; // not the leader, or down: the next replica
            }
        }
        throw new StorageException(
                "cannot send global secondary index entries of table " + table.name() + " to " + address + ": "
                        + last.getStatus(),
                last);
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }

    /** A pod refused entries of a range it handed to {@code owner}. */
    private static final class RangeMovedException extends RuntimeException {
        private final HashRange range;
        private final String owner;

        RangeMovedException(HashRange range, String owner) {
            super(null, null, false, false);
            this.range = range;
            this.owner = owner;
        }
    }
}
