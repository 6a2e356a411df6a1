package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Random mutations of valid requests of every operation served, and random bytes, for a bounded
 * time (`-Dkubedyn.fuzz.seconds`, 15 by default; `-Dkubedyn.fuzz.seed` repeats a run): no
 * answer is a 5xx, none takes longer than its timeout, the server keeps serving, and items
 * written before the run are as they were.
 */
@QuarkusTest
class RequestFuzzTest extends EmbeddedServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A valid request of each operation, on the fuzzed table {@code $T} (never on the kept one). */
    private static final Map<String, String> SEEDS = Map.ofEntries(
            Map.entry("CreateTable", """
                    {"TableName": "$T-made", "BillingMode": "PAY_PER_REQUEST",
                     "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
                     "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                     "GlobalSecondaryIndexes": [{"IndexName": "ByG", "Projection": {"ProjectionType": "KEYS_ONLY"},
                       "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
                     "Tags": [{"Key": "team", "Value": "fuzz"}]}"""),
            Map.entry("DeleteTable", "{\"TableName\": \"$T-made\"}"),
            Map.entry("DescribeTable", "{\"TableName\": \"$T\"}"),
            Map.entry("ListTables", "{\"Limit\": 2, \"ExclusiveStartTableName\": \"a\"}"),
            Map.entry("UpdateTable", "{\"TableName\": \"$T\", \"DeletionProtectionEnabled\": false}"),
            Map.entry("PutItem", """
                    {"TableName": "$T", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "l": {"L": [{"S": "x"}, {"N": "2"}]},
                     "m": {"M": {"ss": {"SS": ["a", "b"]}, "b": {"B": "AQI="}}}},
                     "ConditionExpression": "attribute_not_exists(#p) OR size(l) < :n", "ExpressionAttributeNames": {"#p": "pk"},
                     "ExpressionAttributeValues": {":n": {"N": "5"}}, "ReturnValues": "ALL_OLD"}"""),
            Map.entry("GetItem", """
                    {"TableName": "$T", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ProjectionExpression": "l[0], m.ss",
                     "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"}"""),
            Map.entry("UpdateItem", """
                    {"TableName": "$T", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
                     "UpdateExpression": "SET #c = if_not_exists(#c, :z) + :one, l = list_append(l, :l) REMOVE m.b ADD s :s",
                     "ExpressionAttributeNames": {"#c": "count"},
                     "ExpressionAttributeValues": {":z": {"N": "0"}, ":one": {"N": "1"}, ":l": {"L": [{"NULL": true}]},
                       ":s": {"NS": ["1", "2"]}}, "ReturnValues": "UPDATED_NEW"}"""),
            Map.entry("DeleteItem", """
                    {"TableName": "$T", "Key": {"pk": {"S": "b"}, "sk": {"N": "2"}}, "ConditionExpression": "attribute_exists(pk)",
                     "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}"""),
            Map.entry("Query", """
                    {"TableName": "$T", "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b", "FilterExpression": "contains(l, :x)",
                     "ExpressionAttributeValues": {":p": {"S": "a"}, ":a": {"N": "0"}, ":b": {"N": "9"}, ":x": {"S": "x"}},
                     "Limit": 3, "ScanIndexForward": false, "ExclusiveStartKey": {"pk": {"S": "a"}, "sk": {"N": "5"}}}"""),
            Map.entry("Scan", """
                    {"TableName": "$T", "Segment": 1, "TotalSegments": 3, "Limit": 5, "Select": "COUNT",
                     "ScanFilter": {"sk": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "0"}]}}}"""),
            Map.entry("BatchGetItem", """
                    {"RequestItems": {"$T": {"Keys": [{"pk": {"S": "a"}, "sk": {"N": "1"}}, {"pk": {"S": "c"}, "sk": {"N": "3"}}],
                     "AttributesToGet": ["pk", "l"]}}, "ReturnConsumedCapacity": "INDEXES"}"""),
            Map.entry("BatchWriteItem", """
                    {"RequestItems": {"$T": [{"PutRequest": {"Item": {"pk": {"S": "c"}, "sk": {"N": "3"}, "n": {"N": "-1.5E+3"}}}},
                     {"DeleteRequest": {"Key": {"pk": {"S": "d"}, "sk": {"N": "4"}}}}]}}"""),
            Map.entry("TagResource", """
                    {"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/$T", "Tags": [{"Key": "k", "Value": "v"}]}"""),
            Map.entry("UntagResource", """
                    {"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/$T", "TagKeys": ["k"]}"""),
            Map.entry("ListTagsOfResource", "{\"ResourceArn\": \"arn:aws:dynamodb:us-east-1:000000000000:table/$T\"}"),
            Map.entry("UpdateTimeToLive", """
                    {"TableName": "$T", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "expires"}}"""),
            Map.entry("DescribeTimeToLive", "{\"TableName\": \"$T\"}"),
            Map.entry("DescribeContinuousBackups", "{\"TableName\": \"$T\"}"),
            Map.entry("UpdateContinuousBackups", """
                    {"TableName": "$T", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": false}}"""),
            Map.entry("DescribeEndpoints", "{}"),
            Map.entry("DescribeLimits", "{}"),
            Map.entry("ExecuteStatement", """
                    {"Statement": "SELECT pk, l[0] FROM \\"$T\\" WHERE pk = ? AND sk > 0 ORDER BY sk DESC",
                     "Parameters": [{"S": "a"}], "Limit": 2}"""),
            Map.entry("TransactWriteItems", """
                    {"TransactItems": [{"Update": {"TableName": "$T", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
                       "UpdateExpression": "SET n = :v", "ConditionExpression": "attribute_exists(pk)",
                       "ExpressionAttributeValues": {":v": {"N": "1"}}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
                      {"Put": {"TableName": "$T", "Item": {"pk": {"S": "f"}, "sk": {"N": "6"}, "ss": {"SS": ["x"]}}}},
                      {"Delete": {"TableName": "$T", "Key": {"pk": {"S": "g"}, "sk": {"N": "7"}}}},
                      {"ConditionCheck": {"TableName": "$T", "Key": {"pk": {"S": "c"}, "sk": {"N": "3"}},
                       "ConditionExpression": "size(#n) > :z", "ExpressionAttributeNames": {"#n": "n"},
                       "ExpressionAttributeValues": {":z": {"N": "0"}}}}],
                     "ClientRequestToken": "fuzz-token", "ReturnConsumedCapacity": "TOTAL"}"""),
            Map.entry("TransactGetItems", """
                    {"TransactItems": [{"Get": {"TableName": "$T", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
                       "ProjectionExpression": "#l[0], m.ss", "ExpressionAttributeNames": {"#l": "l"}}},
                      {"Get": {"TableName": "$T", "Key": {"pk": {"S": "c"}, "sk": {"N": "3"}}}}],
                     "ReturnConsumedCapacity": "TOTAL"}"""),
            Map.entry("ExecuteTransaction", """
                    {"TransactStatements": [{"Statement": "UPDATE \\"$T\\" SET n = n + 1 WHERE pk = 'a' AND sk = 1"},
                     {"Statement": "EXISTS(SELECT * FROM \\"$T\\" WHERE pk = ? AND sk = 3 AND size(l) > 0)",
                      "Parameters": [{"S": "c"}]}], "ClientRequestToken": "fuzz", "ReturnConsumedCapacity": "TOTAL"}"""),
            Map.entry("BatchExecuteStatement", """
                    {"Statements": [{"Statement": "UPDATE \\"$T\\" SET n = n + 1 WHERE pk = 'a' AND sk = 1"},
                     {"Statement": "INSERT INTO \\"$T\\" VALUE {'pk': ?, 'sk': 7}", "Parameters": [{"S": "e"}]}]}"""));

    /** Values that have broken parsers, checks and evaluators somewhere. */
    private static final List<String> NASTY = List.of(
            "\"\"",
            "\"x\"",
            "0",
            "-1",
            "1.5",
            "1e400",
            "-1e-400",
            "9223372036854775808",
            "18446744073709551617",
            "true",
            "false",
            "null",
            "[]",
            "{}",
            "[null]",
            "{\"\":{}}",
            "{\"S\":\"\"}",
            "{\"S\":1}",
            "{\"N\":\"NaN\"}",
            "{\"N\":\"1e999\"}",
            "{\"N\":\"\\u0661\"}",
            "{\"B\":\"!!\"}",
            "{\"SS\":[]}",
            "{\"SS\":[\"a\",\"a\"]}",
            "{\"NS\":[\"1\",\"1.0\"]}",
            "{\"L\":[{}]}",
            "{\"M\":{\"a\":null}}",
            "{\"NULL\":false}",
            "{\"BOOL\":\"yes\"}",
            "{\"S\":\"a\",\"N\":\"1\"}",
            "\"#\"",
            "\":\"",
            "\"a.b[0]\"",
            "\"a = :v AND\"",
            "\"SET a = a + :v, a = :v\"",
            "\"REMOVE a[99999999999]\"",
            "\"size(size(a)) > :v\"",
            "\"((((a))))\"",
            "\"SELECT * FROM\"",
            "\"ALL_OLD\"",
            "\"COUNT\"",
            "\"\\ud83d\\ude00\"",
            "\"\\u0000\"",
            "\"'\"",
            "\"\\\"\"",
            "\"arn:aws:dynamodb:::table/\"");

    /** HTTP/1.1, as DynamoDB's clients speak it. */
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private Random random;

    @Test
    void mutatedRequestsAreAnsweredWithoutAServerErrorAndHurtNoData() throws Exception {
        DynamoDbEndpoint endpoint =
                io.quarkus.arc.Arc.container().instance(DynamoDbEndpoint.class).get();
        assertThat(SEEDS.keySet()).as("every operation served is fuzzed").containsAll(endpoint.operations());
        long seed = Long.getLong("kubedyn.fuzz.seed", System.nanoTime());
        random = new Random(seed);
        long deadline = System.nanoTime()
                + Duration.ofSeconds(Integer.getInteger("kubedyn.fuzz.seconds", 15))
                        .toNanos();

        createTable(table, "pk", ScalarAttributeType.S, "sk", ScalarAttributeType.N);
        String kept = table + "-kept";
        createTable(kept, "pk", ScalarAttributeType.S, "sk", ScalarAttributeType.N);
        List<Map<String, AttributeValue>> keptItems = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Map<String, AttributeValue> item = Map.of(
                    "pk",
                    AttributeValue.fromS("p" + i % 4),
                    "sk",
                    AttributeValue.fromN(Integer.toString(i)),
                    "v",
                    AttributeValue.fromS("value " + i));
            dynamo.putItem(b -> b.tableName(kept).item(item));
            keptItems.add(item);
        }
        for (String operation : List.of("PutItem", "UpdateItem", "BatchWriteItem")) {
            send(operation, SEEDS.get(operation).replace("$T", table).getBytes(StandardCharsets.UTF_8), seed);
        }

        List<String> operations = new ArrayList<>(SEEDS.keySet());
        java.util.Collections.sort(operations);
        int sent = 0;
        while (System.nanoTime() < deadline) {
            String operation = operations.get(random.nextInt(operations.size()));
            String target = random.nextInt(20) == 0 ? operations.get(random.nextInt(operations.size())) : operation;
            byte[] body = mutated(SEEDS.get(operation).replace("$T", table));
            send(target, body, seed);
            sent++;
        }
        assertThat(sent).as("requests sent (seed %d)", seed).isGreaterThan(50);
        System.out.printf("RequestFuzzTest: %d mutated requests, seed %d%n", sent, seed);

        // The fuzzed table itself may be gone: a valid body sent to DeleteTable deletes it.
        assertThat(dynamo.listTablesPaginator().tableNames()).contains(kept);
        List<Map<String, AttributeValue>> after =
                new ArrayList<>(dynamo.scanPaginator(b -> b.tableName(kept).consistentRead(true)).items().stream()
                        .toList());
        assertThat(after)
                .as("items written before the run (seed %d)", seed)
                .containsExactlyInAnyOrderElementsOf(keptItems);
    }

    /** Sends one request; anything but an answer of DynamoDB's client-error kinds fails the test. */
    private void send(String operation, byte[] body, long seed) throws Exception {
        HttpRequest request = signedCall(operation, "")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException hung) {
            // The server runs in this process: show where its threads are, to tell why.
            StringBuilder threads = new StringBuilder();
            Thread.getAllStackTraces().forEach((thread, stack) -> {
                threads.append('"')
                        .append(thread.getName())
                        .append("\" ")
                        .append(thread.getState())
                        .append('\n');
                for (StackTraceElement frame : stack) {
                    threads.append("    at ").append(frame).append('\n');
                }
            });
            throw new AssertionError(
                    "seed " + seed + ", " + operation + " " + new String(body, StandardCharsets.UTF_8)
                            + " not answered; threads:\n" + threads,
                    hung);
        }
        String shown = new String(body, StandardCharsets.UTF_8);
        shown = shown.length() > 2000 ? shown.substring(0, 2000) + "..." : shown;
        assertThat(response.statusCode())
                .as("seed %d, %s %s -> %s", seed, operation, shown, response.body())
                .isIn(200, 400, 413);
        if (response.statusCode() == 400) {
            assertThat(JSON.readTree(response.body()).path("__type").asText())
                    .as("seed %d, %s %s", seed, operation, shown)
                    .isNotEmpty();
        }
    }

    /** {@code seed} with one to three mutations, or broken as text: truncated, bytes flipped, or random bytes. */
    private byte[] mutated(String seed) throws Exception {
        int kind = random.nextInt(10);
        if (kind == 0) {
            byte[] bytes = seed.getBytes(StandardCharsets.UTF_8);
            return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
        }
        if (kind == 1) {
            byte[] bytes = seed.getBytes(StandardCharsets.UTF_8);
            for (int i = 1 + random.nextInt(4); i > 0; i--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            return bytes;
        }
        if (kind == 2) {
            byte[] bytes = new byte[random.nextInt(200)];
            random.nextBytes(bytes);
            return bytes;
        }
        JsonNode tree = JSON.readTree(seed);
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            tree = mutate(tree);
        }
        return JSON.writeValueAsBytes(tree);
    }

    /** The tree with one node somewhere in it removed, replaced, added to or rewritten. */
    private JsonNode mutate(JsonNode root) throws Exception {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode container = containers.get(random.nextInt(containers.size()));
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.isEmpty() ? "x" : names.get(random.nextInt(names.size()));
            switch (random.nextInt(4)) {
                case 0 -> object.remove(name);
                case 1 -> object.set(name, nasty());
                case 2 -> object.set(randomName(), nasty());
                default -> object.set(name, rewritten(object.get(name)));
            }
        } else if (container instanceof ArrayNode array && !array.isEmpty()) {
            int index = random.nextInt(array.size());
            switch (random.nextInt(3)) {
                case 0 -> array.remove(index);
                case 1 -> array.set(index, nasty());
                default -> {
                    for (int copies = random.nextInt(120); copies > 0; copies--) {
                        array.add(array.get(index).deepCopy());
                    }
                }
            }
        }
        return root;
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            node.forEach(child -> collect(child, containers));
        }
    }

    private JsonNode nasty() throws Exception {
        int kind = random.nextInt(12);
        if (kind == 0) {
            return NODES.textNode("x".repeat(random.nextInt(70_000)));
        }
        if (kind == 1) {
            // Deep nesting, as maps of maps or lists of lists.
            String open = random.nextBoolean() ? "{\"M\":{\"a\":" : "{\"L\":[";
            String close = open.startsWith("{\"M") ? "}}" : "]}";
            int depth = 1 + random.nextInt(60);
            return JSON.readTree(open.repeat(depth) + "{\"S\":\"deep\"}" + close.repeat(depth));
        }
        return JSON.readTree(NASTY.get(random.nextInt(NASTY.size())));
    }

    private String randomName() {
        String[] names = {
            "TableName",
            "Key",
            "Item",
            "IndexName",
            "Select",
            "Limit",
            "ReturnValues",
            "ExclusiveStartKey",
            "ExpressionAttributeNames",
            "ExpressionAttributeValues",
            "ConditionExpression",
            "ProjectionExpression",
            "KeyConditions",
            "Expected",
            "ConditionalOperator",
            "NextToken",
            "Segment",
            "TotalSegments",
            "x"
        };
        return names[random.nextInt(names.length)];
    }

    /** A string with a character inserted, removed or repeated; any other value as it is. */
    private JsonNode rewritten(JsonNode value) {
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            return NODES.textNode("#");
        }
        String text = value.textValue();
        int at = random.nextInt(text.length());
        String[] inserts = {
            "(", ")", ",", ".", "[", "]", "#", ":", "'", "\"", " AND ", " = ", "\u00e9", "\ud83d\ude00", "?", "*", "0"
        };
        return switch (random.nextInt(3)) {
            case 0 ->
                NODES.textNode(text.substring(0, at) + inserts[random.nextInt(inserts.length)] + text.substring(at));
            case 1 -> NODES.textNode(text.substring(0, at) + text.substring(at + 1));
            default -> NODES.textNode(text.repeat(1 + random.nextInt(40)));
        };
    }
}
