package io.kubedyn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The group commit's own guarantees, whatever its store does: every change it takes is finished
 * (its lock released, its future completed), and a group that fails, even with an Error, does
 * not stop the changes queued after it.
 */
class GroupCommitTest {
    static {
        RocksDB.loadLibrary();
    }

    @Test
    void aGroupFailingWithAnErrorFailsItsChangesAndTheNextAreStillWritten() throws Exception {
        AtomicInteger writes = new AtomicInteger();
        List<Integer> written = new CopyOnWriteArrayList<>();
        AtomicInteger released = new AtomicInteger();
        try (GroupCommit commit = new GroupCommit("test-group-commit", (batch, incarnation) -> {
            if (writes.getAndIncrement() == 0) {
                throw new OutOfMemoryError("simulated: joining the group ran out of memory");
            }
            written.add(batch.count());
        })) {
            CompletableFuture<Void> first = new CompletableFuture<>();
            assertThat(commit.submit(new GroupCommit.Pending(put("a"), 1, released::incrementAndGet, first)))
                    .isTrue();
            assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasRootCauseInstanceOf(OutOfMemoryError.class);
            assertThat(released).as("the failed change's lock released").hasValue(1);

            CompletableFuture<Void> second = new CompletableFuture<>();
            assertThat(commit.submit(new GroupCommit.Pending(put("b"), 1, released::incrementAndGet, second)))
                    .as("taken after the failure")
                    .isTrue();
            second.get(10, TimeUnit.SECONDS);
            assertThat(written).containsExactly(1);
            assertThat(released).hasValue(2);
        }
    }

    @Test
    void queuedChangesOfOneIncarnationAreJoinedIntoOneWriteOfAllTheirRecords() throws Exception {
        List<Integer> written = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> blocker = new CompletableFuture<>();
        try (GroupCommit commit = new GroupCommit("test-group-commit", (batch, incarnation) -> {
            written.add(batch.count());
            blocker.join(); // the first write waits, so the next ones queue behind it
        })) {
            List<CompletableFuture<Void>> done = new java.util.ArrayList<>();
            for (String key : List.of("a", "b", "c", "d", "e")) {
                CompletableFuture<Void> future = new CompletableFuture<>();
                commit.submit(new GroupCommit.Pending(put(key), 1, () -> {}, future));
                done.add(future);
                if (key.equals("a")) {
                    while (written.isEmpty()) {
                        Thread.onSpinWait();
                    }
                }
            }
            blocker.complete(null);
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        }
        assertThat(written)
                .as("a lone write, then the four queued behind it as one")
                .containsExactly(1, 4);
    }

    private static WriteBatch put(String key) throws RocksDBException {
        WriteBatch batch = new WriteBatch();
        batch.put(key.getBytes(StandardCharsets.UTF_8), ("value of " + key).getBytes(StandardCharsets.UTF_8));
        return batch;
    }
}
