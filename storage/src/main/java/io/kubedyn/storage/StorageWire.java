package io.kubedyn.storage;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.ItemCodec;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableDefinitionCodec;
import io.kubedyn.core.write.CancellationReason;
import io.kubedyn.core.write.ConditionalCheckFailedException;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.core.write.ItemChangeCodec;
import io.kubedyn.core.write.TransactionCanceledException;
import io.kubedyn.core.write.TransactionConflictException;
import io.kubedyn.storage.grpc.ApplyIndexWritesRequest;
import io.kubedyn.storage.grpc.DecideReply;
import io.kubedyn.storage.grpc.DecideRequest;
import io.kubedyn.storage.grpc.GetReply;
import io.kubedyn.storage.grpc.GetRequest;
import io.kubedyn.storage.grpc.IndexEntryWrite;
import io.kubedyn.storage.grpc.Key;
import io.kubedyn.storage.grpc.LedgerEntry;
import io.kubedyn.storage.grpc.PageReply;
import io.kubedyn.storage.grpc.PrepareRequest;
import io.kubedyn.storage.grpc.RangePage;
import io.kubedyn.storage.grpc.ReadChangesReply;
import io.kubedyn.storage.grpc.ReadChangesRequest;
import io.kubedyn.storage.grpc.StorageError;
import io.kubedyn.storage.grpc.TableRef;
import io.kubedyn.storage.grpc.TableReply;
import io.kubedyn.storage.grpc.TransactGetRequest;
import io.kubedyn.storage.grpc.TransactReply;
import io.kubedyn.storage.grpc.TransactRequest;
import io.kubedyn.storage.grpc.WriteReply;
import io.kubedyn.storage.grpc.WriteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The storage pods' wire contract in one place: every translation between the internal API's
 * protobuf messages ({@code kubedyn_storage.proto}) and kubedyn's domain types, used by the
 * gateway (client side) and the storage pod (server side) alike, so the two ends cannot map a
 * field, an operator or an error differently.
 */
public final class StorageWire {
    /** The trailer every failed call carries. */
    public static final Metadata.Key<StorageError> ERROR_KEY =
            ProtoUtils.keyForProto(StorageError.getDefaultInstance());

    private static final TableDefinitionCodec DEFINITIONS = new TableDefinitionCodec();

    private StorageWire() {}

    // ---- tables ------------------------------------------------------------------------------

    public static TableRef table(TableDefinition table) {
        return TableRef.newBuilder()
                .setName(table.name())
                .setTableId(table.tableId())
                .build();
    }

    public static TableRef table(String name) {
        return TableRef.newBuilder().setName(name).build();
    }

    public static ByteString definition(TableDefinition table) {
        return ByteString.copyFrom(DEFINITIONS.encode(table));
    }

    public static TableDefinition definition(ByteString bytes) {
        return DEFINITIONS.decode(bytes.toByteArray());
    }

    // ---- keys and values ---------------------------------------------------------------------

    public static ByteString value(AttributeValue value) {
        return ByteString.copyFrom(ItemCodec.encodeValue(value));
    }

    public static AttributeValue value(ByteString bytes) {
        return ItemCodec.decodeValue(bytes.toByteArray());
    }

    public static ByteString item(Map<String, AttributeValue> item) {
        return ByteString.copyFrom(ItemCodec.encode(item));
    }

    public static Map<String, AttributeValue> item(ByteString bytes) {
        return ItemCodec.decode(bytes.toByteArray());
    }

    public static Key key(PrimaryKey key) {
        Key.Builder out = Key.newBuilder().setPartition(value(key.partitionKey()));
        if (key.sortKey() != null) {
            out.setSort(value(key.sortKey()));
        }
        return out.build();
    }

    public static PrimaryKey key(Key key) {
        return PrimaryKey.of(value(key.getPartition()), key.hasSort() ? value(key.getSort()) : null);
    }

