package io.kubedyn.storage.pod;

import io.kubedyn.core.ShardMap;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableDefinitionCodec;
import io.kubedyn.storage.InternalTls;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.StorageWire;
import io.kubedyn.storage.StoreClosedException;
import io.kubedyn.storage.StoreMemory;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Owns the pod's one {@link PartitionStore}: opens it at startup (the pod reports ready only
 * then) and closes it at shutdown once the requests in flight have finished, so a write that
 * started is either acknowledged after its WAL sync or never started. Requests arriving while
 * the pod shuts down are refused as unavailable, which the gateway answers with a retryable
 * error.
 *
 * <p>At startup the pod also takes ownership of its data, as the operator hands it over
 * ({@link StoreAssignment}): the hash ranges it owns (recorded in the store, so a store never
 * serves ranges other than those it was given) and, on Kubernetes, the table it serves (created
 * in the store if missing). A store that disagrees refuses to start, saying why in the
 * container's termination message, where the operator reads it.
 */
@ApplicationScoped
public class StoreLifecycle {
    private final Path dataDir;
    private final long drainMillis;
    private final OwnedRangesConfig owned;
    private final Optional<String> tableDefinition;
    private final Path terminationLog;
    private final Optional<ShardMap> shardMap;
    private final Duration peerTimeout;
    private final Duration transactionTimeout;
    private final Optional<ReplicaPeers> replicaPeers;
    private final String raftHost;
    private final long snapshotEvery;
    private final long logKept;
    private final StoreCommands commands;
    private final ShardScope scope;
    private final StoreMemory memory;
    /** How this pod reaches the others (index entries, transaction ledgers, Raft peers). */
    private final InternalTls tls;

    private IndexRouting indexRouting;
    private volatile ShardReplica replica;
    private TransactionResolver transactionResolver;
    // Requests hold the read lock; closing takes the write lock, so it waits for them.
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private volatile PartitionStore store;
    private volatile boolean closing;

    StoreLifecycle(
            @ConfigProperty(name = "kubedyn.data-dir", defaultValue = "data") Path dataDir,
            @ConfigProperty(name = "kubedyn.storage.drain-timeout-millis", defaultValue = "10000") long drainMillis,
            OwnedRangesConfig owned,
            @ConfigProperty(name = "kubedyn.storage.table-definition") Optional<String> tableDefinition,
            @ConfigProperty(name = "kubedyn.storage.termination-log", defaultValue = "/dev/termination-log")
                    Path terminationLog,
            @ConfigProperty(name = "kubedyn.storage.shard-map") Optional<String> shardMap,
            @ConfigProperty(name = "kubedyn.storage.peer-timeout", defaultValue = "10s") Duration peerTimeout,
            @ConfigProperty(name = "kubedyn.storage.transaction-timeout", defaultValue = "10s")
                    Duration transactionTimeout,
            @ConfigProperty(name = "kubedyn.storage.replication.group", defaultValue = "shard") String group,
            @ConfigProperty(name = "kubedyn.storage.replication.peers") Optional<String> peers,
            @ConfigProperty(name = "kubedyn.storage.replication.self") Optional<String> self,
            @ConfigProperty(name = "kubedyn.storage.replication.host", defaultValue = "0.0.0.0") String raftHost,
            @ConfigProperty(name = "kubedyn.storage.replication.snapshot-every", defaultValue = "100000")
                    long snapshotEvery,
            @ConfigProperty(name = "kubedyn.storage.replication.log-kept", defaultValue = "100000") long logKept,
            @ConfigProperty(name = "kubedyn.storage.memory-limit") OptionalLong memoryLimit,
            InternalTls tls) {
        this.tls = tls;
        this.dataDir = dataDir;
        this.drainMillis = drainMillis;
        this.owned = owned;
        this.tableDefinition = tableDefinition.filter(d -> !d.isBlank());
        this.terminationLog = terminationLog;
        this.shardMap = shardMap.filter(m -> !m.isBlank()).map(ShardMap::parse);
        this.peerTimeout = peerTimeout;
        this.transactionTimeout = transactionTimeout;
        this.replicaPeers = peers.filter(p -> !p.isBlank())
                .map(p -> ReplicaPeers.parse(
                        group,
                        p,
                        self.orElseThrow(() -> new IllegalArgumentException(
                                "kubedyn.storage.replication.peers needs kubedyn.storage.replication.self"))));
        this.raftHost = raftHost;
        this.snapshotEvery = snapshotEvery;
        this.logKept = logKept;
        this.scope = new ShardScope(owned);
        this.commands = new StoreCommands(scope);
        // The container's memory limit, from the downward API: RocksDB takes its share of it.
        this.memory = memoryLimit.isPresent() ? StoreMemory.ofLimit(memoryLimit.getAsLong()) : StoreMemory.DEFAULT;
    }

