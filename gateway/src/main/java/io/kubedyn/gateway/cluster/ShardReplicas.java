package io.kubedyn.gateway.cluster;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.ChangePage;
import io.kubedyn.storage.NotLeaderException;
import io.kubedyn.storage.Page;
import io.kubedyn.storage.RequestId;
import io.kubedyn.storage.ReturnItems;
import io.kubedyn.storage.StoreClient;
import io.kubedyn.storage.TableEstimates;
import io.kubedyn.storage.TableKey;
import io.kubedyn.storage.TableWrite;
import io.kubedyn.storage.TransactionLedger;
import io.kubedyn.storage.TransactionToken;
import io.kubedyn.storage.WriteResult;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A replicated shard: its replicas (one {@link RemoteStore} each), of which the Raft group's
 * leader serves writes and strongly consistent reads, and any serves eventually consistent
 * reads (in turn, spreading them over the shard's pods). Calls go to the replica believed to lead; a replica that does
 * not lead answers with the leader's address ({@link NotLeaderException}) and the call goes there;
 * one that does not answer, or a group without a leader yet (an election in progress), is tried
 * again on the next replica after a short pause, until {@code failover} has passed. Only then
 * does the client get the pod's retryable error, so a leader's death costs callers latency, not
 * errors.
 */
final class ShardReplicas implements StoreClient {
    private static final long FIRST_PAUSE_MILLIS = 25;
    private static final long LONGEST_PAUSE_MILLIS = 400;

    private final List<RemoteStore> replicas;
    private final long failoverNanos;
    private volatile int leader;
    private final java.util.concurrent.atomic.AtomicInteger nextReader =
            new java.util.concurrent.atomic.AtomicInteger();

    ShardReplicas(List<RemoteStore> replicas, Duration failover) {
        this.replicas = List.copyOf(replicas);
        this.failoverNanos = failover.toNanos();
    }

    // ---- following the leader ----------------------------------------------------------------

    /**
     * A call the leader serves, sent again to whichever replica leads next until one answers. Every
     * attempt carries the same {@link RequestId}: one that reached a leader that then stepped down
     * may still commit, and the shard applies an id once.
     */
    private <T> T call(Function<StoreClient, T> body) {
        long deadline = System.nanoTime() + failoverNanos;
        long pause = FIRST_PAUSE_MILLIS;
        RequestId id = RequestId.next();
        while (true) {
            int at = leader;
            try {
                return id.during(() -> body.apply(replicas.get(at)));
            } catch (NotLeaderException | RemoteStore.PodUnavailableException e) {
                boolean pointed = follow(at, e);
                if (System.nanoTime() > deadline) {
                    throw failure(e);
                }
                if (!pointed) {
                    sleep(pause);
                    pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
                }
            }
        }
    }

    /**
     * An eventually consistent read: served by any replica, taken in turn so reads spread over
     * the shard's pods; one that cannot answer passes it to the next at once, and only when
     * none could does it wait and go round again, within the failover time.
     */
    private <T> T read(Function<StoreClient, T> body) {
        long deadline = System.nanoTime() + failoverNanos;
        long pause = FIRST_PAUSE_MILLIS;
        int first = Math.floorMod(nextReader.getAndIncrement(), replicas.size());
        while (true) {
            RuntimeException last = null;
            for (int i = 0; i < replicas.size(); i++) {
                try {
                    return body.apply(replicas.get((first + i) % replicas.size()));
                } catch (NotLeaderException | RemoteStore.PodUnavailableException e) {
                    last = e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw failure(last);
            }
            sleep(pause);
            pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
        }
    }

    private <T> CompletableFuture<T> readAsync(Function<StoreClient, CompletableFuture<T>> body) {
        int first = Math.floorMod(nextReader.getAndIncrement(), replicas.size());
        return readAsync(body, first, 0, System.nanoTime() + failoverNanos, FIRST_PAUSE_MILLIS);
    }

    private <T> CompletableFuture<T> readAsync(
            Function<StoreClient, CompletableFuture<T>> body, int first, int tried, long deadline, long pause) {
        CompletableFuture<T> started;
        try {
            started = body.apply(replicas.get((first + tried) % replicas.size()));
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        return started.exceptionallyCompose(thrown -> {
            Throwable e = unwrapped(thrown);
            if (!isReplicaMiss(e)) {
                return CompletableFuture.failedFuture(e);
            }
            if (System.nanoTime() > deadline) {
                return CompletableFuture.failedFuture(failure((RuntimeException) e));
            }
            boolean roundDone = (tried + 1) % replicas.size() == 0;
            Executor after =
                    roundDone ? CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS) : Runnable::run;
            long nextPause = roundDone ? Math.min(pause * 2, LONGEST_PAUSE_MILLIS) : pause;
            return CompletableFuture.supplyAsync(() -> null, after)
                    .thenCompose(ignored -> readAsync(body, first, tried + 1, deadline, nextPause));
        });
    }

    /** As {@link #call}, not waiting. */
    private <T> CompletableFuture<T> callAsync(Function<StoreClient, CompletableFuture<T>> body) {
        return attempt(body, RequestId.next(), System.nanoTime() + failoverNanos, FIRST_PAUSE_MILLIS);
    }

    private <T> CompletableFuture<T> attempt(
            Function<StoreClient, CompletableFuture<T>> body, RequestId id, long deadline, long pause) {
        int at = leader;
        CompletableFuture<T> started;
        try {
            started = id.during(() -> body.apply(replicas.get(at)));
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        return started.exceptionallyCompose(thrown -> {
            Throwable e = unwrapped(thrown);
            if (!isReplicaMiss(e)) {
                return CompletableFuture.failedFuture(e);
            }
            boolean pointed = follow(at, (RuntimeException) e);
            if (System.nanoTime() > deadline) {
                return CompletableFuture.failedFuture(failure((RuntimeException) e));
            }
            Executor after = pointed ? Runnable::run : CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> null, after)
                    .thenCompose(ignored -> attempt(body, id, deadline, Math.min(pause * 2, LONGEST_PAUSE_MILLIS)));
        });
    }

    /**
     * Moves on from the replica at {@code at} after {@code e}: to the leader it named, or else to
     * the next replica. Whether a leader was named (then there is no need to pause).
     */
    private boolean follow(int at, RuntimeException e) {
        if (e instanceof NotLeaderException notLeader && notLeader.leader() != null) {
            for (int i = 0; i < replicas.size(); i++) {
                if (replicas.get(i).address().equals(notLeader.leader()) && i != at) {
                    leader = i;
                    return true;
                }
            }
        }
        if (leader == at) {
            leader = (at + 1) % replicas.size();
        }
        return false;
    }

    private static Throwable unwrapped(Throwable thrown) {
        return thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
    }

    /** The replica could not serve the call (not the leader, or not answering): another may. */
    private static boolean isReplicaMiss(Throwable e) {
        return e instanceof NotLeaderException || e instanceof RemoteStore.PodUnavailableException;
    }

    private static RuntimeException failure(RuntimeException e) {
        if (e instanceof NotLeaderException) {
            Log.debugf("replicated shard without a leader: %s", e.getMessage());
            return new RemoteStore.PodUnavailableException("(shard)", "no replica leads the shard: " + e.getMessage());
        }
        return e;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the shard's leader", e);
        }
    }

    // ---- StoreClient ----------------------------------------------------------------------------

    @Override
    public Map<String, AttributeValue> get(TableDefinition table, PrimaryKey key) {
        return call(store -> store.get(table, key));
    }

    @Override
    public Map<String, AttributeValue> get(TableDefinition table, PrimaryKey key, boolean consistent) {
        return consistent ? call(store -> store.get(table, key, true)) : read(store -> store.get(table, key, false));
    }

    @Override
    public CompletableFuture<List<Map<String, AttributeValue>>> getAll(List<TableKey> keys, boolean consistent) {
        return consistent
                ? callAsync(store -> store.getAll(keys, true))
                : readAsync(store -> store.getAll(keys, false));
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
        Function<StoreClient, Page> body = store -> store.query(
                table, index, partitionKey, condition, forward, limit, maxBytes, exclusiveStart, consistent);
        return consistent ? call(body) : read(body);
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
        Function<StoreClient, Page> body =
                store -> store.scan(table, index, range, limit, maxBytes, exclusiveStart, consistent);
        return consistent ? call(body) : read(body);
    }

    @Override
    public WriteResult write(TableDefinition table, PrimaryKey key, ItemChange change, ReturnItems returns) {
        return call(store -> store.write(table, key, change, returns));
    }

    @Override
    public CompletableFuture<List<Map<String, AttributeValue>>> getAll(List<TableKey> keys) {
        return callAsync(store -> store.getAll(keys));
    }

    @Override
    public CompletableFuture<List<Long>> writeAll(List<TableWrite> writes) {
        return callAsync(store -> store.writeAll(writes));
    }

    @Override
    public CompletableFuture<List<WriteResult>> transact(List<TableWrite> writes, TransactionToken token) {
        return callAsync(store -> store.transact(writes, token));
    }

    @Override
    public CompletableFuture<List<Map<String, AttributeValue>>> getTransactional(List<TableKey> keys, String readId) {
        return callAsync(store -> store.getTransactional(keys, readId));
    }

    @Override
    public CompletableFuture<Boolean> releaseReads(String readId) {
        return callAsync(store -> store.releaseReads(readId));
    }

    @Override
    public CompletableFuture<List<WriteResult>> prepare(
            String transactionId, String ledgerAddress, List<TableWrite> writes) {
        return callAsync(store -> store.prepare(transactionId, ledgerAddress, writes));
    }

    @Override
    public CompletableFuture<Void> finish(String transactionId, boolean commit) {
        return callAsync(store -> store.finish(transactionId, commit));
    }

    @Override
    public CompletableFuture<TransactionLedger.Entry> decide(
            String transactionId, TransactionLedger.Entry proposal, String tokenId) {
        return callAsync(store -> store.decide(transactionId, proposal, tokenId));
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
        return call(
                store -> store.query(table, index, partitionKey, condition, forward, limit, maxBytes, exclusiveStart));
    }

    @Override
    public Page scan(
            TableDefinition table, String index, HashRange range, int limit, long maxBytes, byte[] exclusiveStart) {
        return call(store -> store.scan(table, index, range, limit, maxBytes, exclusiveStart));
    }

    @Override
    public TableEstimates estimates(TableDefinition table) {
        return call(store -> store.estimates(table));
    }

    @Override
    public void createTable(TableDefinition table) {
        call(store -> {
            store.createTable(table);
            return null;
        });
    }

    @Override
    public TableDefinition deleteTable(String name) {
        return call(store -> store.deleteTable(name));
    }

    @Override
    public Optional<TableDefinition> describeTable(String name) {
        return call(store -> store.describeTable(name));
    }

    @Override
    public void updateTable(TableDefinition table) {
        call(store -> {
            store.updateTable(table);
            return null;
        });
    }

    @Override
    public ChangePage readChanges(TableDefinition table, long from, int limit, long maxBytes) {
        return call(store -> store.readChanges(table, from, limit, maxBytes));
    }

    @Override
    public List<String> tableNames() {
        return call(StoreClient::tableNames);
    }
}