    public static io.kubedyn.storage.grpc.HashRange range(HashRange range) {
        return io.kubedyn.storage.grpc.HashRange.newBuilder()
                .setFirst(range.first())
                .setLast(range.last())
                .build();
    }

    public static HashRange range(io.kubedyn.storage.grpc.HashRange range) {
        return new HashRange(range.getFirst(), range.getLast());
    }

    public static RangePage rangePage(long through, List<RangeWrite> writes) {
        RangePage.Builder page = RangePage.newBuilder().setThrough(through);
        for (RangeWrite write : writes) {
            io.kubedyn.storage.grpc.RangeWrite.Builder out = io.kubedyn.storage.grpc.RangeWrite.newBuilder()
                    .setPart(write.part())
                    .setKind(io.kubedyn.storage.grpc.RangeWrite.Kind.valueOf(
                            write.kind().name()))
                    .setKey(ByteString.copyFrom(write.key()));
            if (write.value() != null) {
                out.setValue(ByteString.copyFrom(write.value()));
            }
            page.addWrites(out);
        }
        return page.build();
    }

    public static List<RangeWrite> rangeWrites(RangePage page) {
        List<RangeWrite> writes = new ArrayList<>(page.getWritesCount());
        for (io.kubedyn.storage.grpc.RangeWrite write : page.getWritesList()) {
            RangeWrite.Kind kind = RangeWrite.Kind.valueOf(write.getKind().name());
            boolean valued = kind == RangeWrite.Kind.PUT || kind == RangeWrite.Kind.MERGE;
            writes.add(new RangeWrite(
                    write.getPart(),
                    kind,
                    write.getKey().toByteArray(),
                    valued ? write.getValue().toByteArray() : null));
        }
        return writes;
    }

    public static io.kubedyn.storage.grpc.SortKeyCondition condition(SortKeyCondition condition) {
        io.kubedyn.storage.grpc.SortKeyCondition.Builder out = io.kubedyn.storage.grpc.SortKeyCondition.newBuilder()
                .setOperator(
                        switch (condition.operator()) {
                            case EQ -> io.kubedyn.storage.grpc.SortKeyCondition.Operator.EQ;
                            case LT -> io.kubedyn.storage.grpc.SortKeyCondition.Operator.LT;
                            case LE -> io.kubedyn.storage.grpc.SortKeyCondition.Operator.LE;
                            case GT -> io.kubedyn.storage.grpc.SortKeyCondition.Operator.GT;
                            case GE -> io.kubedyn.storage.grpc.SortKeyCondition.Operator.GE;
                            case BETWEEN -> io.kubedyn.storage.grpc.SortKeyCondition.Operator.BETWEEN;
                            case BEGINS_WITH -> io.kubedyn.storage.grpc.SortKeyCondition.Operator.BEGINS_WITH;
                        })
                .setValue(value(condition.value()));
        if (condition.upper() != null) {
            out.setUpper(value(condition.upper()));
        }
        return out.build();
    }

    public static SortKeyCondition condition(io.kubedyn.storage.grpc.SortKeyCondition condition) {
        SortKeyCondition.Operator operator = switch (condition.getOperator()) {
            case EQ -> SortKeyCondition.Operator.EQ;
            case LT -> SortKeyCondition.Operator.LT;
            case LE -> SortKeyCondition.Operator.LE;
            case GT -> SortKeyCondition.Operator.GT;
            case GE -> SortKeyCondition.Operator.GE;
            case BETWEEN -> SortKeyCondition.Operator.BETWEEN;
            case BEGINS_WITH -> SortKeyCondition.Operator.BEGINS_WITH;
            case OPERATOR_UNSPECIFIED, UNRECOGNIZED ->
                throw new IllegalArgumentException(
                        "sort-key condition without a known operator: " + condition.getOperatorValue());
        };
        return new SortKeyCondition(
                operator, value(condition.getValue()), condition.hasUpper() ? value(condition.getUpper()) : null);
    }