    void open(@Observes StartupEvent event) throws java.io.IOException {
        Function<PartitionStore, io.kubedyn.storage.IndexSink> sink = store -> {
            indexRouting = new IndexRouting(store, scope, shardMap, peerTimeout, tls);
            return indexRouting;
        };
        Path raftDirectory = dataDir.resolve("raft");
        if (replicaPeers.isPresent() && StoreSnapshots.completeInstall(dataDir, raftDirectory)) {
            Log.info("kubedyn storage pod: the store is now the snapshot installed from the shard's leader");
        }
        PartitionStore opened = replicaPeers.isPresent()
                ? PartitionStore.openReplica(dataDir, sink, memory)
                : PartitionStore.open(dataDir, sink, memory);
        try {
            TableDefinition table = tableDefinition
                    .map(json -> new TableDefinitionCodec().decode(json.getBytes(StandardCharsets.UTF_8)))
                    .orElse(null);
            owned.assign(new StoreAssignment(owned.defaults(), table).takeOver(opened));
            scope.handOffsAsRecorded(opened);
            // Time to Live deletes only items of the ranges this pod owns, while they cannot change:
            // a range sealed for a hand-off expires at its new owner.
            opened.expireWithin(
                    scope::owning, (name, hash) -> owned.forTable(name).containsHash(hash));
        } catch (StoreAssignment.RefusedException e) {
            opened.close();
            refuse(e.getMessage());
            throw e;
        }
        if (replicaPeers.isPresent()) {
            // The Raft log lives in the same volume as the store, beside RocksDB's files.
            replica = new ShardReplica(
                    replicaPeers.get(),
                    raftHost,
                    raftDirectory,
                    opened,
                    commands,
                    peerTimeout,
                    snapshotEvery,
                    logKept,
                    tls,
                    this::ownAsRecorded);
            replica.start();
            ShardReplica group = replica;
            indexRouting.writeOwnEntriesWith((table, writes) -> group.propose(
                    commands.applyIndexWrites,
                    StorageWire.indexWrites(table, writes).toBuilder()
                            .setOwn(true)
                            .build()));
        }
        store = opened;
        transactionResolver =
                new TransactionResolver(opened, transactionTimeout, peerTimeout, this::leads, this::finish, tls);
        transactionResolver.start();
        Log.infof(
                "kubedyn storage pod: RocksDB open in %s, owning %s, block cache %d MiB (memtables %d MiB of it)",
                dataDir.toAbsolutePath(), owned.defaults(), memory.cacheBytes() >> 20, memory.writeBufferBytes() >> 20);
    }

    /**
     * Says why the pod will not start where Kubernetes shows it (the container's termination
     * message, which the operator reports on the Table); the file exists only in a container.
     */
    private void refuse(String why) {
        String message = "kubedyn storage refused to start: " + why;
        Log.error(message);
        if (Files.isWritable(terminationLog)) {
            try {
                Files.writeString(terminationLog, message);
            } catch (java.io.IOException e) {
                Log.warnf("cannot write the termination message to %s: %s", terminationLog, e.getMessage());
            }
        }
    }

