package io.kubedyn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoNumber;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.IndexProjection;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handing a hash range from one store to another while it is written: a copy from one snapshot,
 * then the writes after it read from the source's write-ahead log, leave the receiving store
 * with exactly the source's items, local and global index entries, Time to Live entries and
 * item collection sizes in that range, and nothing outside it.
 */
class RangeHandOffTest {
    /** The upper half of the hash space: what a shard owning everything would hand off. */
    private static final HashRange MOVING = new HashRange(0x8000000000000000L, -1L);

    private static final HashRange STAYING = new HashRange(0L, 0x7fffffffffffffffL);
    private static final KeyAttribute ARTIST = new KeyAttribute("Artist", ScalarType.S);

    @TempDir
    Path dir;

    private static TableDefinition music() {
        Map<String, ScalarType> attributes = new LinkedHashMap<>();
        attributes.put("Artist", ScalarType.S);
        attributes.put("SongTitle", ScalarType.S);
        attributes.put("Year", ScalarType.N);
        attributes.put("Genre", ScalarType.S);
        return new TableDefinition(
                        "Music",
                        UUID.randomUUID().toString(),
                        KeySchema.of(ARTIST, new KeyAttribute("SongTitle", ScalarType.S)),
                        attributes,
                        "PAY_PER_REQUEST",
                        0,
                        0,
                        System.currentTimeMillis(),
                        false,
                        null,
                        null,
                        List.of(
                                SecondaryIndex.local(
                                        "ByYear",
                                        KeySchema.of(ARTIST, new KeyAttribute("Year", ScalarType.N)),
                                        IndexProjection.KEYS_ONLY),
                                SecondaryIndex.global(
                                        "ByGenre",
                                        KeySchema.of(
                                                new KeyAttribute("Genre", ScalarType.S),
                                                new KeyAttribute("Year", ScalarType.N)),
                                        IndexProjection.ALL)))
                .withTimeToLive("expiresAt");
    }

