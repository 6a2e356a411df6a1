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
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * The shard's store as Ratis's state machine: each committed log entry is a {@link
 * StoreCommands} entry, applied to the store in log order on Ratis's one apply thread, its
 * result sent back to the replica that proposed it. An entry the store already holds (its index
 * at most the store's applied index: a restart replays the log from its start) is skipped, so no
 * write is applied twice. Reads need nothing of it beyond the read index barrier ({@link #query}).
 */
final class StoreStateMachine extends BaseStateMachine {
    private static final Message SKIPPED = Message.valueOf("skipped: already in the store");
    private final PartitionStore store;
    private final StoreCommands commands;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private long storedThrough;

    StoreStateMachine(PartitionStore store, StoreCommands commands) {
        this.store = store;
        this.commands = commands;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        storedThrough = store.appliedIndex();
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
        if (index <= storedThrough) {
            result = SKIPPED;
        } else {
            byte[] bytes = entry.getStateMachineLogEntry().getLogData().toByteArray();
            result = Message.valueOf(UnsafeByteOperations.unsafeWrap(commands.apply(store, index, bytes)));
        }
        updateLastAppliedTermIndex(entry.getTerm(), index);
        return CompletableFuture.completedFuture(result);
    }

    /** A linearizable read's barrier: Ratis calls this once the store has applied the read index. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.EMPTY);
    }
}