    // ---- item requests -----------------------------------------------------------------------

    public static GetRequest get(TableDefinition table, PrimaryKey key) {
        return GetRequest.newBuilder().setTable(table(table)).setKey(key(key)).build();
    }

    public static GetReply got(Map<String, AttributeValue> item) {
        return item == null
                ? GetReply.getDefaultInstance()
                : GetReply.newBuilder().setItem(item(item)).build();
    }

    public static Map<String, AttributeValue> got(GetReply reply) {
        return reply.hasItem() ? item(reply.getItem()) : null;
    }

    public static WriteRequest write(TableDefinition table, PrimaryKey key, ItemChange change, ReturnItems returns) {
        return WriteRequest.newBuilder()
                .setTable(table(table))
                .setKey(key(key))
                .setChange(ByteString.copyFrom(ItemChangeCodec.encode(change)))
                .setReturns(returns(returns))
                .build();
    }

    public static ItemChange change(WriteRequest request) {
        return ItemChangeCodec.decode(request.getChange().toByteArray());
    }

    public static io.kubedyn.storage.grpc.ReturnItems returns(ReturnItems returns) {
        return switch (returns) {
            case NONE -> io.kubedyn.storage.grpc.ReturnItems.RETURN_ITEMS_NONE;
            case OLD -> io.kubedyn.storage.grpc.ReturnItems.RETURN_ITEMS_OLD;
            case NEW -> io.kubedyn.storage.grpc.ReturnItems.RETURN_ITEMS_NEW;
        };
    }

    public static ReturnItems returns(io.kubedyn.storage.grpc.ReturnItems returns) {
        return switch (returns) {
            case RETURN_ITEMS_OLD -> ReturnItems.OLD;
            case RETURN_ITEMS_NEW -> ReturnItems.NEW;
            case RETURN_ITEMS_NONE, UNRECOGNIZED -> ReturnItems.NONE;
        };
    }

    public static TransactRequest transact(List<TableWrite> writes, TransactionToken token) {
        TransactRequest.Builder request = TransactRequest.newBuilder();
        for (TableWrite write : writes) {
            request.addWrites(write(write.table(), write.key(), write.change(), ReturnItems.NONE));
        }
        if (token != null) {
            request.setToken(token.token()).setFingerprint(ByteString.copyFrom(token.fingerprint()));
        }
        return request.build();
    }

    public static TransactionToken token(TransactRequest request) {
        return request.hasToken()
                ? new TransactionToken(
                        request.getToken(), request.getFingerprint().toByteArray())
                : null;
    }

    public static TransactGetRequest transactGet(List<TableKey> keys, String readId) {
        TransactGetRequest.Builder request = TransactGetRequest.newBuilder();
        for (TableKey key : keys) {
            request.addGets(get(key.table(), key.key()));
        }
        if (readId != null) {
            request.setReadId(readId);
        }
        return request.build();
    }

    public static PrepareRequest prepare(String transactionId, String ledgerAddress, List<TableWrite> writes) {
        PrepareRequest.Builder request =
                PrepareRequest.newBuilder().setTransactionId(transactionId).setLedgerAddress(ledgerAddress);
        for (TableWrite write : writes) {
            request.addWrites(write(write.table(), write.key(), write.change(), ReturnItems.NONE));
        }
        return request.build();
    }

    public static LedgerEntry ledgerEntry(TransactionLedger.Entry entry) {
        return LedgerEntry.newBuilder()
                .setCommitted(entry.decision() == TransactionLedger.Decision.COMMITTED)
                .setDecidedAtMillis(entry.decidedAtMillis())
                .setFingerprint(ByteString.copyFrom(entry.fingerprint()))
                .setComplete(entry.complete())
                .build();
    }

