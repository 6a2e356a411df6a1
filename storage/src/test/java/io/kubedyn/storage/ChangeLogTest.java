package io.kubedyn.storage;

import static io.kubedyn.storage.PartitionStoreTest.key;
import static io.kubedyn.storage.PartitionStoreTest.music;
import static io.kubedyn.storage.PartitionStoreTest.song;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.StreamViewType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableStream;
import io.kubedyn.core.write.ItemChange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A table's change log in its store: what DynamoDB Streams reads. */
class ChangeLogTest {
    @TempDir
    Path dir;

    private static TableDefinition streamed(StreamViewType view) {
        return music("Music").withStream(TableStream.enabledAt(view, System.currentTimeMillis()));
    }

    private static TableDefinition current(PartitionStore store) {
        return store.describeTable("Music").orElseThrow();
    }

    private static void put(PartitionStore store, Map<String, AttributeValue> item) {
        store.write(current(store), key(item), ItemChange.put(item, null, null), ReturnItems.NONE);
    }

    private static List<ChangeRecord> all(PartitionStore store) {
        return store.readChanges(current(store), 0, 10_000, Long.MAX_VALUE).records();
    }

    private static Map<String, AttributeValue> with(Map<String, AttributeValue> item, String name, String value) {
        Map<String, AttributeValue> copy = new java.util.LinkedHashMap<>(item);
        copy.put(name, new AttributeValue.S(value));
        return copy;
    }

    @Test
    void everyChangeIsRecordedOnceInOrderWithTheImagesTheViewTypeKeeps() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(streamed(StreamViewType.NEW_AND_OLD_IMAGES));
            Map<String, AttributeValue> v1 = with(song("Kyuss", "Space Cadet"), "Year", "1994");
            Map<String, AttributeValue> v2 = with(v1, "Year", "1995");
            put(store, v1);
            put(store, v1); // the same item again: nothing visible changes, so nothing is recorded
            put(store, v2);
            store.write(
                    current(store),
                    key(v2),
                    ItemChange.delete(song("Kyuss", "Space Cadet"), null, null),
                    ReturnItems.NONE);
            store.write(
                    current(store),
                    key(v2),
                    ItemChange.delete(song("Kyuss", "Space Cadet"), null, null),
                    ReturnItems.NONE); // no item: no record

