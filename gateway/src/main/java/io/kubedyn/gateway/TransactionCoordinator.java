package io.kubedyn.gateway;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.CancellationReason;
import io.kubedyn.core.write.TransactionCanceledException;
import io.kubedyn.storage.TableKey;
import io.kubedyn.storage.TableWrite;
import io.kubedyn.storage.TransactionLedger;
import io.kubedyn.storage.TransactionToken;
import io.kubedyn.storage.WriteResult;
import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Runs transactions over the shards: a transaction whose items (and ledger record) all live on
 * one shard is applied there in one step; one spanning shards is committed in two phases, with
 * this gateway as coordinator.
 *
 * <ol>
 *   <li>Every shard prepares its writes: checks them under the items' locks and holds the items,
 *       durably, with their images on commit. Any refusal aborts all of them.</li>
 *   <li>The decision, commit, is recorded in the ledger of the shard owning the transaction id's
 *       hash (in the first action's table). That write is the commit point: whoever records a
 *       decision first (this coordinator, or a shard resolving a transaction held too long)
 *       decides for good.</li>
 *   <li>Every shard applies its images and lets the items go.</li>
 * </ol>
 *
 * A coordinator that dies at any point leaves held items that their shard resolves from the
 * ledger (see docs/architecture.md). Transactional reads spanning shards mark the items they
 * read and check, once all are read, that none was written or prepared since: then all the
 * values held at one moment (the end of the reads).
 */
public final class TransactionCoordinator {
    private final ShardRouter router;

    TransactionCoordinator(ShardRouter router) {
        this.router = router;
    }

    /**
     * Applies every write or none. Answers each write's sizes (for ConsumedCapacity), in order.
     *
     * @throws TransactionCanceledException with one reason per write when any cannot be done
     */
    public List<WriteResult> write(List<TableWrite> writes, TransactionToken token) {
        Map<String, List<Integer>> byShard =
                byShard(writes, w -> w.table(), w -> w.key().hash());
        TableDefinition first = writes.get(0).table();
        String transactionId = UUID.randomUUID().toString();
        String ledger = router.address(first, hashOf(token != null ? token.transactionId() : transactionId));
        if (byShard.size() == 1 && (token == null || byShard.containsKey(ledger))) {
            String shard = byShard.keySet().iterator().next();
            return ShardRouter.join(router.store(shard).transact(writes, token));
        }
        if (token != null) {
            TransactionLedger.Entry done =
                    ShardRouter.join(router.store(ledger).decide(token.transactionId(), null, null));
            if (done != null && done.idempotentAt(System.currentTimeMillis())) {
                return token.repeatOf(done, writes.size());
            }
        }
        WriteResult[] results = new WriteResult[writes.size()];
        Outcome prepared = onEveryShard(
                byShard, writes, (store, part) -> store.prepare(transactionId, ledger, part), (at, answer) -> {
                    for (int i = 0; i < at.size(); i++) {
                        results[at.get(i)] = answer.get(i);
                    }
                });
        if (prepared.failed()) {
            finishEverywhere(byShard.keySet(), transactionId, false);
            throw prepared.failure();
        }
        TransactionLedger.Entry standing;
        try {
            standing = ShardRouter.join(router.store(ledger)
                    .decide(
                            transactionId,
                            new TransactionLedger.Entry(
                                    TransactionLedger.Decision.COMMITTED,
                                    System.currentTimeMillis(),
                                    token == null ? null : token.fingerprint(),
                                    false),
                            token == null ? null : token.transactionId()));
        } catch (DynamoDbException e) {
            // The decision may or may not be recorded: the shards holding the items learn it from
            // the ledger once they have held them long enough. The client may retry (with its token).
            Log.warnf(
                    "transaction %s: ledger at %s did not answer (%s); its shards will resolve it",
                    transactionId, ledger, e.getMessage());
            throw new DynamoDbException(
                    DynamoDbError.INTERNAL_SERVER_ERROR,
                    "Internal server error (the transaction's outcome is not known yet; retry it with its "
                            + "ClientRequestToken)");
        }
        if (token != null && standing.complete()) {
            // Another attempt of the token's request committed first: this one was recorded aborted.
            finishEverywhere(byShard.keySet(), transactionId, false);
            return token.repeatOf(standing, writes.size());
        }
        boolean committed = standing.decision() == TransactionLedger.Decision.COMMITTED;
        List<Boolean> finished = finishEverywhere(byShard.keySet(), transactionId, committed);
        if (!committed) {
            // A shard resolved the transaction (held too long) before this coordinator decided.
            throw new TransactionCanceledException(Collections.nCopies(writes.size(), CancellationReason.conflict()));
        }
        if (!finished.contains(false)) {
            router.store(ledger)
                    .decide(
                            transactionId,
                            new TransactionLedger.Entry(
                                    TransactionLedger.Decision.COMMITTED, standing.decidedAtMillis(), null, true),
                            null);
        }
        return List.of(results);
    }

    /**
     * The items of {@code keys} (null where there is none), in order, as they all were at one
     * moment.
     *
     * @throws TransactionCanceledException when an item is held by a transaction in progress, or
     *         an item read was written before the others were read
     */
    public List<Map<String, AttributeValue>> read(List<TableKey> keys) {
        Map<String, List<Integer>> byShard =
                byShard(keys, TableKey::table, k -> k.key().hash());
        if (byShard.size() == 1) {
            return ShardRouter.join(
                    router.store(byShard.keySet().iterator().next()).getTransactional(keys, null));
        }
        String readId = UUID.randomUUID().toString();
        List<Map<String, AttributeValue>> items = new ArrayList<>(Collections.nCopies(keys.size(), null));
        Outcome read =
                onEveryShard(byShard, keys, (store, part) -> store.getTransactional(part, readId), (at, answer) -> {
                    for (int i = 0; i < at.size(); i++) {
                        items.set(at.get(i), answer.get(i));
                    }
                });
        Map<String, CompletableFuture<Boolean>> released = new LinkedHashMap<>();
        byShard.keySet()
                .forEach(shard -> released.put(shard, router.store(shard).releaseReads(readId)));
        List<CancellationReason> reasons = new ArrayList<>(read.reasons());
        boolean broken = false;
        for (Map.Entry<String, CompletableFuture<Boolean>> shard : released.entrySet()) {
            boolean intact;
            try {
                intact = ShardRouter.join(shard.getValue());
            } catch (DynamoDbException e) {
                intact = false;
            }
            if (!intact && !read.failed()) {
                broken = true;
                byShard.get(shard.getKey()).forEach(i -> reasons.set(i, CancellationReason.conflict()));
            }
        }
        if (read.failed()) {
            throw read.failure();
        }
        if (broken) {
            throw new TransactionCanceledException(reasons);
        }
        return items;
    }

    /**
     * What calling every shard with its part came to: the reasons of the parts cancelled (None
     * elsewhere), and the failure to throw, if any part failed (cancelled, or the shard could not
     * answer: then that error, which the client may retry).
     */
    private record Outcome(List<CancellationReason> reasons, DynamoDbException failure) {
        boolean failed() {
            return failure != null;
        }
    }

    private <E, R> Outcome onEveryShard(
            Map<String, List<Integer>> byShard,
            List<E> entries,
            BiFunction<io.kubedyn.storage.StoreClient, List<E>, CompletableFuture<List<R>>> call,
            java.util.function.BiConsumer<List<Integer>, List<R>> onAnswer) {
        Map<String, CompletableFuture<List<R>>> pending = new LinkedHashMap<>();
        byShard.forEach((shard, at) -> {
            List<E> part = new ArrayList<>(at.size());
            at.forEach(i -> part.add(entries.get(i)));
            pending.put(shard, call.apply(router.store(shard), part));
        });
        List<CancellationReason> reasons =
                new ArrayList<>(Collections.nCopies(entries.size(), CancellationReason.none()));
        TransactionCanceledException cancelled = null;
        DynamoDbException other = null;
        for (Map.Entry<String, CompletableFuture<List<R>>> shard : pending.entrySet()) {
            List<Integer> at = byShard.get(shard.getKey());
            try {
                onAnswer.accept(at, ShardRouter.join(shard.getValue()));
            } catch (TransactionCanceledException e) {
                for (int i = 0; i < at.size(); i++) {
                    reasons.set(at.get(i), e.reasons().get(i));
                }
                cancelled = e;
            } catch (DynamoDbException e) {
                other = e;
            }
        }
        DynamoDbException failure = cancelled != null ? new TransactionCanceledException(reasons) : other;
        return new Outcome(reasons, failure);
    }

    /**
     * Phase two on every shard, in parallel: answers, per shard, whether it finished (one that
     * did not will resolve the transaction from the ledger).
     */
    private List<Boolean> finishEverywhere(Iterable<String> shards, String transactionId, boolean commit) {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        shards.forEach(shard -> pending.add(router.store(shard).finish(transactionId, commit)));
        List<Boolean> finished = new ArrayList<>(pending.size());
        for (CompletableFuture<Void> call : pending) {
            try {
                ShardRouter.join(call);
                finished.add(true);
            } catch (RuntimeException e) {
                Log.debugf(
                        "transaction %s: a shard did not finish (%s); it will from the ledger",
                        transactionId, e.getMessage());
                finished.add(false);
            }
        }
        return finished;
    }

    private <E> Map<String, List<Integer>> byShard(
            List<E> entries, Function<E, TableDefinition> tableOf, java.util.function.ToLongFunction<E> hashOf) {
        Map<String, List<Integer>> byShard = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            E entry = entries.get(i);
            byShard.computeIfAbsent(
                            router.address(tableOf.apply(entry), hashOf.applyAsLong(entry)), a -> new ArrayList<>())
                    .add(i);
        }
        return byShard;
    }

    /** Where a transaction id's ledger record lives: the partition hash of the id as a string key. */
    private static long hashOf(String transactionId) {
        return PrimaryKey.of(new AttributeValue.S(transactionId), null).hash();
    }
}
