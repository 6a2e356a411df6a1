package io.kubedyn.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a shard splitting by itself cuts its range: at the median of its items' bytes, so a
 * skewed table's halves hold as much each, and what it weighs, as RocksDB estimates it.
 */
class RangeSplitPointTest {
    /** The lowest eighth of the (unsigned) hash space, where most of the test's items are. */
    private static final HashRange CROWDED = new HashRange(0L, 0x1fffffffffffffffL);

    private static final HashRange REST = new HashRange(0x2000000000000000L, -1L);

    @TempDir
    Path dir;

    private static TableDefinition events() {
        return new TableDefinition(
                "Events",
                UUID.randomUUID().toString(),
                KeySchema.of(new KeyAttribute("id", ScalarType.S), new KeyAttribute("at", ScalarType.N)),
                Map.of("id", ScalarType.S, "at", ScalarType.N),
                "PAY_PER_REQUEST",
                0,
                0,
                System.currentTimeMillis());
    }

    private static PrimaryKey key(String id, int at) {
        return PrimaryKey.of(new AttributeValue.S(id), new AttributeValue.N(io.kubedyn.core.DynamoNumber.of(at)));
    }

    private static void put(PartitionStore store, TableDefinition table, String id, int at) {
        store.write(
                table,
                key(id, at),
                ItemChange.put(
                        Map.of(
                                "id",
                                new AttributeValue.S(id),
                                "at",
                                new AttributeValue.N(io.kubedyn.core.DynamoNumber.of(at)),
                                "payload",
                                new AttributeValue.S("p".repeat(200))),
                        null,
                        null),
                ReturnItems.NONE);
    }

    /** Partition keys, {@code count} of them, whose hashes fall in {@code range}. */
    private static List<String> idsIn(HashRange range, int count) {
        List<String> ids = new ArrayList<>();
        for (int n = 0; ids.size() < count; n++) {
            String id = "user-" + n;
            if (range.contains(key(id, 0).hash())) {
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void aSkewedRangeSplitsAtTheMedianOfItsItemsNotInTheMiddle() {
        TableDefinition table = events();
        List<String> crowded = idsIn(CROWDED, 1500);
        List<String> rest = idsIn(REST, 500);
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(table);
            putAll(store, table, crowded, rest);

            long median = store.medianHash(table, HashRange.all()).orElseThrow();
            long below = countAtOrBelow(median, crowded) + countAtOrBelow(median, rest);
            // Every item weighs the same: half the bytes is half the items, to a sample's width.
            assertThat(below).as("items at or below the median hash of 2,000").isBetween(980L, 1020L);
            assertThat(Long.compareUnsigned(median, CROWDED.last()))
                    .as("within the crowded eighth, not the middle")
                    .isLessThan(0);

            // Within a part of the space, the same: the crowded eighth splits its 1,500 items in two.
            long crowdedMedian = store.medianHash(table, CROWDED).orElseThrow();
            assertThat(countAtOrBelow(crowdedMedian, crowded)).isBetween(735L, 765L);

            // RocksDB's estimate of what each part weighs follows where the items are: three times
            // the items, though an estimate of memtables (sampled) has come out at 1.95 times.
            long crowdedBytes = store.approximateRangeBytes(table, CROWDED);
            long restBytes = store.approximateRangeBytes(table, REST);
            assertThat(crowdedBytes).as("the crowded eighth's estimate").isGreaterThan(3 * restBytes / 2);
            assertThat(restBytes).as("the rest's estimate").isPositive();
        }
    }

    @Test
    void aLargeRangesMedianComesFromRocksDbsEstimatesNotFromReadingIt() {
        TableDefinition table = events();
        List<String> crowded = idsIn(CROWDED, 1500);
        List<String> rest = idsIn(REST, 500);
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(table);
            putAll(store, table, crowded, rest);
        }
        // Opened again, RocksDB has written what its log held to table files, as a large store's
        // data is: their indexes give the estimates.
        try (PartitionStore store = PartitionStore.open(dir)) {
            // As if past the size up to which a range is read: bisected on size estimates.
            long median = store.medianHash(table, HashRange.all(), 0).orElseThrow();
            long below = countAtOrBelow(median, crowded) + countAtOrBelow(median, rest);
            assertThat(below)
                    .as("items at or below the estimated median of 2,000")
                    .isBetween(850L, 1150L);
            assertThat(Long.compareUnsigned(median, CROWDED.last())).isLessThan(0);
        }
    }

    @Test
    void aRangeWhoseItemsShareOnePartitionKeyHasNoMedian() {
        TableDefinition table = events();
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(table);
            assertThat(store.medianHash(table, HashRange.all())).as("no items").isEqualTo(OptionalLong.empty());
            for (int at = 0; at < 300; at++) {
                put(store, table, "one-collection", at);
            }
            // An item collection never splits: both sides of the cut must hold a partition.
            assertThat(store.medianHash(table, HashRange.all())).isEqualTo(OptionalLong.empty());
            assertThat(store.medianHash(table, HashRange.all(), 0))
                    .as("estimated")
                    .isEqualTo(OptionalLong.empty());

            put(store, table, "another", 0);
            long one = key("one-collection", 0).hash();
            long another = key("another", 0).hash();
            long lower = Long.compareUnsigned(one, another) < 0 ? one : another;
            // Two partitions: the cut ends the lower one, whatever each weighs.
            assertThat(store.medianHash(table, HashRange.all())).isEqualTo(OptionalLong.of(lower));
        }
    }

    /** An item of each partition key, of one size. */
    private static void putAll(PartitionStore store, TableDefinition table, List<String> crowded, List<String> rest) {
        for (String id : crowded) {
            put(store, table, id, 1);
        }
        for (String id : rest) {
            put(store, table, id, 1);
        }
    }

    private static long countAtOrBelow(long median, List<String> ids) {
        return ids.stream()
                .filter(id -> Long.compareUnsigned(key(id, 0).hash(), median) <= 0)
                .count();
    }
}
