package io.kubedyn.storage.pod;

import io.kubedyn.storage.PartitionStore;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;

/**
 * A replica's snapshots: RocksDB checkpoints of its store, one directory each in the state
 * machine directory Ratis keeps ({@code sm/snapshot.<term>_<index>}), listed file by file so
 * Ratis can send one to a replica whose next entries its log no longer holds (install
 * snapshot). A replica that receives one records it ({@link #stageInstall}) and loads it in
 * place ({@link #load}); a crash in between is completed at the next start, before the store
 * opens ({@link #completeInstall}).
 *
 * <p>Each snapshot records the log entry its store had applied when it was taken
 * ({@link #STORE_APPLIED}, sent with it). A store that has applied less than its latest snapshot
 * says does not hold it: the snapshot was received and the pod stopped after Ratis put it in
 * place and before {@link #stageInstall} recorded it. Started so, the store would be older than
 * what Ratis believes applied, and the entries in between skipped for good; {@link #heldBy} lets
 * the state machine record the install instead.
 */
final class StoreSnapshots implements StateMachineStorage {
    private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
    /** A Raft log segment's file: {@code log_<first>-<last>}, or {@code log_inprogress_<first>}. */
    private static final Pattern SEGMENT = Pattern.compile("log_(?:\\d+-(\\d+)|inprogress_(\\d+))");
    /** Beside the Raft groups' directories: which snapshot the store must become at the next start. */
    static final String INSTALL_MARKER = "install-snapshot";
    /** In a snapshot's directory: the log entry its store had applied (decimal), sent with it. */
    static final String STORE_APPLIED = "store-applied";

    private static final int RETAINED = 2;
    /** The exit status of a pod stopping to load a snapshot it was sent (EX_TEMPFAIL). */
    static final int RESTART_EXIT_CODE = 75;

    private volatile File directory;
    private volatile File tmp;
    /**
     * The latest snapshot as {@link #getLatestSnapshot} last found it; null once the directory
     * changed. Ratis asks for it several times for every append, on leader and followers alike,
     * and listing the directory and walking a checkpoint's files each time cost more than the
     * append itself. This class forgets it whenever it changes the directory; a snapshot Ratis
     * puts there from the leader is known once the state machine loads it ({@link #load}), as
     * with Ratis's own storage.
     */
    private Optional<SnapshotInfo> latestInfo;

    @Override
    public void init(RaftStorage storage) throws IOException {
        init(
                storage.getStorageDir().getStateMachineDir(),
                storage.getStorageDir().getTmpDir());
    }

    /** Keeps snapshots in {@code directory} (Ratis's state machine directory of the group). */
    void init(File directory, File tmp) throws IOException {
        this.directory = directory;
        this.tmp = tmp;
        Files.createDirectories(directory.toPath());
        forgetLatest();
    }

    @Override
    public synchronized SnapshotInfo getLatestSnapshot() {
        if (latestInfo == null) {
            latestInfo = latest().map(StoreSnapshots::info);
        }
        return latestInfo.orElse(null);
    }

    /** The directory changed: the next {@link #getLatestSnapshot} looks again. */
    private synchronized void forgetLatest() {
        latestInfo = null;
    }

