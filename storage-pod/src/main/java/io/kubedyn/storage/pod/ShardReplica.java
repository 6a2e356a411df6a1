package io.kubedyn.storage.pod;

import com.google.protobuf.Message;
import io.kubedyn.storage.InternalTls;
import io.kubedyn.storage.NotLeaderException;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.RequestId;
import io.kubedyn.storage.StorageException;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * This pod as one replica of its shard's Raft group (Apache Ratis): the leader proposes every
 * command that changes the store as a log entry, which each replica applies once a majority has
 * it on disk ({@link StoreStateMachine}); a replica that does not lead refuses with the leader's
 * address ({@link NotLeaderException}), so the gateway goes there. Strongly consistent reads
 * pass a read index barrier first (ReadIndex, answered from the leader's lease while it holds
 * one). While leading, the replica proposes Time to Live's expiry every few seconds.
 */
final class ShardReplica implements AutoCloseable {
    /** The largest entry: a shard's share of a BatchWriteItem (25 items of 400 KB) is 10 MB. */
    private static final SizeInBytes ENTRY_LIMIT = SizeInBytes.valueOf("24MB");
    /** Commands proposed while this many entries are being replicated wait, and go in the next one... */
    private static final int PROPOSALS_IN_FLIGHT = 2;
    /** ... together, up to this size (a single larger command goes alone). */
    private static final SizeInBytes BATCH_LIMIT = SizeInBytes.valueOf("4MB");

    private static final long EXPIRY_PERIOD_MILLIS = 5_000;
    private static final long LEADERSHIP_PERIOD_MILLIS = 200;

