package io.kubedyn.storage.pod;

import io.kubedyn.storage.PartitionStore;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * The shard's store as Ratis's state machine: each committed log entry is a {@link
 * StoreCommands} entry, applied to the store in log order on Ratis's one apply thread, its
 * result sent back to the replica that proposed it. What the store already holds (up to the
 * store's applied position, an entry's index and the command within it: a restart replays the
 * log from its start) is skipped, so no write is applied twice. Reads need nothing of it beyond
 * the read index barrier ({@link #query}).
 */
final class StoreStateMachine extends BaseStateMachine {
    private static final Message SKIPPED = Message.valueOf("skipped: already in the store");
    private final PartitionStore store;
    private final StoreCommands commands;
    private final StoreSnapshots storage = new StoreSnapshots();
    private final java.nio.file.Path raftDirectory;
    /** What the pod reads again from a store that became a snapshot (what it owns, after a split). */
    private final java.util.function.Consumer<PartitionStore> loaded;

    private PartitionStore.LogPosition stored = PartitionStore.LogPosition.NONE;
    private volatile boolean reloading;

    StoreStateMachine(
            PartitionStore store,
            StoreCommands commands,
            java.nio.file.Path raftDirectory,
            java.util.function.Consumer<PartitionStore> loaded) {
        this.store = store;
        this.commands = commands;
        this.raftDirectory = raftDirectory;
        this.loaded = loaded;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        stored = store.applied();
        if (!storage.heldBy(stored.index())) {
            // Received from the leader as the pod stopped, before reinitialize recorded it: load
            // it at the next start, rather than apply on from an older store.
            storage.stageInstall(raftDirectory);
            io.quarkus.logging.Log.warnf(
                    "the store lacks the snapshot its leader sent (%s), which this pod stopped"
                            + " before loading; restarting to load it",
                    storage.getLatestSnapshot());
            Runtime.getRuntime().halt(StoreSnapshots.RESTART_EXIT_CODE);
        }
        getLifeCycle().startAndTransition(() -> {});
        // Ratis applies from the latest snapshot on: what this replica has applied starts there.
        org.apache.ratis.statemachine.SnapshotInfo snapshot = storage.getLatestSnapshot();
        if (snapshot != null) {
            setLastAppliedTermIndex(snapshot.getTermIndex());
        }
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext transaction) {
        LogEntryProto entry = transaction.getLogEntry();
        long index = entry.getIndex();
        Message result;
        if (index < stored.index()) {
            result = SKIPPED;
        } else {
            byte[] bytes = entry.getStateMachineLogEntry().getLogData().toByteArray();
            result = Message.valueOf(UnsafeByteOperations.unsafeWrap(commands.apply(store, index, bytes, stored)));
        }
        updateLastAppliedTermIndex(entry.getTerm(), index);
        return CompletableFuture.completedFuture(result);
    }

    /**
     * The store as it is now, after the last entry applied, as a RocksDB checkpoint: Ratis then
     * drops the log up to it. Runs on the apply thread, so no entry is applied meanwhile.
     */
    @Override
    public long takeSnapshot() throws IOException {
        org.apache.ratis.server.protocol.TermIndex applied = getLastAppliedTermIndex();
        if (applied == null || applied.getIndex() < 0) {
            return org.apache.ratis.server.raftlog.RaftLog.INVALID_LOG_INDEX;
        }
        storage.take(store, applied);
        return applied.getIndex();
    }

    /** Before a snapshot is installed (called for each of its chunks): Ratis reloads only a paused machine. */
    @Override
    public void pause() {
        if (getLifeCycle().getCurrentState() == org.apache.ratis.util.LifeCycle.State.RUNNING) {
            getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.PAUSING);
            getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.PAUSED);
        }
    }

    /**
     * The leader sent a snapshot (this replica lacked entries its log no longer holds): the store
     * becomes it, in place. The install is recorded first, so a crash from there on completes it
     * at the next start, before the store opens ({@link StoreSnapshots#completeInstall}); then,
     * once no call is running, RocksDB is closed, its files replaced by the snapshot's and
     * opened again ({@link PartitionStore#replaceWith}), and Ratis applies the log's later
     * entries. Nothing is applied meanwhile (this is the apply thread) and the replica serves no
     * read ({@link #reloading}). Ratis answers the snapshot's last chunk meanwhile: the leader
     * hears it arrived, and sends the log after it rather than a newer snapshot again.
     */
    @Override
    public void reinitialize() throws IOException {
        storage.stageInstall(raftDirectory);
        reloading = true;
        try {
            storage.load(store, raftDirectory);
            StoreSnapshots.installed(raftDirectory);
            stored = store.applied();
            loaded.accept(store);
            io.quarkus.logging.Log.infof("loaded a snapshot of the shard from its leader (%s)", getLatestSnapshot());
        } catch (IOException | RuntimeException e) {
            // Recorded: the next start loads it before the store opens.
            io.quarkus.logging.Log.errorf(
                    e,
                    "cannot load the snapshot the shard's leader sent (%s); restarting to" + " load it",
                    getLatestSnapshot());
            Runtime.getRuntime().halt(StoreSnapshots.RESTART_EXIT_CODE);
        } finally {
            reloading = false;
        }
        if (getLifeCycle().getCurrentState() == org.apache.ratis.util.LifeCycle.State.PAUSED) {
            getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.STARTING);
            getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.RUNNING);
        }
    }

    /** Whether the store is being replaced by a snapshot: it answers no read meanwhile. */
    boolean reloading() {
        return reloading;
    }

    /** A linearizable read's barrier: Ratis calls this once the store has applied the read index. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.EMPTY);
    }
}
