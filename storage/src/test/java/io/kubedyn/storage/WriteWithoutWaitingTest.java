package io.kubedyn.storage;

import static io.kubedyn.storage.PartitionStoreTest.get;
import static io.kubedyn.storage.PartitionStoreTest.key;
import static io.kubedyn.storage.PartitionStoreTest.music;
import static io.kubedyn.storage.PartitionStoreTest.put;
import static io.kubedyn.storage.PartitionStoreTest.song;
import static io.kubedyn.storage.PartitionStoreTest.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ExpressionAttributes;
import io.kubedyn.core.write.ConditionalCheckFailedException;
import io.kubedyn.core.write.ItemChange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Item writes begun on a thread that must not wait (the embedded server's event loop): decided
 * at once, written by the store's group commit, which joins the changes queued while it syncs
 * into one WriteBatch and one WAL sync.
 */
class WriteWithoutWaitingTest {
    @TempDir
    Path dir;

    @Test
    void writesBegunTogetherShareWalSyncsAndAreEachDurable() throws Exception {
        int songs = 2000;
        List<CompletableFuture<WriteResult>> written = new ArrayList<>();
        WriteGroups groups;
        try (PartitionStore store = PartitionStore.open(dir.resolve("store"))) {
            store.createTable(music("Music"));
            WriteGroups before = store.writeGroups();
            int waited = 0;
            for (int i = 0; i < songs; i++) {
                CompletableFuture<WriteResult> begun = begin(store, song("Kyuss", "Song " + i));
                if (begun == null) {
                    waited++; // another song of the same lock stripe not yet written
                    put(store, key(song("Kyuss", "Song " + i)), song("Kyuss", "Song " + i));
                } else {
                    written.add(begun);
                }
            }
            assertThat(waited).as("writes left to wait for their stripe").isLessThan(songs / 2);
            CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            groups = store.writeGroups().since(before);
        }
        assertThat(groups.writes()).as("each change counted").isEqualTo(songs);
        assertThat(groups.writesPerSync())
                .as("the changes queued during a sync share the next: %s", groups)
                .isGreaterThan(2);
        try (PartitionStore reopened = PartitionStore.open(dir.resolve("store"))) {
            for (int i = 0; i < songs; i++) {
                Map<String, AttributeValue> song = song("Kyuss", "Song " + i);
                assertThat(get(reopened, key(song)))
                        .as("song %d after a reopen", i)
                        .isEqualTo(song);
            }
        }
    }

    @Test
    void aFailedConditionThrowsAtOnceAndWritesNothing() {
        try (PartitionStore store = PartitionStore.open(dir.resolve("store"))) {
            store.createTable(music("Music"));
            Map<String, AttributeValue> song = song("Kyuss", "Gardenia");
            Map<String, AttributeValue> plays = new java.util.LinkedHashMap<>(song);
            plays.put("Plays", new AttributeValue.N(io.kubedyn.core.DynamoNumber.of(1)));
            put(store, key(song), song);
            ConditionExpression played =
                    ConditionExpression.parse("attribute_exists(Plays)", ExpressionAttributes.none());
            assertThatThrownBy(() -> store.writeWithoutWaiting(
                            table(store),
                            key(song),
                            ItemChange.put(plays, played, ExpressionAttributes.none()),
                            ReturnItems.NONE))
                    .isInstanceOf(ConditionalCheckFailedException.class);
            assertThat(get(store, key(song))).isEqualTo(song);
        }
    }

    @Test
    void aWriteThatWouldWaitIsLeftToTheCallerAndDoneNothing() throws Exception {
        Map<String, AttributeValue> song = song("Kyuss", "Gardenia");
        try (PartitionStore store = PartitionStore.open(dir.resolve("store"))) {
            store.createTable(music("Music"));
            put(store, key(song), song);
            store.checkpoint(dir.resolve("checkpoint")); // flushed: the item is in a table file only
        }
        Map<String, AttributeValue> plays = new java.util.LinkedHashMap<>(song);
        plays.put("Plays", new AttributeValue.N(io.kubedyn.core.DynamoNumber.of(1)));
        try (PartitionStore store = PartitionStore.open(dir.resolve("store"))) {
            assertThat(store.writeWithoutWaiting(
                            table(store), key(song), ItemChange.put(plays, null, null), ReturnItems.OLD))
                    .as("the old item is not in memory")
                    .isNull();
            assertThat(get(store, key(song))).as("nothing written").isEqualTo(song);
            WriteResult result = store.writeWithoutWaiting(
                            table(store), key(song), ItemChange.put(plays, null, null), ReturnItems.OLD)
                    .get(10, TimeUnit.SECONDS);
            assertThat(result.old()).as("its block cached by the read").isEqualTo(song);
            assertThat(get(store, key(song))).isEqualTo(plays);
        }
        try (PartitionStore replica = PartitionStore.openReplica(dir.resolve("replica"), store -> (t, w) -> {})) {
            replica.createTable(music("Music"));
            assertThat(replica.writeWithoutWaiting(
                            table(replica), key(song), ItemChange.put(song, null, null), ReturnItems.NONE))
                    .as("a replica's writes go through its log")
                    .isNull();
        }
    }

    @Test
    void closingWritesWhatWasBegunBeforeItCloses() throws Exception {
        int songs = 500;
        List<CompletableFuture<WriteResult>> written = new ArrayList<>();
        try (PartitionStore store = PartitionStore.open(dir.resolve("store"))) {
            store.createTable(music("Music"));
            for (int i = 0; i < songs; i++) {
                CompletableFuture<WriteResult> begun = begin(store, song("Kyuss", "Song " + i));
                if (begun != null) {
                    written.add(begun);
                }
            }
            assertThat(written).as("begun without waiting").hasSizeGreaterThan(songs / 2);
        }
        for (CompletableFuture<WriteResult> future : written) {
            assertThat(future).as("completed by the close").isCompleted();
            future.get(); // and not failed
        }
        try (PartitionStore reopened = PartitionStore.open(dir.resolve("store"))) {
            for (CompletableFuture<WriteResult> future : written) {
                Map<String, AttributeValue> song = future.get().updated();
                assertThat(get(reopened, key(song))).isEqualTo(song);
            }
        }
    }

    /** Begins putting {@code song}; null when its lock stripe is taken by a write not yet synced. */
    private static CompletableFuture<WriteResult> begin(PartitionStore store, Map<String, AttributeValue> song) {
        return store.writeWithoutWaiting(table(store), key(song), ItemChange.put(song, null, null), ReturnItems.NEW);
    }
}
