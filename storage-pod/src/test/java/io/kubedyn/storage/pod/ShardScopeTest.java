package io.kubedyn.storage.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void noWriteBeginsWithoutWaitingWhileARangeChangeWaitsForTheLock() throws Exception {
        ShardScope scope = new ShardScope(OwnedRangesConfigs.all());
        CountDownLatch commandRunning = new CountDownLatch(1);
        CountDownLatch commandMayEnd = new CountDownLatch(1);
        Thread command = new Thread(() -> scope.owning(() -> {
            commandRunning.countDown();
            try {
                commandMayEnd.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        command.start();
        assertThat(commandRunning.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch changed = new CountDownLatch(1);
        Thread seal = new Thread(() -> scope.changeRanges(current -> {
            changed.countDown();
            return null;
        }));
        seal.start();
        Thread.sleep(200); // the change now waits for the running command
        assertThat(scope.owningWithoutWaiting(() -> CompletableFuture.completedFuture("overtaking")))
                .as("a write that would overtake the waiting change is left to wait behind it")
                .isNull();
        commandMayEnd.countDown();
        assertThat(changed.await(10, TimeUnit.SECONDS)).isTrue();
        command.join();
        seal.join();
    }

    @Test
    void aRangeChangeIsRefusedAsBusyWhenBegunWritesAreNotSyncedInTime() {
        ShardScope scope = new ShardScope(OwnedRangesConfigs.all(), 200);
        CompletableFuture<String> stuck = new CompletableFuture<>();
        scope.owningWithoutWaiting(() -> stuck);
        boolean[] ran = {false};
        assertThatThrownBy(() -> scope.changeRanges(current -> ran[0] = true))
                .isInstanceOf(RangeHandOff.RangeBusyException.class)
                .hasMessageContaining("1 writes");
        assertThat(ran[0]).as("nothing changed").isFalse();
        stuck.complete("synced");
        String result = scope.changeRanges(current -> "changed");
        assertThat(result).isEqualTo("changed");
    }
}