    private static Map<String, AttributeValue> song(int artist, int title, int version) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("Artist", new AttributeValue.S("artist-" + artist));
        item.put("SongTitle", new AttributeValue.S("song-" + title));
        item.put("Year", new AttributeValue.N(DynamoNumber.of(1960 + version % 60)));
        item.put("Genre", new AttributeValue.S("genre-" + version % 7));
        item.put("expiresAt", new AttributeValue.N(DynamoNumber.of(4_000_000_000L + version)));
        item.put("Notes", new AttributeValue.S("v".repeat(version % 300)));
        return item;
    }

    private static PrimaryKey key(int artist, int title) {
        return PrimaryKey.of(new AttributeValue.S("artist-" + artist), new AttributeValue.S("song-" + title));
    }

    private static void write(PartitionStore store, TableDefinition table, int artist, int title, int version) {
        if (version % 5 == 0) {
            store.write(
                    table,
                    key(artist, title),
                    ItemChange.delete(
                            Map.of(
                                    "Artist", new AttributeValue.S("artist-" + artist),
                                    "SongTitle", new AttributeValue.S("song-" + title)),
                            null,
                            null),
                    ReturnItems.NONE);
        } else {
            store.write(
                    table,
                    key(artist, title),
                    ItemChange.put(song(artist, title, version), null, null),
                    ReturnItems.NONE);
        }
    }

    /** Everything a store holds of the table in {@code range}, by part and key, as hex. */
    private static Map<String, String> contents(PartitionStore store, TableDefinition table, HashRange range) {
        Map<String, String> contents = new TreeMap<>();
        store.copyRange(table, range, "look", 1 << 20, (asOf, writes) -> {
            for (RangeWrite write : writes) {
                contents.put(
                        write.part() + " " + HexFormat.of().formatHex(write.key()),
                        HexFormat.of().formatHex(write.value()));
            }
        });
        store.releaseRangeChanges("look");
        return contents;
    }

    private static boolean moving(int artist) {
        return MOVING.contains(key(artist, 0).hash());
    }

    @Test
    void aRangeCopiedWhileWrittenEndsAsTheSourceHasItWithEveryPartAndNothingElse() throws Exception {
        try (PartitionStore source = PartitionStore.open(dir.resolve("source"));
                PartitionStore target = PartitionStore.open(dir.resolve("target"))) {
            source.createTable(music());
            TableDefinition table = source.describeTable("Music").orElseThrow();
            target.createTable(table);
            for (int i = 0; i < 2000; i++) {
                write(source, table, i % 200, i, i + 1);
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            Set<Integer> written = ConcurrentHashMap.newKeySet();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                Thread writer = new Thread(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (writing.get()) {
                        int artist = random.nextInt(200);
                        written.add(artist);
                        write(source, table, artist, random.nextInt(3000), random.nextInt(1, 10_000));
                    }
                });
                writer.start();
                writers.add(writer);
            }

            long through = source.copyRange(
                    table,
                    MOVING,
                    "to-target",
                    64 * 1024,
                    (asOf, writes) -> target.applyRange(table, MOVING, writes, asOf));
            target.applyRange(table, MOVING, List.of(), through);
            long deadline = System.currentTimeMillis() + 1500;
            int pagesWithWrites = 0;
            while (System.currentTimeMillis() < deadline) {
                RangeChanges changes = source.rangeChangesSince(table, MOVING, "to-target", through, 256 * 1024);
                target.applyRange(table, MOVING, changes.writes(), changes.through());
                pagesWithWrites += changes.writes().isEmpty() ? 0 : 1;
                through = changes.through();
            }
            writing.set(false);
            for (Thread writer : writers) {
                writer.join();
            }
            while (source.feedIndexes() > 0) {
                // The global index's entries of the last writes, written by the store to itself.
            }
            while (through < source.latestSequence()) {
                RangeChanges changes = source.rangeChangesSince(table, MOVING, "to-target", through, 256 * 1024);
                target.applyRange(table, MOVING, changes.writes(), changes.through());
                through = changes.through();
            }
            source.releaseRangeChanges("to-target");

            assertThat(pagesWithWrites)
                    .as("writes followed from the log while writers ran")
                    .isGreaterThan(3);
            Map<String, String> held = contents(source, table, MOVING);
            assertThat(held.keySet().stream()
                            .map(k -> k.substring(0, k.indexOf(' ')))
                            .distinct())
                    .containsExactlyInAnyOrder("", ".index.ByYear", ".index.ByGenre", ".collections", ".ttl");
            assertThat(contents(target, table, MOVING)).isEqualTo(held);
            assertThat(contents(target, table, STAYING))
                    .as("nothing outside the range")
                    .isEmpty();
            assertThat(target.rangeAppliedThrough(table)).hasValue(through);
            int compared = 0;
            for (int artist : written) {
                if (!moving(artist)) {
                    continue;
                }
                for (int title = 0; title < 3000; title += 7) {
                    assertThat(target.get(table, key(artist, title))).isEqualTo(source.get(table, key(artist, title)));
                    compared++;
                }
            }
            assertThat(compared).isGreaterThan(1000);
        }
    }

    @Test
    void aClearedRangeCopiedAgainHoldsNothingOfTheAbandonedCopy() {
        try (PartitionStore source = PartitionStore.open(dir.resolve("source"));
                PartitionStore target = PartitionStore.open(dir.resolve("target"))) {
            source.createTable(music());
            TableDefinition table = source.describeTable("Music").orElseThrow();
            target.createTable(table);
            for (int i = 0; i < 500; i++) {
                write(source, table, i % 50, i, i + 1);
            }
            long first = source.copyRange(
                    table, MOVING, "first", 8 * 1024, (asOf, writes) -> target.applyRange(table, MOVING, writes, asOf));
            for (int i = 0; i < 500; i++) {
                write(source, table, i % 50, i, 5); // every one deleted (version 5)
            }
            source.releaseRangeChanges("first");

            target.clearRange(table, MOVING);
            assertThat(target.rangeAppliedThrough(table)).isEmpty();
            assertThat(contents(target, table, MOVING)).isEmpty();
            long second = source.copyRange(
                    table,
                    MOVING,
                    "second",
                    8 * 1024,
                    (asOf, writes) -> target.applyRange(table, MOVING, writes, asOf));
            source.releaseRangeChanges("second");
            assertThat(second).isGreaterThan(first);
            assertThat(contents(target, table, MOVING)).isEqualTo(contents(source, table, MOVING));
        }
    }

    @Test
    void changesNobodyHoldsAreRefusedAsLostAfterARestartToo() {
        long asOf;
        TableDefinition table;
        try (PartitionStore source = PartitionStore.open(dir.resolve("source"))) {
            source.createTable(music());
            table = source.describeTable("Music").orElseThrow();
            write(source, table, 1, 1, 1);
            assertThatThrownBy(() -> source.rangeChangesSince(table, MOVING, "nobody", 0, 1024))
                    .isInstanceOf(RangeChangesLostException.class);
            asOf = source.copyRange(table, MOVING, "held", 1024, (at, writes) -> {});
            write(source, table, 2, 2, 2);
            long written = source.latestSequence();
            // Read as a receiver reads: a page may stop at the log's tail (RocksDB's TryAgain, while
            // the store's own index feed writes), and the next one goes on.
            long through = asOf;
            for (int page = 0; page < 100 && through < written; page++) {
                through = source.rangeChangesSince(table, MOVING, "held", through, 1 << 20)
                        .through();
            }
            assertThat(through).isGreaterThanOrEqualTo(written);
        }
        try (PartitionStore source = PartitionStore.open(dir.resolve("source"))) {
            assertThatThrownBy(() -> source.rangeChangesSince(table, MOVING, "held", asOf, 1024))
                    .isInstanceOf(RangeChangesLostException.class)
                    .hasMessageContaining("restarted");
        }
    }
}
