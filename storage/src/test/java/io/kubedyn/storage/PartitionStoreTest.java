package io.kubedyn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionStoreTest {
    @TempDir
    Path dir;

    static TableDefinition music(String name) {
        Map<String, ScalarType> attributes = new LinkedHashMap<>();
        attributes.put("Artist", ScalarType.S);
        attributes.put("SongTitle", ScalarType.S);
        return new TableDefinition(
                name,
                UUID.randomUUID().toString(),
                KeySchema.of(new KeyAttribute("Artist", ScalarType.S), new KeyAttribute("SongTitle", ScalarType.S)),
                attributes,
                "PAY_PER_REQUEST",
                0,
                0,
                System.currentTimeMillis());
    }

    static Map<String, AttributeValue> song(String artist, String title) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("Artist", new AttributeValue.S(artist));
        item.put("SongTitle", new AttributeValue.S(title));
        return item;
    }

    static PrimaryKey key(Map<String, AttributeValue> item) {
        return PrimaryKey.of(item.get("Artist"), item.get("SongTitle"));
    }

    /** The store's current incarnation of Music. */
    static TableDefinition table(PartitionStore store) {
        return store.describeTable("Music").orElseThrow();
    }

    static void put(PartitionStore store, PrimaryKey key, Map<String, AttributeValue> item) {
        store.write(table(store), key, ItemChange.put(item, null, null), ReturnItems.NONE);
    }

    static Map<String, AttributeValue> get(PartitionStore store, PrimaryKey key) {
        return store.get(table(store), key);
    }

    static List<String> titles(Page page) {
        return page.items().stream()
                .map(i -> ((AttributeValue.S) i.get("SongTitle")).value())
                .toList();
    }

    @Test
    void tablesAndItemsSurviveReopening() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            put(store, key(song("Kyuss", "Space Cadet")), song("Kyuss", "Space Cadet"));
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(store.tableNames()).containsExactly("Music");
            assertThat(get(store, key(song("Kyuss", "Space Cadet")))).isEqualTo(song("Kyuss", "Space Cadet"));
        }
    }

    @Test
    void writeGroupsCountEverySyncedWriteAndConcurrentWritersShareSyncs() throws Exception {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            WriteGroups before = store.writeGroups();
            for (int i = 0; i < 20; i++) {
                put(store, key(song("Kyuss", "Song " + i)), song("Kyuss", "Song " + i));
            }
            WriteGroups alone = store.writeGroups().since(before);
            // One writer at a time: every write leads its own group and waits for its own sync.
            assertThat(alone.writes()).isEqualTo(20);
            assertThat(alone.syncs()).isEqualTo(20);
            assertThat(alone.writesPerSync()).isEqualTo(1.0);

            // 16 writers at once: whoever arrives while a group is being synced joins the next one.
            WriteGroups start = store.writeGroups();
            java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(16);
            try {
                List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int w = 0; w < 16; w++) {
                    int writer = w;
                    done.add(writers.submit(() -> {
                        for (int i = 0; i < 50; i++) {
                            put(
                                    store,
                                    key(song("Writer " + writer, "Song " + i)),
                                    song("Writer " + writer, "Song " + i));
                        }
                    }));
                }
                for (java.util.concurrent.Future<?> write : done) {
                    write.get();
                }
            } finally {
                writers.shutdown();
            }
            WriteGroups together = store.writeGroups().since(start);
            assertThat(together.writes()).isEqualTo(800);
            assertThat(together.syncs()).isEqualTo(together.groups()).isLessThan(800);
            assertThat(together.writesPerSync()).isGreaterThan(1.0);
        }
    }

    @Test
    void deletedTableLeavesNothingBehindWhenRecreated() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            TableDefinition first = music("Music");
            store.createTable(first);
            put(store, key(song("Kyuss", "Space Cadet")), song("Kyuss", "Space Cadet"));
            store.deleteTable("Music");
            assertThatThrownBy(() -> store.get(first, key(song("Kyuss", "Space Cadet"))))
                    .isInstanceOf(DynamoDbException.class)
                    .hasMessageContaining("not found");
            store.createTable(music("Music"));
            assertThat(get(store, key(song("Kyuss", "Space Cadet")))).isNull();
            // A request validated against the deleted incarnation does not reach the new table.
            assertThatThrownBy(() -> store.get(first, key(song("Kyuss", "Space Cadet"))))
                    .isInstanceOf(DynamoDbException.class)
                    .hasMessageContaining("not found");
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(get(store, key(song("Kyuss", "Space Cadet")))).isNull();
        }
    }

    @Test
    void queryReadsOnePartitionInSortKeyOrderBothWays() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            for (String title : List.of("Vidage", "Claws", "Electric Sunrise", "Abrasive")) {
                put(store, key(song("1000mods", title)), song("1000mods", title));
            }
            put(store, key(song("Kyuss", "Space Cadet")), song("Kyuss", "Space Cadet"));
            AttributeValue partition = new AttributeValue.S("1000mods");
            assertThat(titles(store.query(
                            table(store), null, partition, null, true, 100, PartitionStore.PAGE_BYTES, null)))
                    .containsExactly("Abrasive", "Claws", "Electric Sunrise", "Vidage");
            assertThat(titles(store.query(
                            table(store), null, partition, null, false, 100, PartitionStore.PAGE_BYTES, null)))
                    .containsExactly("Vidage", "Electric Sunrise", "Claws", "Abrasive");
            SortKeyCondition fromLoose =
                    new SortKeyCondition(SortKeyCondition.Operator.GE, new AttributeValue.S("Loose"), null);
            assertThat(titles(store.query(
                            table(store), null, partition, fromLoose, true, 100, PartitionStore.PAGE_BYTES, null)))
                    .containsExactly("Vidage");
            SortKeyCondition beginsWithE =
                    new SortKeyCondition(SortKeyCondition.Operator.BEGINS_WITH, new AttributeValue.S("E"), null);
            assertThat(titles(store.query(
                            table(store), null, partition, beginsWithE, true, 100, PartitionStore.PAGE_BYTES, null)))
                    .containsExactly("Electric Sunrise");
        }
    }

    @Test
    void queryPagesWithLimitAndExclusiveStartKeyVisitEveryItemOnce() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            for (String title : List.of("a", "b", "c")) {
                put(store, key(song("x", title)), song("x", title));
            }
            AttributeValue partition = new AttributeValue.S("x");
            for (boolean forward : new boolean[] {true, false}) {
                List<String> seen = new ArrayList<>();
                PrimaryKey start = null;
                int pages = 0;
                do {
                    Page page = store.query(
                            table(store),
                            null,
                            partition,
                            null,
                            forward,
                            1,
                            PartitionStore.PAGE_BYTES,
                            start == null ? null : start.storageKey());
                    seen.addAll(titles(page));
                    start = page.lastEvaluated() == null ? null : key(page.lastEvaluated());
                    pages++;
                } while (start != null);
                assertThat(seen).containsExactlyElementsOf(forward ? List.of("a", "b", "c") : List.of("c", "b", "a"));
                assertThat(pages).isEqualTo(3);
            }
        }
    }

    @Test
    void scanSegmentsPartitionTheTable() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            Set<String> all = new HashSet<>();
            for (int i = 0; i < 500; i++) {
                put(store, key(song("artist" + i, "t")), song("artist" + i, "t"));
                all.add("artist" + i);
            }
            List<String> seen = new ArrayList<>();
            for (int segment = 0; segment < 7; segment++) {
                PrimaryKey start = null;
                do {
                    Page page = store.scan(
                            table(store),
                            null,
                            HashRange.segment(segment, 7),
                            37,
                            PartitionStore.PAGE_BYTES,
                            start == null ? null : start.storageKey());
                    page.items().forEach(item -> seen.add(((AttributeValue.S) item.get("Artist")).value()));
                    start = page.lastEvaluated() == null ? null : key(page.lastEvaluated());
                } while (start != null);
            }
            assertThat(seen).hasSize(500).containsExactlyInAnyOrderElementsOf(all);
        }
    }

    @Test
    void failedChangeWritesNothing() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            PrimaryKey key = key(song("Kyuss", "Space Cadet"));
            put(store, key, song("Kyuss", "Space Cadet"));
            assertThatThrownBy(() -> store.update(
                            table(store),
                            key,
                            old -> {
                                throw DynamoDbException.validation("refused");
                            },
                            ReturnItems.NONE))
                    .hasMessage("refused");
            Map<String, AttributeValue> huge = song("Kyuss", "Space Cadet");
            huge.put("blob", new AttributeValue.S("x".repeat(410 * 1024)));
            assertThatThrownBy(() -> put(store, key, huge)).hasMessageContaining("Item size has exceeded");
            assertThat(get(store, key)).isEqualTo(song("Kyuss", "Space Cadet"));
        }
    }

    @Test
    void refusesCallsAfterCloseAndWaitsForThoseInFlight() throws Exception {
        PartitionStore store = PartitionStore.open(dir);
        store.createTable(music("Music"));
        TableDefinition table = table(store);
        PrimaryKey key = key(song("Kyuss", "Space Cadet"));
        java.util.concurrent.CountDownLatch inChange = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<WriteResult> write = threads.submit(() -> store.update(
                    table,
                    key,
                    old -> {
                        inChange.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return song("Kyuss", "Space Cadet");
                    },
                    ReturnItems.NEW));
            inChange.await();
            java.util.concurrent.Future<?> closing = threads.submit(store::close);
            Thread.sleep(200);
            assertThat(closing).as("close waits for the write in flight").isNotDone();
            assertThatThrownBy(() -> store.get(table, key)).isInstanceOf(StoreClosedException.class);
            release.countDown();
            assertThat(write.get().updated()).isEqualTo(song("Kyuss", "Space Cadet"));
            closing.get();
            assertThatThrownBy(() -> store.get(table, key)).isInstanceOf(StoreClosedException.class);
            assertThatThrownBy(store::tableNames).isInstanceOf(StoreClosedException.class);
        } finally {
            threads.shutdownNow();
        }
        try (PartitionStore reopened = PartitionStore.open(dir)) {
            assertThat(get(reopened, key))
                    .as("the write acknowledged before close")
                    .isEqualTo(song("Kyuss", "Space Cadet"));
        }
    }

    @Test
    void batchWritesAreAppliedTogether() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            TableDefinition table = table(store);
            put(store, key(song("a", "gone")), song("a", "gone"));
            List<TableWrite> writes = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                writes.add(
                        new TableWrite(table, key(song("a", "t" + i)), ItemChange.put(song("a", "t" + i), null, null)));
            }
            writes.add(new TableWrite(table, key(song("a", "gone")), ItemChange.delete(song("a", "gone"), null, null)));
            store.writeAll(writes).join();
            assertThat(store.query(
                                    table,
                                    null,
                                    new AttributeValue.S("a"),
                                    null,
                                    true,
                                    100,
                                    PartitionStore.PAGE_BYTES,
                                    null)
                            .items())
                    .hasSize(25);

            Map<String, AttributeValue> huge = song("a", "huge");
            huge.put("blob", new AttributeValue.S("x".repeat(410 * 1024)));
            List<TableWrite> refused = List.of(
                    new TableWrite(table, key(song("a", "new")), ItemChange.put(song("a", "new"), null, null)),
                    new TableWrite(table, key(huge), ItemChange.put(huge, null, null)));
            assertThatThrownBy(() -> store.writeAll(refused).join()).hasMessageContaining("Item size has exceeded");
            assertThat(get(store, key(song("a", "new"))))
                    .as("nothing of a refused batch is written")
                    .isNull();
        }
    }

    @Test
    void anAdoptedTableKeepsItsItemsUnderItsNewIncarnation() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            put(store, key(song("Kyuss", "Space Cadet")), song("Kyuss", "Space Cadet"));
            store.adoptTable(music("Music"));
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(get(store, key(song("Kyuss", "Space Cadet")))).isEqualTo(song("Kyuss", "Space Cadet"));
        }
    }

    @Test
    void theShardAssignmentIsKept() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(store.shardAssignment()).isEmpty();
            store.recordShardAssignment("0x0000000000000000-0x7fffffffffffffff");
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(store.shardAssignment()).contains("0x0000000000000000-0x7fffffffffffffff");
        }
    }

    private static long openDescriptors() throws java.io.IOException {
        try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /**
     * RocksDB's off-heap memory is bounded however many tables a store holds: each column family
     * kept up to 64 MB of memtables of its own (twice, while one flushes), so a pod with many
     * tables and indexes outgrew any container limit.
     */
    @Test
    void memtablesOfEveryTableStayWithinTheStoresMemoryBudget() {
        long mib = 1024 * 1024;
        StoreMemory budget = new StoreMemory(32 * mib, 16 * mib);
        try (PartitionStore store = PartitionStore.open(dir, budget)) {
            String value = "x".repeat(100_000);
            for (int t = 0; t < 12; t++) {
                TableDefinition table = music("Table" + t);
                store.createTable(table);
                for (int i = 0; i < 40; i++) {
                    Map<String, AttributeValue> item = song("Kyuss", "Song " + i);
                    item.put("Lyrics", new AttributeValue.S(value));
                    store.write(table, key(item), ItemChange.put(item, null, null), ReturnItems.NONE);
                }
            }
            // 48 MB written to 12 tables: three times the memtables' budget.
            assertThat(store.aggregatedProperty("rocksdb.cur-size-all-mem-tables"))
                    .as("memtables of all tables")
                    .isLessThanOrEqualTo(budget.writeBufferBytes() * 5 / 4);
            CacheUse cache = store.blockCache();
            assertThat(cache.capacityBytes()).isEqualTo(32 * mib);
            assertThat(cache.usageBytes())
                    .as("the cache, memtables charged to it")
                    .isLessThanOrEqualTo(cache.capacityBytes() * 5 / 4);
            Map<String, AttributeValue> first = song("Kyuss", "Song 0");
            assertThat(store.get(store.describeTable("Table0").orElseThrow(), key(first)))
                    .containsEntry("Lyrics", new AttributeValue.S(value));
        }
    }

    @Test
    void aStoresMemoryIsAQuarterOfItsContainersLimit() {
        long mib = 1024 * 1024;
        assertThat(StoreMemory.ofLimit(1024 * mib)).isEqualTo(new StoreMemory(256 * mib, 128 * mib));
        assertThat(StoreMemory.ofLimit(64 * mib))
                .as("never below what a few tables need")
                .isEqualTo(new StoreMemory(32 * mib, 16 * mib));
        assertThatThrownBy(() -> new StoreMemory(mib, 2 * mib)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A deleted table's handles are closed once no call can still be using them: 300 tables
     * created and deleted once took a descriptor each until the store closed.
     */
    @Test
    void deletedTablesGiveTheirFileDescriptorsBack() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.Files.isDirectory(Path.of("/proc/self/fd")), "counting descriptors needs /proc (Linux)");
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Warmup"));
            store.deleteTable("Warmup");
            Thread.sleep(1500);
            long before = openDescriptors();
            for (int i = 0; i < 40; i++) {
                TableDefinition table = music("Table" + i);
                store.createTable(table);
                Map<String, AttributeValue> item = song("Kyuss", "Song " + i);
                store.write(table, key(item), ItemChange.put(item, null, null), ReturnItems.NONE);
                store.deleteTable(table.name());
            }
            long deadline = System.currentTimeMillis() + 10_000;
            while (openDescriptors() > before + 5 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(openDescriptors())
                    .as("descriptors after 40 tables created and deleted")
                    .isLessThanOrEqualTo(before + 5);
            // The store goes on serving.
            store.createTable(music("Music"));
            Map<String, AttributeValue> item = song("Kyuss", "Space Cadet");
            put(store, key(item), item);
            assertThat(get(store, key(item))).isEqualTo(item);
        }
    }
}
