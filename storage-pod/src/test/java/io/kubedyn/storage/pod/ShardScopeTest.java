package io.kubedyn.storage.pod;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShardScopeTest {

    @Test
    void aSealWaitsForWritesBegunWithoutWaitingUntilTheyAreSynced() throws Exception {
        ShardScope scope = new ShardScope(OwnedRangesConfigs.all());
        CompletableFuture<String> syncing = new CompletableFuture<>();
        assertThat(scope.owningWithoutWaiting(() -> syncing)).isSameAs(syncing);

        CountDownLatch changed = new CountDownLatch(1);
        Thread seal = new Thread(() -> scope.changeRanges(current -> {
            changed.countDown();
            return null;
        }));
        seal.start();
        assertThat(changed.await(300, TimeUnit.MILLISECONDS))
                .as("the ranges do not change while a write begun in them is not yet synced")
                .isFalse();
        assertThat(scope.owningWithoutWaiting(() -> CompletableFuture.completedFuture("later")))
                .as("and no write begins while they are being changed")
                .isNull();

        syncing.complete("synced");
        assertThat(changed.await(10, TimeUnit.SECONDS)).isTrue();
        seal.join();
        assertThat(scope.owningWithoutWaiting(() -> CompletableFuture.completedFuture("after")))
                .succeedsWithin(java.time.Duration.ofSeconds(1))
                .isEqualTo("after");
    }

    @Test
    void aFailedWriteEndsItsHoldToo() throws Exception {
        ShardScope scope = new ShardScope(OwnedRangesConfigs.all());
        CompletableFuture<String> syncing = new CompletableFuture<>();
        scope.owningWithoutWaiting(() -> syncing);
        syncing.completeExceptionally(new IllegalStateException("the disk is full"));
        CountDownLatch changed = new CountDownLatch(1);
        scope.changeRanges(current -> {
            changed.countDown();
            return null;
        });
        assertThat(changed.getCount()).isZero();
        assertThat(scope.owningWithoutWaiting(() -> null))
                .as("a command that could not begin without waiting")
                .isNull();
    }
}
