package io.kubedyn.gateway;

import static io.kubedyn.gateway.IndexedMusicTable.BY_ALBUM_KEYS;
import static io.kubedyn.gateway.IndexedMusicTable.BY_GENRE;
import static io.kubedyn.gateway.IndexedMusicTable.BY_LABEL;
import static io.kubedyn.gateway.IndexedMusicTable.BY_YEAR;
import static io.kubedyn.gateway.IndexedMusicTable.INDEXES;
import static io.kubedyn.gateway.IndexedMusicTable.eventually;
import static io.kubedyn.gateway.IndexedMusicTable.item;
import static io.kubedyn.gateway.IndexedMusicTable.projected;
import static io.kubedyn.gateway.IndexedMusicTable.scanAll;
import static io.kubedyn.gateway.IndexedMusicTable.startKeyAttributes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Items through local and global secondary indexes, on the table of {@link IndexedMusicTable}:
 * Query and Scan of an index (order, key conditions, paging, filters, Select, projections),
 * sparse indexes, GSI eventual consistency, index maintenance on update and delete, and the
 * ValidationExceptions DynamoDB gives for bad index reads and for writes whose index key
 * attribute has the wrong type.
 */
@QuarkusTest
class SecondaryIndexQueryTest extends EmbeddedServerTest {
    private static final Duration GSI_LAG = Duration.ofSeconds(5);
    private static final Map<String, String> YEAR = Map.of("#y", "Year");
    private static final Map<String, String> NO_NAMES = Map.of();

    // Years chosen so that string order differs from numeric order.
    private static final Map<String, AttributeValue> THUMB = item(
            "Artist",
            s("Kyuss"),
            "SongTitle",
            s("Thumb"),
            "Year",
            n("-5"),
            "Album",
            s("Wretch"),
            "Plays",
            n("40"),
            "Genre",
            s("Stoner"),
            "Label",
            s("Dali"));
    private static final Map<String, AttributeValue> HURRICANE = item(
            "Artist",
            s("Kyuss"),
            "SongTitle",
            s("Hurricane"),
            "Year",
            n("995"),
            "Album",
            s("...And the Circus Leaves Town"),
            "Plays",
            n("75"),
            "Genre",
            s("Stoner"),
            "Label",
            s("Elektra"));
    private static final Map<String, AttributeValue> GREEN_MACHINE = item(
            "Artist",
            s("Kyuss"),
            "SongTitle",
            s("Green Machine"),
            "Year",
            n("1992"),
            "Album",
            s("Blues for the Red Sun"),
            "Plays",
            n("900"),
            "Genre",
            s("Stoner"),
            "Label",
            s("Dali"));
    private static final Map<String, AttributeValue> GARDENIA = item(
            "Artist",
            s("Kyuss"),
            "SongTitle",
            s("Gardenia"),
            "Year",
            n("1994"),
            "Album",
            s("Welcome to Sky Valley"),
            "Plays",
            n("500"),
            "Genre",
            s("Desert"),
            "Label",
            s("Elektra"));
    private static final Map<String, AttributeValue> WHITEWATER = item(
            "Artist",
            s("Kyuss"),
            "SongTitle",
            s("Whitewater"),
            "Year",
            n("1994.5"),
            "Album",
            s("Welcome to Sky Valley"),
            "Plays",
            n("120"),
            "Genre",
            s("Desert"));
    private static final Map<String, AttributeValue> ODYSSEY = item(
            "Artist",
            s("Kyuss"),
            "SongTitle",
            s("Odyssey"),
            "Year",
            n("10000"),
            "Album",
            s("Blues for the Red Sun"),
            "Plays",
            n("60"),
            "Label",
            s("Elektra"));
    /** Has no Year, Album or Label: only in ByGenre. */
    private static final Map<String, AttributeValue> CATAMARAN =
            item("Artist", s("Kyuss"), "SongTitle", s("Catamaran"), "Plays", n("10"), "Genre", s("Stoner"));

    private static final Map<String, AttributeValue> DOPESMOKER = item(
            "Artist",
            s("Sleep"),
            "SongTitle",
            s("Dopesmoker"),
            "Year",
            n("1999"),
            "Album",
            s("Dopesmoker"),
            "Plays",
            n("700"),
            "Genre",
            s("Doom"),
            "Label",
            s("Southern Lord"));
    private static final List<Map<String, AttributeValue>> CATALOGUE =
            List.of(THUMB, HURRICANE, GREEN_MACHINE, GARDENIA, WHITEWATER, ODYSSEY, CATAMARAN, DOPESMOKER);
    /** Kyuss's songs that have a Year, in numeric Year order. */
    private static final List<String> KYUSS_BY_YEAR =
            List.of("Thumb", "Hurricane", "Green Machine", "Gardenia", "Whitewater", "Odyssey");

    private void putCatalogue() {
        IndexedMusicTable.create(dynamo, table);
        CATALOGUE.forEach(this::put);
    }

    private void put(Map<String, AttributeValue> item) {
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    private static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
        return Map.of("Artist", item.get("Artist"), "SongTitle", item.get("SongTitle"));
    }

    private static List<String> titles(List<Map<String, AttributeValue>> items) {
        return items.stream().map(i -> i.get("SongTitle").s()).toList();
    }

    private static Map<String, AttributeValue> with(
            Map<String, AttributeValue> item, String name, AttributeValue value) {
        Map<String, AttributeValue> changed = new LinkedHashMap<>(item);
        changed.put(name, value);
        return changed;
    }

