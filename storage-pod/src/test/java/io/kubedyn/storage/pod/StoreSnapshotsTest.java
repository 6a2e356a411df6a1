package io.kubedyn.storage.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.ReturnItems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica's snapshots on disk: a checkpoint of a real store listed file by file as Ratis sends
 * it, and a store replaced by an installed snapshot at the next start, its Raft directory kept.
 */
class StoreSnapshotsTest {
    @TempDir
    Path data;

    private final TableDefinition table = new TableDefinition(
            "music",
            UUID.randomUUID().toString(),
            KeySchema.of(new KeyAttribute("id", ScalarType.S), null),
            Map.of("id", ScalarType.S),
            "PAY_PER_REQUEST",
            0,
            0,
            0);

    private static PrimaryKey key(String id) {
        return PrimaryKey.of(new AttributeValue.S(id), null);
    }

    /** A snapshot's files as Ratis puts them in a follower's state machine directory: {@code received}. */
    private static Path received(Path received, SnapshotInfo sent) throws java.io.IOException {
        Files.createDirectories(received);
        for (var file : sent.getFiles()) {
            Files.copy(file.getPath(), received.resolve(file.getPath().getFileName()));
        }
        return received;
    }

    private void put(PartitionStore store, String id) {
        store.write(
                table, key(id), ItemChange.put(Map.of("id", new AttributeValue.S(id)), null, null), ReturnItems.NONE);
    }

    @Test
    void anInstalledSnapshotBecomesTheStoreAtTheNextStart() throws Exception {
        Path leaderDir = data.resolve("leader");
        StoreSnapshots leaderSnapshots = new StoreSnapshots();
        leaderSnapshots.init(
                leaderDir.resolve("raft/sm").toFile(),
                leaderDir.resolve("raft/tmp").toFile());
        try (PartitionStore leader = PartitionStore.openReplica(leaderDir.resolve("store"), s -> (t, w) -> {})) {
            leader.createTable(table);
            put(leader, "before");
            leaderSnapshots.take(leader, TermIndex.valueOf(2, 41));
            put(leader, "after");
        }
        SnapshotInfo latest = leaderSnapshots.getLatestSnapshot();
        assertThat(latest.getTermIndex()).isEqualTo(TermIndex.valueOf(2, 41));
        assertThat(latest.getFiles())
                .extracting(f -> f.getPath().getFileName().toString())
                .contains("CURRENT")
                .anyMatch(name -> name.endsWith(".sst"));

        // The follower: its store has other data and its Raft directory lives inside it. Ratis
        // puts the snapshot's files in its own state machine directory, as sent.
        Path follower = data.resolve("follower");
        Path raft = follower.resolve("raft");
        try (PartitionStore stale = PartitionStore.openReplica(follower, s -> (t, w) -> {})) {
            stale.createTable(table);
            put(stale, "stale");
        }
        received(raft.resolve("group/sm/snapshot.2_41"), latest);
        Files.writeString(raft.resolve("group/current-log"), "the Raft log, untouched");
        // The follower's old log, all of it before the snapshot (else it would not need one):
        // Ratis would refuse entry 42 after it as a gap, so it goes; the group's metadata stays.
        Path current = Files.createDirectories(raft.resolve("group/current"));
        for (String file : List.of("log_0-20", "log_inprogress_21", "raft-meta", "raft-meta.conf")) {
            Files.writeString(current.resolve(file), file);
        }
        StoreSnapshots followerSnapshots = new StoreSnapshots();
        followerSnapshots.init(
                raft.resolve("group/sm").toFile(), raft.resolve("group/tmp").toFile());
        followerSnapshots.stageInstall(raft);

        assertThat(StoreSnapshots.completeInstall(follower, raft)).isTrue();
        assertThat(StoreSnapshots.completeInstall(follower, raft))
                .as("done once")
                .isFalse();
        assertThat(raft.resolve("group/current-log")).hasContent("the Raft log, untouched");
        assertThat(current.toFile().list()).containsExactlyInAnyOrder("raft-meta", "raft-meta.conf");
        try (PartitionStore loaded = PartitionStore.openReplica(follower, s -> (t, w) -> {})) {
            assertThat(loaded.get(table, key("before"))).isNotNull();
            assertThat(loaded.get(table, key("after")))
                    .as("written after the snapshot")
                    .isNull();
            assertThat(loaded.get(table, key("stale")))
                    .as("the store it replaced")
                    .isNull();
        }
    }

