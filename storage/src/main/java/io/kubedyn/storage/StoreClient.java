package io.kubedyn.storage;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One partition store as its callers see it, wherever it runs: {@link PartitionStore} itself in
 * the caller's process, or a storage pod over gRPC. Item operations are called with the
 * {@link TableDefinition} the request was validated against (its {@code tableId} names the
 * table's incarnation; a store holding another incarnation answers ResourceNotFoundException)
 * and with keys already computed, never with a bare table name.
 *
 * <p>The table operations at the end are the store owner's: the embedded server's, a gateway
 * configured with its shards by hand, or on Kubernetes the storage pod itself.
 */
public interface StoreClient {

    /** The item, or null when there is none. */
    Map<String, AttributeValue> get(TableDefinition table, PrimaryKey key);

    /**
     * Applies {@code change} to the item atomically: no other write to the item interleaves, and
     * a change that throws (a failed condition, an invalid update) writes nothing.
     */
    WriteResult write(TableDefinition table, PrimaryKey key, ItemChange change, ReturnItems returns);

    /**
     * {@link #write}, begun on a thread that must not wait (an event loop): the change is decided
     * now (a failed condition throws here) and the future completes once it is durable. Null,
     * having done nothing, when this store cannot do so without waiting; the caller then calls
     * {@link #write} on a thread that may wait. No store but one in this process can.
     */
    default CompletableFuture<WriteResult> writeWithoutWaiting(
            TableDefinition table, PrimaryKey key, ItemChange change, ReturnItems returns) {
        return null;
    }

    /** The items of {@code keys} (null where there is none), in the order asked. */
    CompletableFuture<List<Map<String, AttributeValue>>> getAll(List<TableKey> keys);

    /**
     * Applies every write together: one WriteBatch and one WAL sync, all or none. Batch writes
     * carry no condition. Answers, for each write, the bytes of its item collection after it
     * (-1 for a table without local secondary indexes).
     */
    CompletableFuture<List<Long>> writeAll(List<TableWrite> writes);

    /**
     * Applies the writes of a transaction that lie wholly in this store (and its ledger record,
     * for a {@code token}: nullable) all together: every condition checked under the items'
     * locks, one WriteBatch, one WAL sync, all or none. A repeat of a token's request within ten
     * minutes writes nothing. Answers each write's sizes (its ReturnItems NONE result).
     * Fails with TransactionCanceledException (one reason per write, in order) when any write
     * cannot be done, IdempotentParameterMismatchException for a token reused with another request.
     */
    CompletableFuture<List<WriteResult>> transact(List<TableWrite> writes, TransactionToken token);

    /**
     * The items of {@code keys} (null where there is none), in the order asked, as they were at
     * one moment: no write of this store lies between two of them. An item held by a prepared
     * transaction fails the read (TransactionCanceledException, TransactionConflict for it).
     * With a {@code readId} (nullable), the items stay marked until {@link #releaseReads}.
     */
    CompletableFuture<List<Map<String, AttributeValue>>> getTransactional(List<TableKey> keys, String readId);

    /** Ends a marked transactional read: whether none of its items was written or prepared since. */
    CompletableFuture<Boolean> releaseReads(String readId);

    /**
     * Two-phase commit, phase one: checks this store's writes of transaction
     * {@code transactionId} and holds their items, durably, with the images they will have;
     * {@code ledgerAddress} names the store keeping the transaction's ledger. Answers each
     * write's sizes; TransactionCanceledException (one reason per write) when any cannot be done.
     */
    CompletableFuture<List<WriteResult>> prepare(String transactionId, String ledgerAddress, List<TableWrite> writes);

    /** Phase two: applies ({@code commit}) or drops the prepared transaction; nothing if not prepared here. */
    CompletableFuture<Void> finish(String transactionId, boolean commit);

    /**
     * The transaction's decision as this store's ledger keeps it: the one recorded, else
     * {@code proposal} recorded (null: only look, answering null if none). A proposal marked
     * complete marks the recorded decision complete. A commit proposed with a {@code tokenId}
     * (nullable) records, in the same write, that the client request token's request is done.
     */
    CompletableFuture<TransactionLedger.Entry> decide(
            String transactionId, TransactionLedger.Entry proposal, String tokenId);

    /**
     * One page of a partition of the table, or of its secondary index {@code index} (null: the
     * table itself), in sort-key order (or reversed), narrowed by {@code condition} (nullable),
     * after the storage key {@code exclusiveStart} (nullable: a table item's, or an index
     * entry's, see {@link io.kubedyn.core.SecondaryIndex#entryKey}); at most {@code limit} items
     * and {@code maxBytes} of them. An index's items are what it projects.
     */
    Page query(
            TableDefinition table,
            String index,
            AttributeValue partitionKey,
            SortKeyCondition condition,
            boolean forward,
            int limit,
            long maxBytes,
            byte[] exclusiveStart);

    /**
     * One page of the items (of the table, or of its secondary index {@code index}) whose
     * partition hash lies in {@code range}, in storage order.
     */
    Page scan(TableDefinition table, String index, HashRange range, int limit, long maxBytes, byte[] exclusiveStart);

    // ---- reads of a stated consistency -------------------------------------------------------
    // DynamoDB's ConsistentRead. A store with one copy serves every read consistently; a
    // replicated shard serves an eventually consistent read ({@code consistent} false) from any
    // replica, which has every write its Raft group committed up to some recent point.

    default Map<String, AttributeValue> get(TableDefinition table, PrimaryKey key, boolean consistent) {
        return get(table, key);
    }

    default CompletableFuture<List<Map<String, AttributeValue>>> getAll(List<TableKey> keys, boolean consistent) {
        return getAll(keys);
    }

    default Page query(
            TableDefinition table,
            String index,
            AttributeValue partitionKey,
            SortKeyCondition condition,
            boolean forward,
            int limit,
            long maxBytes,
            byte[] exclusiveStart,
            boolean consistent) {
        return query(table, index, partitionKey, condition, forward, limit, maxBytes, exclusiveStart);
    }

    default Page scan(
            TableDefinition table,
            String index,
            HashRange range,
            int limit,
            long maxBytes,
            byte[] exclusiveStart,
            boolean consistent) {
        return scan(table, index, range, limit, maxBytes, exclusiveStart);
    }

    /**
     * The store's estimates of the table, in one call: its item count, the bytes its items take,
     * and its secondary indexes' entry counts, bytes and the global ones still backfilling.
     */
    TableEstimates estimates(TableDefinition table);

    /** Creates the table, or throws ResourceInUseException if one of that name exists. */
    void createTable(TableDefinition table);

    /** Deletes the table and its items; returns its definition. ResourceNotFoundException if there is none. */
    TableDefinition deleteTable(String name);

    Optional<TableDefinition> describeTable(String name);

    /**
     * Changes the settings (stream, deletion protection) of the table's incarnation
     * {@code table.tableId()} to {@code table}'s; its key schema stays.
     */
    void updateTable(TableDefinition table);

    /**
     * The table's change records from sequence number {@code from} on (DynamoDB Streams reads
     * them): at most {@code limit}, about {@code maxBytes}, none a write still in flight.
     */
    ChangePage readChanges(TableDefinition table, long from, int limit, long maxBytes);

    /** Table names in ascending order. */
    List<String> tableNames();
}
