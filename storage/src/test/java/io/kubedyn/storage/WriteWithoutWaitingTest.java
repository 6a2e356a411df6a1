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
        int songs = 800;
        List<CompletableFuture<WriteResult>> written = new ArrayList<>();
        WriteGroups groups;
        try (PartitionStore store = PartitionStore.open(dir.resolve("store"))) {
            store.createTable(music("Music"));
            WriteGroups before = store.writeGroups();
            for (Map<String, AttributeValue> song : songsOfDistinctStripes(songs)) {
                CompletableFuture<WriteResult> begun = begin(store, song);
                assertThat(begun).as("%s begun without waiting", song).isNotNull();
                written.add(begun);
            }
            CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            groups = store.writeGroups().since(before);
        }
        assertThat(groups.writes()).as("each change counted").isEqualTo(songs);
        assertThat(groups.writesPerSync())
                .as("the changes queued during a sync share the next: %s", groups)
                .isGreaterThan(2);
        try (PartitionStore reopened = PartitionStore.open(dir.resolve("store"))) {
            for (Map<String, AttributeValue> song : songsOfDistinctStripes(songs)) {
                assertThat(get(reopened, key(song)))
                        .as("%s after a reopen", song)
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
            for (Map<String, AttributeValue> song : songsOfDistinctStripes(songs)) {
                written.add(begin(store, song));
            }
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

    @Test
    void aWriteToAnItemWhoseStripeAWriteNotYetSyncedHoldsIsLeftToTheCaller() throws Exception {
        try (PartitionStore store = PartitionStore.open(dir.resolve("store"))) {
            store.createTable(music("Music"));
            Map<String, AttributeValue> song = song("Kyuss", "Gardenia");
            List<CompletableFuture<WriteResult>> written = new ArrayList<>();
            boolean refused = false;
            // The first write holds the stripe until synced: a second, begun right after it, is refused.
            for (int attempt = 0; attempt < 100 && !refused; attempt++) {
                written.add(begin(store, song));
                CompletableFuture<WriteResult> second = begin(store, song);
                refused = second == null;
                if (second != null) {
                    written.add(second);
                }
                CompletableFuture.allOf(written.toArray(CompletableFuture[]::new))
                        .get(10, TimeUnit.SECONDS);
            }
            assertThat(refused)
                    .as("a write begun while the item's last is being synced")
                    .isTrue();
            put(store, key(song), song); // where waiting is allowed: it waits for the stripe
            assertThat(get(store, key(song))).isEqualTo(song);
        }
    }

    /** {@code count} songs whose keys all fall on different item lock stripes. */
    private static List<Map<String, AttributeValue>> songsOfDistinctStripes(int count) {
        java.util.Set<Integer> stripes = new java.util.HashSet<>();
        List<Map<String, AttributeValue>> songs = new ArrayList<>();
        for (int i = 0; songs.size() < count; i++) {
            Map<String, AttributeValue> song = song("Kyuss", "Song " + i);
            if (stripes.add(PartitionStore.stripe(key(song).storageKey()))) {
                songs.add(song);
            }
        }
        return songs;
    }

    /** Begins putting {@code song}; null when its lock stripe is taken by a write not yet synced. */
    private static CompletableFuture<WriteResult> begin(PartitionStore store, Map<String, AttributeValue> song) {
        return store.writeWithoutWaiting(table(store), key(song), ItemChange.put(song, null, null), ReturnItems.NEW);
    }
}