    @Test
    void aSnapshotReceivedAsThePodStoppedIsFoundNotHeldByTheStore() throws Exception {
        Path leaderDir = data.resolve("leader");
        Path leaderRaft = leaderDir.resolve("raft");
        StoreSnapshots leaderSnapshots = new StoreSnapshots();
        leaderSnapshots.init(
                leaderRaft.resolve("group/sm").toFile(),
                leaderRaft.resolve("group/tmp").toFile());
        long leaderApplied;
        try (PartitionStore leader = PartitionStore.openReplica(leaderDir.resolve("store"), s -> (t, w) -> {})) {
            leader.createTable(table);
            leader.applyEntry(70, System.currentTimeMillis(), () -> {
                put(leader, "before");
                return null;
            });
            leaderApplied = leader.appliedIndex();
            leaderSnapshots.take(leader, TermIndex.valueOf(3, 72));
            assertThat(leaderSnapshots.heldBy(leader.appliedIndex()))
                    .as("a snapshot taken here")
                    .isTrue();
        }
        assertThat(leaderApplied).isEqualTo(70);
        SnapshotInfo latest = leaderSnapshots.getLatestSnapshot();
        assertThat(latest.getFiles())
                .as("what is sent says what its store had applied")
                .anyMatch(f -> f.getPath().endsWith(StoreSnapshots.STORE_APPLIED));

        // Ratis put the snapshot in place, and the pod stopped before it recorded the install.
        Path follower = data.resolve("follower");
        Path raft = follower.resolve("raft");
        long followerApplied;
        try (PartitionStore empty = PartitionStore.openReplica(follower, s -> (t, w) -> {})) {
            empty.createTable(table);
            followerApplied = empty.appliedIndex();
        }
        Path received = received(raft.resolve("group/sm/snapshot.3_72"), latest);
        StoreSnapshots followerSnapshots = new StoreSnapshots();
        followerSnapshots.init(
                raft.resolve("group/sm").toFile(), raft.resolve("group/tmp").toFile());
        assertThat(followerSnapshots.heldBy(followerApplied))
                .as("the store it was sent to")
                .isFalse();

        followerSnapshots.stageInstall(raft);
        assertThat(StoreSnapshots.completeInstall(follower, raft)).isTrue();
        try (PartitionStore loaded = PartitionStore.openReplica(follower, s -> (t, w) -> {})) {
            assertThat(loaded.get(table, key("before")))
                    .as("what the leader's snapshot holds")
                    .isNotNull();
            assertThat(followerSnapshots.heldBy(loaded.appliedIndex()))
                    .as("once loaded")
                    .isTrue();
        }
        assertThat(follower.resolve(StoreSnapshots.STORE_APPLIED))
                .as("not copied into the store")
                .doesNotExist();

        // A snapshot taken before snapshots said what their store had applied can only be this
        // replica's own: it counts as held.
        Files.delete(received.resolve(StoreSnapshots.STORE_APPLIED));
        assertThat(followerSnapshots.heldBy(-1)).isTrue();
    }