    public static TransactionLedger.Entry ledgerEntry(LedgerEntry entry) {
        return new TransactionLedger.Entry(
                entry.getCommitted() ? TransactionLedger.Decision.COMMITTED : TransactionLedger.Decision.ABORTED,
                entry.getDecidedAtMillis(),
                entry.getFingerprint().toByteArray(),
                entry.getComplete());
    }

    public static DecideRequest decide(String transactionId, TransactionLedger.Entry proposal, String tokenId) {
        DecideRequest.Builder request = DecideRequest.newBuilder().setTransactionId(transactionId);
        if (tokenId != null) {
            request.setTokenId(tokenId);
        }
        if (proposal != null) {
            request.setProposal(ledgerEntry(proposal));
        }
        return request.build();
    }

    public static DecideReply decided(TransactionLedger.Entry standing) {
        return standing == null
                ? DecideReply.getDefaultInstance()
                : DecideReply.newBuilder().setStanding(ledgerEntry(standing)).build();
    }

    public static TransactionLedger.Entry decided(DecideReply reply) {
        return reply.hasStanding() ? ledgerEntry(reply.getStanding()) : null;
    }

    public static TransactReply transacted(List<WriteResult> results) {
        TransactReply.Builder reply = TransactReply.newBuilder();
        results.forEach(r -> reply.addResults(written(r)));
        return reply.build();
    }

    public static List<WriteResult> transacted(TransactReply reply) {
        return reply.getResultsList().stream().map(StorageWire::written).toList();
    }

    public static WriteReply written(WriteResult result) {
        WriteReply.Builder out =
                WriteReply.newBuilder().setOldSize(result.oldSize()).setNewSize(result.newSize());
        if (result.old() != null) {
            out.setOldItem(item(result.old()));
        }
        if (result.updated() != null) {
            out.setNewItem(item(result.updated()));
        }
        if (result.itemCollectionBytes() >= 0) {
            out.setItemCollectionBytes(result.itemCollectionBytes());
        }
        return out.build();
    }

    public static WriteResult written(WriteReply reply) {
        return new WriteResult(
                reply.hasOldItem() ? item(reply.getOldItem()) : null,
                reply.hasNewItem() ? item(reply.getNewItem()) : null,
                reply.getOldSize(),
                reply.getNewSize(),
                reply.hasItemCollectionBytes() ? reply.getItemCollectionBytes() : -1);
    }

    public static PageReply page(Page page) {
        PageReply.Builder out = PageReply.newBuilder();
        for (Map<String, AttributeValue> item : page.items()) {
            out.addItems(item(item));
        }
        if (page.lastEvaluated() != null) {
            out.setLastEvaluated(item(page.lastEvaluated()));
        }
        return out.build();
    }

    public static Page page(PageReply reply) {
        List<Map<String, AttributeValue>> items = new ArrayList<>(reply.getItemsCount());
        for (ByteString item : reply.getItemsList()) {
            items.add(item(item));
        }
        return new Page(items, reply.hasLastEvaluated() ? item(reply.getLastEvaluated()) : null);
    }

    // ---- errors ------------------------------------------------------------------------------

    /** What a failed call says: its gRPC status, with the error in the {@link #ERROR_KEY} trailer. */
    public static ApplyIndexWritesRequest indexWrites(TableDefinition table, List<IndexWrite> writes) {
        ApplyIndexWritesRequest.Builder request =
                ApplyIndexWritesRequest.newBuilder().setTable(table(table));
        for (IndexWrite write : writes) {
            IndexEntryWrite.Builder entry = IndexEntryWrite.newBuilder()
                    .setIndex(write.index())
                    .setEntryKey(ByteString.copyFrom(write.entryKey()));
            if (write.value() != null) {
                entry.setValue(ByteString.copyFrom(write.value()));
            }
            request.addWrites(entry);
        }
        return request.build();
    }

