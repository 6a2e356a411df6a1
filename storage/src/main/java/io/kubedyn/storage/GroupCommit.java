package io.kubedyn.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * One thread that writes the item changes already decided by callers that must not wait (an
 * event loop): whatever is queued when it comes round goes to RocksDB as one WriteBatch with one
 * WAL sync, and each caller's future completes once that sync is done. No thread waits per write,
 * and RocksDB sees a single writer, so none of its own write-group hand-offs are paid either.
 *
 * <p>A change is visible to readers only once written, and it is written synced: RocksDB makes a
 * synced batch visible after its WAL sync, so no read ever sees a change that a crash could take
 * back. The callers keep their item locks until {@link Pending#written} runs, after the sync.
 */
final class GroupCommit implements AutoCloseable {
    /** The most changes one group takes, so one group's sync never waits on an unbounded batch. */
    static final int MAX_GROUP = 256;

    /**
     * How long a group that already has company waits for more before its sync: a sync costs
     * far more CPU than the wait (on the machine measured, about as much as the rest of a
     * write), and a lone write, which has no one to wait for, never waits.
     */
    static final long LINGER_NANOS = 200_000L;

    /** The most bytes of batches one group joins (a group takes its first change whatever its size). */
    static final long MAX_GROUP_BYTES = 8L << 20;

    /**
     * Writes one batch durably, or throws; refuses a batch decided while the store had another
     * {@code incarnation} (it was reopened since: what the batch was decided against is gone).
     */
    @FunctionalInterface
    interface DurableWrite {
        void write(WriteBatch batch, long incarnation) throws RocksDBException;
    }

    /**
     * A decided change: its batch (closed here once written), the store's incarnation it was
     * decided in, what to do once it is written or failed (release the item's lock and the rest,
     * on this thread, before the future completes), and the future to complete.
     */
    record Pending(WriteBatch batch, long incarnation, Runnable written, CompletableFuture<Void> done) {}

    private static final Pending STOP = new Pending(null, 0, null, null);
    /** RocksDB's WriteBatch format: an 8-byte sequence, a 4-byte count, then the records. */
    private static final int HEADER_BYTES = 12;

    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final DurableWrite store;
    private final Thread thread;
    private boolean closing;
    /** Changes written in groups of more than one, and those groups (each one RocksDB write). */
    private final java.util.concurrent.atomic.AtomicLong joinedChanges = new java.util.concurrent.atomic.AtomicLong();

    private final java.util.concurrent.atomic.AtomicLong joinedGroups = new java.util.concurrent.atomic.AtomicLong();

    GroupCommit(String name, DurableWrite store) {
        this.store = store;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues {@code pending}; false, having queued nothing, once closing (the caller then writes
     * its change itself, or refuses it).
     */
    synchronized boolean submit(Pending pending) {
        if (closing || !thread.isAlive()) {
            return false;
        }
        queue.add(pending);
        return true;
    }

    private void run() {
        List<Pending> group = new ArrayList<>(MAX_GROUP);
        boolean stopping = false;
        while (!stopping || !queue.isEmpty()) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                // Only close stops this thread, and it does so with STOP, after the last write.
                continue;
            }
            try {
                join(group);
                if (group.size() > 1 && group.size() < MAX_GROUP) {
                    // Writes are queueing: wait a moment for more to join this sync.
                    LockSupport.parkNanos(LINGER_NANOS);
                    join(group);
                }
                if (group.removeIf(pending -> pending == STOP)) {
                    stopping = true;
                }
                if (!group.isEmpty()) {
                    write(group);
                }
            } catch (Throwable e) {
                // A STOP joined before the failure still stops: close waits for this thread.
                stopping |= group.stream().anyMatch(pending -> pending == STOP);
                // Whatever went wrong (memory, say), the group fails and this thread goes on:
                // a change left unfinished would hold its item's lock for good.
                for (Pending pending : group) {
                    if (pending != STOP && !pending.done().isDone()) {
                        finish(
                                pending,
                                e instanceof Exception failure ? failure : new StorageException("write failed", e));
                    }
                }
            }
            group.clear();
        }
    }

    /** Adds what is queued to {@code group}, up to {@link #MAX_GROUP} changes and {@link #MAX_GROUP_BYTES}. */
    private void join(List<Pending> group) {
        long bytes = 0;
        for (Pending pending : group) {
            bytes += pending == STOP ? 0 : pending.batch().getDataSize();
        }
        while (group.size() < MAX_GROUP && bytes < MAX_GROUP_BYTES) {
            Pending next = queue.poll();
            if (next == null) {
                return;
            }
            group.add(next);
            bytes += next == STOP ? 0 : next.batch().getDataSize();
        }
    }

    /**
     * Writes the group as one batch; if that fails, each change on its own, so that a change
     * the store refuses (its table dropped meanwhile, say) fails alone.
     */
    private void write(List<Pending> group) {
        long incarnation = group.get(0).incarnation();
        if (group.size() > 1 && group.stream().allMatch(pending -> pending.incarnation() == incarnation)) {
            boolean written;
            try (WriteBatch all = concatenated(group)) {
                store.write(all, incarnation);
                written = true;
            } catch (RuntimeException | RocksDBException e) {
                written = false; // each on its own below
            }
            if (written) {
                joinedChanges.addAndGet(group.size());
                joinedGroups.incrementAndGet();
                group.forEach(pending -> finish(pending, null));
                return;
            }
        }
        for (Pending pending : group) {
            Exception failure = null;
            try {
                store.write(pending.batch(), pending.incarnation());
            } catch (RuntimeException | RocksDBException e) {
                failure = e;
            }
            finish(pending, failure);
        }
    }

    /** Closes the batch, runs what follows its write, and completes its future, whatever throws. */
    private static void finish(Pending pending, Exception failure) {
        Throwable error = failure;
        try {
            pending.batch().close();
            pending.written().run();
        } catch (Throwable e) {
            error = error == null ? e : error;
        } finally {
            if (error == null) {
                pending.done().complete(null);
            } else {
                pending.done().completeExceptionally(error);
            }
        }
    }

    /**
     * The group's batches as one, in their order: RocksJava has no append, so the records are
     * joined in RocksDB's serialized form (the header's count summed) and read back by the
     * WriteBatch constructor that takes that form.
     */
    static WriteBatch concatenated(List<Pending> group) throws RocksDBException {
        List<byte[]> parts = new ArrayList<>(group.size());
        int bytes = HEADER_BYTES;
        for (Pending pending : group) {
            byte[] data = pending.batch().data();
            parts.add(data);
            bytes += data.length - HEADER_BYTES;
        }
        ByteBuffer joined = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int count = 0;
        joined.position(HEADER_BYTES);
        for (byte[] data : parts) {
            count += ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getInt(Long.BYTES);
            joined.put(data, HEADER_BYTES, data.length - HEADER_BYTES);
        }
        joined.putLong(0, 0L).putInt(Long.BYTES, count);
        return new WriteBatch(joined.array());
    }

    /**
     * How many more changes were written than RocksDB counts writes: a group of n changes is
     * one write to RocksDB.
     */
    long changesBeyondWrites() {
        return joinedChanges.get() - joinedGroups.get();
    }

    /** Writes whatever is queued, then stops; a submit after this is refused. */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            queue.add(STOP);
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
