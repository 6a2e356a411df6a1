package io.kubedyn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.IndexProjection;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.StreamViewType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableStream;
import io.kubedyn.core.write.ItemChange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secondary indexes in the partition store: local indexes written in the item's WriteBatch,
 * global indexes fed from the change log, each always the function of the table it should be.
 */
class SecondaryIndexStoreTest {
    @TempDir
    Path dir;

    private static final SecondaryIndex BY_YEAR = SecondaryIndex.local(
            "ByYear",
            KeySchema.of(new KeyAttribute("Artist", ScalarType.S), new KeyAttribute("Year", ScalarType.N)),
            IndexProjection.KEYS_ONLY);
    private static final SecondaryIndex BY_GENRE = SecondaryIndex.global(
            "ByGenre",
            KeySchema.of(new KeyAttribute("Genre", ScalarType.S), new KeyAttribute("Year", ScalarType.N)),
            IndexProjection.include(List.of("Plays")));

    /** A sink whose shard is down: the feed cannot deliver anything. */
    private static final java.util.function.Function<PartitionStore, IndexSink> DOWN = store -> (table, writes) -> {
        throw new StorageException("the owning shard is down", null);
    };

    private static TableDefinition music() {
        Map<String, ScalarType> attributes = new LinkedHashMap<>();
        attributes.put("Artist", ScalarType.S);
        attributes.put("SongTitle", ScalarType.S);
        attributes.put("Year", ScalarType.N);
        attributes.put("Genre", ScalarType.S);
        return new TableDefinition(
                "Music",
                UUID.randomUUID().toString(),
                KeySchema.of(new KeyAttribute("Artist", ScalarType.S), new KeyAttribute("SongTitle", ScalarType.S)),
                attributes,
                "PAY_PER_REQUEST",
                0,
                0,
                System.currentTimeMillis(),
                false,
                null,
                null,
                List.of(BY_YEAR, BY_GENRE));
    }