            List<ChangeRecord> records = all(store);
            assertThat(records)
                    .extracting(ChangeRecord::eventName)
                    .containsExactly(
                            ChangeRecord.EventName.INSERT,
                            ChangeRecord.EventName.MODIFY,
                            ChangeRecord.EventName.REMOVE);
            assertThat(records).extracting(ChangeRecord::sequence).isSorted().doesNotHaveDuplicates();
            assertThat(records.get(0).oldImage()).isNull();
            assertThat(records.get(0).newImage()).isEqualTo(v1);
            assertThat(records.get(1).oldImage()).isEqualTo(v1);
            assertThat(records.get(1).newImage()).isEqualTo(v2);
            assertThat(records.get(2).oldImage()).isEqualTo(v2);
            assertThat(records.get(2).newImage()).isNull();
            assertThat(records).allSatisfy(r -> assertThat(r.keys()).isEqualTo(song("Kyuss", "Space Cadet")));
        }
    }

    @Test
    void aRangeHandOffClosesTheLogsStretchBetweenTheWritesBeforeAndAfterItAcrossReopening() {
        io.kubedyn.core.HashRange whole = new io.kubedyn.core.HashRange(0L, -1L);
        io.kubedyn.core.HashRange lower = new io.kubedyn.core.HashRange(0L, 0x7fffffffffffffffL);
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(streamed(StreamViewType.KEYS_ONLY));
            put(store, song("Kyuss", "Space Cadet"));
            put(store, song("Kyuss", "Gardenia"));
            assertThat(store.readChanges(current(store), 0, 0, 0).closedEpochs())
                    .isEmpty();
            store.closeStreamEpoch(current(store), List.of(whole));
            // Closed again with the same ranges (the seal did not take, and is made again): it lasted until now.
            put(store, song("Kyuss", "Demon Cleaner"));
            store.closeStreamEpoch(current(store), List.of(whole));
            put(store, song("Kyuss", "Odyssey"));
            store.closeStreamEpoch(current(store), List.of(lower));
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            put(store, song("Kyuss", "Supa Scoopa"));
            ChangePage page = store.readChanges(current(store), 0, 10_000, Long.MAX_VALUE);
            List<Long> sequences =
                    page.records().stream().map(ChangeRecord::sequence).toList();
            assertThat(page.closedEpochs())
                    .extracting(StreamEpoch::ranges)
                    .containsExactly(List.of(whole), List.of(lower));
            long first = page.closedEpochs().get(0).through();
            long second = page.closedEpochs().get(1).through();
            assertThat(sequences.subList(0, 3)).allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(first));
            assertThat(sequences.get(3)).isGreaterThan(first).isLessThanOrEqualTo(second);
            assertThat(sequences.get(4)).as("written after the store reopened").isGreaterThan(second);
        }
    }

    @Test
    void keysOnlyRecordsHoldNoImage() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(streamed(StreamViewType.KEYS_ONLY));
            put(store, song("Kyuss", "Gardenia"));
            assertThat(all(store)).singleElement().satisfies(r -> {
                assertThat(r.oldImage()).isNull();
                assertThat(r.newImage()).isNull();
                assertThat(r.keys()).isEqualTo(song("Kyuss", "Gardenia"));
            });
        }
    }

    @Test
    void aBatchRecordsEachOfItsChangesAndNothingIsRecordedWithoutAStream() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            put(store, song("Kyuss", "Before the stream"));
            store.updateTable(current(store).withStream(TableStream.enabledAt(StreamViewType.NEW_IMAGE, 0)));
            List<TableWrite> writes = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                Map<String, AttributeValue> item = song("Kyuss", "Track " + i);
                writes.add(new TableWrite(current(store), key(item), ItemChange.put(item, null, null)));
            }
            store.writeBatch(writes);
            assertThat(all(store))
                    .hasSize(25)
                    .allSatisfy(r -> assertThat(r.eventName()).isEqualTo(ChangeRecord.EventName.INSERT));

            store.updateTable(current(store).withStream(null));
            put(store, song("Kyuss", "After the stream"));
            assertThat(all(store)).as("records stay readable, no new ones").hasSize(25);
        }
    }

    @Test
    void theLogAndItsSequenceSurviveReopeningAndNeverGoBack() {
        long last;
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(streamed(StreamViewType.NEW_IMAGE));
            put(store, song("Kyuss", "One"));
            put(store, song("Kyuss", "Two"));
            last = all(store).get(1).sequence();
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            put(store, song("Kyuss", "Three"));
            List<ChangeRecord> records = all(store);
            assertThat(records).hasSize(3);
            assertThat(records.get(2).sequence()).isGreaterThan(last);
            assertThat(records.get(2).newImage()).isEqualTo(song("Kyuss", "Three"));
        }
    }

    @Test
    void recordsPastTheirRetentionAreTrimmedAndReadersSeeTheNewHorizon() {
        long old;
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(streamed(StreamViewType.NEW_IMAGE));
            put(store, song("Kyuss", "Old"));
            old = all(store).get(0).sequence();
            assertThat(store.trimChanges(System.currentTimeMillis()))
                    .as("within 24 hours")
                    .isZero();

            assertThat(store.trimChanges(System.currentTimeMillis() + TimeUnit.HOURS.toMillis(25)))
                    .isEqualTo(1);
            put(store, song("Kyuss", "New"));
            ChangePage page = store.readChanges(current(store), old, 100, Long.MAX_VALUE);
            assertThat(page.trimHorizon()).isGreaterThan(old);
            assertThat(page.trimmedThrough())
                    .as("a reader at the old record missed it")
                    .isGreaterThanOrEqualTo(old);
            assertThat(page.records())
                    .extracting(r -> r.newImage().get("SongTitle"))
                    .containsExactly(new AttributeValue.S("New"));
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            ChangePage page = store.readChanges(current(store), 0, 100, Long.MAX_VALUE);
            assertThat(page.trimmedThrough()).as("remembered across reopening").isGreaterThanOrEqualTo(old);
            put(store, song("Kyuss", "After reopening"));
            long gapBelow = store.readChanges(current(store), 0, 100, Long.MAX_VALUE)
                            .records()
                            .get(1)
                            .sequence()
                    - 1;
            assertThat(gapBelow)
                    .as("sequence numbers jump when the store reopens: a gap, not trimmed records")
                    .isGreaterThan(page.trimmedThrough());
        }
    }

    @Test
    void eachTableKeepsItsRecordsForItsOwnRetention() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            TableStream twoHours = TableStream.enabledAt(StreamViewType.NEW_IMAGE, System.currentTimeMillis());
            store.createTable(music("Music").withStream(new TableStream(twoHours.viewType(), twoHours.label(), 7200)));
            store.createTable(music("Default")
                    .withStream(TableStream.enabledAt(StreamViewType.NEW_IMAGE, System.currentTimeMillis())));
            put(store, song("Kyuss", "Short-lived"));
            TableDefinition other = store.describeTable("Default").orElseThrow();
            Map<String, AttributeValue> kept = song("Kyuss", "Kept");
            store.write(other, key(kept), ItemChange.put(kept, null, null), ReturnItems.NONE);

            assertThat(store.trimChanges(System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1)))
                    .as("within both retentions")
                    .isZero();
            assertThat(store.trimChanges(System.currentTimeMillis() + TimeUnit.HOURS.toMillis(3)))
                    .as("past two hours: only the two-hour table's record")
                    .isEqualTo(1);
            assertThat(all(store)).isEmpty();
            assertThat(store.readChanges(other, 0, 100, Long.MAX_VALUE).records())
                    .hasSize(1);
        }
    }

    @Test
    void aProtectedTableIsNotDroppedEvenIfACallerMissedTheProtection() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music").withDeletionProtection(true));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.deleteTable("Music"))
                    .isInstanceOfSatisfying(
                            io.kubedyn.core.DynamoDbException.class,
                            e -> assertThat(e.getMessage()).startsWith("Resource cannot be deleted"));
            store.updateTable(current(store).withDeletionProtection(false));
            store.deleteTable("Music");
            assertThat(store.tableNames()).isEmpty();
        }
    }

    @Test
    @Timeout(60)
    void concurrentWritersNeverLetAReaderSkipARecord() throws Exception {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(streamed(StreamViewType.KEYS_ONLY));
            ExecutorService writers = Executors.newFixedThreadPool(8);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int writer = w;
                running.add(writers.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        put(store, song("Writer " + writer, "Song " + i));
                    }
                }));
            }
            // A reader following the log while the writers run sees every record exactly once.
            List<ChangeRecord> seen = new ArrayList<>();
            long next = 0;
            while (seen.size() < 800) {
                ChangePage page = store.readChanges(current(store), next, 50, Long.MAX_VALUE);
                seen.addAll(page.records());
                if (!page.records().isEmpty()) {
                    next = page.records().get(page.records().size() - 1).sequence() + 1;
                }
            }
            for (Future<?> writer : running) {
                writer.get();
            }
            writers.shutdown();
            assertThat(seen).hasSize(800);
            assertThat(seen).extracting(ChangeRecord::keys).doesNotHaveDuplicates();
            assertThat(store.readChanges(current(store), next, 50, Long.MAX_VALUE)
                            .records())
                    .isEmpty();
        }
    }
}