    public static List<IndexWrite> indexWrites(ApplyIndexWritesRequest request) {
        List<IndexWrite> writes = new ArrayList<>(request.getWritesCount());
        for (IndexEntryWrite entry : request.getWritesList()) {
            writes.add(new IndexWrite(
                    entry.getIndex(),
                    entry.getEntryKey().toByteArray(),
                    entry.hasValue() ? entry.getValue().toByteArray() : null));
        }
        return writes;
    }

    public static TableEstimates estimates(TableReply reply) {
        return new TableEstimates(
                reply.getEstimatedItemCount(),
                reply.getEstimatedSizeBytes(),
                new IndexStatus(
                        reply.getIndexItemCountsMap(),
                        reply.getIndexSizeBytesMap(),
                        new java.util.HashSet<>(reply.getBackfillingIndexesList())));
    }

    public static ReadChangesRequest readChanges(TableDefinition table, long from, int limit, long maxBytes) {
        return ReadChangesRequest.newBuilder()
                .setTable(table(table))
                .setFrom(from)
                .setLimit(limit)
                .setMaxBytes(maxBytes)
                .build();
    }

    public static ReadChangesReply changesReply(ChangePage page) {
        ReadChangesReply.Builder reply = ReadChangesReply.newBuilder()
                .setTrimHorizon(page.trimHorizon())
                .setLatest(page.latest())
                .setTrimmedThrough(page.trimmedThrough());
        for (ChangeRecord record : page.records()) {
            reply.addRecords(io.kubedyn.storage.grpc.ChangeRecord.newBuilder()
                    .setSequence(record.sequence())
                    .setRecord(ByteString.copyFrom(ChangeRecordCodec.encode(record))));
        }
        for (StreamEpoch epoch : page.closedEpochs()) {
            io.kubedyn.storage.grpc.StreamEpoch.Builder wire =
                    io.kubedyn.storage.grpc.StreamEpoch.newBuilder().setThrough(epoch.through());
            epoch.ranges().forEach(r -> wire.addRanges(range(r)));
            reply.addClosedEpochs(wire);
        }
        page.owned().forEach(r -> reply.addOwned(range(r)));
        return reply.build();
    }

    public static ChangePage changes(ReadChangesReply reply) {
        List<ChangeRecord> records = new ArrayList<>(reply.getRecordsCount());
        for (io.kubedyn.storage.grpc.ChangeRecord record : reply.getRecordsList()) {
            records.add(ChangeRecordCodec.decode(
                    record.getSequence(), record.getRecord().toByteArray()));
        }
        List<StreamEpoch> closed = new ArrayList<>();
        for (io.kubedyn.storage.grpc.StreamEpoch epoch : reply.getClosedEpochsList()) {
            closed.add(new StreamEpoch(
                    epoch.getRangesList().stream().map(StorageWire::range).toList(), epoch.getThrough()));
        }
        return new ChangePage(
                records,
                reply.getTrimHorizon(),
                reply.getLatest(),
                reply.getTrimmedThrough(),
                closed,
                reply.getOwnedList().stream().map(StorageWire::range).toList());
    }

    public static io.grpc.StatusRuntimeException failure(RuntimeException e) {
        StorageError error = error(e);
        Metadata trailers = new Metadata();
        trailers.put(ERROR_KEY, error);
        Status status = switch (error.getCode()) {
            case NOT_OWNED, NOT_LEADER, RANGE_CHANGES_LOST -> Status.FAILED_PRECONDITION;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case DYNAMODB, CONDITION_FAILED, TRANSACTION_CANCELED -> Status.INVALID_ARGUMENT;
            default -> Status.INTERNAL;
        };
        return status.withDescription(error.getMessage()).asRuntimeException(trailers);
    }

