package io.kubedyn.storage.pod;

import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.storage.IndexStatus;
import io.kubedyn.storage.IndexWrite;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.RequestId;
import io.kubedyn.storage.StorageException;
import io.kubedyn.storage.StorageWire;
import io.kubedyn.storage.TableEstimates;
import io.kubedyn.storage.grpc.ApplyIndexWritesReply;
import io.kubedyn.storage.grpc.ApplyIndexWritesRequest;
import io.kubedyn.storage.grpc.BatchWriteReply;
import io.kubedyn.storage.grpc.BatchWriteRequest;
import io.kubedyn.storage.grpc.CreateTableRequest;
import io.kubedyn.storage.grpc.DecideReply;
import io.kubedyn.storage.grpc.DecideRequest;
import io.kubedyn.storage.grpc.DrainedRange;
import io.kubedyn.storage.grpc.FinishReply;
import io.kubedyn.storage.grpc.FinishRequest;
import io.kubedyn.storage.grpc.PrepareRequest;
import io.kubedyn.storage.grpc.ReceivedRange;
import io.kubedyn.storage.grpc.ReleaseRangeReply;
import io.kubedyn.storage.grpc.ReleaseRangeRequest;
import io.kubedyn.storage.grpc.SealRangeReply;
import io.kubedyn.storage.grpc.SealRangeRequest;
import io.kubedyn.storage.grpc.StorageError;
import io.kubedyn.storage.grpc.TableRef;
import io.kubedyn.storage.grpc.TableReply;
import io.kubedyn.storage.grpc.TransactReply;
import io.kubedyn.storage.grpc.TransactRequest;
import io.kubedyn.storage.grpc.UpdateTableRequest;
import io.kubedyn.storage.grpc.WriteReply;
import io.kubedyn.storage.grpc.WriteRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything that changes a store, as commands: each has a code, the request message it takes
 * and the body that applies it. An unreplicated pod runs a command's body at once; a replica of
 * a Raft group logs it as an entry ({@link #entry}: code, the leader's time, the request) and
 * every replica applies the entry in log order ({@link #apply}), with the same result. So a
 * write's rules are written once, whichever way it reaches the store.
 */
final class StoreCommands {

    /** A command's body: the store, the request, and the time it was decided at (epoch millis). */
    interface Body<Q extends Message, R extends Message> {
        R run(PartitionStore store, Q request, long millis);
    }

    /** One kind of command. */
    record Command<Q extends Message, R extends Message>(
            byte code, String operation, Parser<Q> parser, Parser<R> replyParser, Body<Q, R> body) {
        R run(PartitionStore store, Q request, long millis) {
            return body.run(store, request, millis);
        }
    }

    private final Map<Byte, Command<?, ?>> byCode = new HashMap<>();
    final Command<CreateTableRequest, TableReply> createTable;
    final Command<UpdateTableRequest, TableReply> updateTable;
    final Command<TableRef, TableReply> deleteTable;
    final Command<ApplyIndexWritesRequest, ApplyIndexWritesReply> applyIndexWrites;
    final Command<WriteRequest, WriteReply> write;
    final Command<BatchWriteRequest, BatchWriteReply> batchWrite;
    final Command<TransactRequest, TransactReply> transact;
    final Command<PrepareRequest, TransactReply> prepare;
    final Command<FinishRequest, FinishReply> finish;
    final Command<DecideRequest, DecideReply> decide;
    final Command<Empty, Empty> expire;
    final Command<SealRangeRequest, SealRangeReply> sealRange;
    final Command<ReleaseRangeRequest, ReleaseRangeReply> releaseRange;
    final Command<ReceivedRange, Empty> receiveRange;
    final Command<DrainedRange, Empty> drainedRange;

    StoreCommands(ShardScope scope) {
        createTable =
                add(1, "create_table", CreateTableRequest.parser(), TableReply.parser(), (store, request, now) -> {
                    TableDefinition table = StorageWire.definition(request.getDefinition());
                    store.createTable(table);
                    return describe(store, table);
                });
        updateTable =
                add(2, "update_table", UpdateTableRequest.parser(), TableReply.parser(), (store, request, now) -> {
                    TableDefinition table = StorageWire.definition(request.getDefinition());
                    store.updateTable(table);
                    return describe(store, table);
                });
        deleteTable = add(
                3,
                "delete_table",
                TableRef.parser(),
                TableReply.parser(),
                (store, request, now) -> TableReply.newBuilder()
                        .setDefinition(StorageWire.definition(store.deleteTable(request.getName())))
                        .build());
        // Global secondary index entries another shard's change log feeds here: each must be in
        // this pod's ranges (the sender routes by the same shard map), else the whole call is
        // refused. Those of this shard's own log (a replica's) may be of a sealed range still draining.
        applyIndexWrites = add(
                4,
                "apply_index_writes",
                ApplyIndexWritesRequest.parser(),
                ApplyIndexWritesReply.parser(),
                (store, request, now) -> {
                    TableDefinition table = ShardScope.resolveIncarnation(store, request.getTable());
                    List<IndexWrite> writes = StorageWire.indexWrites(request);
                    for (IndexWrite indexWrite : writes) {
                        if (request.getOwn()) {
                            scope.checkOwnIndexEntry(table, indexWrite.hash());
                        } else {
                            scope.checkOwned(table, indexWrite.hash());
                        }
                    }
                    store.applyIndexWrites(table, writes);
                    return ApplyIndexWritesReply.getDefaultInstance();
                });
        write = add(5, "write", WriteRequest.parser(), WriteReply.parser(), (store, request, now) -> {
            TableDefinition table = ShardScope.resolveIncarnation(store, request.getTable());
            PrimaryKey key = scope.ownedKey(table, request.getKey());
            return StorageWire.written(
                    store.write(table, key, StorageWire.change(request), StorageWire.returns(request.getReturns())));
        });
        // This shard's part of a BatchWriteItem: one WriteBatch, all or nothing.
        batchWrite = add(
                6,
                "batch_write",
                BatchWriteRequest.parser(),
                BatchWriteReply.parser(),
                (store, request, now) -> BatchWriteReply.newBuilder()
                        .addAllItemCollectionBytes(store.writeBatch(scope.ownedWrites(store, request.getWritesList())))
                        .build());
        // A transaction's writes that all lie on this shard: every condition checked, all or none.
        transact = add(
                7,
                "transact",
                TransactRequest.parser(),
                TransactReply.parser(),
                (store, request, now) -> StorageWire.transacted(store.transactNow(
                        scope.ownedWrites(store, request.getWritesList()), StorageWire.token(request))));
        // Phase one of a transaction spanning shards: this shard's writes checked and their items held.
        prepare = add(
                8,
                "prepare",
                PrepareRequest.parser(),
                TransactReply.parser(),
                (store, request, now) -> StorageWire.transacted(store.prepareNow(
                        request.getTransactionId(),
                        request.getLedgerAddress(),
                        scope.ownedWrites(store, request.getWritesList()))));
        finish = add(9, "finish", FinishRequest.parser(), FinishReply.parser(), (store, request, now) -> {
            store.finishNow(request.getTransactionId(), request.getCommit());
            return FinishReply.getDefaultInstance();
        });
        decide = add(
                10,
                "decide",
                DecideRequest.parser(),
                DecideReply.parser(),
                (store, request, now) -> StorageWire.decided(store.decideNow(
                        request.getTransactionId(),
                        request.hasProposal() ? StorageWire.ledgerEntry(request.getProposal()) : null,
                        request.hasTokenId() ? request.getTokenId() : null)));
        // Time to Live: the items due at the time the leader decided this entry, on every replica;
        // and the gateway requests applied long enough ago to be sent no more.
        expire = add(11, "expire", Empty.parser(), Empty.parser(), (store, request, now) -> {
            store.expireDue(now / 1000);
            store.forgetRequests(now - REQUESTS_KEPT_MILLIS);
            return Empty.getDefaultInstance();
        });
        // Range hand-offs (online splits) of replicated shards: the source's seal and release,
        // and each step of the receiver, so every replica of either group takes it at one entry.
        sealRange = add(12, "seal_range", SealRangeRequest.parser(), SealRangeReply.parser(), (store, request, now) -> {
            RangeHandOff.sealApplied(scope, store, request);
            return SealRangeReply.newBuilder()
                    .setThrough(store.latestSequence())
                    .build();
        });
        releaseRange = add(
                13,
                "release_range",
                ReleaseRangeRequest.parser(),
                ReleaseRangeReply.parser(),
                (store, request, now) -> {
                    RangeHandOff.releaseApplied(scope, store, request);
                    return ReleaseRangeReply.getDefaultInstance();
                });
        receiveRange = add(14, "receive_range", ReceivedRange.parser(), Empty.parser(), (store, request, now) -> {
            RangeReceiver.applyReceived(scope, store, request);
            return Empty.getDefaultInstance();
        });
        drainedRange = add(15, "drained_range", DrainedRange.parser(), Empty.parser(), (store, request, now) -> {
            RangeHandOff.drainedApplied(scope, store, request);
            return Empty.getDefaultInstance();
        });
    }

    private <Q extends Message, R extends Message> Command<Q, R> add(
            int code, String operation, Parser<Q> parser, Parser<R> replyParser, Body<Q, R> body) {
        Command<Q, R> command = new Command<>((byte) code, operation, parser, replyParser, body);
        byCode.put(command.code(), command);
        return command;
    }

    static TableReply describe(PartitionStore store, TableDefinition table) {
        TableEstimates estimates = store.estimates(table);
        IndexStatus indexes = estimates.indexes();
        return TableReply.newBuilder()
                .setDefinition(StorageWire.definition(table))
                .setEstimatedItemCount(estimates.itemCount())
                .setEstimatedSizeBytes(estimates.sizeBytes())
                .putAllIndexItemCounts(indexes.itemCounts())
                .putAllIndexSizeBytes(indexes.sizeBytes())
                .addAllBackfillingIndexes(indexes.backfilling())
                .build();
    }

    // ---- log entries and their results ----------------------------------------------------------

    /** A log entry: the command's code, the time the leader decided it at, and its request. */
    static byte[] entry(Command<?, ?> command, Message request, long millis) {
        return entry(command, request, millis, null);
    }

    /**
     * A log entry for a gateway's request {@code id} (or none, if null): the command's code
     * (flagged {@link #IDENTIFIED} with an id), the leader's time, the id, and the request. The
     * shard applies an id once, however often the gateway sends it ({@link RequestId}).
     */
    static byte[] entry(Command<?, ?> command, Message request, long millis, RequestId id) {
        byte[] body = request.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(1 + Long.BYTES + (id == null ? 0 : RequestId.BYTES) + body.length);
        out.put(id == null ? command.code() : (byte) (command.code() | IDENTIFIED))
                .putLong(millis);
        if (id != null) {
            out.put(id.bytes());
        }
        return out.put(body).array();
    }

    /** The flag on an entry's code saying a {@link RequestId} follows the time. */
    private static final byte IDENTIFIED = 0x40;

    /** How long a shard remembers the requests it applied: far longer than a gateway retries one. */
    static final long REQUESTS_KEPT_MILLIS = 10 * 60_000;

    /** The code of an entry carrying several commands ({@link #batch}); no command has it. */
    private static final byte BATCH = 0;

    /**
     * One log entry carrying several commands' entries, applied in this order: commands proposed
     * together share one Raft round trip and one log sync on each replica.
     */
    static byte[] batch(List<byte[]> entries) {
        return joined(BATCH, entries);
    }

    /** The results of a {@link #batch} entry, one per command, in order. */
    static List<byte[]> results(byte[] batchResult) {
        return split(batchResult);
    }

    /** The parts {@link #joined} put together, after its tag. */
    private static List<byte[]> split(byte[] joined) {
        ByteBuffer in = ByteBuffer.wrap(joined);
        in.get();
        int count = in.getInt();
        List<byte[]> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] result = new byte[in.getInt()];
            in.get(result);
            results.add(result);
        }
        return results;
    }

    private static byte[] joined(byte tag, List<byte[]> parts) {
        int size = 1 + Integer.BYTES;
        for (byte[] part : parts) {
            size += Integer.BYTES + part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(tag).putInt(parts.size());
        for (byte[] part : parts) {
            out.putInt(part.length).put(part);
        }
        return out.array();
    }

    /** Applies a log entry to the store, as {@link #apply(PartitionStore, long, byte[], PartitionStore.LogPosition)}, from the start. */
    byte[] apply(PartitionStore store, long index, byte[] entry) {
        return apply(store, index, entry, PartitionStore.LogPosition.NONE);
    }

    /**
     * Applies a log entry to the store: its result, as {@link #reply} (or, for a {@link #batch},
     * {@link #results}) reads it. Commands at or before {@code applied} are in the store already
     * (a restart replaying its log) and are skipped, so a batch cut short by a crash is finished,
     * not applied twice. A request the store refuses (a failed condition, a table not found) is a
     * result too, the same on every replica; only a store that cannot write at all throws.
     */
    byte[] apply(PartitionStore store, long index, byte[] entry, PartitionStore.LogPosition applied) {
        if (entry.length > 0 && entry[0] == BATCH) {
            List<byte[]> commands = split(entry);
            List<byte[]> results = new ArrayList<>(commands.size());
            for (int part = 0; part < commands.size(); part++) {
                results.add(
                        applied.covers(index, part) ? new byte[0] : applyOne(store, index, part, commands.get(part)));
            }
            return joined(BATCH, results);
        }
        return applied.covers(index, 0) ? new byte[0] : applyOne(store, index, 0, entry);
    }

    private byte[] applyOne(PartitionStore store, long index, int part, byte[] entry) {
        ByteBuffer in = ByteBuffer.wrap(entry);
        byte code = in.get();
        Command<?, ?> command = byCode.get((byte) (code & ~IDENTIFIED));
        if (command == null) {
            throw new IllegalStateException("log entry " + index + " holds an unknown command " + entry[0]
                    + ": this pod is older than the one that logged it");
        }
        long millis = in.getLong();
        byte[] id = null;
        if ((code & IDENTIFIED) != 0) {
            id = new byte[RequestId.BYTES];
            in.get(id);
            Optional<byte[]> earlier = store.requestResult(id);
            if (earlier.isPresent()) {
                // Sent again after a leader change, and applied already: its first result.
                return earlier.get().length > 0
                        ? earlier.get()
                        : prefixed(
                                (byte) 1,
                                StorageWire.error(new IllegalStateException(
                                                "this request was applied, but its result was lost in a restart "
                                                        + "of the shard's replica: read the item to see the change"))
                                        .toByteArray());
            }
        }
        int bodyAt = in.position();
        try {
            return store.applyEntry(
                    index,
                    part,
                    millis,
                    id,
                    () -> prefixed(
                            (byte) 0,
                            runParsed(command, store, entry, bodyAt, millis).toByteArray()),
                    Function.identity());
        } catch (RuntimeException e) {
            if (e instanceof StorageException) {
                // The store could not write (an I/O error, or closed): the entry is not applied
                // here, and Ratis stops this replica rather than let it skip the entry.
                throw e;
            }
            return prefixed((byte) 1, StorageWire.error(e).toByteArray());
        }
    }

    private static <Q extends Message, R extends Message> R runParsed(
            Command<Q, R> command, PartitionStore store, byte[] entry, int bodyAt, long millis) {
        Q request;
        try {
            request = command.parser().parseFrom(entry, bodyAt, entry.length - bodyAt);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("a log entry's request does not parse: " + e.getMessage(), e);
        }
        return command.run(store, request, millis);
    }

    /** The reply an applied entry gave: its message, or the error it raised, thrown. */
    static <R extends Message> R reply(Command<?, R> command, byte[] result) {
        try {
            if (result[0] == 0) {
                return command.replyParser().parseFrom(result, 1, result.length - 1);
            }
            throw StorageWire.exception(StorageError.parser().parseFrom(result, 1, result.length - 1));
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException("an applied entry's result does not parse", e);
        }
    }

    private static byte[] prefixed(byte tag, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = tag;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }
}
