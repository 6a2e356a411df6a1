package io.kubedyn.storage.pod;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.storage.Page;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.RangeNotOwnedException;
import io.kubedyn.storage.ReadWouldWaitException;
import io.kubedyn.storage.RequestId;
import io.kubedyn.storage.StorageException;
import io.kubedyn.storage.StorageWire;
import io.kubedyn.storage.WriteResult;
import io.kubedyn.storage.grpc.ApplyIndexWritesReply;
import io.kubedyn.storage.grpc.ApplyIndexWritesRequest;
import io.kubedyn.storage.grpc.BatchGetReply;
import io.kubedyn.storage.grpc.BatchGetRequest;
import io.kubedyn.storage.grpc.BatchWriteReply;
import io.kubedyn.storage.grpc.BatchWriteRequest;
import io.kubedyn.storage.grpc.CopyRangeRequest;
import io.kubedyn.storage.grpc.CreateTableRequest;
import io.kubedyn.storage.grpc.DecideReply;
import io.kubedyn.storage.grpc.DecideRequest;
import io.kubedyn.storage.grpc.FinishReply;
import io.kubedyn.storage.grpc.FinishRequest;
import io.kubedyn.storage.grpc.GetReply;
import io.kubedyn.storage.grpc.GetRequest;
import io.kubedyn.storage.grpc.ListTablesReply;
import io.kubedyn.storage.grpc.ListTablesRequest;
import io.kubedyn.storage.grpc.PageReply;
import io.kubedyn.storage.grpc.PrepareRequest;
import io.kubedyn.storage.grpc.QueryRequest;
import io.kubedyn.storage.grpc.RangeChangesRequest;
import io.kubedyn.storage.grpc.RangePage;
import io.kubedyn.storage.grpc.ReadChangesReply;
import io.kubedyn.storage.grpc.ReadChangesRequest;
import io.kubedyn.storage.grpc.ReleaseRangeReply;
import io.kubedyn.storage.grpc.ReleaseRangeRequest;
import io.kubedyn.storage.grpc.ReleaseReadsReply;
import io.kubedyn.storage.grpc.ReleaseReadsRequest;
import io.kubedyn.storage.grpc.ScanRequest;
import io.kubedyn.storage.grpc.SealRangeReply;
import io.kubedyn.storage.grpc.SealRangeRequest;
import io.kubedyn.storage.grpc.StorageError;
import io.kubedyn.storage.grpc.StorageGrpc;
import io.kubedyn.storage.grpc.TableRef;
import io.kubedyn.storage.grpc.TableReply;
import io.kubedyn.storage.grpc.TransactGetRequest;
import io.kubedyn.storage.grpc.TransactReply;
import io.kubedyn.storage.grpc.TransactRequest;
import io.kubedyn.storage.grpc.UpdateTableRequest;
import io.kubedyn.storage.grpc.WriteReply;
import io.kubedyn.storage.grpc.WriteRequest;
import io.quarkus.grpc.GrpcService;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The storage pod's gRPC API over its partition store. Every call but a GetItem answered from
 * memory without a read barrier ({@link #get}) and an unreplicated shard's item write begun
 * without waiting ({@link #write}) runs on a worker thread (a write blocks on its WAL sync),
 * handed over once: the method is called on the gRPC event loop and passes its whole
 * call to the worker pool, which also sends the reply. (Quarkus's
 * {@code @Blocking} would move each of a unary call's five listener events to a worker and
 * back to the event loop in turn: five thread wake-ups per request, and as much CPU as the
 * store's own work, see docs/performance.md.)
 *
 * <p>Messages become domain values through {@link StorageWire} only. Each item request names
 * the table incarnation it was validated against; the pod resolves it once, to the definition
 * its store holds, and the store refuses any other incarnation. A key or range outside this
 * pod's {@link OwnedRanges} is refused as not owned, so a gateway with a stale shard map never
 * reads or writes the wrong pod's data.
 */
@GrpcService
public class StorageService extends StorageGrpc.StorageImplBase {
    private final StoreLifecycle lifecycle;
    private final StoreCommands commands;
    private final ShardScope scope;
    private final StorageMetrics metrics;
    private final Executor workers;
    private final RangeHandOff handOff;

    /** {@code workers}: Quarkus's worker pool, where blocking is allowed. */
    StorageService(StoreLifecycle lifecycle, StorageMetrics metrics, Executor workers) {
        this.lifecycle = lifecycle;
        this.commands = lifecycle.commands();
        this.scope = lifecycle.scope();
        this.metrics = metrics;
        this.workers = workers;
        this.handOff = new RangeHandOff(scope, lifecycle);
    }

    // ---- tables ------------------------------------------------------------------------------

    @Override
    public void createTable(CreateTableRequest request, StreamObserver<TableReply> reply) {
        command(commands.createTable, request, reply);
    }

    @Override
    public void updateTable(UpdateTableRequest request, StreamObserver<TableReply> reply) {
        command(commands.updateTable, request, reply);
    }

    @Override
    public void applyIndexWrites(ApplyIndexWritesRequest request, StreamObserver<ApplyIndexWritesReply> reply) {
        // Another shard's entries: never this shard's own (see ApplyIndexWritesRequest.own).
        command(commands.applyIndexWrites, request.toBuilder().clearOwn().build(), reply);
    }

    @Override
    public void readChanges(ReadChangesRequest request, StreamObserver<ReadChangesReply> reply) {
        read("read_changes", true, reply, store -> {
            TableDefinition table = ShardScope.resolveIncarnation(store, request.getTable());
            // With the ranges it owns (the stream shard its newest records make up), read while
            // they cannot change: a seal closes the log's stretch and gives up a range at once.
            return scope.owning(() -> StorageWire.changesReply(
                    store.readChanges(table, request.getFrom(), request.getLimit(), request.getMaxBytes())
                            .withOwned(scope.ranges(table).ranges())));
        });
    }

    @Override
    public void deleteTable(TableRef request, StreamObserver<TableReply> reply) {
        command(commands.deleteTable, request, reply);
    }

    @Override
    public void describeTable(TableRef request, StreamObserver<TableReply> reply) {
        call("describe_table", reply, store -> StoreCommands.describe(store, ShardScope.resolve(store, request)));
    }

    @Override
    public void listTables(ListTablesRequest request, StreamObserver<ListTablesReply> reply) {
        call(
                "list_tables",
                reply,
                store -> ListTablesReply.newBuilder()
                        .addAllNames(store.tableNames())
                        .build());
    }

    // ---- items -------------------------------------------------------------------------------

    /**
     * A GetItem that needs no read barrier (an eventually consistent one, or any on an
     * unreplicated pod) is answered here on the gRPC event loop when it can be without waiting:
     * its table and item are read from memory only (the memtables and RocksDB's block cache),
     * and the hand-off to a worker thread and back cost the pod more CPU than such a read (see
     * docs/performance.md). One whose item would come from disk, or that arrives while the store
     * is being reopened, goes to a worker as every other call does, to wait there. Queries and
     * Scans, which may read a megabyte, stay on the workers.
     */
    @Override
    public void get(GetRequest request, StreamObserver<GetReply> reply) {
        boolean consistent = !request.getEventual();
        Optional<ShardReplica> replica = lifecycle.replica();
        if (!consistent || replica.isEmpty()) {
            long start = System.nanoTime();
            GetReply got;
            try {
                got = lifecycle.withStore(store -> {
                    replica.ifPresent(ShardReplica::checkMember);
                    TableDefinition table = ShardScope.resolveIncarnationWithoutWaiting(store, request.getTable());
                    return StorageWire.got(store.getWithoutWaiting(table, scope.ownedKey(table, request.getKey())));
                });
            } catch (ReadWouldWaitException e) {
                got = null;
            } catch (RuntimeException e) {
                fail("get", reply, e, start);
                return;
            }
            if (got != null) {
                succeed("get", reply, got, start);
                return;
            }
        }
        read("get", consistent, reply, store -> {
            TableDefinition table = ShardScope.resolveIncarnation(store, request.getTable());
            return StorageWire.got(store.get(table, scope.ownedKey(table, request.getKey())));
        });
    }

    /**
     * An item write on an unreplicated pod is begun here on the gRPC event loop when it can be
     * without waiting: decided under its item's lock, the item read from memory only, and handed
     * to the store's group commit, which writes whatever is queued as one batch with one WAL
     * sync (see docs/architecture.md, "Writes"). The reply goes once that sync is done, from this
     * event loop. One that would wait (its item's lock taken, the item on disk, the ranges being
     * changed, the store being reopened) goes to a worker as every other call does. A replica's
     * writes go through its Raft log, whose proposals are batched there ({@link Proposals}).
     */
    @Override
    public void write(WriteRequest request, StreamObserver<WriteReply> reply) {
        if (lifecycle.replica().isEmpty()) {
            long start = System.nanoTime();
            CompletableFuture<WriteResult> begun;
            try {
                begun = lifecycle.withStore(store -> scope.owningWithoutWaiting(() -> {
                    TableDefinition table = ShardScope.resolveIncarnationWithoutWaiting(store, request.getTable());
                    return store.writeWithoutWaiting(
                            table,
                            scope.ownedKey(table, request.getKey()),
                            StorageWire.change(request),
                            StorageWire.returns(request.getReturns()));
                }));
            } catch (ReadWouldWaitException e) {
                begun = null;
            } catch (RuntimeException e) {
                fail("write", reply, e, start);
                return;
            }
            if (begun != null) {
                Context loop = Vertx.currentContext();
                begun.whenComplete((written, failure) -> onLoop(loop, () -> {
                    WriteReply answer;
                    try {
                        if (failure != null) {
                            throw unwrapped(failure);
                        }
                        answer = StorageWire.written(written);
                    } catch (RuntimeException e) {
                        fail("write", reply, e, start);
                        return;
                    }
                    succeed("write", reply, answer, start);
                }));
                return;
            }
        }
        command(commands.write, request, reply);
    }

    /** Runs {@code answer} on {@code loop}, the event loop a call came in on (here if none). */
    private static void onLoop(Context loop, Runnable answer) {
        if (loop == null) {
            answer.run();
        } else {
            loop.runOnContext(ignored -> answer.run());
        }
    }

    private static RuntimeException unwrapped(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof RuntimeException e ? e : new StorageException("write failed", cause);
    }

    @Override
    public void batchGet(BatchGetRequest request, StreamObserver<BatchGetReply> reply) {
        read("batch_get", !request.getEventual(), reply, store -> {
            BatchGetReply.Builder out = BatchGetReply.newBuilder();
            for (Map<String, AttributeValue> item : store.readAll(scope.ownedKeys(store, request.getGetsList()))) {
                out.addItems(StorageWire.got(item));
            }
            return out.build();
        });
    }

    /** This shard's part of a BatchWriteItem: one WriteBatch, one WAL sync, all or nothing. */
    @Override
    public void batchWrite(BatchWriteRequest request, StreamObserver<BatchWriteReply> reply) {
        command(commands.batchWrite, request, reply);
    }

    /** A transaction's writes that all lie on this shard: every condition checked, all or none. */
    @Override
    public void transact(TransactRequest request, StreamObserver<TransactReply> reply) {
        command(commands.transact, request, reply);
    }

    /** A transaction's gets on this shard, read at one moment (and marked, with a read id). */
    @Override
    public void transactGet(TransactGetRequest request, StreamObserver<BatchGetReply> reply) {
        read("transact_get", true, reply, store -> {
            BatchGetReply.Builder out = BatchGetReply.newBuilder();
            for (Map<String, AttributeValue> item : store.readTogether(
                    scope.ownedKeys(store, request.getGetsList()), request.hasReadId() ? request.getReadId() : null)) {
                out.addItems(StorageWire.got(item));
            }
            return out.build();
        });
    }

    @Override
    public void releaseReads(ReleaseReadsRequest request, StreamObserver<ReleaseReadsReply> reply) {
        call(
                "release_reads",
                reply,
                store -> ReleaseReadsReply.newBuilder()
                        .setIntact(store.releaseReadsNow(request.getReadId()))
                        .build());
    }

    /** Phase one of a transaction spanning shards: this shard's writes checked and their items held. */
    @Override
    public void prepare(PrepareRequest request, StreamObserver<TransactReply> reply) {
        command(commands.prepare, request, reply);
    }

    @Override
    public void finish(FinishRequest request, StreamObserver<FinishReply> reply) {
        command(commands.finish, request, reply);
    }

    @Override
    public void decide(DecideRequest request, StreamObserver<DecideReply> reply) {
        command(commands.decide, request, reply);
    }

    // ---- ranges ------------------------------------------------------------------------------

    @Override
    public void query(QueryRequest request, StreamObserver<PageReply> reply) {
        read("query", !request.getEventual(), reply, store -> {
            TableDefinition table = ShardScope.resolveIncarnation(store, request.getTable());
            AttributeValue partitionKey = StorageWire.value(request.getPartitionKey());
            scope.checkOwned(table, PrimaryKey.of(partitionKey, null).hash());
            Page page = store.query(
                    table,
                    request.hasIndex() ? request.getIndex() : null,
                    partitionKey,
                    request.hasCondition() ? StorageWire.condition(request.getCondition()) : null,
                    request.getForward(),
                    request.getLimit(),
                    maxBytes(request.getMaxBytes()),
                    request.hasExclusiveStartKey()
                            ? request.getExclusiveStartKey().toByteArray()
                            : null);
            return StorageWire.page(page);
        });
    }

    @Override
    public void scan(ScanRequest request, StreamObserver<PageReply> reply) {
        read("scan", !request.getEventual(), reply, store -> {
            TableDefinition table = ShardScope.resolveIncarnation(store, request.getTable());
            HashRange range = StorageWire.range(request.getRange());
            OwnedRanges ranges = scope.ranges(table);
            if (!ranges.covers(range)) {
                throw new RangeNotOwnedException(
                        "hash range " + range + " of table " + table.name() + " is not owned here (" + ranges + ")",
                        scope.ownerOf(range.first(), range.last()));
            }
            Page page = store.scan(
                    table,
                    request.hasIndex() ? request.getIndex() : null,
                    range,
                    request.getLimit(),
                    maxBytes(request.getMaxBytes()),
                    request.hasExclusiveStartKey()
                            ? request.getExclusiveStartKey().toByteArray()
                            : null);
            return StorageWire.page(page);
        });
    }

    private static long maxBytes(long requested) {
        return requested > 0 ? requested : PartitionStore.PAGE_BYTES;
    }

    // ---- range hand-off -------------------------------------------------------------------------

    @Override
    public void copyRange(CopyRangeRequest request, StreamObserver<RangePage> reply) {
        ServerCallStreamObserver<RangePage> call = (ServerCallStreamObserver<RangePage>) reply;
        Object ready = new Object();
        call.setOnReadyHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        long start = System.nanoTime();
        try {
            workers.execute(() -> copyRange(request, call, ready, start));
        } catch (RejectedExecutionException e) {
            fail("copy_range", reply, new StoreLifecycle.StoreUnavailableException(), start);
        }
    }

    /** Sends the copy's pages at the receiver's pace: each waits here, not in memory, until it can go. */
    private void copyRange(
            CopyRangeRequest request, ServerCallStreamObserver<RangePage> call, Object ready, long start) {
        try {
            lifecycle.withStore(store -> {
                handOff.copy(store, request, page -> {
                    synchronized (ready) {
                        while (!call.isReady() && !call.isCancelled()) {
                            try {
                                ready.wait(100);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new StoreLifecycle.StoreUnavailableException();
                            }
                        }
                    }
                    if (call.isCancelled()) {
                        throw new StorageException("the receiver cancelled the copy", null);
                    }
                    call.onNext(page);
                });
                return null;
            });
        } catch (RuntimeException e) {
            fail("copy_range", call, e, start);
            return;
        }
        metrics.record("copy_range", "ok", System.nanoTime() - start);
        call.onCompleted();
    }

    @Override
    public void rangeChanges(RangeChangesRequest request, StreamObserver<RangePage> reply) {
        call("range_changes", reply, store -> handOff.changes(store, request));
    }

    @Override
    public void sealRange(SealRangeRequest request, StreamObserver<SealRangeReply> reply) {
        call(
                "seal_range",
                reply,
                store -> SealRangeReply.newBuilder()
                        .setThrough(handOff.seal(store, request))
                        .build());
    }

    @Override
    public void releaseRange(ReleaseRangeRequest request, StreamObserver<ReleaseRangeReply> reply) {
        call("release_range", reply, store -> {
            handOff.release(store, request);
            return ReleaseRangeReply.getDefaultInstance();
        });
    }

    // ---- ownership, errors, metrics -------------------------------------------------------------

    /**
     * A command that changes the store: run at once on an unreplicated pod; proposed to the
     * shard's Raft group on a replica (the leader's only; another replica refuses with the
     * leader's address), answered once applied here. The gateway's id for the request, read
     * here on the gRPC thread, goes with it: the group applies an id once.
     */
    private <Q extends com.google.protobuf.Message, R extends com.google.protobuf.Message> void command(
            StoreCommands.Command<Q, R> command, Q request, StreamObserver<R> reply) {
        RequestId id = RequestId.current();
        call(
                command.operation(),
                reply,
                store -> lifecycle
                        .replica()
                        .map(replica -> replica.propose(command, request, id))
                        .orElseGet(() -> scope.owning(() -> command.run(store, request, System.currentTimeMillis()))));
    }

    /**
     * A read of items. On a replica, a strongly consistent read ({@code consistent}) is served by
     * the leader only, after a read index barrier, so it sees every write acknowledged before it
     * arrived; an eventually consistent one is served by whichever replica it reaches, from what
     * that replica has applied: only entries its group committed, never one that may yet be lost.
     */
    private <T> void read(
            String operation, boolean consistent, StreamObserver<T> reply, Function<PartitionStore, T> body) {
        call(operation, reply, store -> {
            if (consistent) {
                lifecycle.replica().ifPresent(ShardReplica::readBarrier);
            } else {
                lifecycle.replica().ifPresent(ShardReplica::checkMember);
            }
            return body.apply(store);
        });
    }

    private <T> void call(String operation, StreamObserver<T> reply, Function<PartitionStore, T> body) {
        long start = System.nanoTime();
        try {
            workers.execute(() -> answer(operation, reply, body, start));
        } catch (RejectedExecutionException e) {
            // The pool is shutting down, and so is the store: the gateway retries elsewhere.
            fail(operation, reply, new StoreLifecycle.StoreUnavailableException(), start);
        }
    }

    private <T> void answer(String operation, StreamObserver<T> reply, Function<PartitionStore, T> body, long start) {
        T result;
        try {
            result = lifecycle.withStore(body);
        } catch (RuntimeException e) {
            fail(operation, reply, e, start);
            return;
        }
        succeed(operation, reply, result, start);
    }

    private <T> void succeed(String operation, StreamObserver<T> reply, T result, long start) {
        metrics.record(operation, "ok", System.nanoTime() - start);
        reply.onNext(result);
        reply.onCompleted();
    }

    private void fail(String operation, StreamObserver<?> reply, RuntimeException e, long start) {
        StorageError error = StorageWire.error(e);
        if (error.getCode() == StorageError.Code.INTERNAL) {
            Log.error("storage request failed", e);
        }
        metrics.record(operation, error.getCode().name().toLowerCase(Locale.ROOT), System.nanoTime() - start);
        reply.onError(StorageWire.failure(e));
    }
}