    public static StorageError error(RuntimeException e) {
        StorageError.Builder error = StorageError.newBuilder().setMessage(String.valueOf(e.getMessage()));
        if (e instanceof RangeNotOwnedException notOwned) {
            error.setCode(StorageError.Code.NOT_OWNED);
            if (notOwned.owner() != null) {
                error.setOwner(notOwned.owner());
            }
            if (notOwned.ownerRange() != null) {
                error.setOwnerRange(range(notOwned.ownerRange()));
            }
        } else if (e instanceof RangeChangesLostException) {
            error.setCode(StorageError.Code.RANGE_CHANGES_LOST);
        } else if (e instanceof NotLeaderException notLeader) {
            error.setCode(StorageError.Code.NOT_LEADER);
            if (notLeader.leader() != null) {
                error.setLeader(notLeader.leader());
            }
        } else if (e instanceof StoreClosedException) {
            error.setCode(StorageError.Code.UNAVAILABLE);
        } else if (e instanceof ConditionalCheckFailedException failed) {
            error.setCode(StorageError.Code.CONDITION_FAILED)
                    .setDynamodbError(StorageError.DynamoDbError.CONDITIONAL_CHECK_FAILED);
            if (failed.item() != null) {
                error.setItem(item(failed.item()));
            }
        } else if (e instanceof TransactionCanceledException cancelled) {
            error.setCode(StorageError.Code.TRANSACTION_CANCELED);
            for (CancellationReason reason : cancelled.reasons()) {
                StorageError.CancellationReason.Builder wire =
                        StorageError.CancellationReason.newBuilder().setCode(reason.code());
                if (reason.message() != null) {
                    wire.setMessage(reason.message());
                }
                if (reason.item() != null) {
                    wire.setItem(item(reason.item()));
                }
                error.addReasons(wire);
            }
        } else if (e instanceof DynamoDbException dynamo) {
            error.setCode(StorageError.Code.DYNAMODB).setDynamodbError(dynamoDbError(dynamo.error()));
        } else {
            error.setCode(StorageError.Code.INTERNAL);
        }
        return error.build();
    }

    /**
     * The exception a {@link StorageError} stands for: DynamoDB errors and failed conditions as
     * themselves; a range not owned, a store not open and an internal failure as
     * {@link RangeNotOwnedException}, {@link StoreClosedException} and {@link StorageException}.
     */
    /** The StorageError a failed call carries in its trailers ({@link #failure}), or null: a transport failure. */
    public static StorageError errorOf(io.grpc.StatusRuntimeException e) {
        return e.getTrailers() == null ? null : e.getTrailers().get(ERROR_KEY);
    }

    public static RuntimeException exception(StorageError error) {
        return switch (error.getCode()) {
            case DYNAMODB ->
                error.getDynamodbError() == StorageError.DynamoDbError.TRANSACTION_CONFLICT
                        ? new TransactionConflictException()
                        : new DynamoDbException(dynamoDbError(error.getDynamodbError()), error.getMessage());
            case TRANSACTION_CANCELED ->
                new TransactionCanceledException(error.getReasonsList().stream()
                        .map(r -> new CancellationReason(
                                r.getCode(),
                                r.hasMessage() ? r.getMessage() : null,
                                r.hasItem() ? item(r.getItem()) : null))
                        .toList());
            case CONDITION_FAILED ->
                new ConditionalCheckFailedException(error.hasItem() ? item(error.getItem()) : null);
            case NOT_OWNED ->
                new RangeNotOwnedException(
                        error.getMessage(),
                        error.hasOwner() ? error.getOwner() : null,
                        error.hasOwnerRange() ? range(error.getOwnerRange()) : null);
            case RANGE_CHANGES_LOST -> new RangeChangesLostException(error.getMessage());
            case NOT_LEADER -> new NotLeaderException(error.hasLeader() ? error.getLeader() : null);
            case UNAVAILABLE -> new StoreClosedException();
            case INTERNAL, CODE_UNSPECIFIED, UNRECOGNIZED -> new StorageException(error.getMessage(), null);
        };
    }

