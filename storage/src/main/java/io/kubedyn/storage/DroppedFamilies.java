package io.kubedyn.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The handles of column families dropped while the store is open, each closed once every call
 * that began before its drop has ended: a call still reading a dropped table must not touch a
 * freed native object, and a handle kept open until the store closes holds a file descriptor
 * (and RocksDB's memory) for every table ever deleted.
 *
 * <p>Calls are counted in two slots, by the epoch they entered in (the grace periods of
 * read-copy-update): to retire handles, the epoch moves on and the handles wait until the
 * previous epoch's slot is empty. Entering is two atomic increments, so every store call can
 * afford it.
 */
final class DroppedFamilies {
    private final AtomicLongArray active = new AtomicLongArray(2);
    private volatile long epoch;
    /** Dropped, their grace period not begun. */
    private List<AutoCloseable> dropped = new ArrayList<>();
    /** Waiting for the calls of slot {@link #draining} to end; -1 when none are. */
    private List<AutoCloseable> waiting = new ArrayList<>();

    private int draining = -1;

    /** Counts a call in; pass what it returns to {@link #exit}. */
    int enter() {
        while (true) {
            long current = epoch;
            int slot = (int) (current & 1);
            active.incrementAndGet(slot);
            if (epoch == current) {
                return slot;
            }
            // The epoch moved on meanwhile: count this call in the new one instead, so that the
            // slot being drained only ever empties.
            active.decrementAndGet(slot);
        }
    }

    void exit(int slot) {
        active.decrementAndGet(slot);
    }

    /** {@code handle}, dropped: closed by a later {@link #reclaim} once its grace period is over. */
    synchronized void drop(AutoCloseable handle) {
        dropped.add(handle);
    }

    /**
     * Closes the handles whose grace period is over, and begins one for those dropped since.
     * Returns how many it closed.
     */
    synchronized int reclaim() {
        int closed = 0;
        if (draining >= 0) {
            if (active.get(draining) != 0) {
                return 0;
            }
            closed = closeAll(waiting);
            draining = -1;
        }
        if (!dropped.isEmpty()) {
            waiting = dropped;
            dropped = new ArrayList<>();
            long before = epoch;
            epoch = before + 1;
            draining = (int) (before & 1);
        }
        return closed;
    }

    /** Closes every handle still held; for the store's close, once no call is running. */
    synchronized void closeAll() {
        closeAll(waiting);
        closeAll(dropped);
        draining = -1;
    }

    private static int closeAll(List<AutoCloseable> handles) {
        int closed = handles.size();
        for (AutoCloseable handle : handles) {
            try {
                handle.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close a dropped column family", e);
            }
        }
        handles.clear();
        return closed;
    }
}
