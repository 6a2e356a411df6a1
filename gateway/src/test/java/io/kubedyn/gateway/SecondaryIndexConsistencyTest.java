package io.kubedyn.gateway;

import static io.kubedyn.gateway.IndexedMusicTable.INDEXES;
import static io.kubedyn.gateway.IndexedMusicTable.eventually;
import static io.kubedyn.gateway.IndexedMusicTable.projected;
import static io.kubedyn.gateway.IndexedMusicTable.scanAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A seeded random history of writes on the table of {@link IndexedMusicTable} (PutItem,
 * UpdateItem setting and removing index key attributes and others, DeleteItem, BatchWriteItem),
 * after which every index must equal its function of the base table: the base items that have
 * all of the index's key attributes, each projected as the index declares.
 */
@QuarkusTest
class SecondaryIndexConsistencyTest extends EmbeddedServerTest {
    private static final long SEED = 0x5EC0DA1L;
    private static final int OPERATIONS = 300;
    private static final List<String> ARTISTS = List.of("Kyuss", "Sleep", "Om", "Fu Manchu");
    private static final int TITLES_PER_ARTIST = 10;
    private static final List<String> GENRES = List.of("Stoner", "Doom", "Desert");
    private static final List<String> LABELS = List.of("Elektra", "Dali", "Southern Lord");
    private static final List<String> ALBUMS =
            List.of("Blues for the Red Sun", "Welcome to Sky Valley", "Holy Mountain");
    /** The non-key attributes a write may set or remove; the first five are index keys. */
    private static final List<String> ATTRIBUTES =
            List.of("Year", "Album", "Genre", "Plays", "Label", "Note", "Rating");

    private Random random;

    private Map<String, AttributeValue> randomKey() {
        return Map.of(
                "Artist",
                s(ARTISTS.get(random.nextInt(ARTISTS.size()))),
                "SongTitle",
                s("Song " + random.nextInt(TITLES_PER_ARTIST)));
    }

    private AttributeValue randomValue(String attribute) {
        return switch (attribute) {
            case "Year" -> n(Integer.toString(1988 + random.nextInt(15)));
            case "Album" -> s(ALBUMS.get(random.nextInt(ALBUMS.size())));
            case "Genre" -> s(GENRES.get(random.nextInt(GENRES.size())));
            case "Plays" -> n(Integer.toString(random.nextInt(30)));
            case "Label" -> s(LABELS.get(random.nextInt(LABELS.size())));
            case "Note" -> s("note " + random.nextInt(1000));
            case "Rating" -> n(random.nextInt(10) + "." + (1 + random.nextInt(9)));
            default -> throw new IllegalArgumentException(attribute);
        };
    }

    /** A whole item: the key and each attribute with probability 0.6, so index keys are often absent. */
    private Map<String, AttributeValue> randomItem(Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(key);
        for (String attribute : ATTRIBUTES) {
            if (random.nextInt(10) < 6) {
                item.put(attribute, randomValue(attribute));
            }
        }
        return item;
    }

    private void randomUpdate(Map<String, AttributeValue> key) {
        List<String> attributes = new ArrayList<>(ATTRIBUTES);
        Collections.shuffle(attributes, random);
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        String add = null;
        for (String attribute : attributes) {
            int choice = random.nextInt(10);
            if (choice < 3) {
                set.add(attribute);
            } else if (choice < 5) {
                remove.add(attribute);
            } else if (choice == 5 && add == null && attribute.equals("Plays")) {
                add = attribute;
            }
        }
        if (set.isEmpty() && remove.isEmpty() && add == null) {
            set.add("Note");
        }
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder expression = new StringBuilder();
        if (!set.isEmpty()) {
            expression.append("SET ");
            for (int i = 0; i < set.size(); i++) {
                names.put("#s" + i, set.get(i));
                values.put(":s" + i, randomValue(set.get(i)));
                expression
                        .append(i == 0 ? "" : ", ")
                        .append("#s")
                        .append(i)
                        .append(" = :s")
                        .append(i);
            }
        }
        if (!remove.isEmpty()) {
            expression.append(expression.isEmpty() ? "" : " ").append("REMOVE ");
            for (int i = 0; i < remove.size(); i++) {
                names.put("#r" + i, remove.get(i));
                expression.append(i == 0 ? "" : ", ").append("#r").append(i);
            }
        }
        if (add != null) {
            names.put("#a", add);
            values.put(":a", n(Integer.toString(1 + random.nextInt(3))));
            expression.append(expression.isEmpty() ? "" : " ").append("ADD #a :a");
        }
        dynamo.updateItem(b -> {
            b.tableName(table).key(key).updateExpression(expression.toString()).expressionAttributeNames(names);
            if (!values.isEmpty()) {
                b.expressionAttributeValues(values);
            }
        });
    }

    private void randomBatch() {
        Map<Map<String, AttributeValue>, WriteRequest> byKey = new LinkedHashMap<>();
        int size = 2 + random.nextInt(6);
        while (byKey.size() < size) {
            Map<String, AttributeValue> key = randomKey();
            byKey.put(
                    key,
                    random.nextInt(3) == 0
                            ? WriteRequest.builder()
                                    .deleteRequest(
                                            DeleteRequest.builder().key(key).build())
                                    .build()
                            : WriteRequest.builder()
                                    .putRequest(PutRequest.builder()
                                            .item(randomItem(key))
                                            .build())
                                    .build());
        }
        List<WriteRequest> pending = new ArrayList<>(byKey.values());
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            assertThat(attempt).as("BatchWriteItem retries (seed %d)", SEED).isLessThan(20);
            List<WriteRequest> batch = pending;
            var unprocessed = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, batch)))
                    .unprocessedItems();
            pending = unprocessed.getOrDefault(table, List.of());
        }
    }

    @Test
    void everyIndexEqualsItsProjectionOfTheBaseTableAfterARandomHistory() {
        IndexedMusicTable.create(dynamo, table);
        random = new Random(SEED);
        for (int step = 0; step < OPERATIONS; step++) {
            Map<String, AttributeValue> key = randomKey();
            int choice = random.nextInt(20);
            if (choice < 6) {
                Map<String, AttributeValue> item = randomItem(key);
                dynamo.putItem(b -> b.tableName(table).item(item));
            } else if (choice < 13) {
                randomUpdate(key);
            } else if (choice < 16) {
                dynamo.deleteItem(b -> b.tableName(table).key(key));
            } else {
                randomBatch();
            }
        }

        List<Map<String, AttributeValue>> base = scanAll(dynamo, table, null, 0);
        assertThat(base).as("base items after the history of seed %d", SEED).isNotEmpty();
        for (String index : INDEXES) {
            Set<Map<String, AttributeValue>> expected = new HashSet<>();
            base.stream()
                    .map(item -> projected(index, item))
                    .filter(Objects::nonNull)
                    .forEach(expected::add);
            assertThat(expected)
                    .as("index %s of seed %d holds some items", index, SEED)
                    .isNotEmpty();
            List<Map<String, AttributeValue>> actual = eventually(
                    Duration.ofSeconds(10),
                    () -> scanAll(dynamo, table, index, 7),
                    items -> new HashSet<>(items).equals(expected));
            assertThat(actual)
                    .as("index %s after the random history of seed %d", index, SEED)
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
