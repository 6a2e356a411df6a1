package io.kubedyn.gateway;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.ShardMap;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.ChangePage;
import io.kubedyn.storage.IndexStatus;
import io.kubedyn.storage.Page;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.ReturnItems;
import io.kubedyn.storage.StoreClient;
import io.kubedyn.storage.TableEstimates;
import io.kubedyn.storage.TableKey;
import io.kubedyn.storage.TableWrite;
import io.kubedyn.storage.WriteResult;
import io.quarkus.logging.Log;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Sends each item request to the store that owns its partition hash, and does the work that
 * spans shards once, for the embedded server (one store owning the whole hash space) and for
 * storage pods alike: a Scan segment read through the shards it overlaps in hash order, batches
 * split by shard and sent to all of them in parallel, a table's item count summed.
 *
 * <p>A shard that cannot answer a batch leaves its part unprocessed while the other shards'
 * work stands, as DynamoDB's BatchGetItem and BatchWriteItem report partial failure
 * (UnprocessedKeys, UnprocessedItems); the request fails only when no shard could do anything.
 */
public final class ShardRouter {
    /** How long a request refused by a shard that gave its range away waits for the map to follow. */
    static final long MAP_FOLLOW_MILLIS = 3_000;

    private static final long MAP_POLL_MILLIS = 20;
    /** Global indexes (tableId/name) seen complete on every shard: they never go back. */
    private final Set<String> readyIndexes = ConcurrentHashMap.newKeySet();

    private final TableCatalog catalog;
    private final Function<String, StoreClient> stores;
    private final TransactionCoordinator transactions;

    public ShardRouter(TableCatalog catalog, Function<String, StoreClient> stores) {
        this.catalog = catalog;
        this.stores = stores;
        this.transactions = new TransactionCoordinator(this);
    }

    /** TransactWriteItems and TransactGetItems across the shards this router knows. */
    public TransactionCoordinator transactions() {
        return transactions;
    }

    /** The items of a BatchGetItem, in the order asked (null: none), and which keys were not read. */
    public record BatchRead(List<Map<String, AttributeValue>> items, BitSet unprocessed) {}

    /** DynamoDB's GetItem read: {@code consistent} as its ConsistentRead. */
    public Map<String, AttributeValue> get(TableDefinition table, PrimaryKey key, boolean consistent) {
        return routed(table, key.hash(), store -> store.get(table, key, consistent));
    }

    public WriteResult write(TableDefinition table, PrimaryKey key, ItemChange change, ReturnItems returns) {
        return routed(table, key.hash(), store -> store.write(table, key, change, returns));
    }

    /**
     * {@link #write}, begun on a thread that must not wait ({@link StoreClient#writeWithoutWaiting}):
     * null, having done nothing, when the shard's store cannot.
     */
    public CompletableFuture<WriteResult> writeWithoutWaiting(
            TableDefinition table, PrimaryKey key, ItemChange change, ReturnItems returns) {
        return onTable(
                table, () -> stores.apply(address(table, key.hash())).writeWithoutWaiting(table, key, change, returns));
    }

