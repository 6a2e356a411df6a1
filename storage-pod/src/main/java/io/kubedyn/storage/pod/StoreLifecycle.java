package io.kubedyn.storage.pod;

import io.kubedyn.storage.PartitionStore;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Owns the pod's one {@link PartitionStore}: opens it at startup (the pod reports ready only
 * then) and closes it at shutdown once the requests in flight have finished, so a write that
 * started is either acknowledged after its WAL sync or never started. Requests arriving while
 * the pod shuts down are refused as unavailable, which the gateway answers with a retryable
 * error.
 */
@ApplicationScoped
public class StoreLifecycle {
    private final Path dataDir;
    private final long drainMillis;
    // Requests hold the read lock; closing takes the write lock, so it waits for them.
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private volatile PartitionStore store;
    private volatile boolean closing;

    StoreLifecycle(@ConfigProperty(name = "kubedyn.data-dir", defaultValue = "data") Path dataDir,
                   @ConfigProperty(name = "kubedyn.storage.drain-timeout-millis", defaultValue = "10000") long drainMillis) {
        this.dataDir = dataDir;
        this.drainMillis = drainMillis;
    }

    void open(@Observes StartupEvent event) {
        store = PartitionStore.open(dataDir);
        Log.infof("kubedyn storage pod: RocksDB open in %s", dataDir.toAbsolutePath());
    }

    void close(@Observes ShutdownEvent event) throws InterruptedException {
        closing = true;
        PartitionStore open = store;
        if (open == null) {
            return;
        }
        if (!gate.writeLock().tryLock(drainMillis, TimeUnit.MILLISECONDS)) {
            Log.warnf("requests still running after %d ms; closing RocksDB anyway", drainMillis);
        }
        store = null;
        open.close();
        Log.info("kubedyn storage pod: RocksDB closed");
    }

    public boolean isOpen() {
        return store != null && !closing;
    }

    /** Runs {@code work} on the open store; refuses with {@link StoreUnavailableException} when closed. */
    public <T> T withStore(Function<PartitionStore, T> work) {
        if (!gate.readLock().tryLock()) {
            throw new StoreUnavailableException();
        }
        try {
            PartitionStore open = store;
            if (open == null || closing) {
                throw new StoreUnavailableException();
            }
            return work.apply(open);
        } finally {
            gate.readLock().unlock();
        }
    }

    /** The store is not open (starting or shutting down). */
    public static class StoreUnavailableException extends RuntimeException {
        StoreUnavailableException() {
            super("the storage pod is starting or shutting down", null, false, false);
        }
    }
}
