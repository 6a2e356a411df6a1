package io.kubedyn.gateway.cluster;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.ChangePage;
import io.kubedyn.storage.InternalTls;
import io.kubedyn.storage.NotLeaderException;
import io.kubedyn.storage.Page;
import io.kubedyn.storage.RangeNotOwnedException;
import io.kubedyn.storage.RequestId;
import io.kubedyn.storage.ReturnItems;
import io.kubedyn.storage.StorageWire;
import io.kubedyn.storage.StoreClient;
import io.kubedyn.storage.TableEstimates;
import io.kubedyn.storage.TableKey;
import io.kubedyn.storage.TableWrite;
import io.kubedyn.storage.TransactionLedger;
import io.kubedyn.storage.TransactionToken;
import io.kubedyn.storage.WriteResult;
import io.kubedyn.storage.grpc.BatchGetReply;
import io.kubedyn.storage.grpc.BatchGetRequest;
import io.kubedyn.storage.grpc.BatchWriteRequest;
import io.kubedyn.storage.grpc.CreateTableRequest;
import io.kubedyn.storage.grpc.FinishRequest;
import io.kubedyn.storage.grpc.GetReply;
import io.kubedyn.storage.grpc.ListTablesRequest;
import io.kubedyn.storage.grpc.PageReply;
import io.kubedyn.storage.grpc.QueryRequest;
import io.kubedyn.storage.grpc.ReleaseReadsReply;
import io.kubedyn.storage.grpc.ReleaseReadsRequest;
import io.kubedyn.storage.grpc.ScanRequest;
import io.kubedyn.storage.grpc.StorageError;
import io.kubedyn.storage.grpc.StorageGrpc;
import io.kubedyn.storage.grpc.TableReply;
import io.kubedyn.storage.grpc.UpdateTableRequest;
import io.kubedyn.storage.grpc.WriteReply;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A storage pod's partition store, reached over one gRPC channel: the remote
 * {@link StoreClient}. Messages are built and read by {@link StorageWire} only. Every call has a
 * deadline. A pod's DynamoDB errors come back as themselves; anything that says the pod could not
 * answer (not reachable, timed out, shutting down, not owning the key) becomes DynamoDB's
 * InternalServerError, which the AWS SDKs retry: the client gets a retryable error, never a wrong
 * answer.
 */
public final class RemoteStore implements StoreClient, AutoCloseable {
    private static final long RECONNECT_NOT_BEFORE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final String address;
    private final Duration timeout;
    private final ManagedChannel channel;
    private final AtomicLong lastReconnect = new AtomicLong(System.nanoTime());

    public RemoteStore(String address, Duration timeout) {
        this(address, timeout, InternalTls.PLAINTEXT);
    }

    /** Reaching the pod over {@code tls} (mutual TLS, or plain text). */
    public RemoteStore(String address, Duration timeout, InternalTls tls) {
        this.address = address;
        this.timeout = timeout;
        this.channel = tls.channel(address).intercept(RequestId.attaching()).build();
    }

    public String address() {
        return address;
    }

    // ---- items -------------------------------------------------------------------------------

    @Override
    public Map<String, AttributeValue> get(TableDefinition table, PrimaryKey key) {
        return get(table, key, true);
    }

    @Override
    public Map<String, AttributeValue> get(TableDefinition table, PrimaryKey key, boolean consistent) {
        GetReply reply = call(stub -> stub.get(
                StorageWire.get(table, key).toBuilder().setEventual(!consistent).build()));
        return StorageWire.got(reply);
    }

    @Override
    public WriteResult write(TableDefinition table, PrimaryKey key, ItemChange change, ReturnItems returns) {
        WriteReply reply = call(stub -> stub.write(StorageWire.write(table, key, change, returns)));
        return StorageWire.written(reply);
    }

    @Override
    public CompletableFuture<List<Map<String, AttributeValue>>> getAll(List<TableKey> keys) {
        return getAll(keys, true);
    }

    @Override
    public CompletableFuture<List<Map<String, AttributeValue>>> getAll(List<TableKey> keys, boolean consistent) {
        BatchGetRequest.Builder request = BatchGetRequest.newBuilder().setEventual(!consistent);
        for (TableKey key : keys) {
            request.addGets(StorageWire.get(key.table(), key.key()));
        }
        return start(stub -> stub.batchGet(request.build())).thenApply((BatchGetReply reply) -> {
            List<Map<String, AttributeValue>> items = new ArrayList<>(reply.getItemsCount());
            for (GetReply item : reply.getItemsList()) {
                items.add(StorageWire.got(item));
            }
            return items;
        });
    }