    private final ReplicaPeers peers;
    private final PartitionStore store;
    private final StoreCommands commands;
    private final Duration timeout;
    private final RaftGroupId groupId;
    private final RaftPeerId self;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private volatile boolean closing;
    private final RaftServer server;
    private final StoreStateMachine machine;
    /** Where proposals' results are handed out and the next coalesced entry proposed. */
    private final ExecutorService proposing = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "kubedyn-proposals");
        thread.setDaemon(true);
        return thread;
    });

    private final Proposals proposals =
            new Proposals(this::submitEntry, proposing, PROPOSALS_IN_FLIGHT, BATCH_LIMIT.getSize());
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "kubedyn-shard-replica");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * With mutual TLS, the peers' Raft port serves and dials only with certificates from the
     * shard's authority, each peer's naming its address (Ratis checks both; one configuration
     * covers the server, its admin and client services on the same port, and the peers it dials).
     * The key and trust managers reload their files, so renewed certificates need no restart.
     */
    private static Parameters raftParameters(InternalTls tls) {
        Parameters parameters = new Parameters();
        if (tls.enabled()) {
            GrpcConfigKeys.TLS.setConf(parameters, new GrpcTlsConfig(tls.keys(), tls.trust(), true));
        }
        return parameters;
    }

    /**
     * @param bindHost the address the Raft server listens on (all of the pod's, by default)
     * @param loaded   what the pod reads again from its store once it became a snapshot the leader sent
     */
    ShardReplica(
            ReplicaPeers peers,
            String bindHost,
            Path directory,
            PartitionStore store,
            StoreCommands commands,
            Duration timeout,
            long snapshotEvery,
            long logKept,
            InternalTls tls,
            java.util.function.Consumer<PartitionStore> loaded)
            throws IOException {
        this.peers = peers;
        this.store = store;
        this.commands = commands;
        this.timeout = timeout;
        this.groupId = RaftGroupId.valueOf(peers.groupUuid());
        this.self = RaftPeerId.valueOf(peers.self().id());
        List<RaftPeer> members =
                peers.peers().stream().map(ShardReplica::raftPeer).toList();
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(
                properties, List.of(directory.toFile().getAbsoluteFile()));
        GrpcConfigKeys.Server.setHost(properties, bindHost);
        GrpcConfigKeys.Server.setPort(properties, peers.self().raftPort());
        GrpcConfigKeys.setMessageSizeMax(properties, SizeInBytes.valueOf(ENTRY_LIMIT.getSize() + (1 << 20)));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(properties, ENTRY_LIMIT);
        RaftServerConfigKeys.Log.setWriteBufferSize(properties, SizeInBytes.valueOf(ENTRY_LIMIT.getSize() + 8));
        // Send entries to followers as soon as they are logged: Ratis otherwise waits 10 ms
        // between two appends to batch them, which is every write's latency at low load. Under
        // load the entries queued while one append is in flight go together anyway.
        RaftServerConfigKeys.Log.Appender.setWaitTimeMin(properties, TimeDuration.valueOf(0, TimeUnit.MILLISECONDS));
        // No commit-index entries in the log: Ratis otherwise appends (and replicates, and syncs)
        // one after every commit, doubling each write's log work. A restarted replica learns the
        // commit index from its leader instead, and its store's applied index says what it has.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(properties, false);
        // A follower appends each leader's batch on Ratis's server pool, in one hand-off. With
        // "compose" on (Ratis 3.2's default) it first chains the append through an async step
        // without an executor: CompletableFuture's default, which on a pod of 2 CPUs or fewer
        // starts a new thread for every append. Apache Ozone turns it off too (HDDS-14874).
        // The cost, until Ratis appends at once without it (RATIS-2505, after 3.2.2): a batch
        // the leader sends before the previous one is appended can be refused (INCONSISTENCY,
        // logged) and is sent again; measured, that costs less than compose's extra hop.
        RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(properties, false);
        // Elections: a leader is missed after 1 to 2 s of silence, well above a GC pause here.
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(2000, TimeUnit.MILLISECONDS));
        // Snapshots: a checkpoint of the store every snapshotEvery entries; the log is dropped up
        // to it (a replica needing older entries is sent the snapshot), two are kept...
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, snapshotEvery);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
        RaftServerConfigKeys.Log.setPurgeGap(properties, (int) Math.min(snapshotEvery, 1024));
        // ... but keeps logKept entries before it, so a replica that was down for a restart (or
        // restarting to load a snapshot) catches up from the log rather than needing another.
        RaftServerConfigKeys.Log.setPurgePreservationLogNum(properties, logKept);
        // A replica being added is sent the log, or a snapshot it restarts to load; Ratis gives up
        // adding it after 3 election timeouts without an answer (6 s), and asked again it sends
        // a new snapshot, so a restart slower than that never ends the change. Allow 5 minutes.
        RaftServerConfigKeys.setStagingTimeout(properties, TimeDuration.valueOf(5, TimeUnit.MINUTES));
        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(properties, true);
        machine = new StoreStateMachine(store, commands, directory, loaded);
        server = RaftServer.newBuilder()
                .setServerId(self)
                // A pod that joins a running group starts with none: it neither votes nor stands
                // for election until the leader adds it (its stored configuration, once it has one).
                .setGroup(peers.founder() ? RaftGroup.valueOf(groupId, members) : RaftGroup.valueOf(groupId))
                .setStateMachine(machine)
                .setProperties(properties)
                .setParameters(raftParameters(tls))
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
    }

    void start() throws IOException {
        server.start();
        scheduler.scheduleWithFixedDelay(this::followLeadership, 0, LEADERSHIP_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(
                this::expire, EXPIRY_PERIOD_MILLIS, EXPIRY_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        Log.infof(
                "kubedyn storage pod: replica %s of shard group %s (%s), Raft on %s",
                peers.self().address(), peers.group(), groupId, peers.self().raftAddress());
    }

    /**
     * Proposes {@code request} as a log entry and waits until it is applied here: the command's
     * reply, or the error it raised (the same on every replica).
     */
    <Q extends Message, R extends Message> R propose(StoreCommands.Command<Q, R> command, Q request) {
        return propose(command, request, null);
    }

    /**
     * As {@link #propose(StoreCommands.Command, Message)}, for the gateway's request {@code id}
     * (none if null): if an entry with that id was applied already (proposed to an earlier
     * leader, which stepped down before it answered), its result is the first one's.
     */
    <Q extends Message, R extends Message> R propose(StoreCommands.Command<Q, R> command, Q request, RequestId id) {
        DivisionInfo info = info();
        if (!info.isLeader()) {
            throw new NotLeaderException(leaderAddress(info));
        }
        byte[] entry = StoreCommands.entry(command, request, System.currentTimeMillis(), id);
        return StoreCommands.reply(command, await(proposals.propose(entry)));
    }

    /** Proposes one log entry: its result once applied here, or the error it was refused with. */
    private CompletableFuture<byte[]> submitEntry(byte[] entry) {
        return submitAsync(RaftClientRequest.writeRequestType(), entry)
                .thenApply(
                        reply -> replyOrThrow(reply).getMessage().getContent().toByteArray());
    }

    /**
     * Before a strongly consistent read: this replica leads, and its store has applied every
     * entry committed when the read arrived (ReadIndex).
     */
    void readBarrier() {
        DivisionInfo info = info();
        if (!info.isLeader()) {
            throw new NotLeaderException(leaderAddress(info));
        }
        submit(RaftClientRequest.readRequestType(), new byte[0]);
    }

    private RaftClientReply submit(RaftClientRequest.Type type, byte[] message) {
        return replyOrThrow(await(submitAsync(type, message)));
    }

    private CompletableFuture<RaftClientReply> submitAsync(RaftClientRequest.Type type, byte[] message) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(self)
                .setGroupId(groupId)
                .setCallId(callIds.incrementAndGet())
                .setMessage(org.apache.ratis.protocol.Message.valueOf(UnsafeByteOperations.unsafeWrap(message)))
                .setType(type)
                .setTimeoutMs(timeout.toMillis())
                .build();
        try {
            return server.submitClientRequestAsync(request);
        } catch (IOException e) {
            throw new NoMajorityException("this replica cannot submit to its Raft group: " + e);
        }
    }

    /** Waits for {@code future} within the request timeout, as this replica's errors. */
    private <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while replicating", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException known && !(cause instanceof CompletionException)) {
                throw known;
            }
            // Not known to be applied or not: the gateway answers a retryable error.
            throw new NoMajorityException("the shard's replicas did not answer: " + cause);
        } catch (TimeoutException e) {
            throw new NoMajorityException("the shard's replicas did not answer in " + timeout.toMillis() + " ms");
        }
    }

    private RaftClientReply replyOrThrow(RaftClientReply reply) {
        if (reply.isSuccess()) {
            return reply;
        }
        if (reply.getNotLeaderException() != null) {
            RaftPeer suggested = reply.getNotLeaderException().getSuggestedLeader();
            throw new NotLeaderException(
                    suggested == null
                            ? null
                            : ReplicaPeers.Peer.addressOf(suggested.getId().toString()));
        }
        if (reply.getLeaderNotReadyException() != null) {
            throw new NotLeaderException(null);
        }
        throw new StorageException("the shard's Raft group refused: " + reply.getException(), reply.getException());
    }

    /** A proposal not known to be committed: no majority answered in time (retryable). */
    static final class NoMajorityException extends io.kubedyn.storage.StoreClosedException {
        NoMajorityException(String message) {
            super(message);
        }
    }

    private DivisionInfo info() {
        try {
            return server.getDivision(groupId).getInfo();
        } catch (IOException e) {
            throw new StorageException("this replica's Raft group is not running", e);
        }
    }

    private static String leaderAddress(DivisionInfo info) {
        RaftPeerId leader = info.getLeaderId();
        return leader == null ? null : ReplicaPeers.Peer.addressOf(leader.toString());
    }

    /** The first entry this replica's log still holds (earlier ones are in its snapshot). */
    long logStartIndex() {
        try {
            return server.getDivision(groupId).getRaftLog().getStartIndex();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The last log entry this replica has applied (-1 when its group is not running). */
    long appliedIndex() {
        try {
            return info().getLastAppliedIndex();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    boolean isLeader() {
        try {
            return info().isLeader();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void followLeadership() {
        try {
            DivisionInfo info = info();
            if (!info.isAlive() && !closing) {
                // Ratis stopped this replica (its state machine failed): it can neither serve nor
                // catch up. Stop the pod so Kubernetes starts it again, from its synced log.
                Log.errorf("the Raft group of this replica stopped (%s); stopping the pod", info.getLifeCycleState());
                Runtime.getRuntime().halt(StoreSnapshots.RESTART_EXIT_CODE);
            }
            store.lead(info.isLeader() && info.isLeaderReady());
        } catch (RuntimeException e) {
            store.lead(false);
        }
    }

    private void expire() {
        try {
            if (isLeader()) {
                propose(commands.expire, com.google.protobuf.Empty.getDefaultInstance());
            }
        } catch (NotLeaderException e) {
            // leadership moved meanwhile: the new leader expires
        } catch (RuntimeException e) {
            Log.warnf("proposing Time to Live expiry failed; retrying: %s", e.getMessage());
        }
    }

    // ---- membership ---------------------------------------------------------------------------

    /** A replica as Ratis names and reaches it (see {@link ReplicaPeers#ofRaft}, its inverse). */
    private static RaftPeer raftPeer(ReplicaPeers.Peer peer) {
        return RaftPeer.newBuilder()
                .setId(peer.id())
                .setAddress(peer.raftAddress())
                .build();
    }

    /** The group's configuration as this replica has it. */
    private RaftConfiguration conf() {
        try {
            return server.getDivision(groupId).getRaftConf();
        } catch (IOException e) {
            throw new StorageException("this replica's Raft group is not running", e);
        }
    }

    /**
     * The replicas voting in the group, as this replica's configuration has them; empty while a
     * change is under way (Raft's joint configuration) or the group is not running here.
     */
    List<ReplicaPeers.Peer> voters() {
        try {
            RaftConfiguration conf = conf();
            if (!conf.getPreviousPeers().isEmpty()) {
                return List.of();
            }
            return conf.getCurrentPeers().stream()
                    .map(peer -> ReplicaPeers.ofRaft(peer.getId().toString(), peer.getAddress()))
                    .sorted(Comparator.comparing(ReplicaPeers.Peer::address))
                    .toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /**
     * Before an eventually consistent read: this replica is one of its group's (a pod a scale-up
     * added is not until the leader has added it, caught up, to the group) and its store is not
     * about to become a snapshot it was sent, else it refuses as one that does not lead, and the
     * gateway reads from another.
     */
    void checkMember() {
        if (machine.reloading() || conf().getPeer(self, RaftPeerRole.FOLLOWER) == null) {
            throw new NotLeaderException(leaderAddress(info()));
        }
    }

    /**
     * Makes {@code wanted} the group's voting replicas, by Raft's membership change (Ratis's
     * setConfiguration: a new replica is first sent the log, or a snapshot, until it has caught
     * up; then the joint configuration, then the new one, each committed through the log). Only
     * the leader changes it. Whether a change started: false if the group has those voters.
     */
    boolean setVoters(List<ReplicaPeers.Peer> wanted) {
        DivisionInfo info = info();
        if (!info.isLeader()) {
            throw new NotLeaderException(leaderAddress(info));
        }
        List<ReplicaPeers.Peer> sorted = wanted.stream()
                .sorted(Comparator.comparing(ReplicaPeers.Peer::address))
                .toList();
        if (sorted.equals(voters())) {
            return false;
        }
        List<RaftPeer> members = sorted.stream().map(ShardReplica::raftPeer).toList();
        SetConfigurationRequest request =
                new SetConfigurationRequest(clientId, self, groupId, callIds.incrementAndGet(), members);
        Log.infof("changing the voters of shard group %s to %s", peers.group(), sorted);
        try {
            server.setConfigurationAsync(request).whenComplete((reply, error) -> {
                Throwable refused = error != null ? error : reply.getException();
                while (refused != null && refused.getCause() != null && !(refused instanceof RaftException)) {
                    refused = refused.getCause();
                }
                if (refused instanceof ReconfigurationInProgressException) {
                    // Asked again while the change asked first is still under way: it goes on.
                    Log.debugf("shard group %s is changing its voters already", peers.group());
                } else if (error != null || !reply.isSuccess()) {
                    Log.warnf(
                            "changing the voters of shard group %s did not complete: %s",
                            peers.group(), error != null ? error : reply.getException());
                } else {
                    Log.infof("shard group %s now has the voters %s", peers.group(), sorted);
                }
            });
        } catch (IOException e) {
            throw new NoMajorityException("this replica cannot change its group's voters: " + e);
        }
        return true;
    }

    /** To the first other of {@code voters} that takes it (Ratis waits until it has the whole log). */
    private void handOverLeadership(List<ReplicaPeers.Peer> voters) {
        for (ReplicaPeers.Peer peer : voters) {
            if (peer.equals(peers.self())) {
                continue;
            }
            try {
                RaftClientReply reply =
                        server.transferLeadership(new org.apache.ratis.protocol.TransferLeadershipRequest(
                                clientId,
                                self,
                                groupId,
                                callIds.incrementAndGet(),
                                RaftPeerId.valueOf(peer.id()),
                                3000));
                if (reply.isSuccess()) {
                    Log.infof("leadership handed over to %s before stopping", peer.address());
                    return;
                }
            } catch (IOException | RuntimeException e) {
                Log.debugf("%s did not take leadership: %s", peer.address(), e.getMessage());
            }
        }
        Log.warn("no other replica took leadership before this one stopped: the group elects one");
    }

    /**
     * Leaves the group for a while: hands leadership to another replica first (so writes move on
     * at once rather than after an election timeout), then stops the Raft server. Entries
     * committed but not yet applied are applied before it returns.
     */
    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        store.lead(false);
        List<ReplicaPeers.Peer> voters = voters();
        if (isLeader() && voters.size() > 1) {
            handOverLeadership(voters);
        }
        try {
            server.close();
        } catch (IOException e) {
            Log.warnf("stopping the Raft server: %s", e.getMessage());
        }
        // After the server: entries applied while it stopped still hand their results out.
        proposing.shutdown();
    }
}