    private Optional<Path> latest() {
        if (directory == null || !directory.isDirectory()) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(directory.toPath())) {
            return entries.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .max(Comparator.comparingLong(p -> termIndex(p).getIndex()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static TermIndex termIndex(Path snapshot) {
        Matcher m = NAME.matcher(snapshot.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(snapshot + " is not a snapshot");
        }
        return TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    private static SnapshotInfo info(Path snapshot) {
        List<FileInfo> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(snapshot)) {
            for (Path file : all.filter(Files::isRegularFile).sorted().toList()) {
                files.add(new FileInfo(file.toAbsolutePath(), null));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new FileListSnapshotInfo(files, termIndex(snapshot));
    }

    /** The store as it is after entry {@code applied}: a checkpoint, named by its term and index. */
    void take(PartitionStore store, TermIndex applied) throws IOException {
        Path target = directory.toPath().resolve("snapshot." + applied.getTerm() + "_" + applied.getIndex());
        if (Files.exists(target)) {
            return;
        }
        Path taking = directory.toPath().resolve(".taking-" + applied.getTerm() + "_" + applied.getIndex());
        deleteRecursively(taking);
        store.checkpoint(taking);
        // On the apply thread: nothing is applied meanwhile, so this is the checkpoint's.
        Files.writeString(taking.resolve(STORE_APPLIED), Long.toString(store.appliedIndex()), StandardCharsets.UTF_8);
        Files.move(taking, target, StandardCopyOption.ATOMIC_MOVE);
        forgetLatest();
    }

    @Override
    public void format() {}

    @Override
    public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
        int keep = policy != null && policy.getNumSnapshotsRetained() > 0 ? policy.getNumSnapshotsRetained() : RETAINED;
        List<Path> snapshots;
        try (Stream<Path> entries = Files.list(directory.toPath())) {
            snapshots = entries.filter(
                            p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong((Path p) -> termIndex(p).getIndex())
                            .reversed())
                    .toList();
        }
        for (Path old : snapshots.subList(Math.min(keep, snapshots.size()), snapshots.size())) {
            deleteRecursively(old);
        }
        forgetLatest();
    }

    @Override
    public File getSnapshotDir() {
        return directory;
    }

    @Override
    public File getTmpDir() {
        return tmp;
    }

    /**
     * Records that the store must become the latest snapshot (one just installed from the
     * leader) when the pod next starts.
     */
    void stageInstall(Path raftDirectory) throws IOException {
        forgetLatest();
        Path snapshot = latest().orElseThrow(() -> new IOException("no snapshot installed in " + directory));
        Path marker = raftDirectory.resolve(INSTALL_MARKER);
        Path next = raftDirectory.resolve(INSTALL_MARKER + ".next");
        Files.writeString(next, snapshot.toAbsolutePath().toString(), StandardCharsets.UTF_8);
        Files.move(next, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Before the store opens: if a snapshot was installed, the store's files are replaced by the
     * snapshot's (hard links, the Raft directory left alone), then the record is removed. A
     * crash half-way repeats it all at the next start. Whether a snapshot was loaded.
     */
    static boolean completeInstall(Path storeDirectory, Path raftDirectory) throws IOException {
        Path marker = raftDirectory.resolve(INSTALL_MARKER);
        if (!Files.exists(marker)) {
            return false;
        }
        Path snapshot = Path.of(Files.readString(marker, StandardCharsets.UTF_8).trim());
        if (!Files.isDirectory(snapshot)) {
            // Not there any more (a later install replaced it): the store is left as it is, and
            // the state machine finds any snapshot it lacks when it starts (heldBy).
            Files.delete(marker);
            return false;
        }
        PartitionStore.replaceFiles(storeDirectory, snapshot, raftDirectory, Set.of(STORE_APPLIED));
        dropLogCoveredBy(raftDirectory, termIndex(snapshot).getIndex());
        Files.delete(marker);
        return true;
    }

    /**
     * Makes the open {@code store} the latest snapshot (one just installed from the leader), in
     * place ({@link PartitionStore#replaceWith}); its files live beside {@code raftDirectory},
     * which stays. Ratis has already dropped the log the snapshot covers.
     */
    void load(PartitionStore store, Path raftDirectory) throws IOException {
        forgetLatest();
        Path snapshot = latest().orElseThrow(() -> new IOException("no snapshot installed in " + directory));
        store.replaceWith(snapshot, raftDirectory, Set.of(STORE_APPLIED));
    }

    /** The install {@link #stageInstall} recorded is done. */
    static void installed(Path raftDirectory) throws IOException {
        Files.deleteIfExists(raftDirectory.resolve(INSTALL_MARKER));
    }

    /**
     * Whether a store that has applied the log up to {@code storeApplied} holds the latest
     * snapshot: it has applied at least what that snapshot's store had. A snapshot that does
     * not say (taken before snapshots said) counts as held: it can only have been taken here.
     */
    boolean heldBy(long storeApplied) throws IOException {
        Optional<Path> latest = latest();
        if (latest.isEmpty() || !Files.exists(latest.get().resolve(STORE_APPLIED))) {
            return true;
        }
        String recorded = Files.readString(latest.get().resolve(STORE_APPLIED), StandardCharsets.UTF_8)
                .trim();
        try {
            return storeApplied >= Long.parseLong(recorded);
        } catch (NumberFormatException e) {
            throw new IOException(
                    "snapshot " + latest.get() + " records \"" + recorded + "\" as its store's applied entry", e);
        }
    }

    /**
     * Deletes the Raft log's segments up to the snapshot's {@code index} (closed ones ending there
     * or before, the open one starting there or before): the leader sent the snapshot because
     * this replica's log ended before the leader's began, so that is every entry in it. Ratis would otherwise keep the old log and refuse the entries after the
     * snapshot as a gap. The group's metadata (term, vote, configuration) stays.
     */
    private static void dropLogCoveredBy(Path raftDirectory, long index) throws IOException {
        try (Stream<Path> groups = Files.list(raftDirectory)) {
            for (Path current : groups.map(g -> g.resolve("current"))
                    .filter(Files::isDirectory)
                    .toList()) {
                try (Stream<Path> files = Files.list(current)) {
                    for (Path file : files.toList()) {
                        Matcher segment = SEGMENT.matcher(file.getFileName().toString());
                        if (segment.matches()
                                && Long.parseLong(segment.group(1) != null ? segment.group(1) : segment.group(2))
                                        <= index) {
                            Files.delete(file);
                        }
                    }
                }
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