    @Test
    void anOpenStoreBecomesTheSnapshotItWasSentInPlace() throws Exception {
        Path leaderDir = data.resolve("leader");
        StoreSnapshots leaderSnapshots = new StoreSnapshots();
        leaderSnapshots.init(
                leaderDir.resolve("raft/sm").toFile(),
                leaderDir.resolve("raft/tmp").toFile());
        try (PartitionStore leader = PartitionStore.openReplica(leaderDir.resolve("store"), s -> (t, w) -> {})) {
            leader.createTable(table);
            leader.applyEntry(90, System.currentTimeMillis(), () -> {
                put(leader, "from-the-leader");
                return null;
            });
            leaderSnapshots.take(leader, TermIndex.valueOf(4, 90));
        }
        Path follower = data.resolve("follower");
        Path raft = follower.resolve("raft");
        received(raft.resolve("group/sm/snapshot.4_90"), leaderSnapshots.getLatestSnapshot());
        Files.writeString(raft.resolve("group/current-log"), "the Raft log, untouched");
        StoreSnapshots followerSnapshots = new StoreSnapshots();
        followerSnapshots.init(
                raft.resolve("group/sm").toFile(), raft.resolve("group/tmp").toFile());
        try (PartitionStore open = PartitionStore.openReplica(follower, s -> (t, w) -> {})) {
            open.createTable(table);
            put(open, "stale");
            followerSnapshots.stageInstall(raft);

            followerSnapshots.load(open, raft);
            StoreSnapshots.installed(raft);

            // The same object, now the leader's store: what the replica's services hold.
            assertThat(open.get(table, key("from-the-leader"))).isNotNull();
            assertThat(open.get(table, key("stale")))
                    .as("the store it replaced")
                    .isNull();
            assertThat(open.appliedIndex()).isEqualTo(90);
            put(open, "after");
            assertThat(open.get(table, key("after"))).as("it takes writes").isNotNull();
        }
        assertThat(raft.resolve("group/current-log")).hasContent("the Raft log, untouched");
        assertThat(StoreSnapshots.completeInstall(follower, raft))
                .as("nothing left to load at the next start")
                .isFalse();
        try (PartitionStore reopened = PartitionStore.openReplica(follower, s -> (t, w) -> {})) {
            assertThat(reopened.get(table, key("from-the-leader"))).isNotNull();
            assertThat(reopened.get(table, key("after"))).isNotNull();
        }
    }

    @Test
    void theLatestSnapshotFollowsEveryTakeCleanupAndInstall() throws Exception {
        Path dir = data.resolve("replica");
        Path raft = dir.resolve("raft");
        StoreSnapshots snapshots = new StoreSnapshots();
        snapshots.init(
                raft.resolve("group/sm").toFile(), raft.resolve("group/tmp").toFile());
        assertThat(snapshots.getLatestSnapshot()).as("none taken yet").isNull();
        try (PartitionStore store = PartitionStore.openReplica(dir.resolve("store"), s -> (t, w) -> {})) {
            store.createTable(table);
            put(store, "a");
            snapshots.take(store, TermIndex.valueOf(1, 10));
            assertThat(snapshots.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(1, 10));
            put(store, "b");
            snapshots.take(store, TermIndex.valueOf(1, 20));
            assertThat(snapshots.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(1, 20));
            snapshots.take(store, TermIndex.valueOf(2, 30));
            snapshots.cleanupOldSnapshots(null);
            assertThat(raft.resolve("group/sm/snapshot.1_10"))
                    .as("beyond the two kept")
                    .doesNotExist();
            SnapshotInfo latest = snapshots.getLatestSnapshot();
            assertThat(latest.getTermIndex()).isEqualTo(TermIndex.valueOf(2, 30));
            assertThat(latest.getFiles())
                    .as("every file of it, as Ratis sends them")
                    .allMatch(f -> Files.isRegularFile(f.getPath()))
                    .anyMatch(f -> f.getPath().endsWith(StoreSnapshots.STORE_APPLIED));

            // Ratis puts a newer snapshot from the leader beside them, then the state machine
            // records and loads it: from then on it is the latest.
            Path received = received(raft.resolve("group/sm/snapshot.3_45"), latest);
            snapshots.stageInstall(raft);
            assertThat(snapshots.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(3, 45));
            snapshots.load(store, raft);
            StoreSnapshots.installed(raft);
            assertThat(snapshots.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(3, 45));
            assertThat(snapshots.getLatestSnapshot().getFiles())
                    .allMatch(f -> f.getPath().startsWith(received));
        }
    }
}
