package io.kubedyn.storage;

import static io.kubedyn.storage.PartitionStoreTest.key;
import static io.kubedyn.storage.PartitionStoreTest.music;
import static io.kubedyn.storage.PartitionStoreTest.song;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoNumber;
import io.kubedyn.core.StreamViewType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableStream;
import io.kubedyn.core.write.ItemChange;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Time to Live in the store: expired items are deleted, by Time to Live, and nothing else is. */
class TimeToLiveTest {
    private static final long NOW = 1_800_000_000L;

    @TempDir
    Path dir;

    private static TableDefinition current(PartitionStore store) {
        return store.describeTable("Music").orElseThrow();
    }

    private static Map<String, AttributeValue> expiring(String title, AttributeValue expiresAt) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(song("Kyuss", title));
        item.put("expiresAt", expiresAt);
        return item;
    }

    private static AttributeValue seconds(long value) {
        return new AttributeValue.N(DynamoNumber.of(value));
    }

    private static void put(PartitionStore store, Map<String, AttributeValue> item) {
        store.write(current(store), key(item), ItemChange.put(item, null, null), ReturnItems.NONE);
    }

    private static boolean present(PartitionStore store, String title) {
        return store.get(current(store), key(song("Kyuss", title))) != null;
    }

    @Test
    void expiredItemsAreDeletedAndRecordedAsDeletedByTimeToLive() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music")
                    .withTimeToLive("expiresAt")
                    .withStream(TableStream.enabledAt(StreamViewType.OLD_IMAGE, 0)));
            put(store, expiring("past", seconds(NOW - 10)));
            put(store, expiring("future", seconds(NOW + 3600)));
            put(store, expiring("a string", new AttributeValue.S(Long.toString(NOW - 10))));
            put(store, song("Kyuss", "no attribute"));
            put(store, expiring("six years ago", seconds(NOW - 6L * 365 * 24 * 3600)));

            assertThat(store.expireDue(NOW)).isEqualTo(1);
            assertThat(present(store, "past")).isFalse();
            assertThat(present(store, "future")).isTrue();
            assertThat(present(store, "a string")).isTrue();
            assertThat(present(store, "no attribute")).isTrue();
            assertThat(present(store, "six years ago"))
                    .as("ignored, as DynamoDB ignores it")
                    .isTrue();

            ChangeRecord removal = store.readChanges(current(store), 0, 100, Long.MAX_VALUE).records().stream()
                    .filter(r -> r.eventName() == ChangeRecord.EventName.REMOVE)
                    .findFirst()
                    .orElseThrow();
            assertThat(removal.byTimeToLive()).isTrue();
            assertThat(removal.oldImage()).isEqualTo(expiring("past", seconds(NOW - 10)));

            assertThat(store.expireDue(NOW + 3600))
                    .as("the other one, once due")
                    .isEqualTo(1);
            assertThat(present(store, "future")).isFalse();
        }
    }

    @Test
    void anItemOfARangeHandedToAnotherShardIsLeftToExpireThere() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music").withTimeToLive("expiresAt"));
            put(store, expiring("past", seconds(NOW - 10)));
            long hash = key(expiring("past", seconds(NOW - 10))).hash();
            java.util.Set<Long> handedOff = new java.util.HashSet<>(java.util.Set.of(hash));
            store.expireWithin(java.util.function.Supplier::get, (table, h) -> !handedOff.contains(h));
            assertThat(store.expireDue(NOW))
                    .as("its range sealed for a hand-off")
                    .isZero();
            assertThat(present(store, "past")).isTrue();
            handedOff.clear();
            assertThat(store.expireDue(NOW)).as("owned again").isEqualTo(1);
            assertThat(present(store, "past")).isFalse();
        }
    }

    @Test
    void anItemWhoseExpiryWasMovedIsNotDeletedByItsOldEntry() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music").withTimeToLive("expiresAt"));
            put(store, expiring("renewed", seconds(NOW - 10)));
            put(store, expiring("renewed", seconds(NOW + 3600)));
            assertThat(store.expireDue(NOW)).isZero();
            assertThat(present(store, "renewed")).isTrue();
        }
    }

    @Test
    void enablingTimeToLiveOnATableWithItemsIndexesThemAndSurvivesReopening() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            put(store, expiring("old item", seconds(NOW - 10)));
            assertThat(store.expireDue(NOW)).as("Time to Live is off").isZero();
            store.updateTable(current(store).withTimeToLive("expiresAt"));
            put(store, expiring("new item", seconds(NOW + 10)));
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(store.expireDue(NOW)).isEqualTo(1);
            assertThat(present(store, "old item")).isFalse();
            assertThat(store.expireDue(NOW + 10)).isEqualTo(1);
            assertThat(present(store, "new item")).isFalse();
        }
    }

    @Test
    void timeToLiveDisabledAndEnabledAgainOnTheSameAttributeIndexesWhatWasWrittenMeanwhile() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music").withTimeToLive("expiresAt"));
            store.updateTable(current(store).withTimeToLive(null));
            put(store, expiring("written while off", seconds(NOW - 10)));
            store.updateTable(current(store).withTimeToLive("expiresAt"));
            assertThat(store.expireDue(NOW)).isEqualTo(1);
            assertThat(present(store, "written while off")).isFalse();
        }
    }
}