    @Override
    public CompletableFuture<List<Long>> writeAll(List<TableWrite> writes) {
        BatchWriteRequest.Builder request = BatchWriteRequest.newBuilder();
        for (TableWrite write : writes) {
            request.addWrites(StorageWire.write(write.table(), write.key(), write.change(), ReturnItems.NONE));
        }
        return start(stub -> stub.batchWrite(request.build())).thenApply(reply -> reply.getItemCollectionBytesList());
    }

    @Override
    public CompletableFuture<List<WriteResult>> transact(List<TableWrite> writes, TransactionToken token) {
        return start(stub -> stub.transact(StorageWire.transact(writes, token))).thenApply(StorageWire::transacted);
    }

    @Override
    public CompletableFuture<List<Map<String, AttributeValue>>> getTransactional(List<TableKey> keys, String readId) {
        return start(stub -> stub.transactGet(StorageWire.transactGet(keys, readId)))
                .thenApply((BatchGetReply reply) ->
                        reply.getItemsList().stream().map(StorageWire::got).toList());
    }

    @Override
    public CompletableFuture<Boolean> releaseReads(String readId) {
        return start(stub -> stub.releaseReads(
                        ReleaseReadsRequest.newBuilder().setReadId(readId).build()))
                .thenApply(ReleaseReadsReply::getIntact);
    }

    @Override
    public CompletableFuture<List<WriteResult>> prepare(
            String transactionId, String ledgerAddress, List<TableWrite> writes) {
        return start(stub -> stub.prepare(StorageWire.prepare(transactionId, ledgerAddress, writes)))
                .thenApply(StorageWire::transacted);
    }

    @Override
    public CompletableFuture<Void> finish(String transactionId, boolean commit) {
        return start(stub -> stub.finish(FinishRequest.newBuilder()
                        .setTransactionId(transactionId)
                        .setCommit(commit)
                        .build()))
                .thenApply(reply -> null);
    }

    @Override
    public CompletableFuture<TransactionLedger.Entry> decide(
            String transactionId, TransactionLedger.Entry proposal, String tokenId) {
        return start(stub -> stub.decide(StorageWire.decide(transactionId, proposal, tokenId)))
                .thenApply(StorageWire::decided);
    }

    @Override
    public Page query(
            TableDefinition table,
            String index,
            AttributeValue partitionKey,
            SortKeyCondition condition,
            boolean forward,
            int limit,
            long maxBytes,
            byte[] exclusiveStart) {
        return query(table, index, partitionKey, condition, forward, limit, maxBytes, exclusiveStart, true);
    }

    @Override
    public Page query(
            TableDefinition table,
            String index,
            AttributeValue partitionKey,
            SortKeyCondition condition,
            boolean forward,
            int limit,
            long maxBytes,
            byte[] exclusiveStart,
            boolean consistent) {
        QueryRequest.Builder request = QueryRequest.newBuilder()
                .setEventual(!consistent)
                .setTable(StorageWire.table(table))
                .setPartitionKey(StorageWire.value(partitionKey))
                .setForward(forward)
                .setLimit(limit)
                .setMaxBytes(maxBytes);
        if (condition != null) {
            request.setCondition(StorageWire.condition(condition));
        }
        if (index != null) {
            request.setIndex(index);
        }
        if (exclusiveStart != null) {
            request.setExclusiveStartKey(ByteString.copyFrom(exclusiveStart));
        }
        PageReply reply = call(stub -> stub.query(request.build()));
        return StorageWire.page(reply);
    }

    @Override
    public Page scan(
            TableDefinition table, String index, HashRange range, int limit, long maxBytes, byte[] exclusiveStart) {
        return scan(table, index, range, limit, maxBytes, exclusiveStart, true);
    }

    @Override
    public Page scan(
            TableDefinition table,
            String index,
            HashRange range,
            int limit,
            long maxBytes,
            byte[] exclusiveStart,
            boolean consistent) {
        ScanRequest.Builder request = ScanRequest.newBuilder()
                .setEventual(!consistent)
                .setTable(StorageWire.table(table))
                .setRange(StorageWire.range(range))
                .setLimit(limit)
                .setMaxBytes(maxBytes);
        if (index != null) {
            request.setIndex(index);
        }
        if (exclusiveStart != null) {
            request.setExclusiveStartKey(ByteString.copyFrom(exclusiveStart));
        }
        PageReply reply = call(stub -> stub.scan(request.build()));
        return StorageWire.page(reply);
    }

    @Override
    public TableEstimates estimates(TableDefinition table) {
        return StorageWire.estimates(call(stub -> stub.describeTable(StorageWire.table(table))));
    }

