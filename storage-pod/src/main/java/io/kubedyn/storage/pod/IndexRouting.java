package io.kubedyn.storage.pod;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.ShardMap;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.storage.InternalTls;
import io.kubedyn.storage.IndexSink;
import io.kubedyn.storage.IndexWrite;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.StorageException;
import io.kubedyn.storage.StorageWire;
import io.kubedyn.storage.grpc.StorageGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where this pod's global secondary index entries go: each to the shard owning the entry's hash
 * (the index key's, not the item's), by the table's shard map ({@code kubedyn.storage.shard-map},
 * the same map the gateway routes by). Entries in this pod's own ranges are written to its own
 * store; the others go to their shard's pod over gRPC ({@code ApplyIndexWrites}), one call per
 * shard. The feed moves past its records only once every call has succeeded, so a shard that is
 * down delays the index, never loses an entry.
 */
final class IndexRouting implements IndexSink, AutoCloseable {
    /** Most bytes of entries per call: well under gRPC's default 4 MiB message limit. */
    private static final long CALL_BYTES = 2L * 1024 * 1024;
    private final PartitionStore store;
    private final OwnedRangesConfig owned;
    private final Optional<ShardMap> map;
    private final Duration timeout;
    private final InternalTls tls;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** How entries of this pod's own ranges are written: through its shard's log when replicated. */
    private volatile java.util.function.BiConsumer<TableDefinition, List<IndexWrite>> local;

    IndexRouting(PartitionStore store, OwnedRangesConfig owned, Optional<ShardMap> map, Duration timeout,
                 InternalTls tls) {
        this.tls = tls;
        this.store = store;
        this.owned = owned;
        this.map = map;
        this.timeout = timeout;
        this.local = store::applyIndexWrites;
    }

    /** Writes this pod's own entries with {@code writer} from now on (a replica: through its log). */
    void writeOwnEntriesWith(java.util.function.BiConsumer<TableDefinition, List<IndexWrite>> writer) {
        this.local = writer;
    }

    @Override
    public void apply(TableDefinition table, List<IndexWrite> writes) {
        OwnedRanges mine = owned.forTable(table.name());
        List<IndexWrite> local = new ArrayList<>();
        Map<String, List<IndexWrite>> remote = new LinkedHashMap<>();
        for (IndexWrite write : writes) {
            long hash = write.hash();
            if (mine.containsHash(hash)) {
                local.add(write);
                continue;
            }
            ShardMap shards = map.orElseThrow(() -> new StorageException("global secondary index entry of table "
                    + table.name() + " with hash " + HashRange.formatBound(hash) + " belongs to another shard, and "
                    + "this pod has no shard map to find it (kubedyn.storage.shard-map)", null));
            remote.computeIfAbsent(shards.shardFor(hash).address(), a -> new ArrayList<>()).add(write);
        }
        if (!local.isEmpty()) {
            this.local.accept(table, local);
        }
        remote.forEach((address, part) -> {
            // In order, in calls of at most about CALL_BYTES: gRPC refuses messages over 4 MiB.
            List<IndexWrite> call = new ArrayList<>();
            long bytes = 0;
            for (IndexWrite write : part) {
                long size = write.entryKey().length + (write.value() == null ? 0 : write.value().length) + 16;
                if (!call.isEmpty() && bytes + size > CALL_BYTES) {
                    send(address, table, call);
                    call = new ArrayList<>();
                    bytes = 0;
                }
                call.add(write);
                bytes += size;
            }
            send(address, table, call);
        });
    }

    /** To the shard at {@code address}; a replicated shard's ({@code a|b|c}) leader takes them. */
    private void send(String address, TableDefinition table, List<IndexWrite> writes) {
        StatusRuntimeException last = null;
        for (String replica : ShardMap.replicas(address)) {
            ManagedChannel channel = channels.computeIfAbsent(replica, a -> tls.channel(a).build());
            try {
                StorageGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .applyIndexWrites(StorageWire.indexWrites(table, writes));
                return;
            } catch (StatusRuntimeException e) {
                last = e;  // not the leader, or down: the next replica
            }
        }
        throw new StorageException("cannot send global secondary index entries of table " + table.name()
                + " to " + address + ": " + last.getStatus(), last);
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
