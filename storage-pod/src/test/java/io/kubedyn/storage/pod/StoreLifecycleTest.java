package io.kubedyn.storage.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.storage.PartitionStore;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shutdown lets the request in flight finish on an open store, refuses new ones, then closes RocksDB. */
class StoreLifecycleTest {
    @TempDir
    Path data;

    @Test
    void shutdownWaitsForTheRequestInFlightAndRefusesNewOnes() throws Exception {
        StoreLifecycle lifecycle = new StoreLifecycle(
                data,
                10_000,
                OwnedRangesConfigs.all(),
                java.util.Optional.empty(),
                data.resolve("termination-log"),
                java.util.Optional.empty(),
                java.time.Duration.ofSeconds(10),
                java.time.Duration.ofSeconds(10),
                "shard",
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                "0.0.0.0",
                100_000,
                100_000,
                java.util.OptionalLong.empty(),
                io.kubedyn.storage.InternalTls.PLAINTEXT);
        lifecycle.open(null);
        assertThat(lifecycle.isOpen()).isTrue();
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<java.util.List<String>> request = threads.submit(() -> lifecycle.withStore(store -> {
                inFlight.countDown();
                await(release);
                return store.tableNames(); // still open: a closed store would fail here
            }));
            assertThat(inFlight.await(5, TimeUnit.SECONDS)).isTrue();
            Future<?> shutdown = threads.submit(() -> {
                lifecycle.close(null);
                return null;
            });
            Thread.sleep(200);
            assertThat(shutdown.isDone())
                    .as("shutdown waits for the request in flight")
                    .isFalse();
            assertThat(lifecycle.isOpen()).as("not ready while draining").isFalse();
            assertThatThrownBy(() -> lifecycle.withStore(PartitionStore::tableNames))
                    .isInstanceOf(StoreLifecycle.StoreUnavailableException.class);

            release.countDown();
            assertThat(request.get(5, TimeUnit.SECONDS)).isEmpty();
            shutdown.get(5, TimeUnit.SECONDS);
            assertThatThrownBy(() -> lifecycle.withStore(PartitionStore::tableNames))
                    .isInstanceOf(StoreLifecycle.StoreUnavailableException.class);
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
        // RocksDB was closed cleanly: the directory opens again.
        PartitionStore.open(data).close();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