    // ---- tables ------------------------------------------------------------------------------

    @Override
    public void createTable(TableDefinition table) {
        call(stub -> stub.createTable(CreateTableRequest.newBuilder()
                .setDefinition(StorageWire.definition(table))
                .build()));
    }

    @Override
    public TableDefinition deleteTable(String name) {
        return StorageWire.definition(
                call(stub -> stub.deleteTable(StorageWire.table(name))).getDefinition());
    }

    @Override
    public Optional<TableDefinition> describeTable(String name) {
        try {
            TableReply reply = call(stub -> stub.describeTable(StorageWire.table(name)));
            return Optional.of(StorageWire.definition(reply.getDefinition()));
        } catch (DynamoDbException e) {
            if (e.error() == DynamoDbError.RESOURCE_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void updateTable(TableDefinition table) {
        call(stub -> stub.updateTable(UpdateTableRequest.newBuilder()
                .setDefinition(StorageWire.definition(table))
                .build()));
    }

    @Override
    public ChangePage readChanges(TableDefinition table, long from, int limit, long maxBytes) {
        return StorageWire.changes(
                call(stub -> stub.readChanges(StorageWire.readChanges(table, from, limit, maxBytes))));
    }

    @Override
    public List<String> tableNames() {
        return call(stub -> stub.listTables(ListTablesRequest.getDefaultInstance()))
                .getNamesList();
    }

    // ---- calls -------------------------------------------------------------------------------

    private <T> T call(Function<StorageGrpc.StorageBlockingStub, T> rpc) {
        try {
            return rpc.apply(
                    StorageGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (StatusRuntimeException e) {
            throw translate(e);
        }
    }

    /** Starts a call; calls started together run in parallel, with no thread of ours waiting. */
    private <T> CompletableFuture<T> start(Function<StorageGrpc.StorageFutureStub, ListenableFuture<T>> rpc) {
        CompletableFuture<T> result = new CompletableFuture<>();
        ListenableFuture<T> call = rpc.apply(
                StorageGrpc.newFutureStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
        Futures.addCallback(
                call,
                new FutureCallback<>() {
                    @Override
                    public void onSuccess(T reply) {
                        result.complete(reply);
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        result.completeExceptionally(
                                t instanceof StatusRuntimeException status
                                        ? translate(status)
                                        : unavailable(String.valueOf(t)));
                    }
                },
                MoreExecutors.directExecutor());
        return result;
    }

    private RuntimeException translate(StatusRuntimeException e) {
        StorageError error = StorageWire.errorOf(e);
        if (error != null) {
            RuntimeException cause = StorageWire.exception(error);
            if (cause instanceof DynamoDbException dynamo) {
                return dynamo;
            }
            if (cause instanceof NotLeaderException notLeader) {
                return notLeader; // a replica of a replicated shard: ShardReplicas goes to the leader
            }
            if (cause instanceof RangeNotOwnedException notOwned) {
                // The shard map here and the pod's owned ranges disagree: answering from this pod
                // could be wrong, so the client retries (by then the map may be updated).
                Log.warnf("storage pod %s refused: %s", address, error.getMessage());
                return new io.kubedyn.gateway.StaleShardMapException(address, error.getMessage(), notOwned.owner());
            }
        }
        if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
            reconnectSoon();
        }
        return unavailable(e.getStatus().getCode()
                + (e.getStatus().getDescription() == null
                        ? ""
                        : ": " + e.getStatus().getDescription()));
    }

    /**
     * gRPC waits longer and longer between reconnection attempts to a pod that is down (up to
     * two minutes). A restarted pod should serve again within a second, so after a failure the
     * wait is reset, at most twice a second.
     */
    private void reconnectSoon() {
        long now = System.nanoTime();
        long last = lastReconnect.get();
        if (now - last > RECONNECT_NOT_BEFORE_NANOS && lastReconnect.compareAndSet(last, now)) {
            channel.resetConnectBackoff();
        }
    }

    private DynamoDbException unavailable(String why) {
        return new PodUnavailableException(address, why);
    }

    /**
     * The pod did not answer (not reachable, timed out, shutting down, not owning the key):
     * DynamoDB's InternalServerError, which the AWS SDKs retry, and which a replicated shard
     * tries on another replica first.
     */
    static final class PodUnavailableException extends DynamoDbException {
        PodUnavailableException(String address, String why) {
            super(
                    DynamoDbError.INTERNAL_SERVER_ERROR,
                    "Internal server error (storage pod " + address + " unavailable: " + why + ")");
        }
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.shutdownNow();
        }
    }
}
