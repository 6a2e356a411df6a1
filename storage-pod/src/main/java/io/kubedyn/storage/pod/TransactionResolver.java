package io.kubedyn.storage.pod;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.kubedyn.storage.InternalTls;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.PreparedTransaction;
import io.kubedyn.storage.StorageWire;
import io.kubedyn.storage.StoreClosedException;
import io.kubedyn.storage.TransactionLedger;
import io.kubedyn.storage.grpc.StorageGrpc;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Ends the transactions this pod has held for longer than {@code timeout} (their coordinator
 * died, or lost touch, between the two phases): asks the transaction's ledger, on the shard the
 * prepared transaction names, to record an abort unless a decision stands, and applies whatever
 * decision stands. A transaction whose ledger cannot be reached stays held and is asked about
 * again a second later, so no item stays held once its ledger's shard answers.
 */
final class TransactionResolver implements AutoCloseable {
    private static final long PERIOD_MILLIS = 1000;
    private final PartitionStore store;
    private final InternalTls tls;
    private final Duration timeout;
    private final Duration peerTimeout;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "kubedyn-transaction-resolver");
        thread.setDaemon(true);
        return thread;
    });

    private final BooleanSupplier leads;
    private final BiConsumer<String, Boolean> finish;

    /**
     * @param leads whether this pod does its shard's leader's work (only the leader resolves)
     * @param finish ends a transaction here as decided (through the shard's log when replicated)
     */
    TransactionResolver(
            PartitionStore store,
            Duration timeout,
            Duration peerTimeout,
            BooleanSupplier leads,
            BiConsumer<String, Boolean> finish,
            InternalTls tls) {
        this.store = store;
        this.tls = tls;
        this.leads = leads;
        this.finish = finish;
        this.timeout = timeout;
        this.peerTimeout = peerTimeout;
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::resolveHeld, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void resolveHeld() {
        if (!leads.getAsBoolean()) {
            return;
        }
        try {
            for (PreparedTransaction transaction :
                    store.preparedBefore(System.currentTimeMillis() - timeout.toMillis())) {
                resolve(transaction);
            }
        } catch (StoreClosedException closing) {
            // shutting down: the transactions stay held, durably, until the pod is back
        } catch (RuntimeException e) {
            Log.warnf(e, "resolving held transactions failed; retrying");
        }
    }

    private void resolve(PreparedTransaction transaction) {
        TransactionLedger.Entry abort = new TransactionLedger.Entry(
                TransactionLedger.Decision.ABORTED, System.currentTimeMillis(), null, false);
        TransactionLedger.Entry standing = null;
        // A replicated ledger shard is reached at its replicas' addresses ("a|b|c"): its leader answers.
        for (String address : io.kubedyn.core.ShardMap.replicas(transaction.ledgerAddress())) {
            try {
                standing = StorageWire.decided(StorageGrpc.newBlockingStub(channel(address))
                        .withDeadlineAfter(peerTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .decide(StorageWire.decide(transaction.id(), abort, null)));
                break;
            } catch (StatusRuntimeException e) {
                Log.debugf(
                        "transaction %s: its ledger at %s does not answer (%s)",
                        transaction.id(), address, e.getStatus());
            }
        }
        if (standing == null) {
            return; // asked again later
        }
        boolean commit = standing.decision() == TransactionLedger.Decision.COMMITTED;
        finish.accept(transaction.id(), commit);
        Log.infof(
                "transaction %s held since %d resolved from its ledger: %s",
                transaction.id(), transaction.preparedAtMillis(), commit ? "committed" : "aborted");
    }

    private ManagedChannel channel(String address) {
        return channels.computeIfAbsent(address, a -> tls.channel(a).build());
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
