package io.kubedyn.gateway;

import static io.kubedyn.gateway.IndexedMusicTable.eventually;
import static io.kubedyn.gateway.IndexedMusicTable.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Global secondary indexes with multi-attribute keys (up to four HASH and four RANGE
 * attributes), through the AWS SDK: the tournament-matches design of DynamoDB's developer
 * guide. An item is in such an index only with all its key attributes; a Query names every
 * partition attribute with {@code =} and the sort attributes from the left, {@code =} on all
 * but the last one named; results come in the order of the first sort attribute, then the next.
 */
@QuarkusTest
class MultiAttributeKeysTest extends EmbeddedServerTest {
    private static final Duration GSI_LAG = Duration.ofSeconds(10);
    private static final String BY_BRACKET = "ByBracket";
    private static final String[] BRACKETS = {"UPPER", "LOWER"};
    /** Rounds whose string order differs from their numeric order. */
    private static final int[] ROUNDS = {1, 2, 3, 10};

    private static KeySchemaElement hash(String name) {
        return KeySchemaElement.builder()
                .attributeName(name)
                .keyType(KeyType.HASH)
                .build();
    }

    private static KeySchemaElement range(String name) {
        return KeySchemaElement.builder()
                .attributeName(name)
                .keyType(KeyType.RANGE)
                .build();
    }

    private static AttributeDefinition defined(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(type)
                .build();
    }

