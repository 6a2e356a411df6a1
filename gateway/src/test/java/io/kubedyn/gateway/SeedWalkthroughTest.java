package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/** The seed article's walkthrough of the data model, through the AWS SDK. */
@QuarkusTest
class SeedWalkthroughTest extends EmbeddedServerTest {

    @BeforeEach
    void putThreeSongs() {
        createMusicTable();
        dynamo.putItem(b ->
                b.tableName(table).item(Map.of("Artist", s("1000mods"), "SongTitle", s("Vidage"), "Year", n("2011"))));
        dynamo.putItem(b -> b.tableName(table)
                .item(Map.of("Artist", s("1000mods"), "SongTitle", s("Claws"), "Album", s("Vultures"))));
        dynamo.putItem(b -> b.tableName(table).item(song("Kyuss", "Space Cadet")));
    }

    private static List<String> titles(List<Map<String, AttributeValue>> items) {
        return items.stream().map(i -> i.get("SongTitle").s()).toList();
    }

    @Test
    void getItemReturnsTheWholeItem() {
        Map<String, AttributeValue> item = dynamo.getItem(
                        b -> b.tableName(table).key(song("1000mods", "Claws")))
                .item();
        assertThat(item).isEqualTo(Map.of("Artist", s("1000mods"), "SongTitle", s("Claws"), "Album", s("Vultures")));
    }

    @Test
    void getItemOfAMissingKeyReturnsNoItem() {
        assertThat(dynamo.getItem(b -> b.tableName(table).key(song("1000mods", "Nope")))
                        .hasItem())
                .isFalse();
    }

    @Test
    void queryReturnsThePartitionInSortKeyOrder() {
        QueryResponse response = dynamo.query(b -> b.tableName(table)
                .keyConditionExpression("Artist = :a")
                .expressionAttributeValues(Map.of(":a", s("1000mods"))));
        assertThat(titles(response.items())).containsExactly("Claws", "Vidage");
        assertThat(response.count()).isEqualTo(2);
        assertThat(response.scannedCount()).isEqualTo(2);
        assertThat(response.hasLastEvaluatedKey()).isFalse();
    }

    @Test
    void queryWithASortKeyLowerBound() {
        QueryResponse response = dynamo.query(b -> b.tableName(table)
                .keyConditionExpression("Artist = :a AND SongTitle >= :min")
                .expressionAttributeValues(Map.of(":a", s("1000mods"), ":min", s("Loose"))));
        assertThat(titles(response.items())).containsExactly("Vidage");
    }

    @Test
    void reversedQueryReturnsDescendingSortKeys() {
        QueryResponse response = dynamo.query(b -> b.tableName(table)
                .keyConditionExpression("Artist = :a")
                .expressionAttributeValues(Map.of(":a", s("1000mods")))
                .scanIndexForward(false));
        assertThat(titles(response.items())).containsExactly("Vidage", "Claws");
    }

    @Test
    void queryWithLimitOnePagesThroughThePartition() {
        List<String> seen = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        int pages = 0;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = dynamo.query(b -> b.tableName(table)
                    .keyConditionExpression("Artist = :a")
                    .expressionAttributeValues(Map.of(":a", s("1000mods")))
                    .limit(1)
                    .exclusiveStartKey(exclusiveStart));
            assertThat(page.items()).hasSizeLessThanOrEqualTo(1);
            seen.addAll(titles(page.items()));
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
            if (start != null) {
                assertThat(start).containsOnlyKeys("Artist", "SongTitle");
            }
            pages++;
        } while (start != null);
        assertThat(seen).containsExactly("Claws", "Vidage");
        assertThat(pages).isEqualTo(2);
    }

    @Test
    void scanReturnsEveryItem() {
        List<Map<String, AttributeValue>> items =
                dynamo.scan(b -> b.tableName(table)).items();
        assertThat(titles(items)).containsExactlyInAnyOrder("Vidage", "Claws", "Space Cadet");
    }

    @Test
    void deleteItemRemovesItAndReturnsTheOldItem() {
        Map<String, AttributeValue> old = dynamo.deleteItem(b ->
                        b.tableName(table).key(song("Kyuss", "Space Cadet")).returnValues(ReturnValue.ALL_OLD))
                .attributes();
        assertThat(old).isEqualTo(song("Kyuss", "Space Cadet"));
        assertThat(dynamo.getItem(b -> b.tableName(table).key(song("Kyuss", "Space Cadet")))
                        .hasItem())
                .isFalse();
        assertThat(dynamo.scan(b -> b.tableName(table)).count()).isEqualTo(2);
    }

    @Test
    void putItemReplacesTheWholeItemAndReturnsTheOldOne() {
        Map<String, AttributeValue> replacement = new HashMap<>(song("1000mods", "Vidage"));
        replacement.put("Plays", n("7"));
        Map<String, AttributeValue> old = dynamo.putItem(
                        b -> b.tableName(table).item(replacement).returnValues(ReturnValue.ALL_OLD))
                .attributes();
        assertThat(old).containsEntry("Year", n("2011"));
        assertThat(dynamo.getItem(b -> b.tableName(table).key(song("1000mods", "Vidage")))
                        .item())
                .isEqualTo(replacement);
    }

    @Test
    void queryPagesStopAfterOneMegabyteOfItems() {
        String lyrics = "x".repeat(300 * 1024);
        for (int i = 0; i < 5; i++) {
            String title = "long" + i;
            dynamo.putItem(b ->
                    b.tableName(table).item(Map.of("Artist", s("Sleep"), "SongTitle", s(title), "Lyrics", s(lyrics))));
        }
        QueryResponse first = dynamo.query(b -> b.tableName(table)
                .keyConditionExpression("Artist = :a")
                .expressionAttributeValues(Map.of(":a", s("Sleep"))));
        assertThat(first.count()).isEqualTo(4);
        assertThat(first.lastEvaluatedKey()).isEqualTo(song("Sleep", "long3"));
        QueryResponse second = dynamo.query(b -> b.tableName(table)
                .keyConditionExpression("Artist = :a")
                .expressionAttributeValues(Map.of(":a", s("Sleep")))
                .exclusiveStartKey(first.lastEvaluatedKey()));
        assertThat(titles(second.items())).containsExactly("long4");
        assertThat(second.hasLastEvaluatedKey()).isFalse();
    }
}