    public static StorageError.DynamoDbError dynamoDbError(DynamoDbError error) {
        return switch (error) {
            case VALIDATION -> StorageError.DynamoDbError.VALIDATION;
            case RESOURCE_NOT_FOUND -> StorageError.DynamoDbError.RESOURCE_NOT_FOUND;
            case RESOURCE_IN_USE -> StorageError.DynamoDbError.RESOURCE_IN_USE;
            case CONDITIONAL_CHECK_FAILED -> StorageError.DynamoDbError.CONDITIONAL_CHECK_FAILED;
            case ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED -> StorageError.DynamoDbError.ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED;
            case LIMIT_EXCEEDED -> StorageError.DynamoDbError.LIMIT_EXCEEDED;
            case SERIALIZATION -> StorageError.DynamoDbError.SERIALIZATION;
            case UNKNOWN_OPERATION -> StorageError.DynamoDbError.UNKNOWN_OPERATION;
            case INTERNAL_SERVER_ERROR -> StorageError.DynamoDbError.INTERNAL_SERVER_ERROR;
            case EXPIRED_ITERATOR -> StorageError.DynamoDbError.EXPIRED_ITERATOR;
            case TRIMMED_DATA_ACCESS -> StorageError.DynamoDbError.TRIMMED_DATA_ACCESS;
            case TRANSACTION_CONFLICT -> StorageError.DynamoDbError.TRANSACTION_CONFLICT;
            case IDEMPOTENT_PARAMETER_MISMATCH -> StorageError.DynamoDbError.IDEMPOTENT_PARAMETER_MISMATCH;
            // Carried with its reasons (TransactionCanceledException), never as a bare error.
            case TRANSACTION_CANCELED -> throw new IllegalArgumentException("not a bare storage error: " + error);
            // The gateway's own answers: to an unsigned, unauthorized or untimely call, of its catalog,
            // and to a PartiQL INSERT of a key that is taken (a failed condition in the store); a store
            // never raises them.
            case MISSING_AUTHENTICATION_TOKEN,
                    INVALID_SIGNATURE,
                    INCOMPLETE_SIGNATURE,
                    UNRECOGNIZED_CLIENT,
                    ACCESS_DENIED,
                    THROTTLING,
                    TABLE_NOT_FOUND,
                    CONTINUOUS_BACKUPS_UNAVAILABLE,
                    DUPLICATE_ITEM -> throw new IllegalArgumentException("not a storage error: " + error);
        };
    }

    public static DynamoDbError dynamoDbError(StorageError.DynamoDbError error) {
        return switch (error) {
            case VALIDATION -> DynamoDbError.VALIDATION;
            case RESOURCE_NOT_FOUND -> DynamoDbError.RESOURCE_NOT_FOUND;
            case RESOURCE_IN_USE -> DynamoDbError.RESOURCE_IN_USE;
            case CONDITIONAL_CHECK_FAILED -> DynamoDbError.CONDITIONAL_CHECK_FAILED;
            case ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED -> DynamoDbError.ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED;
            case LIMIT_EXCEEDED -> DynamoDbError.LIMIT_EXCEEDED;
            case SERIALIZATION -> DynamoDbError.SERIALIZATION;
            case UNKNOWN_OPERATION -> DynamoDbError.UNKNOWN_OPERATION;
            case EXPIRED_ITERATOR -> DynamoDbError.EXPIRED_ITERATOR;
            case TRIMMED_DATA_ACCESS -> DynamoDbError.TRIMMED_DATA_ACCESS;
            case TRANSACTION_CONFLICT -> DynamoDbError.TRANSACTION_CONFLICT;
            case IDEMPOTENT_PARAMETER_MISMATCH -> DynamoDbError.IDEMPOTENT_PARAMETER_MISMATCH;
            case INTERNAL_SERVER_ERROR, DYNAMODB_ERROR_UNSPECIFIED, UNRECOGNIZED -> DynamoDbError.INTERNAL_SERVER_ERROR;
        };
    }
}