    void close(@Observes ShutdownEvent event) throws InterruptedException {
        closing = true;
        PartitionStore open = store;
        if (open == null) {
            return;
        }
        if (!gate.writeLock().tryLock(drainMillis, TimeUnit.MILLISECONDS)) {
            Log.warnf("requests still running after %d ms; closing RocksDB anyway", drainMillis);
        }
        if (transactionResolver != null) {
            transactionResolver.close();
        }
        if (replica != null) {
            replica.close();
        }
        store = null;
        open.close();
        indexRouting.close();
        Log.info("kubedyn storage pod: RocksDB closed");
    }

    /**
     * What the store records this pod owns and handed off, from now on: after its files became a
     * snapshot its leader sent, which may be of after a split the group's log no longer holds.
     */
    private void ownAsRecorded(PartitionStore loaded) {
        scope.changeRanges(current -> {
            scope.asRecorded(loaded);
            return null;
        });
    }

    StoreCommands commands() {
        return commands;
    }

    ShardScope scope() {
        return scope;
    }

    /** This pod as a replica of its shard's Raft group, when the shard is replicated. */
    Optional<ShardReplica> replica() {
        return Optional.ofNullable(replica);
    }

    /** Whether this pod does the work of its shard's leader (always, unreplicated). */
    boolean leads() {
        ShardReplica current = replica;
        return current == null || current.isLeader();
    }

    /** Ends a held transaction as its ledger decided, through the log when replicated. */
    private void finish(String transactionId, boolean commit) {
        execute(
                commands.finish,
                io.kubedyn.storage.grpc.FinishRequest.newBuilder()
                        .setTransactionId(transactionId)
                        .setCommit(commit)
                        .build());
    }

    /**
     * Runs a command the pod decides on itself (not a gateway's request): proposed to the group's
     * log and its reply awaited when replicated (on the leader only, else {@link
     * io.kubedyn.storage.NotLeaderException}), run on the store at once when not.
     */
    <Q extends com.google.protobuf.Message, R extends com.google.protobuf.Message> R execute(
            StoreCommands.Command<Q, R> command, Q request) {
        return withStore(open -> replica()
                .map(r -> r.propose(command, request))
                .orElseGet(() -> command.run(open, request, System.currentTimeMillis())));
    }

    public boolean isOpen() {
        return store != null && !closing;
    }

    /** Why the open store cannot take writes now, if it cannot (see {@link PartitionStore#fault}). */
    public java.util.Optional<String> fault() {
        PartitionStore open = store;
        return open == null ? java.util.Optional.empty() : open.fault();
    }

    /**
     * The one table of the store, as a pod of a Table's shard holds it (split hand-offs and
     * weights are of that table); empty when the store holds none, or several.
     */
    Optional<io.kubedyn.core.TableDefinition> soleTable() {
        return withStore(open -> {
            List<String> names = open.tableNames();
            return names.size() == 1
                    ? open.describeTable(names.get(0))
                    : Optional.<io.kubedyn.core.TableDefinition>empty();
        });
    }

    /** Runs {@code work} on the open store; refuses with {@link StoreUnavailableException} when closed. */
    public <T> T withStore(Function<PartitionStore, T> work) {
        if (!gate.readLock().tryLock()) {
            throw new StoreUnavailableException();
        }
        try {
            PartitionStore open = store;
            if (open == null || closing) {
                throw new StoreUnavailableException();
            }
            return work.apply(open);
        } finally {
            gate.readLock().unlock();
        }
    }

    /** The store is not open (starting or shutting down). */
    public static class StoreUnavailableException extends StoreClosedException {
        StoreUnavailableException() {
            super("the storage pod is starting or shutting down");
        }
    }
}