    private static GlobalSecondaryIndex gsi(String name, KeySchemaElement... keys) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(keys)
                .projection(p -> p.projectionType(ProjectionType.ALL))
                .build();
    }

    /** Matches: tournamentId, region (the index's partition), round then bracket (its sort key). */
    private void createMatches() {
        dynamo.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        defined("matchId", ScalarAttributeType.S),
                        defined("tournamentId", ScalarAttributeType.S),
                        defined("region", ScalarAttributeType.S),
                        defined("round", ScalarAttributeType.N),
                        defined("bracket", ScalarAttributeType.S))
                .keySchema(hash("matchId"))
                .globalSecondaryIndexes(
                        gsi(BY_BRACKET, hash("tournamentId"), hash("region"), range("round"), range("bracket"))));
    }

    private static Map<String, AttributeValue> match(
            String id, String tournament, String region, Integer round, String bracket) {
        Map<String, AttributeValue> item = item("matchId", s(id), "tournamentId", s(tournament), "winner", s("p" + id));
        if (region != null) {
            item.put("region", s(region));
        }
        if (round != null) {
            item.put("round", AttributeValue.fromN(Integer.toString(round)));
        }
        if (bracket != null) {
            item.put("bracket", s(bracket));
        }
        return item;
    }

    /** Eight NA-EAST matches of WINTER2024, one per round and bracket, and matches that must not show. */
    private void putMatches() {
        for (int round : ROUNDS) {
            for (String bracket : BRACKETS) {
                put(match("na-" + round + "-" + bracket, "WINTER2024", "NA-EAST", round, bracket));
            }
        }
        put(match("eu-1", "WINTER2024", "EU-WEST", 1, "UPPER"));
        put(match("other-1", "SPRING2025", "NA-EAST", 1, "UPPER"));
        put(match("no-region", "WINTER2024", null, 1, "UPPER"));
        put(match("no-bracket", "WINTER2024", "NA-EAST", 2, null));
    }

    private void put(Map<String, AttributeValue> item) {
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    private QueryRequest.Builder query(String condition, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> all = new HashMap<>(Map.of(":t", s("WINTER2024"), ":r", s("NA-EAST")));
        all.putAll(values);
        return QueryRequest.builder()
                .tableName(table)
                .indexName(BY_BRACKET)
                .keyConditionExpression(
                        "tournamentId = :t AND #region = :r" + (condition.isEmpty() ? "" : " AND " + condition))
                .expressionAttributeNames(
                        condition.contains("#round")
                                ? Map.of("#region", "region", "#round", "round")
                                : Map.of("#region", "region"))
                .expressionAttributeValues(all);
    }

    private List<String> ids(QueryRequest request) {
        return dynamo.query(request).items().stream()
                .map(i -> i.get("matchId").s())
                .toList();
    }

    private List<String> idsEventually(QueryRequest request, int expected) {
        return eventually(GSI_LAG, () -> ids(request), found -> found.size() >= expected);
    }

    private static List<String> naIds(Object... roundsAndBrackets) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < roundsAndBrackets.length; i += 2) {
            ids.add("na-" + roundsAndBrackets[i] + "-" + roundsAndBrackets[i + 1]);
        }
        return ids;
    }

    @Test
    void describeTableListsEveryKeyAttributeOfTheIndexInOrder() {
        createMatches();
        var index = dynamo.describeTable(b -> b.tableName(table))
                .table()
                .globalSecondaryIndexes()
                .get(0);
        assertThat(index.keySchema())
                .containsExactly(hash("tournamentId"), hash("region"), range("round"), range("bracket"));
    }

    @Test
    void queryOrdersByTheFirstSortAttributeThenTheNextAndSkipsItemsWithoutEveryKey() {
        createMatches();
        putMatches();
        List<String> all =
                naIds(1, "LOWER", 1, "UPPER", 2, "LOWER", 2, "UPPER", 3, "LOWER", 3, "UPPER", 10, "LOWER", 10, "UPPER");
        assertThat(idsEventually(query("", Map.of()).build(), 8)).containsExactlyElementsOf(all);
        List<String> backwards = new ArrayList<>(all);
        Collections.reverse(backwards);
        assertThat(ids(query("", Map.of()).scanIndexForward(false).build())).containsExactlyElementsOf(backwards);
        assertThat(ids(query("", Map.of(":t", s("SPRING2025"))).build())).containsExactly("other-1");
    }

    @Test
    void sortConditionsApplyFromTheLeft() {
        createMatches();
        putMatches();
        idsEventually(query("", Map.of()).build(), 8);
        Map<String, AttributeValue> two = Map.of(":n", AttributeValue.fromN("2"));
        assertThat(ids(query("#round = :n", two).build())).containsExactlyElementsOf(naIds(2, "LOWER", 2, "UPPER"));
        assertThat(ids(query("#round = :n AND bracket = :b", Map.of(":n", AttributeValue.fromN("2"), ":b", s("UPPER")))
                        .build()))
                .containsExactly("na-2-UPPER");
        assertThat(ids(query(
                                "#round = :n AND begins_with(bracket, :b)",
                                Map.of(":n", AttributeValue.fromN("10"), ":b", s("LO")))
                        .build()))
                .containsExactly("na-10-LOWER");
        assertThat(ids(query("#round > :n", two).build()))
                .containsExactlyElementsOf(naIds(3, "LOWER", 3, "UPPER", 10, "LOWER", 10, "UPPER"));
        assertThat(ids(query("#round <= :n", two).build()))
                .containsExactlyElementsOf(naIds(1, "LOWER", 1, "UPPER", 2, "LOWER", 2, "UPPER"));
        assertThat(ids(query(
                                "#round BETWEEN :a AND :b",
                                Map.of(":a", AttributeValue.fromN("2"), ":b", AttributeValue.fromN("3")))
                        .build()))
                .containsExactlyElementsOf(naIds(2, "LOWER", 2, "UPPER", 3, "LOWER", 3, "UPPER"));
        assertThat(ids(query("#round = :n AND bracket < :b", Map.of(":n", AttributeValue.fromN("3"), ":b", s("M")))
                        .build()))
                .containsExactly("na-3-LOWER");
        assertThat(ids(query(
                                "#round = :n AND bracket BETWEEN :a AND :b",
                                Map.of(":n", AttributeValue.fromN("1"), ":a", s("A"), ":b", s("Z")))
                        .scanIndexForward(false)
                        .build()))
                .containsExactlyElementsOf(naIds(1, "UPPER", 1, "LOWER"));
    }

    @Test
    void queryPagesCarryEveryKeyAttributeOfTheIndexAndTheTable() {
        createMatches();
        putMatches();
        idsEventually(query("", Map.of()).build(), 8);
        List<String> seen = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        int pages = 0;
        do {
            QueryResponse page = dynamo.query(
                    query("", Map.of()).limit(3).exclusiveStartKey(start).build());
            page.items().forEach(i -> seen.add(i.get("matchId").s()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            if (start != null) {
                assertThat(start).containsOnlyKeys("matchId", "tournamentId", "region", "round", "bracket");
            }
            pages++;
        } while (start != null && pages < 10);
        assertThat(seen).containsExactlyElementsOf(ids(query("", Map.of()).build()));
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void keyConditionsOutOfOrderOrIncompleteAreValidationErrors() {
        createMatches();
        assertRefused(
                QueryRequest.builder()
                        .tableName(table)
                        .indexName(BY_BRACKET)
                        .keyConditionExpression("tournamentId = :t")
                        .expressionAttributeValues(Map.of(":t", s("W")))
                        .build(),
                "Query condition missed key schema element: region");
        assertRefused(
                query("bracket = :b", Map.of(":b", s("UPPER"))).build(),
                "Query condition missed key schema element: round");
        assertRefused(
                query("#round > :n AND bracket = :b", Map.of(":n", AttributeValue.fromN("1"), ":b", s("UPPER")))
                        .build(),
                "Query key condition not supported");
        assertRefused(
                QueryRequest.builder()
                        .tableName(table)
                        .indexName(BY_BRACKET)
                        .keyConditionExpression("tournamentId = :t AND #region > :r")
                        .expressionAttributeNames(Map.of("#region", "region"))
                        .expressionAttributeValues(Map.of(":t", s("W"), ":r", s("NA")))
                        .build(),
                "Query key condition not supported");
        assertRefused(
                query(
                                "#round = :n AND bracket = :b AND winner = :w",
                                Map.of(":n", AttributeValue.fromN("1"), ":b", s("UPPER"), ":w", s("p1")))
                        .build(),
                "Query key condition not supported");
        assertRefused(
                query("#round = :n", Map.of(":n", s("two"))).build(),
                "Condition parameter type does not match schema type");
        Condition equalsW = Condition.builder()
                .comparisonOperator(ComparisonOperator.EQ)
                .attributeValueList(s("W"))
                .build();
        assertRefused(
                QueryRequest.builder()
                        .tableName(table)
                        .indexName(BY_BRACKET)
                        .keyConditions(Map.of("tournamentId", equalsW, "region", equalsW))
                        .build(),
                "use KeyConditionExpression");
    }

    private void assertRefused(QueryRequest request, String message) {
        assertThatThrownBy(() -> dynamo.query(request))
                .isInstanceOf(DynamoDbException.class)
                .satisfies(e -> assertThat(
                                ((DynamoDbException) e).awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"))
                .hasMessageContaining(message);
    }

    @Test
    void writingAnIndexKeyAttributeOfTheWrongTypeIsRefused() {
        createMatches();
        Map<String, AttributeValue> bad = match("m", "WINTER2024", "NA-EAST", null, "UPPER");
        bad.put("round", s("one"));
        assertThatThrownBy(() -> put(bad))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining(
                        "Type mismatch for Index Key round Expected: N Actual: S IndexName: " + BY_BRACKET);
        assertThat(dynamo.getItem(b -> b.tableName(table).key(Map.of("matchId", s("m"))))
                        .hasItem())
                .isFalse();
    }

    @Test
    void createTableRefusesKeySchemasDynamoDbRefuses() {
        List<AttributeDefinition> five = List.of(
                defined("id", ScalarAttributeType.S),
                defined("a", ScalarAttributeType.S),
                defined("b", ScalarAttributeType.S),
                defined("c", ScalarAttributeType.S),
                defined("d", ScalarAttributeType.S),
                defined("e", ScalarAttributeType.S));
        assertCreateRefused(
                five, gsi("TooWide", hash("a"), hash("b"), hash("c"), hash("d"), hash("e")), null, "at most 4");
        assertCreateRefused(
                five.subList(0, 4),
                gsi("Backwards", hash("a"), range("b"), hash("c")),
                null,
                "every HASH KeySchemaElement must come before every RANGE KeySchemaElement");
        assertCreateRefused(
                five.subList(0, 3),
                gsi("Twice", hash("a"), range("b"), range("a")),
                null,
                "names attribute a more than once");
        assertCreateRefused(
                five.subList(0, 4),
                null,
                LocalSecondaryIndex.builder()
                        .indexName("Local")
                        .keySchema(hash("id"), hash("a"), range("b"))
                        .projection(p -> p.projectionType(ProjectionType.ALL))
                        .build(),
                "a local secondary index has one HASH and one RANGE key");
        assertThat(dynamo.listTables().tableNames()).doesNotContain(table);
    }

    private void assertCreateRefused(
            List<AttributeDefinition> attributes,
            GlobalSecondaryIndex global,
            LocalSecondaryIndex local,
            String message) {
        assertThatThrownBy(() -> dynamo.createTable(b -> {
                    b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST).attributeDefinitions(attributes);
                    if (local != null) {
                        b.keySchema(hash("id"), range("c")).localSecondaryIndexes(local);
                    } else {
                        b.keySchema(hash("id")).globalSecondaryIndexes(global);
                    }
                }))
                .isInstanceOf(DynamoDbException.class)
                .satisfies(e -> assertThat(
                                ((DynamoDbException) e).awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"))
                .hasMessageContaining(message);
    }

    @Test
    void updateTableAddsAMultiAttributeIndexToALiveTable() {
        createMatches();
        putMatches();
        dynamo.updateTable(b -> b.tableName(table)
                .attributeDefinitions(
                        defined("region", ScalarAttributeType.S),
                        defined("round", ScalarAttributeType.N),
                        defined("bracket", ScalarAttributeType.S))
                .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName("ByRegion")
                        .keySchema(hash("region"), range("round"), range("bracket"))
                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)))));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)
                && dynamo.describeTable(b -> b.tableName(table)).table().globalSecondaryIndexes().stream()
                        .anyMatch(i -> i.indexStatus() != IndexStatus.ACTIVE)) {
            sleep();
        }
        var byRegion = dynamo.describeTable(b -> b.tableName(table)).table().globalSecondaryIndexes().stream()
                .filter(i -> i.indexName().equals("ByRegion"))
                .findFirst()
                .orElseThrow();
        assertThat(byRegion.indexStatus()).isEqualTo(IndexStatus.ACTIVE);
        assertThat(byRegion.keySchema()).containsExactly(hash("region"), range("round"), range("bracket"));
        QueryRequest firstRound = QueryRequest.builder()
                .tableName(table)
                .indexName("ByRegion")
                .keyConditionExpression("#region = :r AND #round = :n")
                .expressionAttributeNames(Map.of("#region", "region", "#round", "round"))
                .expressionAttributeValues(Map.of(":r", s("NA-EAST"), ":n", AttributeValue.fromN("1")))
                .build();
        assertThat(idsEventually(firstRound, 3)).containsExactly("na-1-LOWER", "na-1-UPPER", "other-1");
        QueryResponse keysOnly = dynamo.query(firstRound);
        assertThat(keysOnly.items().get(0)).containsOnlyKeys("matchId", "region", "round", "bracket");
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
