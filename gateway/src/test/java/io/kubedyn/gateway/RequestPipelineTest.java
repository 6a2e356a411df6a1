package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The request pipeline's order, step by step, as DynamoDB runs it: HTTP, then the body as JSON,
 * the operation, the signature's presence, the JSON types of the input shape, its constraints, the
 * operation's own rules, the table, and last the item against the table. Each test sends a request
 * wrong at one step and at every later one, and expects the answer of that step.
 */
@QuarkusTest
class RequestPipelineTest extends EmbeddedServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void music() {
        createMusicTable();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder call(String operation, String body) {
        return signedCall(operation, body);
    }

    /** A call without any signature. */
    private HttpRequest.Builder unsigned(String operation, String contentType, String body) {
        return HttpRequest.newBuilder(endpoint())
                .header("Content-Type", contentType)
                .header("X-Amz-Target", "DynamoDB_20120810." + operation)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static JsonNode error(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(400);
        return JSON.readTree(response.body());
    }

    @Test
    void httpFirstAnythingButAJsonPostIsNotACall() throws Exception {
        HttpResponse<String> put =
                send(HttpRequest.newBuilder(endpoint()).PUT(HttpRequest.BodyPublishers.ofString("{")));
        assertThat(put.statusCode()).isEqualTo(404);
        assertThat(put.body()).isEqualTo("<UnknownOperationException/>\n");
        // A body of another type is not a call, however wrong the rest.
        HttpResponse<String> xml = send(call("NoSuchOperation", "not json").setHeader("Content-Type", "text/xml"));
        assertThat(xml.statusCode()).isEqualTo(404);
        HttpResponse<String> get = send(HttpRequest.newBuilder(endpoint()).GET());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("healthy: dynamodb.us-east-1.amazonaws.com ");
        assertThat(get.headers().firstValue("x-amzn-RequestId").orElseThrow()).matches("[0-9A-Z]{52}");
    }

    @Test
    void aCorsPreflightIsAnsweredAsDynamoDbAnswersIt() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(endpoint())
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Headers", "x-amz-target, content-type")
                .header("Access-Control-Request-Method", "POST"));
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue("*");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
                .hasValue("x-amz-target, content-type");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
                .hasValue("POST");
        assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("172800");
        HttpResponse<String> call = send(call("ListTables", "{}").header("Origin", "https://app.example"));
        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }

    /** DynamoDB speaks HTTP/1.1: an offer to upgrade to cleartext HTTP/2 is not taken up. */
    @Test
    void anUpgradeToCleartextHttp2IsNotTakenUp() throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .build()
                .send(call("ListTables", "{}").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }

    /**
     * DynamoDB answers a body over 16 MB with a chunked 413 (dynalite's suite checks both); kubedyn
     * adds a DynamoDB error body saying which limit was broken, which the SDK reports.
     */
    @Test
    void aBodyOverSixteenMegabytesIsA413ThatSaysWhy() throws Exception {
        HttpResponse<String> response = send(call("PutItem", "x".repeat(16 * 1024 * 1024 + 1)));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.0");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("__type").asText()).isEqualTo("com.amazon.coral.validate#ValidationException");
        assertThat(body.get("message").asText())
                .isEqualTo("Request size has exceeded the maximum allowed size of 16 MB (16777216 bytes)");

        Map<String, AttributeValue> item = new java.util.HashMap<>(song("big", "one"));
        item.put("blob", s("x".repeat(16 * 1024 * 1024)));
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table).item(item)))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(413);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("maximum allowed size of 16 MB");
                });
        assertThat(dynamo.getItem(b -> b.tableName(table).key(song("big", "one")))
                        .hasItem())
                .isFalse();
    }

    /**
     * What a popular GUI sends: capacity units as JSON strings. DynamoDB refuses a string for a
     * Long member in its deserializer's words (dynalite's suite records DynamoDB's answer), and so
     * does kubedyn; base64 without its padding is refused the same way.
     */
    @Test
    void numbersAsStringsAndUnpaddedBase64AreSerializationExceptionsAsInDynamoDb() throws Exception {
        String name = table + "-gui";
        JsonNode capacity = error(send(call(
                "CreateTable",
                "{\"TableName\":\"" + name + "\",\"KeySchema\":"
                        + "[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],\"AttributeDefinitions\":[{\"AttributeName\":"
                        + "\"id\",\"AttributeType\":\"S\"}],\"ProvisionedThroughput\":{\"ReadCapacityUnits\":\"3\","
                        + "\"WriteCapacityUnits\":\"3\"}}")));
        assertThat(capacity.get("__type").asText()).isEqualTo("com.amazon.coral.service#SerializationException");
        assertThat(capacity.get("Message").asText()).isEqualTo("STRING_VALUE cannot be converted to Long");
        assertThat(dynamo.listTables().tableNames()).doesNotContain(name);

        JsonNode unpadded = error(send(call(
                "PutItem",
                "{\"TableName\":\"" + table + "\",\"Item\":{\"Artist\":"
                        + "{\"S\":\"a\"},\"SongTitle\":{\"S\":\"b\"},\"cover\":{\"B\":\"YQ\"}}}")));
        assertThat(unpadded.get("__type").asText()).isEqualTo("com.amazon.coral.service#SerializationException");
        assertThat(unpadded.get("Message").asText())
                .isEqualTo("Base64 encoded length is expected a multiple of 4 bytes but found: 2");
        assertThat(dynamo.scan(b -> b.tableName(table)).count()).isZero();
    }

    /** A PutItem of an item whose SongTitle is the JSON text {@code title} (escapes and all), as raw bytes. */
    private HttpResponse<String> putTitle(byte[] title) throws Exception {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(
                ("{\"TableName\":\"" + table + "\",\"Item\":{\"Artist\":{\"S\":\"a\"}," + "\"SongTitle\":{\"S\":\"")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        body.writeBytes(title);
        body.writeBytes("\"}}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return send(call("PutItem", "").POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    /**
     * Text that is not well-formed Unicode would be rewritten on its way into a key (two keys
     * becoming one item, an overlong "/" becoming "/"): it is refused as a body that is not JSON.
     */
    @Test
    void textThatIsNotWellFormedUnicodeIsRefusedAndNothingIsWritten() throws Exception {
        for (byte[] title : java.util.List.of(
                "k\\ud800".getBytes(),
                "k\\udc00x".getBytes(),
                "\\ud83dx\\ude00".getBytes(),
                bytes('.', '.', 0xC0, 0xAF),
                bytes('k', 0xED, 0xA0, 0x80),
                bytes('k', 0xF4, 0x90, 0x80, 0x80),
                bytes('k', 0xFF))) {
            HttpResponse<String> response = putTitle(title);
            assertThat(response.statusCode())
                    .as(new String(title, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("__type").asText())
                    .isEqualTo("com.amazon.coral.service#SerializationException");
        }
        assertThat(dynamo.scan(b -> b.tableName(table)).count()).isZero();

        // A whole pair, an escaped backslash before "ud800" and UTF-8 of four bytes are text.
        for (String title : java.util.List.of("\\ud83d\\ude00", "\\\\ud800", "\uD83D\uDE00!")) {
            assertThat(putTitle(title.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            .statusCode())
                    .as(title)
                    .isEqualTo(200);
        }
        assertThat(dynamo.scan(b -> b.tableName(table)).items())
                .extracting(item -> item.get("SongTitle").s())
                .containsExactlyInAnyOrder("\uD83D\uDE00", "\\ud800", "\uD83D\uDE00!");
    }

    @Test
    void numbersInOtherScriptsAndIntegersBeyondTheirTypeAreRefused() throws Exception {
        JsonNode arabic = error(send(call(
                "PutItem",
                "{\"TableName\":\"" + table + "\",\"Item\":{\"Artist\":"
                        + "{\"S\":\"a\"},\"SongTitle\":{\"S\":\"b\"},\"n\":{\"N\":\"\u0661\u0662\u0663\"}}}")));
        assertThat(arabic.get("__type").asText()).isEqualTo("com.amazon.coral.validate#ValidationException");
        assertThat(arabic.get("message").asText())
                .isEqualTo("The parameter cannot be converted to a numeric value: \u0661\u0662\u0663");
        assertThat(dynamo.scan(b -> b.tableName(table)).count()).isZero();

        // 2^64 + 1 would wrap around to a Limit of 1.
        JsonNode limit = error(send(call("Scan", "{\"TableName\":\"" + table + "\",\"Limit\":18446744073709551617}")));
        assertThat(limit.get("__type").asText()).isEqualTo("com.amazon.coral.service#SerializationException");
        assertThat(limit.get("Message").asText()).isEqualTo("NUMBER_VALUE cannot be converted to Integer");
        JsonNode decimal = error(send(call("Scan", "{\"TableName\":\"" + table + "\",\"Limit\":1e300}")));
        assertThat(decimal.get("Message").asText()).isEqualTo("DECIMAL_VALUE cannot be converted to Integer");
        assertThat(send(call("Scan", "{\"TableName\":\"" + table + "\",\"Limit\":2.7}"))
                        .statusCode())
                .as("a decimal within range is read as its whole part, as DynamoDB reads it")
                .isEqualTo(200);
    }

    /** Found by RequestFuzzTest: a null in a list of the model was a NullPointerException, a 500. */
    @Test
    void aNullInAListIsAMemberThatMustNotBeNull() throws Exception {
        JsonNode error = error(send(call(
                "CreateTable",
                "{\"TableName\":\"" + table + "-x\",\"BillingMode\":"
                        + "\"PAY_PER_REQUEST\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
                        + "{\"AttributeName\":\"g\",\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"pk\","
                        + "\"KeyType\":\"HASH\"}],\"GlobalSecondaryIndexes\":[{\"IndexName\":\"ByG\",\"Projection\":"
                        + "{\"ProjectionType\":\"KEYS_ONLY\"},\"KeySchema\":[null]}]}")));
        assertThat(error.get("__type").asText()).isEqualTo("com.amazon.coral.validate#ValidationException");
        assertThat(error.get("message").asText())
                .isEqualTo(
                        "1 validation error detected: Value null at "
                                + "'globalSecondaryIndexes.1.member.keySchema.1.member' failed to satisfy constraint: Member must not be null");
    }

    @Test
    void jsonBeforeTheOperation() throws Exception {
        JsonNode error = error(send(call("NoSuchOperation", "not json")));
        assertThat(error.get("__type").asText()).isEqualTo("com.amazon.coral.service#SerializationException");
        assertThat(error.size()).isEqualTo(1);
    }

    @Test
    void theOperationBeforeTheSignature() throws Exception {
        JsonNode error = error(send(unsigned("NoSuchOperation", "application/json", "{}")));
        assertThat(error)
                .isEqualTo(JSON.readTree("{\"__type\":\"com.amazon.coral.service#UnknownOperationException\"}"));
    }

    /** Two copies of the header are one value, "A,B", as HTTP combines them: no operation runs. */
    @Test
    void aTargetSentTwiceNamesNoOperation() throws Exception {
        dynamo.putItem(b -> b.tableName(table).item(song("Kyuss", "Gardenia")));
        String key = "{\"TableName\": \"" + table + "\", \"Key\": {\"Artist\": {\"S\": \"Kyuss\"}, "
                + "\"SongTitle\": {\"S\": \"Gardenia\"}}}";
        JsonNode error = error(send(call("GetItem", key).header("X-Amz-Target", "DynamoDB_20120810.DeleteItem")));
        assertThat(error)
                .isEqualTo(JSON.readTree("{\"__type\":\"com.amazon.coral.service#UnknownOperationException\"}"));
        assertThat(dynamo.getItem(b -> b.tableName(table).key(song("Kyuss", "Gardenia")))
                        .item())
                .isNotEmpty();
    }

    @Test
    void theSignatureBeforeTheInput() throws Exception {
        HttpRequest.Builder unsigned = unsigned("GetItem", "application/x-amz-json-1.0", "{\"TableName\": 5}");
        JsonNode error = error(send(unsigned));
        assertThat(error.get("__type").asText())
                .isEqualTo("com.amazon.coral.service#MissingAuthenticationTokenException");
        assertThat(error.get("message").asText()).isEqualTo("Request is missing Authentication Token");
        JsonNode incomplete = error(send(unsigned.header("Authorization", "AWS4-HMAC-SHA256 Credential=a")));
        assertThat(incomplete.get("__type").asText())
                .isEqualTo("com.amazon.coral.service#IncompleteSignatureException");
        assertThat(incomplete.get("message").asText())
                .startsWith("Authorization header requires 'Signature' parameter.");
    }

    @Test
    void jsonTypesBeforeConstraints() throws Exception {
        // TableName breaks its pattern and Key is missing, but Limit's type is wrong first.
        JsonNode error = error(send(call("Query", "{\"TableName\": \"a;\", \"Limit\": \"ten\"}")));
        assertThat(error)
                .isEqualTo(JSON.readTree("{\"__type\": \"com.amazon.coral.service#SerializationException\", "
                        + "\"Message\": \"STRING_VALUE cannot be converted to Integer\"}"));
        JsonNode key = error(send(call("GetItem", "{\"TableName\": \"a;\", \"Key\": \"k\"}")));
        assertThat(key.get("Message").asText()).isEqualTo("Unexpected field type");
    }

    @Test
    void everyConstraintViolationIsReportedTogether() throws Exception {
        JsonNode error = error(send(call(
                "GetItem",
                "{\"TableName\": \"a;\", \"ReturnConsumedCapacity\": \"ALL\", "
                        + "\"ProjectionExpression\": \"#a\", \"ExpressionAttributeNames\": {\"#b\": \"b\"}}")));
        assertThat(error.get("__type").asText()).isEqualTo("com.amazon.coral.validate#ValidationException");
        assertThat(error.get("message").asText())
                .startsWith("4 validation errors detected: ")
                .contains(
                        "Value 'a;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression "
                                + "pattern: [a-zA-Z0-9_.-]+",
                        "Value 'a;' at 'tableName' failed to satisfy constraint: Member must have length greater than or "
                                + "equal to 3",
                        "Value null at 'key' failed to satisfy constraint: Member must not be null",
                        "Value 'ALL' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value "
                                + "set: [INDEXES, TOTAL, NONE]");
    }

    @Test
    void constraintsBeforeTheOperationsOwnRules() throws Exception {
        // The unused name is the operation's rule; the pattern of TableName is the model's.
        JsonNode error = error(send(call(
                "GetItem",
                "{\"TableName\": \"bad name\", \"Key\": {}, "
                        + "\"ProjectionExpression\": \"a\", \"ExpressionAttributeNames\": {\"#b\": \"b\"}}")));
        assertThat(error.get("message").asText())
                .startsWith("1 validation error detected: Value 'bad name' at " + "'tableName'");
    }

    @Test
    void theOperationsOwnRulesBeforeTheTable() throws Exception {
        JsonNode error = error(send(call(
                "GetItem",
                "{\"TableName\": \"no-such-table\", \"Key\": {\"k\": {\"S\": \"a\"}},"
                        + " \"ProjectionExpression\": \"a\", \"ExpressionAttributeNames\": {\"#b\": \"b\"}}")));
        assertThat(error.get("__type").asText()).isEqualTo("com.amazon.coral.validate#ValidationException");
        assertThat(error.get("message").asText())
                .isEqualTo("Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}");
    }

    @Test
    void theTableBeforeTheItem() throws Exception {
        JsonNode error =
                error(send(call("GetItem", "{\"TableName\": \"no-such-table\", \"Key\": {\"k\": {\"N\": \"1\"}}}")));
        assertThat(error)
                .isEqualTo(
                        JSON.readTree(
                                "{\"__type\": "
                                        + "\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\", \"message\": \"Requested resource not found\"}"));
    }

    @Test
    void theItemAgainstTheTableLast() throws Exception {
        JsonNode error = error(send(call(
                "GetItem",
                "{\"TableName\": \"" + table
                        + "\", \"Key\": {\"Artist\": {\"N\": \"1\"}, \"SongTitle\": {\"S\": \"x\"}}}")));
        assertThat(error.get("message").asText()).isEqualTo("The provided key element does not match the schema");
    }

    private String query(String keyCondition, String startKey) {
        String values = keyCondition.contains(":m")
                ? "{\":a\": {\"S\": \"a\"}, \":m\": {\"S\": \"m\"}}"
                : "{\":a\": {\"S\": \"a\"}}";
        return "{\"TableName\": \"" + table + "\", \"KeyConditionExpression\": \"" + keyCondition + "\", "
                + "\"ExpressionAttributeValues\": " + values
                + (startKey == null ? "" : ", \"ExclusiveStartKey\": " + startKey) + "}";
    }

    @Test
    void aQuerysKeyConditionsAndStartKeyAreHeldAgainstTheKeySchemaInDynamoDbsOrder() throws Exception {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(query("SongTitle = :a", null), "Query condition missed key schema element: Artist");
        cases.put(query("Artist = :a", "{\"Artist\": {\"S\": \"a\"}}"), "The provided starting key is invalid");
        // The start key's value is checked before the condition on the same attribute.
        cases.put(
                query("Artist > :a", "{\"Artist\": {\"N\": \"1\"}, \"SongTitle\": {\"S\": \"a\"}}"),
                "The provided key element does not match the schema");
        cases.put(query("Artist > :a", null), "Query key condition not supported");
        cases.put(
                query("Artist = :a", "{\"Artist\": {\"S\": \"b\"}, \"SongTitle\": {\"S\": \"a\"}}"),
                "The provided starting key is outside query boundaries based on provided conditions");
        cases.put(
                query("Artist = :a AND SongTitle > :m", "{\"Artist\": {\"S\": \"a\"}, \"SongTitle\": {\"S\": \"a\"}}"),
                "The provided starting key does not match the range key predicate");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertThat(error(send(call("Query", c.getKey()))).get("message").asText())
                    .as(c.getKey())
                    .isEqualTo(c.getValue());
        }
    }

    @Test
    void batchOperationsAnswerConsumedCapacityPerTable() {
        dynamo.putItem(b -> b.tableName(table).item(song("1000mods", "Vidage")));
        var got = dynamo.batchGetItem(b -> b.returnConsumedCapacity("INDEXES")
                .requestItems(Map.of(
                        table,
                        software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder()
                                .keys(song("1000mods", "Vidage"), song("1000mods", "Claws"))
                                .build())));
        assertThat(got.consumedCapacity()).singleElement().satisfies(c -> {
            assertThat(c.tableName()).isEqualTo(table);
            // Two eventually consistent reads of at most 4 KB: half a unit each, a missing item too.
            assertThat(c.capacityUnits()).isEqualTo(1.0);
            assertThat(c.table().capacityUnits()).isEqualTo(1.0);
        });
        var written = dynamo.batchWriteItem(b -> b.returnConsumedCapacity("TOTAL")
                .requestItems(Map.of(
                        table,
                        java.util.List.of(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                                .putRequest(p -> p.item(song("Kyuss", "Gardenia")))
                                .build()))));
        assertThat(written.consumedCapacity()).singleElement().satisfies(c -> {
            assertThat(c.tableName()).isEqualTo(table);
            assertThat(c.capacityUnits()).isEqualTo(1.0);
            assertThat(c.table()).isNull();
        });
    }
}