    private static Map<String, AttributeValue> song(
            String artist, String title, Integer year, String genre, int plays) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("Artist", new AttributeValue.S(artist));
        item.put("SongTitle", new AttributeValue.S(title));
        if (year != null) {
            item.put("Year", AttributeValue.N.of(Integer.toString(year)));
        }
        if (genre != null) {
            item.put("Genre", new AttributeValue.S(genre));
        }
        item.put("Plays", AttributeValue.N.of(Integer.toString(plays)));
        item.put("Notes", new AttributeValue.S("not projected"));
        return item;
    }

    private static PrimaryKey key(Map<String, AttributeValue> item) {
        return PrimaryKey.of(item.get("Artist"), item.get("SongTitle"));
    }

    private static void put(PartitionStore store, Map<String, AttributeValue> item) {
        store.write(
                store.describeTable("Music").orElseThrow(),
                key(item),
                ItemChange.put(item, null, null),
                ReturnItems.NONE);
    }

    private static void delete(PartitionStore store, Map<String, AttributeValue> item) {
        store.write(
                store.describeTable("Music").orElseThrow(),
                key(item),
                ItemChange.delete(item, null, null),
                ReturnItems.NONE);
    }

    private static List<Map<String, AttributeValue>> scanAll(PartitionStore store, String index) {
        TableDefinition table = store.describeTable("Music").orElseThrow();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Page page = store.scan(table, index, HashRange.all(), Integer.MAX_VALUE, Long.MAX_VALUE, null);
        items.addAll(page.items());
        return items;
    }

    /** Steps the Music table's backfills and feeds its index until no index is backfilling (20 s at most). */
    private static void stepUntilBackfilled(PartitionStore store) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!store.indexStatus(store.describeTable("Music").orElseThrow())
                        .backfilling()
                        .isEmpty()
                && System.currentTimeMillis() < deadline) {
            store.backfillIndexes();
            store.feedIndexes();
        }
        assertThat(store.indexStatus(store.describeTable("Music").orElseThrow()).backfilling())
                .isEmpty();
    }

    /** What {@code index} must hold: every item of the table with its key attributes, projected. */
    private static Set<Map<String, AttributeValue>> expected(PartitionStore store, SecondaryIndex index) {
        TableDefinition table = store.describeTable("Music").orElseThrow();
        Set<Map<String, AttributeValue>> expected = new HashSet<>();
        for (Map<String, AttributeValue> item : scanAll(store, null)) {
            if (index.indexes(item)) {
                expected.add(index.project(item, table.keySchema()));
            }
        }
        return expected;
    }

    @Test
    void aLocalIndexIsWrittenWithItsItemsAndQueriedInIndexOrder() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music());
            put(store, song("Kyuss", "Space Cadet", 1994, "Rock", 10));
            put(store, song("Kyuss", "Green Machine", 1992, "Rock", 20));
            put(store, song("Kyuss", "Demon Cleaner", 1994, null, 30));
            put(store, song("Kyuss", "Untitled", null, null, 40));
            TableDefinition table = store.describeTable("Music").orElseThrow();

            Page page =
                    store.query(table, "ByYear", new AttributeValue.S("Kyuss"), null, true, 100, Long.MAX_VALUE, null);
            assertThat(page.items())
                    .extracting(i -> ((AttributeValue.S) i.get("SongTitle")).value())
                    .containsExactly("Green Machine", "Demon Cleaner", "Space Cadet");
            assertThat(page.items().get(0)).containsOnlyKeys("Artist", "SongTitle", "Year");

            // Moved within the index, then out of it (sparse), then deleted.
            put(store, song("Kyuss", "Green Machine", 2000, "Rock", 20));
            put(store, song("Kyuss", "Space Cadet", null, "Rock", 10));
            delete(store, song("Kyuss", "Demon Cleaner", null, null, 0));
            assertThat(scanAll(store, "ByYear"))
                    .containsExactlyInAnyOrderElementsOf(expected(store, BY_YEAR))
                    .hasSize(1);
        }
    }

    @Test
    void aGlobalIndexConvergesOnTheTableAfterARandomHistory() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music());
            Random random = new Random(17);
            for (int i = 0; i < 400; i++) {
                Map<String, AttributeValue> item = song(
                        "artist" + random.nextInt(5),
                        "t" + random.nextInt(8),
                        random.nextInt(4) == 0 ? null : 1990 + random.nextInt(5),
                        random.nextInt(4) == 0 ? null : "g" + random.nextInt(3),
                        i);
                if (random.nextInt(5) == 0) {
                    delete(store, item);
                } else if (random.nextInt(4) == 0) {
                    List<TableWrite> batch = new ArrayList<>();
                    TableDefinition table = store.describeTable("Music").orElseThrow();
                    batch.add(new TableWrite(table, key(item), ItemChange.put(item, null, null)));
                    Map<String, AttributeValue> other = song("other", "t" + i, 1999, "g0", i);
                    batch.add(new TableWrite(table, key(other), ItemChange.put(other, null, null)));
                    store.writeBatch(batch);
                } else {
                    put(store, item);
                }
            }
            while (store.feedIndexes() > 0) {
                // until the feed has taken in every record
            }
            assertThat(new HashSet<>(scanAll(store, "ByGenre"))).isEqualTo(expected(store, BY_GENRE));
            assertThat(new HashSet<>(scanAll(store, "ByYear"))).isEqualTo(expected(store, BY_YEAR));
        }
    }

    @Test
    void aFeedCutShortResumesFromItsCheckpointAfterARestartAndLosesNothing() {
        try (PartitionStore store = PartitionStore.open(dir, DOWN)) {
            store.createTable(music());
            for (int i = 0; i < 50; i++) {
                put(store, song("a" + i, "t", 2000, "g" + (i % 3), i));
            }
            delete(store, song("a7", "t", null, null, 0));
            assertThat(scanAll(store, "ByGenre")).isEmpty();
            // Records the index has not taken in are kept, whatever their age.
            assertThat(store.trimChanges(System.currentTimeMillis() + 7L * 24 * 3600 * 1000))
                    .isZero();
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            while (store.feedIndexes() > 0) {
                // catching up
            }
            assertThat(new HashSet<>(scanAll(store, "ByGenre")))
                    .isEqualTo(expected(store, BY_GENRE))
                    .hasSize(49);
            // Without a stream, what the index took in is no reader's any more.
            assertThat(store.trimChanges(System.currentTimeMillis())).isEqualTo(51);
        }
    }

    @Test
    void anIndexKeyOfTheWrongTypeIsRefusedAndWritesNothing() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music());
            Map<String, AttributeValue> item = song("Kyuss", "Space Cadet", null, null, 1);
            item.put("Year", new AttributeValue.S("1994"));
            assertThatThrownBy(() -> put(store, item))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.getMessage())
                                    .isEqualTo("One or more parameter values were invalid: Type mismatch "
                                            + "for Index Key Year Expected: N Actual: S IndexName: ByYear"));
            assertThat(scanAll(store, null)).isEmpty();
        }
    }

    @Test
    void aGlobalIndexAddedToATableWithItemsIsBackfilledWhileWritesGoOnAndDeletedAgain() throws Exception {
        try (PartitionStore store = PartitionStore.open(dir)) {
            TableDefinition withoutGenre = music().withIndexes(List.of(BY_YEAR), music().attributeDefinitions());
            store.createTable(withoutGenre);
            for (int i = 0; i < 1_000; i++) {
                put(store, song("a" + i, "t", 1990 + i % 7, "g" + (i % 5), i));
            }
            TableDefinition current = store.describeTable("Music").orElseThrow();
            store.updateTable(current.withIndexes(List.of(BY_YEAR, BY_GENRE), music().attributeDefinitions()));
            // Writers go on while the background feed backfills.
            Random random = new Random(3);
            for (int i = 0; i < 600; i++) {
                int n = random.nextInt(1_200);
                if (random.nextInt(4) == 0) {
                    delete(store, song("a" + n, "t", null, null, 0));
                } else {
                    put(store, song("a" + n, "t", 1990 + n % 7, random.nextInt(3) == 0 ? null : "h" + (n % 4), -n));
                }
            }
            long deadline = System.currentTimeMillis() + 20_000;
            while (!store.indexStatus(store.describeTable("Music").orElseThrow())
                            .backfilling()
                            .isEmpty()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(store.indexStatus(store.describeTable("Music").orElseThrow())
                            .backfilling())
                    .isEmpty();
            while (store.feedIndexes() > 0) {
                // the last writes
            }
            assertThat(new HashSet<>(scanAll(store, "ByGenre"))).isEqualTo(expected(store, BY_GENRE));

            store.updateTable(store.describeTable("Music")
                    .orElseThrow()
                    .withIndexes(List.of(BY_YEAR), music().attributeDefinitions()));
            assertThatThrownBy(() -> scanAll(store, "ByGenre"))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.getMessage())
                                    .isEqualTo("The table does not have the specified index: ByGenre"));
            assertThat(store.describeTable("Music").orElseThrow().attributeDefinitions())
                    .doesNotContainKey("Genre");
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(store.describeTable("Music").orElseThrow().indexes()).containsExactly(BY_YEAR);
            assertThat(new HashSet<>(scanAll(store, "ByYear"))).isEqualTo(expected(store, BY_YEAR));
        }
    }

    @Test
    void aBackfillCutShortByARestartGoesOnFromWhereItStood() {
        try (PartitionStore store = PartitionStore.open(dir, DOWN)) {
            store.createTable(music().withIndexes(List.of(BY_YEAR), music().attributeDefinitions()));
            for (int i = 0; i < 700; i++) {
                put(store, song("a" + i, "t", 2000, "g" + (i % 9), i));
            }
            store.updateTable(store.describeTable("Music")
                    .orElseThrow()
                    .withIndexes(List.of(BY_YEAR, BY_GENRE), music().attributeDefinitions()));
            store.backfillIndexes();
            // Its items are not all in the index yet: the feed cannot deliver.
            assertThat(store.indexStatus(store.describeTable("Music").orElseThrow())
                            .backfilling())
                    .containsExactly("ByGenre");
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            stepUntilBackfilled(store);
            assertThat(new HashSet<>(scanAll(store, "ByGenre")))
                    .isEqualTo(expected(store, BY_GENRE))
                    .hasSize(700);
        }
    }

    @Test
    void twoCallersSteppingABackfillRecordEachItemOnceAndItFinishesOnce() throws Exception {
        int items = 3000;
        try (PartitionStore store = PartitionStore.open(dir, DOWN)) {
            store.createTable(music().withIndexes(List.of(BY_YEAR), music().attributeDefinitions()));
            for (int i = 0; i < items; i++) {
                put(store, song("a" + i, "t", 2000, "g" + (i % 9), i));
            }
            store.lead(false); // the store's own thread steps no backfill now
            store.updateTable(store.describeTable("Music")
                    .orElseThrow()
                    .withIndexes(List.of(BY_YEAR, BY_GENRE), music().attributeDefinitions()));
            // Two callers at once: a step taken twice from the same position would record its items twice, and the
            // later of two could put back a backfill the other had finished.
            CyclicBarrier start = new CyclicBarrier(2);
            Callable<Long> stepper = () -> {
                start.await();
                long recorded = 0;
                for (long step; (step = store.backfillIndexes()) > 0; ) {
                    recorded += step;
                }
                return recorded;
            };
            ExecutorService callers = Executors.newFixedThreadPool(2);
            try {
                var first = callers.submit(stepper);
                var second = callers.submit(stepper);
                assertThat(first.get() + second.get()).isEqualTo(items);
            } finally {
                callers.shutdown();
            }
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            stepUntilBackfilled(store);
            while (store.feedIndexes() > 0) {
                // the last entries
            }
            assertThat(new HashSet<>(scanAll(store, "ByGenre")))
                    .isEqualTo(expected(store, BY_GENRE))
                    .hasSize(items);
        }
    }

    @Test
    void theFirstGlobalIndexOfAStreamedTableIgnoresRecordsWithoutTheImagesItNeeds() throws Exception {
        try (PartitionStore store = PartitionStore.open(dir)) {
            // A NEW_IMAGE stream: its records hold no old image, so they cannot delete an entry.
            store.createTable(music().withIndexes(List.of(BY_YEAR), music().attributeDefinitions())
                    .withStream(TableStream.enabledAt(StreamViewType.NEW_IMAGE, System.currentTimeMillis())));
            put(store, song("gone", "t", 2000, "g1", 1));
            delete(store, song("gone", "t", null, null, 0));
            put(store, song("kept", "t", 2000, "g1", 1));
            put(store, song("kept", "t", 2000, "g2", 2));
            store.updateTable(store.describeTable("Music")
                    .orElseThrow()
                    .withIndexes(List.of(BY_YEAR, BY_GENRE), music().attributeDefinitions()));
            long deadline = System.currentTimeMillis() + 20_000;
            while (!store.indexStatus(store.describeTable("Music").orElseThrow())
                            .backfilling()
                            .isEmpty()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(new HashSet<>(scanAll(store, "ByGenre")))
                    .isEqualTo(expected(store, BY_GENRE))
                    .hasSize(1);
        }
    }

    @Test
    void anIndexCreatedAgainWithAnotherKeyLosesItsOldEntries() throws Exception {
        SecondaryIndex byGenreAndTitle = SecondaryIndex.global(
                "ByGenre",
                KeySchema.of(new KeyAttribute("Genre", ScalarType.S), new KeyAttribute("SongTitle", ScalarType.S)),
                IndexProjection.KEYS_ONLY);
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music());
            for (int i = 0; i < 20; i++) {
                put(store, song("a" + i, "t" + i, 2000, "g" + (i % 3), i));
            }
            while (store.feedIndexes() > 0) {
                // every entry in
            }
            // As a pod sees a Delete and a Create of ByGenre that it missed in between.
            store.updateTable(store.describeTable("Music")
                    .orElseThrow()
                    .withIndexes(List.of(BY_YEAR, byGenreAndTitle), music().attributeDefinitions()));
            long deadline = System.currentTimeMillis() + 20_000;
            while (!store.indexStatus(store.describeTable("Music").orElseThrow())
                            .backfilling()
                            .isEmpty()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(new HashSet<>(scanAll(store, "ByGenre")))
                    .isEqualTo(expected(store, byGenreAndTitle))
                    .allSatisfy(entry -> assertThat(entry).containsOnlyKeys("Artist", "SongTitle", "Genre"));
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(new HashSet<>(scanAll(store, "ByGenre"))).isEqualTo(expected(store, byGenreAndTitle));
        }
    }

    @Test
    void aStoreHoldingEveryIndexEntryReadsEachWriteInItsGlobalIndexesAtOnce() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music());
            TableDefinition table = store.describeTable("Music").orElseThrow();
            for (int i = 0; i < 300; i++) {
                Map<String, AttributeValue> item = song("a" + i, "t", 2000, "g" + i, i);
                put(store, item);
                assertThat(store.query(
                                        table,
                                        "ByGenre",
                                        new AttributeValue.S("g" + i),
                                        null,
                                        true,
                                        10,
                                        PartitionStore.PAGE_BYTES,
                                        null)
                                .items())
                        .as("write %d, read right after it", i)
                        .hasSize(1);
                if (i % 2 == 0) {
                    delete(store, item);
                    assertThat(scanAll(store, "ByGenre"))
                            .as("delete %d, scanned right after it", i)
                            .noneMatch(entry -> entry.get("Genre").equals(item.get("Genre")));
                }
            }
        }
    }
}
