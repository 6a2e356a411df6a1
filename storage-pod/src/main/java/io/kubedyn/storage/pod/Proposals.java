package io.kubedyn.storage.pod;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The leader's proposals, coalesced: while {@code inFlightLimit} log entries are being
 * replicated, commands proposed meanwhile wait, and the next entry carries all of them ({@link
 * StoreCommands#batch}), up to {@code byteLimit}. Each Raft round trip, log sync and apply step
 * is then shared by every command queued during the last one, as a store's group commit shares
 * one WAL sync. A command proposed alone goes at once, as its own entry.
 */
final class Proposals {
    private record Pending(byte[] entry, CompletableFuture<byte[]> result) {}

    private final Function<byte[], CompletableFuture<byte[]>> submit;
    private final Executor completions;
    private final int inFlightLimit;
    private final long byteLimit;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int inFlight;

    /**
     * @param submit      proposes one log entry; its future is the entry's result once applied here
     * @param completions where results are handed out and the next entry proposed
     */
    Proposals(
            Function<byte[], CompletableFuture<byte[]>> submit,
            Executor completions,
            int inFlightLimit,
            long byteLimit) {
        this.submit = submit;
        this.completions = completions;
        this.inFlightLimit = inFlightLimit;
        this.byteLimit = byteLimit;
    }

    /** Proposes one command's entry: its result, once the entry that carries it is applied here. */
    CompletableFuture<byte[]> propose(byte[] entry) {
        Pending pending = new Pending(entry, new CompletableFuture<>());
        List<Pending> next;
        synchronized (this) {
            queue.add(pending);
            next = take();
        }
        send(next);
        return pending.result();
    }

    /** The commands the next entry carries, if another entry may be in flight now. */
    private List<Pending> take() {
        if (queue.isEmpty() || inFlight >= inFlightLimit) {
            return null;
        }
        List<Pending> batch = new ArrayList<>();
        long bytes = 0;
        while (!queue.isEmpty() && (batch.isEmpty() || bytes + queue.peek().entry().length <= byteLimit)) {
            Pending pending = queue.poll();
            bytes += pending.entry().length;
            batch.add(pending);
        }
        inFlight++;
        return batch;
    }

    private void send(List<Pending> batch) {
        if (batch == null) {
            return;
        }
        CompletableFuture<byte[]> submitted;
        try {
            submitted = submit.apply(
                    batch.size() == 1
                            ? batch.get(0).entry()
                            : StoreCommands.batch(
                                    batch.stream().map(Pending::entry).toList()));
        } catch (RuntimeException e) {
            submitted = CompletableFuture.failedFuture(e);
        }
        submitted.whenCompleteAsync(
                (result, error) -> {
                    try {
                        if (error != null) {
                            batch.forEach(pending -> pending.result().completeExceptionally(error));
                        } else if (batch.size() == 1) {
                            batch.get(0).result().complete(result);
                        } else {
                            List<byte[]> results = StoreCommands.results(result);
                            for (int i = 0; i < batch.size(); i++) {
                                batch.get(i).result().complete(results.get(i));
                            }
                        }
                    } catch (RuntimeException e) {
                        batch.forEach(pending -> pending.result().completeExceptionally(e));
                    } finally {
                        List<Pending> next;
                        synchronized (this) {
                            inFlight--;
                            next = take();
                        }
                        send(next);
                    }
                },
                completions);
    }
}
