package io.kubedyn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.IndexProjection;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.UInt64AddOperator;

/**
 * Item collections of a table with a local secondary index: the store counts each partition's
 * items and index entries in the item's own WriteBatch, reports the count with every write,
 * keeps it across a restart, counts it again for a table that had no count, and refuses a write
 * that would grow a collection past the limit, writing nothing of it.
 */
class ItemCollectionsTest {
    @TempDir
    Path dir;

    private static final KeyAttribute ARTIST = new KeyAttribute("Artist", ScalarType.S);
    private static final SecondaryIndex BY_YEAR = SecondaryIndex.local(
            "ByYear", KeySchema.of(ARTIST, new KeyAttribute("Year", ScalarType.N)), IndexProjection.KEYS_ONLY);

    private static TableDefinition music(boolean withLocalIndex) {
        Map<String, ScalarType> attributes = new LinkedHashMap<>();
        attributes.put("Artist", ScalarType.S);
        attributes.put("SongTitle", ScalarType.S);
        attributes.put("Year", ScalarType.N);
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
                withLocalIndex ? List.of(BY_YEAR) : List.of());
    }

    private static Map<String, AttributeValue> song(String artist, String title, Integer year, int notesLength) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("Artist", new AttributeValue.S(artist));
        item.put("SongTitle", new AttributeValue.S(title));
        if (year != null) {
            item.put("Year", AttributeValue.N.of(Integer.toString(year)));
        }
        item.put("Notes", new AttributeValue.S("n".repeat(notesLength)));
        return item;
    }

    /**
     * What DynamoDB counts for {@code item} in its collection: the item, and for the KEYS_ONLY
     * index entry (when it has a Year) the table and index keys plus 100 bytes.
     */
    private static long counted(Map<String, AttributeValue> item) {
        long bytes = ItemSize.of(item);
        if (item.containsKey("Year")) {
            Map<String, AttributeValue> entry = new LinkedHashMap<>();
            entry.put("Artist", item.get("Artist"));
            entry.put("SongTitle", item.get("SongTitle"));
            entry.put("Year", item.get("Year"));
            bytes += ItemSize.of(entry) + 100;
        }
        return bytes;
    }

    private static PrimaryKey key(Map<String, AttributeValue> item) {
        return PrimaryKey.of(item.get("Artist"), item.get("SongTitle"));
    }

    private static WriteResult put(PartitionStore store, Map<String, AttributeValue> item) {
        return store.write(
                store.describeTable("Music").orElseThrow(),
                key(item),
                ItemChange.put(item, null, null),
                ReturnItems.NONE);
    }

    private static WriteResult delete(PartitionStore store, Map<String, AttributeValue> item) {
        return store.write(
                store.describeTable("Music").orElseThrow(),
                key(item),
                ItemChange.delete(item, null, null),
                ReturnItems.NONE);
    }

    @Test
    void everyWriteReportsItsCollectionAfterIt() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music(true));
            Map<String, AttributeValue> thumb = song("Kyuss", "Thumb", 1992, 10);
            Map<String, AttributeValue> gardenia = song("Kyuss", "Gardenia", null, 200);
            Map<String, AttributeValue> dopesmoker = song("Sleep", "Dopesmoker", 1999, 50);
            assertThat(put(store, thumb).itemCollectionBytes()).isEqualTo(counted(thumb));
            assertThat(put(store, gardenia).itemCollectionBytes()).isEqualTo(counted(thumb) + counted(gardenia));
            assertThat(put(store, dopesmoker).itemCollectionBytes())
                    .as("another partition, another collection")
                    .isEqualTo(counted(dopesmoker));
            Map<String, AttributeValue> longerThumb = song("Kyuss", "Thumb", 1992, 1000);
            assertThat(put(store, longerThumb).itemCollectionBytes())
                    .as("a replaced item counts once")
                    .isEqualTo(counted(longerThumb) + counted(gardenia));
            assertThat(delete(store, gardenia).itemCollectionBytes()).isEqualTo(counted(longerThumb));
            assertThat(delete(store, longerThumb).itemCollectionBytes()).isZero();
            assertThat(delete(store, longerThumb).itemCollectionBytes())
                    .as("deleting nothing changes nothing")
                    .isZero();
        }
    }

    @Test
    void batchWritesReportEachCollectionAndTablesWithoutLocalIndexesKeepNone() {
        TableDefinition indexed = music(true);
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(indexed);
            Map<String, AttributeValue> thumb = song("Kyuss", "Thumb", 1992, 10);
            Map<String, AttributeValue> dopesmoker = song("Sleep", "Dopesmoker", 1999, 50);
            List<Long> bytes = store.writeBatch(List.of(
                    new TableWrite(indexed, key(thumb), ItemChange.put(thumb, null, null)),
                    new TableWrite(indexed, key(dopesmoker), ItemChange.put(dopesmoker, null, null))));
            assertThat(bytes).containsExactly(counted(thumb), counted(dopesmoker));
            Map<String, AttributeValue> gardenia = song("Kyuss", "Gardenia", 1994, 30);
            Map<String, AttributeValue> whitewater = song("Kyuss", "Whitewater", null, 40);
            assertThat(store.writeBatch(List.of(
                            new TableWrite(indexed, key(gardenia), ItemChange.put(gardenia, null, null)),
                            new TableWrite(indexed, key(whitewater), ItemChange.put(whitewater, null, null)))))
                    .as("each write of a batch counts the batch's earlier writes in its collection")
                    .containsExactly(
                            counted(thumb) + counted(gardenia),
                            counted(thumb) + counted(gardenia) + counted(whitewater));
        }
        try (PartitionStore store = PartitionStore.open(dir.resolve("plain"))) {
            store.createTable(music(false));
            assertThat(put(store, song("Kyuss", "Thumb", 1992, 10)).itemCollectionBytes())
                    .isEqualTo(-1);
        }
    }

    @Test
    void aWriteGrowingACollectionPastTheLimitIsRefusedAndWritesNothing() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music(true));
            Map<String, AttributeValue> thumb = song("Kyuss", "Thumb", 1992, 1000);
            long limit = counted(thumb) + 500;
            store.limitItemCollections(limit);
            put(store, thumb);
            Map<String, AttributeValue> gardenia = song("Kyuss", "Gardenia", 1994, 1000);
            assertThatThrownBy(() -> put(store, gardenia))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.error()).isEqualTo(DynamoDbError.ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED))
                    .hasMessage("Collection size exceeded.");
            TableDefinition table = store.describeTable("Music").orElseThrow();
            assertThat(store.get(table, key(gardenia))).isNull();
            assertThat(store.query(
                                    table,
                                    "ByYear",
                                    new AttributeValue.S("Kyuss"),
                                    null,
                                    true,
                                    100,
                                    PartitionStore.PAGE_BYTES,
                                    null)
                            .items())
                    .hasSize(1);
            assertThatThrownBy(() -> store.writeBatch(List.of(
                            new TableWrite(
                                    table,
                                    key(song("Sleep", "Dopesmoker", 1999, 10)),
                                    ItemChange.put(song("Sleep", "Dopesmoker", 1999, 10), null, null)),
                            new TableWrite(table, key(gardenia), ItemChange.put(gardenia, null, null)))))
                    .isInstanceOf(DynamoDbException.class)
                    .hasMessage("Collection size exceeded.");
            assertThat(store.get(table, key(song("Sleep", "Dopesmoker", 1999, 10))))
                    .as("a batch with a refused write writes none of it")
                    .isNull();
            assertThatThrownBy(() -> store.prepareNow(
                            "tx",
                            "ledger:9090",
                            List.of(new TableWrite(table, key(gardenia), ItemChange.put(gardenia, null, null)))))
                    .as("a transaction's prepare checks the limit: its commit cannot be refused")
                    .isInstanceOfSatisfying(
                            io.kubedyn.core.write.TransactionCanceledException.class,
                            e -> assertThat(e.reasons())
                                    .extracting(io.kubedyn.core.write.CancellationReason::code)
                                    .containsExactly("ItemCollectionSizeLimitExceeded"));
            assertThat(store.preparedBefore(Long.MAX_VALUE)).isEmpty();

            Map<String, AttributeValue> smallGardenia = song("Kyuss", "Gardenia", null, 10);
            assertThat(put(store, smallGardenia).itemCollectionBytes())
                    .as("growth within the limit is fine")
                    .isEqualTo(counted(thumb) + counted(smallGardenia));
            Map<String, AttributeValue> shorterThumb = song("Kyuss", "Thumb", 1992, 1);
            assertThat(put(store, shorterThumb).itemCollectionBytes())
                    .isEqualTo(counted(shorterThumb) + counted(smallGardenia));
        }
    }

    @Test
    void countsSurviveARestartAndAreCountedAgainWhenTheMarkIsMissing() throws Exception {
        TableDefinition table = music(true);
        List<Map<String, AttributeValue>> songs = new ArrayList<>();
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(table);
            for (int i = 0; i < 50; i++) {
                Map<String, AttributeValue> item =
                        song("artist-" + (i % 7), "title-" + i, i % 3 == 0 ? null : 1990 + i, i * 13);
                songs.add(item);
                put(store, item);
            }
        }
        long kyussLike = songs.stream()
                .filter(s -> s.get("Artist").equals(new AttributeValue.S("artist-3")))
                .mapToLong(ItemCollectionsTest::counted)
                .sum();
        Map<String, AttributeValue> probe = song("artist-3", "probe", null, 0);
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(put(store, probe).itemCollectionBytes()).isEqualTo(kyussLike + counted(probe));
            delete(store, probe);
        }
        // The store as an older version left it: collections never counted (no mark), and a
        // count that is wrong.
        String family = table.tableId() + ItemCollections.SUFFIX;
        try (Options options = new Options()) {
            List<byte[]> names = RocksDB.listColumnFamilies(options, dir.toString());
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            try (ColumnFamilyOptions plain = new ColumnFamilyOptions();
                    UInt64AddOperator operator = new UInt64AddOperator();
                    ColumnFamilyOptions merging = ItemCollections.options(plain, operator);
                    DBOptions db = new DBOptions()) {
                for (byte[] name : names) {
                    descriptors.add(new ColumnFamilyDescriptor(
                            name, new String(name, StandardCharsets.UTF_8).equals(family) ? merging : plain));
                }
                List<ColumnFamilyHandle> handles = new ArrayList<>();
                try (RocksDB raw = RocksDB.open(db, dir.toString(), descriptors, handles)) {
                    raw.delete(
                            handles.get(0),
                            ("collections-counted/" + table.tableId()).getBytes(StandardCharsets.UTF_8));
                    ColumnFamilyHandle collections = handles.get(names.stream()
                            .map(n -> new String(n, StandardCharsets.UTF_8))
                            .toList()
                            .indexOf(family));
                    raw.merge(
                            collections,
                            PrimaryKey.partitionPrefix(new AttributeValue.S("artist-3")),
                            ByteBuffer.allocate(8)
                                    .order(ByteOrder.LITTLE_ENDIAN)
                                    .putLong(12345)
                                    .array());
                    handles.forEach(ColumnFamilyHandle::close);
                }
            }
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(put(store, probe).itemCollectionBytes())
                    .as("counted again from the items")
                    .isEqualTo(kyussLike + counted(probe));
        }
    }
}
