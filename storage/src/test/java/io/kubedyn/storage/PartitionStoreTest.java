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
        return new TableDefinition(name, UUID.randomUUID().toString(),
                KeySchema.of(new KeyAttribute("Artist", ScalarType.S), new KeyAttribute("SongTitle", ScalarType.S)),
                attributes, "PAY_PER_REQUEST", 0, 0, System.currentTimeMillis());
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

    static List<String> titles(Page page) {
        return page.items().stream().map(i -> ((AttributeValue.S) i.get("SongTitle")).value()).toList();
    }

    @Test
    void tablesAndItemsSurviveReopening() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            store.put("Music", key(song("Kyuss", "Space Cadet")), song("Kyuss", "Space Cadet"));
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(store.tableNames()).containsExactly("Music");
            assertThat(store.get("Music", key(song("Kyuss", "Space Cadet")))).isEqualTo(song("Kyuss", "Space Cadet"));
        }
    }

    @Test
    void deletedTableLeavesNothingBehindWhenRecreated() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            store.put("Music", key(song("Kyuss", "Space Cadet")), song("Kyuss", "Space Cadet"));
            store.deleteTable("Music");
            assertThatThrownBy(() -> store.get("Music", key(song("Kyuss", "Space Cadet"))))
                    .isInstanceOf(DynamoDbException.class).hasMessageContaining("not found");
            store.createTable(music("Music"));
            assertThat(store.get("Music", key(song("Kyuss", "Space Cadet")))).isNull();
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(store.get("Music", key(song("Kyuss", "Space Cadet")))).isNull();
        }
    }

    @Test
    void queryReadsOnePartitionInSortKeyOrderBothWays() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            for (String title : List.of("Vidage", "Claws", "Electric Sunrise", "Abrasive")) {
                store.put("Music", key(song("1000mods", title)), song("1000mods", title));
            }
            store.put("Music", key(song("Kyuss", "Space Cadet")), song("Kyuss", "Space Cadet"));
            byte[] partition = PrimaryKey.partitionPrefix(new AttributeValue.S("1000mods"));
            assertThat(titles(store.query("Music", partition, null, true, 100, null)))
                    .containsExactly("Abrasive", "Claws", "Electric Sunrise", "Vidage");
            assertThat(titles(store.query("Music", partition, null, false, 100, null)))
                    .containsExactly("Vidage", "Electric Sunrise", "Claws", "Abrasive");
            SortKeyCondition fromLoose = new SortKeyCondition(SortKeyCondition.Operator.GE, new AttributeValue.S("Loose"), null);
            assertThat(titles(store.query("Music", partition, fromLoose, true, 100, null))).containsExactly("Vidage");
            SortKeyCondition beginsWithE = new SortKeyCondition(SortKeyCondition.Operator.BEGINS_WITH, new AttributeValue.S("E"), null);
            assertThat(titles(store.query("Music", partition, beginsWithE, true, 100, null))).containsExactly("Electric Sunrise");
        }
    }

    @Test
    void queryPagesWithLimitAndExclusiveStartKeyVisitEveryItemOnce() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            for (String title : List.of("a", "b", "c")) {
                store.put("Music", key(song("x", title)), song("x", title));
            }
            byte[] partition = PrimaryKey.partitionPrefix(new AttributeValue.S("x"));
            for (boolean forward : new boolean[] {true, false}) {
                List<String> seen = new ArrayList<>();
                PrimaryKey start = null;
                int pages = 0;
                do {
                    Page page = store.query("Music", partition, null, forward, 1, start);
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
                store.put("Music", key(song("artist" + i, "t")), song("artist" + i, "t"));
                all.add("artist" + i);
            }
            List<String> seen = new ArrayList<>();
            for (int segment = 0; segment < 7; segment++) {
                PrimaryKey start = null;
                do {
                    Page page = store.scan("Music", HashRange.segment(segment, 7), 37, start);
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
            store.put("Music", key, song("Kyuss", "Space Cadet"));
            assertThatThrownBy(() -> store.update("Music", key, old -> {
                throw DynamoDbException.validation("refused");
            })).hasMessage("refused");
            Map<String, AttributeValue> huge = song("Kyuss", "Space Cadet");
            huge.put("blob", new AttributeValue.S("x".repeat(410 * 1024)));
            assertThatThrownBy(() -> store.put("Music", key, huge)).hasMessageContaining("Item size has exceeded");
            assertThat(store.get("Music", key)).isEqualTo(song("Kyuss", "Space Cadet"));
        }
    }
}
