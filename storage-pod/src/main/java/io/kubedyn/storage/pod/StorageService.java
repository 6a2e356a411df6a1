package io.kubedyn.storage.pod;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.StreamObserver;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.ItemCodec;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ConditionalCheckFailedException;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.core.write.ItemChangeCodec;
import io.kubedyn.storage.Page;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.core.TableDefinitionCodec;
import io.kubedyn.storage.WriteResult;
import io.kubedyn.storage.grpc.BatchGetReply;
import io.kubedyn.storage.grpc.BatchGetRequest;
import io.kubedyn.storage.grpc.BatchWriteReply;
import io.kubedyn.storage.grpc.BatchWriteRequest;
import io.kubedyn.storage.grpc.CreateTableRequest;
import io.kubedyn.storage.grpc.GetReply;
import io.kubedyn.storage.grpc.GetRequest;
import io.kubedyn.storage.grpc.ListTablesReply;
import io.kubedyn.storage.grpc.ListTablesRequest;
import io.kubedyn.storage.grpc.PageReply;
import io.kubedyn.storage.grpc.QueryRequest;
import io.kubedyn.storage.grpc.ScanRequest;
import io.kubedyn.storage.grpc.StorageError;
import io.kubedyn.storage.grpc.StorageGrpc;
import io.kubedyn.storage.grpc.TableName;
import io.kubedyn.storage.grpc.TableReply;
import io.kubedyn.storage.grpc.WriteReply;
import io.kubedyn.storage.grpc.WriteRequest;
import io.quarkus.grpc.GrpcService;
import io.quarkus.logging.Log;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The storage pod's gRPC API over its partition store. Every call runs on a worker thread
 * (a write blocks on its WAL sync), handed over once: the method is called on the gRPC event
 * loop and passes its whole call to the worker pool, which also sends the reply. (Quarkus's
 * {@code @Blocking} would move each of a unary call's five listener events to a worker and
 * back to the event loop in turn: five thread wake-ups per request, and as much CPU as the
 * store's own work, see docs/performance.md.)
 * Keys and items arrive in core's binary encodings; a key or
 * range outside this pod's {@link OwnedRanges} is refused with a NOT_OWNED error, so a
 * gateway with a stale shard map never reads or writes the wrong pod's data.
 *
 * <p>Errors are gRPC statuses carrying a {@link StorageError} trailer: DynamoDB errors keep
 * their type and message, failed conditions carry the current item.
 */
@GrpcService
public class StorageService extends StorageGrpc.StorageImplBase {
    /** The trailer every failed call carries. */
    public static final Metadata.Key<StorageError> ERROR_KEY = ProtoUtils.keyForProto(StorageError.getDefaultInstance());

    private final StoreLifecycle lifecycle;
    private final OwnedRangesConfig owned;
    private final StorageMetrics metrics;
    private final Executor workers;
    private final TableDefinitionCodec definitions = new TableDefinitionCodec();

    /** {@code workers}: Quarkus's worker pool, where blocking is allowed. */
    StorageService(StoreLifecycle lifecycle, OwnedRangesConfig owned, StorageMetrics metrics, Executor workers) {
        this.lifecycle = lifecycle;
        this.owned = owned;
        this.metrics = metrics;
        this.workers = workers;
    }

    // ---- tables ------------------------------------------------------------------------------

    @Override
    public void createTable(CreateTableRequest request, StreamObserver<TableReply> reply) {
        call("create_table", reply, store -> {
            TableDefinition table = definitions.decode(request.getDefinition().toByteArray());
            store.createTable(table);
            return describe(store, table);
        });
    }

    @Override
    public void deleteTable(TableName request, StreamObserver<TableReply> reply) {
        call("delete_table", reply, store -> {
            TableDefinition table = store.deleteTable(request.getName());
            return TableReply.newBuilder().setFound(true)
                    .setDefinition(ByteString.copyFrom(definitions.encode(table))).build();
        });
    }

    @Override
    public void describeTable(TableName request, StreamObserver<TableReply> reply) {
        call("describe_table", reply, store -> store.describeTable(request.getName())
                .map(table -> describe(store, table))
                .orElse(TableReply.newBuilder().setFound(false).build()));
    }

    private TableReply describe(PartitionStore store, TableDefinition table) {
        return TableReply.newBuilder()
                .setFound(true)
                .setDefinition(ByteString.copyFrom(definitions.encode(table)))
                .setEstimatedItemCount(store.estimatedItemCount(table.name()))
                .build();
    }

    @Override
    public void listTables(ListTablesRequest request, StreamObserver<ListTablesReply> reply) {
        call("list_tables", reply, store -> ListTablesReply.newBuilder().addAllNames(store.tableNames()).build());
    }

    // ---- items -------------------------------------------------------------------------------

    @Override
    public void get(GetRequest request, StreamObserver<GetReply> reply) {
        call("get", reply, store -> get(store, request));
    }

    private GetReply get(PartitionStore store, GetRequest request) {
        checkIncarnation(store, request.getTable(), request.getTableId());
        PrimaryKey key = ownedKey(request.getTable(), request.getKey());
        Map<String, AttributeValue> item = store.get(request.getTable(), key);
        return item == null ? GetReply.newBuilder().setFound(false).build()
                : GetReply.newBuilder().setFound(true).setItem(ByteString.copyFrom(ItemCodec.encode(item))).build();
    }

    @Override
    public void write(WriteRequest request, StreamObserver<WriteReply> reply) {
        call("write", reply, store -> write(store, request));
    }

    private WriteReply write(PartitionStore store, WriteRequest request) {
        checkIncarnation(store, request.getTable(), request.getTableId());
        ItemChange change = ItemChangeCodec.decode(request.getChange().toByteArray());
        TableDefinition table = store.describeTable(request.getTable()).orElseThrow(() ->
                DynamoDbException.resourceNotFound("Requested resource not found: Table: " + request.getTable() + " not found"));
        PrimaryKey key = table.keySchema().keyOf(change.item(), false);
        checkOwned(request.getTable(), key.hash());
        WriteResult result = store.update(request.getTable(), key, change::apply);
        WriteReply.Builder out = WriteReply.newBuilder();
        if (result.old() != null) {
            out.setHadOld(true).setOldItem(ByteString.copyFrom(ItemCodec.encode(result.old())));
        }
        if (result.updated() != null) {
            out.setHasNew(true).setNewItem(ByteString.copyFrom(ItemCodec.encode(result.updated())));
        }
        return out.build();
    }

    @Override
    public void batchGet(BatchGetRequest request, StreamObserver<BatchGetReply> reply) {
        call("batch_get", reply, store -> {
            BatchGetReply.Builder out = BatchGetReply.newBuilder();
            for (GetRequest get : request.getGetsList()) {
                out.addItems(get(store, get));
            }
            return out.build();
        });
    }

    @Override
    public void batchWrite(BatchWriteRequest request, StreamObserver<BatchWriteReply> reply) {
        call("batch_write", reply, store -> {
            BatchWriteReply.Builder out = BatchWriteReply.newBuilder();
            for (WriteRequest write : request.getWritesList()) {
                try {
                    write(store, write);
                    out.addErrors(StorageError.getDefaultInstance());
                } catch (RuntimeException e) {
                    out.addErrors(errorOf(e));
                }
            }
            return out.build();
        });
    }

    // ---- ranges ------------------------------------------------------------------------------

    @Override
    public void query(QueryRequest request, StreamObserver<PageReply> reply) {
        call("query", reply, store -> {
            checkIncarnation(store, request.getTable(), request.getTableId());
            AttributeValue partitionKey = KeyMessages.value(request.getPartitionKey());
            byte[] prefix = PrimaryKey.partitionPrefix(partitionKey);
            checkOwned(request.getTable(), PrimaryKey.of(partitionKey, null).hash());
            SortKeyCondition condition = request.hasCondition() ? KeyMessages.condition(request.getCondition()) : null;
            PrimaryKey start = request.getExclusiveStart().isEmpty() ? null : KeyMessages.key(request.getExclusiveStart());
            return page(store.query(request.getTable(), prefix, condition, request.getForward(), request.getLimit(),
                    maxBytes(request.getMaxBytes()), start));
        });
    }

    @Override
    public void scan(ScanRequest request, StreamObserver<PageReply> reply) {
        call("scan", reply, store -> {
            checkIncarnation(store, request.getTable(), request.getTableId());
            HashRange range = new HashRange(request.getRange().getFirst(), request.getRange().getLast());
            OwnedRanges ranges = owned.forTable(request.getTable());
            if (!ranges.covers(range)) {
                throw new RangeNotOwnedException(String.format("hash range %016x-%016x of table %s is not owned here (%s)",
                        range.first(), range.last(), request.getTable(), ranges));
            }
            PrimaryKey start = request.getExclusiveStart().isEmpty() ? null : KeyMessages.key(request.getExclusiveStart());
            return page(store.scan(request.getTable(), range, request.getLimit(), maxBytes(request.getMaxBytes()), start));
        });
    }

    private static long maxBytes(long requested) {
        return requested > 0 ? requested : PartitionStore.PAGE_BYTES;
    }

    private static PageReply page(Page page) {
        PageReply.Builder out = PageReply.newBuilder();
        for (Map<String, AttributeValue> item : page.items()) {
            out.addItems(ByteString.copyFrom(ItemCodec.encode(item)));
        }
        if (page.lastEvaluated() != null) {
            out.setHasMore(true).setLastEvaluated(ByteString.copyFrom(ItemCodec.encode(page.lastEvaluated())));
        }
        return out.build();
    }

    // ---- ownership, errors, metrics -------------------------------------------------------------

    /** An empty id skips the check (a caller that validated nothing against a definition). */
    private static void checkIncarnation(PartitionStore store, String table, String tableId) {
        if (!tableId.isEmpty() && !store.tableId(table).map(tableId::equals).orElse(false)) {
            throw DynamoDbException.resourceNotFound("Requested resource not found: Table: " + table + " not found");
        }
    }

    private PrimaryKey ownedKey(String table, ByteString key) {
        PrimaryKey primaryKey = KeyMessages.key(key);
        checkOwned(table, primaryKey.hash());
        return primaryKey;
    }

    private void checkOwned(String table, long hash) {
        OwnedRanges ranges = owned.forTable(table);
        if (!ranges.containsHash(hash)) {
            throw new RangeNotOwnedException(String.format("partition hash %016x of table %s is not owned here (%s)",
                    hash, table, ranges));
        }
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
        metrics.record(operation, "ok", System.nanoTime() - start);
        reply.onNext(result);
        reply.onCompleted();
    }

    private void fail(String operation, StreamObserver<?> reply, RuntimeException e, long start) {
        StorageError error = errorOf(e);
        metrics.record(operation, error.getType().toLowerCase(java.util.Locale.ROOT), System.nanoTime() - start);
        Metadata trailers = new Metadata();
        trailers.put(ERROR_KEY, error);
        reply.onError(statusOf(e).withDescription(error.getMessage()).asRuntimeException(trailers));
    }

    private static Status statusOf(RuntimeException e) {
        if (e instanceof RangeNotOwnedException) {
            return Status.FAILED_PRECONDITION;
        } else if (e instanceof StoreLifecycle.StoreUnavailableException) {
            return Status.UNAVAILABLE;
        } else if (e instanceof DynamoDbException) {
            return Status.INVALID_ARGUMENT;
        }
        return Status.INTERNAL;
    }

    private static StorageError errorOf(RuntimeException e) {
        StorageError.Builder error = StorageError.newBuilder().setMessage(String.valueOf(e.getMessage()));
        if (e instanceof RangeNotOwnedException) {
            error.setType("NOT_OWNED");
        } else if (e instanceof StoreLifecycle.StoreUnavailableException) {
            error.setType("UNAVAILABLE");
        } else if (e instanceof ConditionalCheckFailedException failed) {
            error.setType("CONDITION_FAILED").setDynamodbError(failed.error().name());
            if (failed.item() != null) {
                error.setHasItem(true).setItem(ByteString.copyFrom(ItemCodec.encode(failed.item())));
            }
        } else if (e instanceof DynamoDbException dynamo) {
            error.setType("DYNAMODB").setDynamodbError(dynamo.error().name());
        } else {
            Log.error("storage request failed", e);
            error.setType("INTERNAL");
        }
        return error.build();
    }
}