    /**
     * {@code call} at the shard owning {@code hash}. When that shard says it no longer owns it (a
     * split moved the range, and the shard map here is behind), the refusing pod did nothing:
     * the call goes to the pod it names as the new owner, or, while none serves it yet, waits
     * for the map to name another owner, for up to {@link #MAP_FOLLOW_MILLIS}. So the client sees
     * no error for a move that completes in time. The new owner checks ownership itself: a wrong
     * hint is refused, never answered.
     */
    private <T> T routed(TableDefinition table, long hash, Function<StoreClient, T> call) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAP_FOLLOW_MILLIS);
        String address = address(table, hash);
        String followed = null;
        while (true) {
            String at = address;
            try {
                return onTable(table, () -> call.apply(stores.apply(at)));
            } catch (StaleShardMapException stale) {
                if (System.nanoTime() > deadline) {
                    throw stale;
                }
                String named = stale.owner();
                if (named != null && !named.equals(address) && !named.equals(followed)) {
                    followed = named; // a pod named as the new owner: at once
                    address = named;
                    continue;
                }
                // Nobody serves it yet (sealed, not yet taken over), or nobody is named: a pause,
                // then the owner named last, else the map's.
                try {
                    Thread.sleep(MAP_POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw stale;
                }
                followed = null;
                address = named != null && !named.equals(address) ? named : address(table, hash);
            }
        }
    }

    /**
     * One page of a partition of the table or of its index {@code index} (null: the table), read
     * at the shard owning the partition key's hash (an index's own key, for a global index).
     */
    public Page query(
            TableDefinition table,
            String index,
            AttributeValue partitionKey,
            SortKeyCondition condition,
            boolean forward,
            int limit,
            byte[] exclusiveStart,
            boolean consistent) {
        long hash = PrimaryKey.of(partitionKey, null).hash();
        return routed(
                table,
                hash,
                store -> store.query(
                        table,
                        index,
                        partitionKey,
                        condition,
                        forward,
                        limit,
                        PartitionStore.PAGE_BYTES,
                        exclusiveStart,
                        consistent));
    }

    /**
     * One page of a Scan segment: the shards the segment overlaps are read in hash order, each
     * from where the previous page stopped (the shard owning ExclusiveStartKey's hash) and with
     * what is left of the page's Limit and 1 MB, so pages are exactly those of one store. A page
     * full at a shard boundary gets a LastEvaluatedKey only if a later shard has an item, so no
     * page ever leads to an empty one.
     *
     * <p>A shard that refuses its part because a split moved some of it (the map here is behind)
     * did nothing: the page is read again by the map that follows, waited for up to
     * {@link #MAP_FOLLOW_MILLIS}, from the same ExclusiveStartKey. A position is a hash, whoever
     * owns it, so the page is the one the new map's shards give.
     */
    public Page scan(
            TableDefinition table,
            String index,
            int segment,
            int totalSegments,
            int limit,
            byte[] exclusiveStart,
            boolean consistent) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAP_FOLLOW_MILLIS);
        while (true) {
            ShardMap map = catalog.shards(table);
            try {
                return scan(map, table, index, segment, totalSegments, limit, exclusiveStart, consistent);
            } catch (StaleShardMapException stale) {
                if (!awaitAnotherMap(table, map, deadline)) {
                    throw stale;
                }
            }
        }
    }

    /** Whether the table's shard map changed from {@code seen} before {@code deadline} (nanoTime). */
    private boolean awaitAnotherMap(TableDefinition table, ShardMap seen, long deadline) {
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(MAP_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (!catalog.shards(table).equals(seen)) {
                return true;
            }
        }
        return false;
    }

    private Page scan(
            ShardMap map,
            TableDefinition table,
            String index,
            int segment,
            int totalSegments,
            int limit,
            byte[] exclusiveStart,
            boolean consistent) {
        List<ShardMap.Shard> parts = map.shardsFor(HashRange.segment(segment, totalSegments));
        int first = 0;
        if (exclusiveStart != null) {
            long hash = ByteBuffer.wrap(exclusiveStart, 0, Long.BYTES).getLong();
            while (first < parts.size() - 1 && !parts.get(first).range().contains(hash)) {
                first++;
            }
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        long bytes = 0;
        byte[] start = exclusiveStart;
        for (int i = first; i < parts.size(); i++) {
            Page page = scanPart(
                    table,
                    index,
                    parts.get(i),
                    limit - items.size(),
                    PartitionStore.PAGE_BYTES - bytes,
                    start,
                    consistent);
            for (Map<String, AttributeValue> item : page.items()) {
                bytes += ItemSize.of(item);
            }
            items.addAll(page.items());
            if (page.lastEvaluated() != null) {
                return new Page(items, page.lastEvaluated());
            }
            start = null;
            if (items.size() >= limit || bytes >= PartitionStore.PAGE_BYTES) {
                boolean more = false;
                for (int j = i + 1; j < parts.size() && !more; j++) {
                    more = !scanPart(table, index, parts.get(j), 1, PartitionStore.PAGE_BYTES, null, consistent)
                            .items()
                            .isEmpty();
                }
                return new Page(items, more && !items.isEmpty() ? items.get(items.size() - 1) : null);
            }
        }
        return new Page(items, null);
    }

    private Page scanPart(
            TableDefinition table,
            String index,
            ShardMap.Shard part,
            int limit,
            long maxBytes,
            byte[] start,
            boolean consistent) {
        return onTable(
                table,
                () -> stores.apply(part.address())
                        .scan(table, index, part.range(), limit, maxBytes, start, consistent));
    }

    /** The items of every key, each shard's keys read in one call, all shards in parallel. */
    public BatchRead getAll(List<TableKey> keys, java.util.function.Predicate<TableDefinition> consistent) {
        List<Map<String, AttributeValue>> items = new ArrayList<>(Collections.nCopies(keys.size(), null));
        // A shard's call is consistent if any of its keys' tables asked for consistent reads.
        BitSet unprocessed = fanOut(
                keys,
                TableKey::table,
                key -> key.key().hash(),
                (store, part) -> store.getAll(part, part.stream().anyMatch(key -> consistent.test(key.table()))),
                (at, read) -> {
                    for (int j = 0; j < at.size(); j++) {
                        items.set(at.get(j), read.get(j));
                    }
                });
        return new BatchRead(items, unprocessed);
    }

    /**
     * What a batch of writes did: the positions of the writes whose shard could not apply them,
     * and for each write applied the bytes of its item collection after it (-1 for a table
     * without local secondary indexes, and for a write not applied).
     */
    public record BatchWrite(BitSet unprocessed, long[] itemCollectionBytes) {}

    /**
     * Applies the writes, each shard's part in one call (one WriteBatch and one sync there), all
     * shards in parallel. A shard that could not apply its part did none of it; the others did
     * all of theirs.
     */
    public BatchWrite writeAll(List<TableWrite> writes) {
        long[] collectionBytes = new long[writes.size()];
        Arrays.fill(collectionBytes, -1);
        BitSet unprocessed =
                fanOut(writes, TableWrite::table, write -> write.key().hash(), StoreClient::writeAll, (at, bytes) -> {
                    for (int i = 0; i < at.size() && i < bytes.size(); i++) {
                        collectionBytes[at.get(i)] = bytes.get(i);
                    }
                });
        return new BatchWrite(unprocessed, collectionBytes);
    }

    /**
     * Sends each shard its part of {@code entries} in one call, all shards in parallel, and hands
     * each reply, with the positions of its part, to {@code onReply}. Answers the positions of the
     * parts whose shard could not answer (a retryable InternalServerError): those are left
     * undone. Fails when no shard could do anything, or with any other error.
     */
    private <E, R> BitSet fanOut(
            List<E> entries,
            Function<E, TableDefinition> tableOf,
            ToLongFunction<E> hashOf,
            BiFunction<StoreClient, List<E>, CompletableFuture<R>> call,
            BiConsumer<List<Integer>, R> onReply) {
        Map<String, List<Integer>> byShard = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            E entry = entries.get(i);
            byShard.computeIfAbsent(address(tableOf.apply(entry), hashOf.applyAsLong(entry)), a -> new ArrayList<>())
                    .add(i);
        }
        Map<String, CompletableFuture<R>> pending = new LinkedHashMap<>();
        byShard.forEach((address, at) -> pending.put(address, call.apply(stores.apply(address), pick(entries, at))));
        BitSet unprocessed = new BitSet();
        RuntimeException failure = null;
        for (Map.Entry<String, CompletableFuture<R>> e : pending.entrySet()) {
            List<Integer> at = byShard.get(e.getKey());
            try {
                onReply.accept(at, join(e.getValue()));
            } catch (DynamoDbException ex) {
                failure = unprocessedOrThrow(ex, e.getKey(), tableOf.apply(entries.get(at.get(0))));
                at.forEach(unprocessed::set);
            }
        }
        if (unprocessed.cardinality() == entries.size() && failure != null) {
            throw failure;
        }
        return unprocessed;
    }

    /** DescribeTable's ItemCount: see {@link #estimates}. */
    public long estimatedItemCount(TableDefinition table) {
        return estimates(table).itemCount();
    }

    /** The table's secondary indexes over all its shards: see {@link #estimates}. */
    public IndexStatus indexStatus(TableDefinition table) {
        return estimates(table).indexes();
    }

    /**
     * What DescribeTable shows of the table, summed over its shards, one call to each: the item
     * count, the items' bytes and each index's entry count and bytes (estimates: DynamoDB's own
     * are refreshed every six hours), and the global indexes some shard is still backfilling. A
     * shard that cannot answer now leaves its figures out rather than failing the whole
     * DescribeTable, and keeps every global index not yet known to be ready backfilling: an
     * index is never reported ACTIVE early.
     */
    public TableEstimates estimates(TableDefinition table) {
        TableEstimates total = TableEstimates.NONE;
        for (String address : catalog.shards(table).addresses()) {
            try {
                TableEstimates shard = stores.apply(address).estimates(table);
                // An index the shard does not have yet (its definition not there yet) is not ready.
                Set<String> missing = new HashSet<>();
                table.indexes().stream()
                        .filter(index -> !shard.indexes().itemCounts().containsKey(index.name()))
                        .forEach(index -> missing.add(index.name()));
                total = total.plus(shard).plus(new TableEstimates(0, 0, new IndexStatus(Map.of(), Map.of(), missing)));
            } catch (DynamoDbException e) {
                if (e.error() != DynamoDbError.INTERNAL_SERVER_ERROR && e.error() != DynamoDbError.RESOURCE_NOT_FOUND) {
                    throw e;
                }
                Set<String> unknown = new HashSet<>();
                table.indexes().stream()
                        .filter(SecondaryIndex::global)
                        .filter(index -> !readyIndexes.contains(readyKey(table, index.name())))
                        .forEach(index -> unknown.add(index.name()));
                total = total.plus(new TableEstimates(0, 0, new IndexStatus(Map.of(), Map.of(), unknown)));
            }
        }
        for (SecondaryIndex index : table.indexes()) {
            if (index.global() && !total.indexes().backfilling().contains(index.name())) {
                readyIndexes.add(readyKey(table, index.name()));
            }
        }
        return total;
    }

    /**
     * Whether global index {@code index} holds every item of the table: no shard is backfilling
     * it. Once true it stays true, so only reads of an index still being created ask the shards.
     */
    public boolean globalIndexReady(TableDefinition table, String index) {
        return readyIndexes.contains(readyKey(table, index))
                || !indexStatus(table).backfilling().contains(index);
    }

    /** An index by its table's incarnation and its whole definition: one created again is asked about again. */
    private static String readyKey(TableDefinition table, String index) {
        return table.tableId() + "/"
                + table.index(index).map(SecondaryIndex::toString).orElse(index);
    }

    /** The table's storage shards, in hash-range order: each one's range in the map and where it answers. */
    public List<io.kubedyn.core.ShardMap.Shard> storageShards(TableDefinition table) {
        return catalog.shards(table).shards();
    }

    /** The change records of the table's storage shard at {@code address} from {@code from} on. */
    public ChangePage readChanges(TableDefinition table, String address, long from, int limit, long maxBytes) {
        return onTable(table, () -> stores.apply(address).readChanges(table, from, limit, maxBytes));
    }

    // ---- routing -----------------------------------------------------------------------------

    StoreClient store(String address) {
        return stores.apply(address);
    }

    /** The address of the shard of {@code table} owning {@code hash}. */
    String address(TableDefinition table, long hash) {
        return catalog.shards(table).shardFor(hash).address();
    }

    private static <T> List<T> pick(List<T> all, List<Integer> at) {
        List<T> out = new ArrayList<>(at.size());
        for (int i : at) {
            out.add(all.get(i));
        }
        return out;
    }

    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * A shard's part of a batch failed: a shard that could not answer (a retryable
     * InternalServerError), or whose part touches an item a transaction holds, leaves its part
     * unprocessed; anything else fails the request.
     */
    private RuntimeException unprocessedOrThrow(DynamoDbException e, String address, TableDefinition table) {
        // A shard part touching an item a transaction holds is left undone too: the client's retry completes it.
        if (e.error() != DynamoDbError.INTERNAL_SERVER_ERROR && e.error() != DynamoDbError.TRANSACTION_CONFLICT) {
            throw staleOrGone(table, e);
        }
        Log.debugf("batch part on %s left unprocessed: %s", address, e.getMessage());
        return e;
    }

    /**
     * A store that does not hold the table's incarnation makes the definition the request was
     * validated against stale. If the table is gone, the client is told so; if it exists again
     * under a new id, the request must not be answered by the old schema: the client gets a
     * retryable error and its retry is validated against the new definition.
     */
    private <T> T onTable(TableDefinition table, Supplier<T> call) {
        try {
            return call.get();
        } catch (DynamoDbException e) {
            throw staleOrGone(table, e);
        }
    }

    private DynamoDbException staleOrGone(TableDefinition table, DynamoDbException e) {
        if (e.error() != DynamoDbError.RESOURCE_NOT_FOUND) {
            return e;
        }
        return catalog.refresh(table)
                .filter(current -> !current.tableId().equals(table.tableId()))
                .map(current -> new DynamoDbException(
                        DynamoDbError.INTERNAL_SERVER_ERROR,
                        "Internal server error (table " + table.name()
                                + " was re-created while this request ran; retry)"))
                .orElse(e);
    }
}