    private QueryResponse query(
            String index,
            String keyCondition,
            Map<String, String> names,
            Map<String, AttributeValue> values,
            Consumer<QueryRequest.Builder> more) {
        return dynamo.query(b -> {
            b.tableName(table)
                    .indexName(index)
                    .keyConditionExpression(keyCondition)
                    .expressionAttributeValues(values);
            if (!names.isEmpty()) {
                b.expressionAttributeNames(names);
            }
            more.accept(b);
        });
    }

    /** Every item a Query returns, following LastEvaluatedKey; each page's key is added to {@code lastKeys}. */
    private List<Map<String, AttributeValue>> queryAll(
            String index,
            String keyCondition,
            Map<String, String> names,
            Map<String, AttributeValue> values,
            int limit,
            boolean forward,
            List<Map<String, AttributeValue>> lastKeys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = query(index, keyCondition, names, values, b -> {
                b.scanIndexForward(forward).exclusiveStartKey(exclusiveStart);
                if (limit > 0) {
                    b.limit(limit);
                }
            });
            if (limit > 0) {
                assertThat(page.count()).isLessThanOrEqualTo(limit);
            }
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
            if (start != null) {
                lastKeys.add(start);
                assertThat(page.items()).isNotEmpty();
                Map<String, AttributeValue> last = page.items().get(page.items().size() - 1);
                Map<String, AttributeValue> expectedKey = new HashMap<>();
                startKeyAttributes(index).forEach(name -> expectedKey.put(name, last.get(name)));
                assertThat(start).as("LastEvaluatedKey of a page of %s", index).isEqualTo(expectedKey);
            }
        } while (start != null);
        return items;
    }

    /** A GSI Query's items (all pages), once they satisfy {@code done} or the GSI lag has passed. */
    private List<Map<String, AttributeValue>> awaitGsiQuery(
            String index,
            String keyCondition,
            Map<String, AttributeValue> values,
            Predicate<List<Map<String, AttributeValue>>> done) {
        return eventually(
                GSI_LAG, () -> queryAll(index, keyCondition, NO_NAMES, values, 0, true, new ArrayList<>()), done);
    }

    private List<Map<String, AttributeValue>> genre(String genre, int expectedCount) {
        return awaitGsiQuery(BY_GENRE, "Genre = :g", Map.of(":g", s(genre)), items -> items.size() == expectedCount);
    }

    private Set<Map<String, AttributeValue>> expectedIndex(String index, List<Map<String, AttributeValue>> items) {
        Set<Map<String, AttributeValue>> expected = new HashSet<>();
        items.stream().map(i -> projected(index, i)).filter(Objects::nonNull).forEach(expected::add);
        return expected;
    }

    private static void assertValidation(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(DynamoDbException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }

    // Query on an LSI

    @Test
    void aQueryOnAnLsiReturnsItemsInNumericIndexSortOrder() {
        putCatalogue();
        QueryResponse forward = query(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> {});
        assertThat(titles(forward.items())).containsExactlyElementsOf(KYUSS_BY_YEAR);
        assertThat(forward.count()).isEqualTo(6);
        assertThat(forward.scannedCount()).isEqualTo(6);
        assertThat(forward.items().get(0)).as("projection ALL: the whole item").isEqualTo(THUMB);
        assertThat(forward.items())
                .extracting(i -> new BigDecimal(i.get("Year").n()))
                .isSortedAccordingTo(BigDecimal::compareTo);

        QueryResponse reverse =
                query(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> b.scanIndexForward(false));
        List<String> reversed = new ArrayList<>(KYUSS_BY_YEAR);
        Collections.reverse(reversed);
        assertThat(titles(reverse.items())).containsExactlyElementsOf(reversed);

        assertThat(titles(query(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Sleep")), b -> {})
                        .items()))
                .containsExactly("Dopesmoker");
        assertThat(query(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Om")), b -> {})
                        .items())
                .isEmpty();
    }

    @Test
    void sortKeyConditionsOnAnLsiSelectARangeOfTheIndex() {
        putCatalogue();
        assertThat(titles(query(
                                BY_YEAR,
                                "Artist = :a AND #y BETWEEN :lo AND :hi",
                                YEAR,
                                Map.of(":a", s("Kyuss"), ":lo", n("995"), ":hi", n("1994")),
                                b -> {})
                        .items()))
                .containsExactly("Hurricane", "Green Machine", "Gardenia");
        assertThat(titles(query(
                                BY_YEAR,
                                "Artist = :a AND #y < :y",
                                YEAR,
                                Map.of(":a", s("Kyuss"), ":y", n("1992")),
                                b -> {})
                        .items()))
                .containsExactly("Thumb", "Hurricane");
        assertThat(titles(query(
                                BY_YEAR,
                                "Artist = :a AND #y >= :y",
                                YEAR,
                                Map.of(":a", s("Kyuss"), ":y", n("1994")),
                                b -> {})
                        .items()))
                .containsExactly("Gardenia", "Whitewater", "Odyssey");
        assertThat(titles(query(
                                BY_YEAR,
                                "Artist = :a AND #y = :y",
                                YEAR,
                                Map.of(":a", s("Kyuss"), ":y", n("1994.5")),
                                b -> {})
                        .items()))
                .containsExactly("Whitewater");

        QueryResponse blues = query(
                BY_ALBUM_KEYS,
                "Artist = :a AND begins_with(Album, :p)",
                NO_NAMES,
                Map.of(":a", s("Kyuss"), ":p", s("Blues")),
                b -> {});
        assertThat(titles(blues.items())).containsExactlyInAnyOrder("Green Machine", "Odyssey");
        QueryResponse fromW = query(
                BY_ALBUM_KEYS, "Artist = :a AND Album > :w", NO_NAMES, Map.of(":a", s("Kyuss"), ":w", s("W")), b -> {});
        assertThat(fromW.items())
                .extracting(i -> i.get("Album").s())
                .containsExactly("Welcome to Sky Valley", "Welcome to Sky Valley", "Wretch");
        QueryResponse all = query(BY_ALBUM_KEYS, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> {});
        assertThat(all.items()).extracting(i -> i.get("Album").s()).isSorted().hasSize(6);
    }

    @Test
    void lsiQueryPagesCarryTheTableAndIndexKeysAndReturnEveryItemOnce() {
        putCatalogue();
        for (boolean forward : List.of(true, false)) {
            for (int limit : List.of(1, 2, 4)) {
                List<Map<String, AttributeValue>> lastKeys = new ArrayList<>();
                List<Map<String, AttributeValue>> items =
                        queryAll(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), limit, forward, lastKeys);
                List<String> expected = new ArrayList<>(KYUSS_BY_YEAR);
                if (!forward) {
                    Collections.reverse(expected);
                }
                assertThat(titles(items))
                        .as("limit %d, forward %s", limit, forward)
                        .containsExactlyElementsOf(expected);
                assertThat(lastKeys)
                        .isNotEmpty()
                        .allSatisfy(key -> assertThat(key).containsOnlyKeys("Artist", "SongTitle", "Year"));
            }
        }
        List<Map<String, AttributeValue>> lastKeys = new ArrayList<>();
        List<Map<String, AttributeValue>> between = queryAll(
                BY_YEAR,
                "Artist = :a AND #y BETWEEN :lo AND :hi",
                YEAR,
                Map.of(":a", s("Kyuss"), ":lo", n("0"), ":hi", n("2000")),
                2,
                true,
                lastKeys);
        assertThat(titles(between)).containsExactly("Hurricane", "Green Machine", "Gardenia", "Whitewater");

        List<Map<String, AttributeValue>> albumKeys = new ArrayList<>();
        List<Map<String, AttributeValue>> byAlbum =
                queryAll(BY_ALBUM_KEYS, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), 2, true, albumKeys);
        assertThat(titles(byAlbum)).doesNotHaveDuplicates().hasSize(6);
        assertThat(albumKeys)
                .isNotEmpty()
                .allSatisfy(key -> assertThat(key).containsOnlyKeys("Artist", "SongTitle", "Album"));
    }

    @Test
    void aFilterOnANonKeyAttributeAndSelectCountWorkOnAnLsi() {
        putCatalogue();
        QueryResponse filtered = query(
                BY_YEAR,
                "Artist = :a",
                NO_NAMES,
                Map.of(":a", s("Kyuss"), ":p", n("100")),
                b -> b.filterExpression("Plays >= :p"));
        assertThat(titles(filtered.items())).containsExactly("Green Machine", "Gardenia", "Whitewater");
        assertThat(filtered.count()).isEqualTo(3);
        assertThat(filtered.scannedCount()).isEqualTo(6);

        QueryResponse counted =
                query(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> b.select(Select.COUNT));
        assertThat(counted.count()).isEqualTo(6);
        assertThat(counted.hasItems()).isFalse();
        QueryResponse countedFiltered = query(
                BY_YEAR,
                "Artist = :a AND #y > :y",
                YEAR,
                Map.of(":a", s("Kyuss"), ":y", n("0"), ":p", n("100")),
                b -> b.select(Select.COUNT).filterExpression("Plays >= :p"));
        assertThat(countedFiltered.count()).isEqualTo(3);
        assertThat(countedFiltered.scannedCount()).isEqualTo(5);
    }

    @Test
    void queryKeyConditionsMustNameTheIndexKeysNotTheTables() {
        putCatalogue();
        assertValidation(
                () -> query(
                        BY_YEAR,
                        "Artist = :a AND SongTitle = :t",
                        NO_NAMES,
                        Map.of(":a", s("Kyuss"), ":t", s("Thumb")),
                        b -> {}),
                "Query condition missed key schema element: Year");
        assertValidation(
                () -> query(BY_GENRE, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> {}),
                "Query condition missed key schema element: Genre");
    }

    // Sparse indexes

    @Test
    void itemsWithoutAnIndexKeyAttributeAreNotInThatIndex() {
        putCatalogue();
        assertThat(titles(query(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> {})
                        .items()))
                .doesNotContain("Catamaran");
        assertThat(titles(query(BY_ALBUM_KEYS, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> {})
                        .items()))
                .doesNotContain("Catamaran");
        assertThat(titles(scanAll(dynamo, table, BY_YEAR, 0)))
                .containsExactlyInAnyOrder(
                        "Thumb", "Hurricane", "Green Machine", "Gardenia", "Whitewater", "Odyssey", "Dopesmoker");
        assertThat(titles(scanAll(dynamo, table, BY_ALBUM_KEYS, 0)))
                .containsExactlyInAnyOrder(
                        "Thumb", "Hurricane", "Green Machine", "Gardenia", "Whitewater", "Odyssey", "Dopesmoker");

        List<Map<String, AttributeValue>> labelled =
                eventually(GSI_LAG, () -> scanAll(dynamo, table, BY_LABEL, 0), items -> items.size() == 6);
        assertThat(titles(labelled))
                .containsExactlyInAnyOrder("Thumb", "Hurricane", "Green Machine", "Gardenia", "Odyssey", "Dopesmoker");
        List<Map<String, AttributeValue>> genred =
                eventually(GSI_LAG, () -> scanAll(dynamo, table, BY_GENRE, 0), items -> items.size() == 7);
        assertThat(titles(genred))
                .containsExactlyInAnyOrder(
                        "Thumb", "Hurricane", "Green Machine", "Gardenia", "Whitewater", "Catamaran", "Dopesmoker");
    }

    @Test
    void updatesThatRemoveOrAddAnIndexKeyTakeTheItemOutOfOrIntoTheIndex() {
        putCatalogue();
        dynamo.updateItem(b -> b.tableName(table)
                .key(keyOf(GARDENIA))
                .updateExpression("REMOVE #y")
                .expressionAttributeNames(YEAR));
        assertThat(titles(query(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> b.consistentRead(true))
                        .items()))
                .containsExactly("Thumb", "Hurricane", "Green Machine", "Whitewater", "Odyssey");
        assertThat(dynamo.getItem(b -> b.tableName(table).key(keyOf(GARDENIA)).consistentRead(true))
                        .item())
                .containsEntry("Album", s("Welcome to Sky Valley"))
                .doesNotContainKey("Year");

        dynamo.updateItem(b -> b.tableName(table)
                .key(keyOf(CATAMARAN))
                .updateExpression("SET #y = :y, Album = :album")
                .expressionAttributeNames(YEAR)
                .expressionAttributeValues(Map.of(":y", n("1993"), ":album", s("Sky Valley"))));
        assertThat(titles(query(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> b.consistentRead(true))
                        .items()))
                .containsExactly("Thumb", "Hurricane", "Green Machine", "Catamaran", "Whitewater", "Odyssey");
        assertThat(titles(query(
                                BY_ALBUM_KEYS,
                                "Artist = :a AND Album = :album",
                                NO_NAMES,
                                Map.of(":a", s("Kyuss"), ":album", s("Sky Valley")),
                                b -> b.consistentRead(true))
                        .items()))
                .containsExactly("Catamaran");

        // Changing an LSI key re-sorts the item: one entry, at its new place.
        dynamo.updateItem(b -> b.tableName(table)
                .key(keyOf(THUMB))
                .updateExpression("SET #y = :y")
                .expressionAttributeNames(YEAR)
                .expressionAttributeValues(Map.of(":y", n("3000"))));
        assertThat(titles(query(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> b.consistentRead(true))
                        .items()))
                .containsExactly("Hurricane", "Green Machine", "Catamaran", "Whitewater", "Thumb", "Odyssey");

        // On a GSI: out with REMOVE, in with SET.
        dynamo.updateItem(b -> b.tableName(table).key(keyOf(HURRICANE)).updateExpression("REMOVE Label"));
        dynamo.updateItem(b -> b.tableName(table)
                .key(keyOf(WHITEWATER))
                .updateExpression("SET Label = :l")
                .expressionAttributeValues(Map.of(":l", s("Elektra"))));
        List<String> elektra = titles(awaitGsiQuery(
                BY_LABEL,
                "Label = :l",
                Map.of(":l", s("Elektra")),
                items -> titles(items).contains("Whitewater") && !titles(items).contains("Hurricane")));
        assertThat(elektra).containsExactlyInAnyOrder("Gardenia", "Odyssey", "Whitewater");
    }

    // Projections

    @Test
    void aKeysOnlyLsiHoldsTheTableKeysAndTheIndexKeyOnly() {
        putCatalogue();
        for (Select select : new Select[] {null, Select.ALL_PROJECTED_ATTRIBUTES}) {
            QueryResponse response =
                    query(BY_ALBUM_KEYS, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> b.select(select));
            assertThat(response.items())
                    .as("Select %s", select)
                    .hasSize(6)
                    .allSatisfy(i -> assertThat(i).containsOnlyKeys("Artist", "SongTitle", "Album"));
            assertThat(new HashSet<>(response.items()))
                    .isEqualTo(expectedIndex(
                            BY_ALBUM_KEYS, List.of(THUMB, HURRICANE, GREEN_MACHINE, GARDENIA, WHITEWATER, ODYSSEY)));
        }
        assertThat(scanAll(dynamo, table, BY_ALBUM_KEYS, 0))
                .allSatisfy(i -> assertThat(i).containsOnlyKeys("Artist", "SongTitle", "Album"));
        QueryResponse allProjected = query(
                BY_YEAR,
                "Artist = :a",
                NO_NAMES,
                Map.of(":a", s("Kyuss")),
                b -> b.select(Select.ALL_PROJECTED_ATTRIBUTES));
        assertThat(allProjected.items())
                .as("ByYear projects ALL")
                .containsExactly(THUMB, HURRICANE, GREEN_MACHINE, GARDENIA, WHITEWATER, ODYSSEY);
    }

    @Test
    void anIncludeGsiHoldsTheKeysAndTheIncludedAttributes() {
        putCatalogue();
        List<Map<String, AttributeValue>> stoner = genre("Stoner", 4);
        assertThat(titles(stoner))
                .as("in Plays order")
                .containsExactly("Catamaran", "Thumb", "Hurricane", "Green Machine");
        assertThat(stoner)
                .containsExactly(
                        item("Artist", s("Kyuss"), "SongTitle", s("Catamaran"), "Genre", s("Stoner"), "Plays", n("10")),
                        item(
                                "Artist",
                                s("Kyuss"),
                                "SongTitle",
                                s("Thumb"),
                                "Genre",
                                s("Stoner"),
                                "Plays",
                                n("40"),
                                "Year",
                                n("-5")),
                        item(
                                "Artist",
                                s("Kyuss"),
                                "SongTitle",
                                s("Hurricane"),
                                "Genre",
                                s("Stoner"),
                                "Plays",
                                n("75"),
                                "Year",
                                n("995")),
                        item(
                                "Artist",
                                s("Kyuss"),
                                "SongTitle",
                                s("Green Machine"),
                                "Genre",
                                s("Stoner"),
                                "Plays",
                                n("900"),
                                "Year",
                                n("1992")));
        QueryResponse allProjected = query(
                BY_GENRE,
                "Genre = :g",
                NO_NAMES,
                Map.of(":g", s("Stoner")),
                b -> b.select(Select.ALL_PROJECTED_ATTRIBUTES));
        assertThat(allProjected.items()).isEqualTo(stoner);
        List<Map<String, AttributeValue>> elektra =
                awaitGsiQuery(BY_LABEL, "Label = :l", Map.of(":l", s("Elektra")), items -> items.size() == 3);
        assertThat(elektra).as("ByLabel projects ALL").containsExactlyInAnyOrder(HURRICANE, GARDENIA, ODYSSEY);
    }

    @Test
    void selectAllAttributesOnAKeysOnlyLsiFetchesWholeItemsFromTheTable() {
        putCatalogue();
        QueryResponse response = query(
                BY_ALBUM_KEYS, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> b.select(Select.ALL_ATTRIBUTES));
        assertThat(response.items())
                .containsExactlyInAnyOrder(THUMB, HURRICANE, GREEN_MACHINE, GARDENIA, WHITEWATER, ODYSSEY);
        assertThat(response.items()).extracting(i -> i.get("Album").s()).isSorted();
        ScanResponse scanned = dynamo.scan(b -> b.tableName(table)
                .indexName(BY_ALBUM_KEYS)
                .select(Select.ALL_ATTRIBUTES)
                .consistentRead(true));
        assertThat(scanned.items())
                .containsExactlyInAnyOrder(THUMB, HURRICANE, GREEN_MACHINE, GARDENIA, WHITEWATER, ODYSSEY, DOPESMOKER);
    }

    @Test
    void aProjectionExpressionOnAnLsiReadsUnprojectedAttributesFromTheTable() {
        // DynamoDB's Query documentation: an LSI read asking for attributes outside the
        // projection fetches them from the base table.
        putCatalogue();
        QueryResponse response = query(
                BY_ALBUM_KEYS,
                "Artist = :a AND Album = :album",
                NO_NAMES,
                Map.of(":a", s("Kyuss"), ":album", s("Wretch")),
                b -> b.projectionExpression("SongTitle, Plays, Label"));
        assertThat(response.items())
                .containsExactly(item("SongTitle", s("Thumb"), "Plays", n("40"), "Label", s("Dali")));
    }

    @Test
    void selectAllAttributesOnAGsiThatDoesNotProjectAllIsRefused() {
        putCatalogue();
        String message = "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for "
                + "global secondary index ByGenre because its projection type is not ALL";
        assertValidation(
                () -> query(
                        BY_GENRE,
                        "Genre = :g",
                        NO_NAMES,
                        Map.of(":g", s("Stoner")),
                        b -> b.select(Select.ALL_ATTRIBUTES)),
                message);
        assertValidation(
                () -> dynamo.scan(b -> b.tableName(table).indexName(BY_GENRE).select(Select.ALL_ATTRIBUTES)), message);

        List<Map<String, AttributeValue>> dali = eventually(
                GSI_LAG,
                () -> query(
                                BY_LABEL,
                                "Label = :l",
                                NO_NAMES,
                                Map.of(":l", s("Dali")),
                                b -> b.select(Select.ALL_ATTRIBUTES))
                        .items(),
                items -> items.size() == 2);
        assertThat(dali).containsExactlyInAnyOrder(THUMB, GREEN_MACHINE);
    }

    // Consistency

    @Test
    void gsiReadsCatchUpWithWritesAndRefuseConsistentReads() {
        IndexedMusicTable.create(dynamo, table);
        for (int i = 0; i < 10; i++) {
            put(item(
                    "Artist",
                    s("Band " + i),
                    "SongTitle",
                    s("Song"),
                    "Genre",
                    s("Drone"),
                    "Plays",
                    n(Integer.toString(i))));
        }
        List<Map<String, AttributeValue>> drone = genre("Drone", 10);
        assertThat(drone)
                .extracting(i -> i.get("Plays").n())
                .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

        String message = "Consistent reads are not supported on global secondary indexes";
        assertValidation(
                () -> query(BY_GENRE, "Genre = :g", NO_NAMES, Map.of(":g", s("Drone")), b -> b.consistentRead(true)),
                message);
        assertValidation(
                () -> dynamo.scan(b -> b.tableName(table).indexName(BY_LABEL).consistentRead(true)), message);
        assertThat(query(BY_GENRE, "Genre = :g", NO_NAMES, Map.of(":g", s("Drone")), b -> b.consistentRead(false))
                        .count())
                .isEqualTo(10);
    }

    @Test
    void aConsistentReadOfAnLsiSeesEachWriteAtOnce() {
        IndexedMusicTable.create(dynamo, table);
        for (int i = 0; i < 10; i++) {
            int year = 2000 - i;
            put(item(
                    "Artist",
                    s("Om"),
                    "SongTitle",
                    s("Song " + i),
                    "Year",
                    n(Integer.toString(year)),
                    "Album",
                    s("Album " + i)));
            QueryResponse byYear =
                    query(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Om")), b -> b.consistentRead(true));
            assertThat(byYear.count()).isEqualTo(i + 1);
            assertThat(byYear.items().get(0).get("SongTitle")).isEqualTo(s("Song " + i));
            QueryResponse byAlbum = query(
                    BY_ALBUM_KEYS,
                    "Artist = :a AND Album = :album",
                    NO_NAMES,
                    Map.of(":a", s("Om"), ":album", s("Album " + i)),
                    b -> b.consistentRead(true));
            assertThat(titles(byAlbum.items())).containsExactly("Song " + i);
        }
    }

    // GSI partitions

    @Test
    void aGsiPartitionGathersItemsFromManyBasePartitionsInRangeOrder() {
        IndexedMusicTable.create(dynamo, table);
        for (int i = 0; i < 25; i++) {
            int plays = i * 7 % 25;
            put(item(
                    "Artist",
                    s(String.format("Band %02d", i)),
                    "SongTitle",
                    s("Doom Song"),
                    "Genre",
                    s("Doom"),
                    "Plays",
                    n(Integer.toString(plays)),
                    "Year",
                    n("1970")));
        }
        put(item("Artist", s("Band 00"), "SongTitle", s("Other"), "Genre", s("Drone"), "Plays", n("3")));
        List<Map<String, AttributeValue>> doom = genre("Doom", 25);
        assertThat(doom)
                .extracting(i -> Integer.parseInt(i.get("Plays").n()))
                .containsExactlyElementsOf(IntStream.range(0, 25).boxed().toList());
        assertThat(doom).extracting(i -> i.get("Artist").s()).doesNotHaveDuplicates();

        List<Map<String, AttributeValue>> reverse =
                queryAll(BY_GENRE, "Genre = :g", NO_NAMES, Map.of(":g", s("Doom")), 0, false, new ArrayList<>());
        assertThat(reverse)
                .extracting(i -> Integer.parseInt(i.get("Plays").n()))
                .containsExactlyElementsOf(
                        IntStream.range(0, 25).map(i -> 24 - i).boxed().toList());

        List<Map<String, AttributeValue>> lastKeys = new ArrayList<>();
        List<Map<String, AttributeValue>> paged =
                queryAll(BY_GENRE, "Genre = :g", NO_NAMES, Map.of(":g", s("Doom")), 7, true, lastKeys);
        assertThat(paged).isEqualTo(doom);
        assertThat(lastKeys)
                .hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(key -> assertThat(key).containsOnlyKeys("Artist", "SongTitle", "Genre", "Plays"));

        QueryResponse range = query(
                BY_GENRE,
                "Genre = :g AND Plays BETWEEN :lo AND :hi",
                NO_NAMES,
                Map.of(":g", s("Doom"), ":lo", n("5"), ":hi", n("9")),
                b -> {});
        assertThat(range.items()).extracting(i -> i.get("Plays").n()).containsExactly("5", "6", "7", "8", "9");
    }

    @Test
    void changingAGsiKeyMovesTheItemToAnotherIndexPartition() {
        putCatalogue();
        genre("Stoner", 4);
        dynamo.updateItem(b -> b.tableName(table)
                .key(keyOf(THUMB))
                .updateExpression("SET Genre = :g, Plays = :p")
                .expressionAttributeValues(Map.of(":g", s("Doom"), ":p", n("41"))));
        List<Map<String, AttributeValue>> doom = genre("Doom", 2);
        assertThat(doom)
                .containsExactly(
                        item(
                                "Artist",
                                s("Kyuss"),
                                "SongTitle",
                                s("Thumb"),
                                "Genre",
                                s("Doom"),
                                "Plays",
                                n("41"),
                                "Year",
                                n("-5")),
                        item(
                                "Artist",
                                s("Sleep"),
                                "SongTitle",
                                s("Dopesmoker"),
                                "Genre",
                                s("Doom"),
                                "Plays",
                                n("700"),
                                "Year",
                                n("1999")));
        assertThat(titles(genre("Stoner", 3))).containsExactly("Catamaran", "Hurricane", "Green Machine");

        // A new range value within the same partition: one entry, at its new place.
        dynamo.updateItem(b -> b.tableName(table)
                .key(keyOf(CATAMARAN))
                .updateExpression("SET Plays = :p")
                .expressionAttributeValues(Map.of(":p", n("1000"))));
        List<Map<String, AttributeValue>> stoner = awaitGsiQuery(
                BY_GENRE,
                "Genre = :g",
                Map.of(":g", s("Stoner")),
                items -> titles(items).equals(List.of("Hurricane", "Green Machine", "Catamaran")));
        assertThat(titles(stoner)).containsExactly("Hurricane", "Green Machine", "Catamaran");

        // A PutItem replacing the whole item moves it too.
        put(with(with(HURRICANE, "Genre", s("Desert")), "Label", s("Dali")));
        List<Map<String, AttributeValue>> dali = awaitGsiQuery(
                BY_LABEL,
                "Label = :l",
                Map.of(":l", s("Dali")),
                items -> titles(items).contains("Hurricane"));
        assertThat(titles(dali)).containsExactlyInAnyOrder("Thumb", "Green Machine", "Hurricane");
        assertThat(titles(genre("Desert", 3))).containsExactly("Hurricane", "Whitewater", "Gardenia");
        assertThat(titles(genre("Stoner", 2))).containsExactly("Green Machine", "Catamaran");
    }

    @Test
    void deletingAnItemRemovesItsEntriesFromEveryIndex() {
        putCatalogue();
        genre("Stoner", 4);
        dynamo.deleteItem(b -> b.tableName(table).key(keyOf(THUMB)));
        dynamo.batchWriteItem(b -> b.requestItems(Map.of(
                table,
                List.of(WriteRequest.builder()
                        .deleteRequest(DeleteRequest.builder()
                                .key(keyOf(GREEN_MACHINE))
                                .build())
                        .build()))));

        assertThat(titles(query(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> b.consistentRead(true))
                        .items()))
                .containsExactly("Hurricane", "Gardenia", "Whitewater", "Odyssey");
        assertThat(titles(query(
                                BY_ALBUM_KEYS,
                                "Artist = :a",
                                NO_NAMES,
                                Map.of(":a", s("Kyuss")),
                                b -> b.consistentRead(true))
                        .items()))
                .containsExactlyInAnyOrder("Hurricane", "Gardenia", "Whitewater", "Odyssey");
        assertThat(titles(genre("Stoner", 2))).containsExactly("Catamaran", "Hurricane");
        List<Map<String, AttributeValue>> dali =
                awaitGsiQuery(BY_LABEL, "Label = :l", Map.of(":l", s("Dali")), List::isEmpty);
        assertThat(dali).isEmpty();
        for (String index : INDEXES) {
            List<Map<String, AttributeValue>> remaining = eventually(
                    GSI_LAG,
                    () -> scanAll(dynamo, table, index, 0),
                    items -> !titles(items).contains("Thumb") && !titles(items).contains("Green Machine"));
            assertThat(titles(remaining)).as(index).doesNotContain("Thumb", "Green Machine");
        }
    }

    // Refused reads and writes

    @Test
    void anUnknownIndexNameIsRefusedByQueryAndScan() {
        IndexedMusicTable.create(dynamo, table);
        String plain = table + "-plain";
        createTable(plain, "Artist", ScalarAttributeType.S, "SongTitle", ScalarAttributeType.S);
        for (String name : List.of(table, plain)) {
            assertValidation(
                    () -> dynamo.query(b -> b.tableName(name)
                            .indexName("Nope")
                            .keyConditionExpression("Artist = :a")
                            .expressionAttributeValues(Map.of(":a", s("Kyuss")))),
                    "The table does not have the specified index: Nope");
            assertValidation(
                    () -> dynamo.scan(b -> b.tableName(name).indexName("Nope")),
                    "The table does not have the specified index: Nope");
        }
        dynamo.deleteTable(b -> b.tableName(plain));
    }

    @Test
    void aWriteGivingAnIndexKeyTheWrongTypeIsRefusedAndWritesNothing() {
        IndexedMusicTable.create(dynamo, table);
        String yearMismatch = "One or more parameter values were invalid: Type mismatch for Index Key Year Expected: N "
                + "Actual: S IndexName: ByYear";
        Map<String, AttributeValue> stringYear =
                item("Artist", s("Kyuss"), "SongTitle", s("Gardenia"), "Year", s("1994"));
        assertValidation(() -> put(stringYear), yearMismatch);
        assertThat(dynamo.getItem(b -> b.tableName(table).key(keyOf(stringYear)).consistentRead(true))
                        .hasItem())
                .isFalse();
        assertValidation(
                () -> put(item(
                        "Artist", s("Kyuss"), "SongTitle", s("Gardenia"), "Genre", s("Desert"), "Plays", s("many"))),
                "One or more parameter values were invalid: Type mismatch for Index Key Plays Expected: N "
                        + "Actual: S IndexName: ByGenre");

        put(THUMB);
        assertValidation(
                () -> dynamo.updateItem(b -> b.tableName(table)
                        .key(keyOf(THUMB))
                        .updateExpression("SET #y = :y")
                        .expressionAttributeNames(YEAR)
                        .expressionAttributeValues(Map.of(":y", s("1991")))),
                yearMismatch);
        assertThat(dynamo.getItem(b -> b.tableName(table).key(keyOf(THUMB)).consistentRead(true))
                        .item())
                .isEqualTo(THUMB);
        assertValidation(
                () -> dynamo.updateItem(b -> b.tableName(table)
                        .key(keyOf(HURRICANE))
                        .updateExpression("SET #y = :y")
                        .expressionAttributeNames(YEAR)
                        .expressionAttributeValues(Map.of(":y", s("1995")))),
                yearMismatch);
        assertThat(dynamo.getItem(b -> b.tableName(table).key(keyOf(HURRICANE)).consistentRead(true))
                        .hasItem())
                .isFalse();

        assertValidation(
                () -> dynamo.batchWriteItem(b -> b.requestItems(Map.of(
                        table,
                        List.of(
                                WriteRequest.builder()
                                        .putRequest(PutRequest.builder()
                                                .item(GREEN_MACHINE)
                                                .build())
                                        .build(),
                                WriteRequest.builder()
                                        .putRequest(PutRequest.builder()
                                                .item(stringYear)
                                                .build())
                                        .build())))),
                yearMismatch);
        assertThat(dynamo.getItem(b ->
                                b.tableName(table).key(keyOf(GREEN_MACHINE)).consistentRead(true))
                        .hasItem())
                .isFalse();
        assertThat(dynamo.getItem(b -> b.tableName(table).key(keyOf(stringYear)).consistentRead(true))
                        .hasItem())
                .isFalse();

        assertThat(scanAll(dynamo, table, null, 0)).containsExactly(THUMB);
        assertThat(scanAll(dynamo, table, BY_YEAR, 0)).containsExactly(THUMB);
    }

    // Scans of indexes

    @Test
    void aScanOfAnIndexReturnsEveryIndexedItemAsProjected() {
        putCatalogue();
        for (String index : INDEXES) {
            Set<Map<String, AttributeValue>> expected = expectedIndex(index, CATALOGUE);
            Set<Map<String, AttributeValue>> scanned =
                    eventually(GSI_LAG, () -> new HashSet<>(scanAll(dynamo, table, index, 0)), expected::equals);
            assertThat(scanned).as(index).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(scanAll(dynamo, table, index, 0))
                    .as("%s has no duplicates", index)
                    .hasSize(expected.size());
        }
    }

    @Test
    void aParallelScanOfAGsiReturnsEveryItemExactlyOnce() {
        IndexedMusicTable.create(dynamo, table);
        List<Map<String, AttributeValue>> written = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Map<String, AttributeValue> song = item(
                    "Artist",
                    s("Band " + i),
                    "SongTitle",
                    s("Song " + i % 3),
                    "Label",
                    s(i % 2 == 0 ? "Elektra" : "Dali"),
                    "Plays",
                    n(Integer.toString(i)));
            put(i % 5 == 4 ? item("Artist", song.get("Artist"), "SongTitle", song.get("SongTitle")) : song);
            if (i % 5 != 4) {
                written.add(song);
            }
        }
        eventually(GSI_LAG, () -> scanAll(dynamo, table, BY_LABEL, 0), items -> items.size() == written.size());

        List<Map<String, AttributeValue>> union = new ArrayList<>();
        for (int segment = 0; segment < 3; segment++) {
            int current = segment;
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> exclusiveStart = start;
                ScanResponse page = dynamo.scan(b -> b.tableName(table)
                        .indexName(BY_LABEL)
                        .segment(current)
                        .totalSegments(3)
                        .limit(5)
                        .exclusiveStartKey(exclusiveStart));
                union.addAll(page.items());
                start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
                if (start != null) {
                    assertThat(start).containsOnlyKeys("Artist", "SongTitle", "Label");
                }
            } while (start != null);
        }
        assertThat(union).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(written);
    }

    @Test
    void aScanWithALimitPagesThroughAnIndex() {
        putCatalogue();
        for (String index : INDEXES) {
            Set<Map<String, AttributeValue>> expected = expectedIndex(index, CATALOGUE);
            eventually(GSI_LAG, () -> new HashSet<>(scanAll(dynamo, table, index, 0)), expected::equals);
            for (int limit : List.of(1, 2, 3)) {
                List<Map<String, AttributeValue>> lastKeys = new ArrayList<>();
                List<Map<String, AttributeValue>> items = new ArrayList<>();
                Map<String, AttributeValue> start = null;
                do {
                    Map<String, AttributeValue> exclusiveStart = start;
                    ScanResponse page = dynamo.scan(b ->
                            b.tableName(table).indexName(index).limit(limit).exclusiveStartKey(exclusiveStart));
                    assertThat(page.count()).isLessThanOrEqualTo(limit);
                    items.addAll(page.items());
                    start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
                    if (start != null) {
                        lastKeys.add(start);
                    }
                } while (start != null);
                assertThat(items)
                        .as("%s, limit %d", index, limit)
                        .doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(expected);
                List<String> keyNames = startKeyAttributes(index);
                assertThat(lastKeys)
                        .as("%s, limit %d", index, limit)
                        .isNotEmpty()
                        .allSatisfy(key -> assertThat(key.keySet()).containsExactlyInAnyOrderElementsOf(keyNames));
            }
        }
    }

    // Table lifecycle

    @Test
    void aTableCreatedAgainUnderTheSameNameStartsWithEmptyIndexes() {
        putCatalogue();
        genre("Stoner", 4);
        dynamo.deleteTable(b -> b.tableName(table));
        IndexedMusicTable.create(dynamo, table);
        for (String index : INDEXES) {
            assertThat(scanAll(dynamo, table, index, 0)).as(index).isEmpty();
        }
        assertThat(query(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> {})
                        .items())
                .isEmpty();
        assertThat(query(BY_GENRE, "Genre = :g", NO_NAMES, Map.of(":g", s("Stoner")), b -> {})
                        .items())
                .isEmpty();

        put(GARDENIA);
        for (String index : INDEXES) {
            Set<Map<String, AttributeValue>> expected = expectedIndex(index, List.of(GARDENIA));
            Set<Map<String, AttributeValue>> scanned =
                    eventually(GSI_LAG, () -> new HashSet<>(scanAll(dynamo, table, index, 0)), expected::equals);
            assertThat(scanned).as(index).isEqualTo(expected);
        }
        assertThat(titles(query(BY_YEAR, "Artist = :a", NO_NAMES, Map.of(":a", s("Kyuss")), b -> {})
                        .items()))
                .containsExactly("Gardenia");
    }

    @Test
    void anExpressionMayNotLookIntoATableOrIndexKeyAttribute() {
        IndexedMusicTable.create(dynamo, table);
        String words = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: ";
        assertThatThrownBy(() -> dynamo.getItem(b -> b.tableName(table)
                        .key(Map.of("Artist", AttributeValue.fromS("a"), "SongTitle", AttributeValue.fromS("b")))
                        .projectionExpression("Artist.given")))
                .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.DynamoDbException.class)
                .hasMessageStartingWith(words + "Key: Artist");
        assertThatThrownBy(
                        () -> dynamo.scan(b -> b.tableName(table).filterExpression("attribute_exists(Genre.parent)")))
                .hasMessageStartingWith(words + "IndexKey: Genre");
        assertThatThrownBy(() -> dynamo.query(b -> b.tableName(table)
                        .keyConditionExpression("Artist = :a")
                        .expressionAttributeValues(Map.of(":a", AttributeValue.fromS("a")))
                        .projectionExpression("#y[0]")
                        .expressionAttributeNames(Map.of("#y", "Year"))))
                .hasMessageStartingWith(words + "IndexKey: Year");
        assertThat(dynamo.scan(b -> b.tableName(table).filterExpression("attribute_exists(Notes.parent)"))
                        .count())
                .as("other attributes may be looked into")
                .isZero();
    }
}
