package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** Every malformed request gets DynamoDB's error type and a clear message, and the data is untouched. */
@QuarkusTest
class BadInputTest extends EmbeddedServerTest {
    private final Map<String, AttributeValue> original =
            Map.of("Artist", s("Kyuss"), "SongTitle", s("Space Cadet"), "Year", n("1994"));

    @BeforeEach
    void oneSong() {
        createMusicTable();
        dynamo.putItem(b -> b.tableName(table).item(original));
    }

    private void assertRefused(String errorCode, String messagePart, Executable call) {
        assertThatThrownBy(call::execute).isInstanceOf(DynamoDbException.class).satisfies(e -> {
            DynamoDbException d = (DynamoDbException) e;
            assertThat(d.awsErrorDetails().errorCode()).isEqualTo(errorCode);
            assertThat(d.statusCode()).isEqualTo(400);
            assertThat(d.awsErrorDetails().errorMessage()).contains(messagePart);
        });
        assertThat(dynamo.scan(b -> b.tableName(table)).items()).containsExactly(original);
    }

    private HttpResponse<String> raw(String target, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint())
                .header("Content-Type", "application/x-amz-json-1.0")
                // Signed in form only: the embedded server takes any credentials, as DynamoDB Local does.
                .header(
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=any/20261130/us-east-1/dynamodb/aws4_request, "
                                + "SignedHeaders=host;x-amz-date, Signature=0")
                .header("X-Amz-Date", "20261130T000000Z")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (target != null) {
            request.header("X-Amz-Target", target);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyThatIsNotJsonIsASerializationException() throws Exception {
        HttpResponse<String> response =
                raw("DynamoDB_20120810.PutItem", "{\"TableName\": \"" + table + "\", \"Item\": {");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("com.amazon.coral.service#SerializationException");
        assertThat(raw("DynamoDB_20120810.GetItem", "not json at all").body()).contains("SerializationException");
        assertThat(dynamo.scan(b -> b.tableName(table)).items()).containsExactly(original);
    }

    @Test
    void anUnknownOperationIsAnUnknownOperationException() throws Exception {
        HttpResponse<String> response = raw("DynamoDB_20120810.DropEverything", "{}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("com.amazon.coral.service#UnknownOperationException");
        assertThat(raw(null, "{}").body()).contains("UnknownOperationException");
    }

    @Test
    void aWronglyTypedAttributeValueIsRefused() throws Exception {
        HttpResponse<String> response = raw(
                "DynamoDB_20120810.PutItem",
                "{\"TableName\": \"" + table
                        + "\", \"Item\": {\"Artist\": {\"S\": 5}, \"SongTitle\": {\"S\": \"x\"}}}");
        assertThat(response.body()).contains("SerializationException");
        response = raw(
                "DynamoDB_20120810.PutItem",
                "{\"TableName\": \"" + table
                        + "\", \"Item\": {\"Artist\": {\"S\": \"a\", \"N\": \"1\"}, \"SongTitle\": {\"S\": \"x\"}}}");
        assertThat(response.body()).contains("ValidationException").contains("more than one datatypes");
        assertThat(dynamo.scan(b -> b.tableName(table)).items()).containsExactly(original);
    }

    @Test
    void aMissingTableIsResourceNotFound() {
        assertThatThrownBy(
                        () -> dynamo.putItem(b -> b.tableName("no-such-table").item(original)))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Requested resource not found");
        assertThatThrownBy(() -> dynamo.describeTable(b -> b.tableName("no-such-table")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aKeyOfTheWrongTypeIsRefused() {
        assertRefused(
                "ValidationException",
                "Type mismatch for key Artist",
                () -> dynamo.putItem(
                        b -> b.tableName(table).item(Map.of("Artist", n("1"), "SongTitle", s("Space Cadet")))));
        assertRefused(
                "ValidationException",
                "does not match the schema",
                () -> dynamo.getItem(b -> b.tableName(table).key(Map.of("Artist", s("Kyuss"), "SongTitle", n("1")))));
        assertRefused(
                "ValidationException",
                "does not match the schema",
                () -> dynamo.deleteItem(b -> b.tableName(table)
                        .key(Map.of(
                                "Artist",
                                AttributeValue.fromB(SdkBytes.fromUtf8String("Kyuss")),
                                "SongTitle",
                                s("Space Cadet")))));
    }

    @Test
    void aMissingKeyAttributeIsRefused() {
        assertRefused(
                "ValidationException",
                "Missing the key SongTitle",
                () -> dynamo.putItem(b -> b.tableName(table).item(Map.of("Artist", s("Kyuss"), "Year", n("1994")))));
        assertRefused(
                "ValidationException",
                "does not match the schema",
                () -> dynamo.deleteItem(b -> b.tableName(table).key(Map.of("Artist", s("Kyuss")))));
        assertRefused(
                "ValidationException",
                "does not match the schema",
                () -> dynamo.getItem(b -> b.tableName(table)
                        .key(Map.of("Artist", s("Kyuss"), "SongTitle", s("Space Cadet"), "Year", n("1994")))));
    }

    @Test
    void anEmptyKeyStringIsRefused() {
        assertRefused(
                "ValidationException",
                "cannot contain an empty string value",
                () -> dynamo.putItem(b -> b.tableName(table).item(Map.of("Artist", s(""), "SongTitle", s("x")))));
    }

    @Test
    void keysOverTheSizeLimitsAreRefused() {
        assertRefused(
                "ValidationException",
                "2048 bytes",
                () -> dynamo.putItem(b ->
                        b.tableName(table).item(Map.of("Artist", s("a".repeat(2049)), "SongTitle", s("x")))));
        assertRefused(
                "ValidationException",
                "1024 bytes",
                () -> dynamo.putItem(b ->
                        b.tableName(table).item(Map.of("Artist", s("a"), "SongTitle", s("é".repeat(513))))));
    }

    @Test
    void anItemOver400KbIsRefusedAndTheOldItemStays() {
        Map<String, AttributeValue> huge = new HashMap<>(original);
        huge.put("Lyrics", s("x".repeat(400 * 1024)));
        assertRefused(
                "ValidationException",
                "Item size has exceeded the maximum allowed size",
                () -> dynamo.putItem(b -> b.tableName(table).item(huge)));
        // An update that would grow the item past the limit, in DynamoDB's words for updates.
        assertRefused(
                "ValidationException",
                "Item size to update has exceeded the maximum allowed size",
                () -> dynamo.updateItem(b -> b.tableName(table)
                        .key(song("Kyuss", "Space Cadet"))
                        .updateExpression("SET Lyrics = :l")
                        .expressionAttributeValues(Map.of(":l", s("x".repeat(400 * 1024))))));
    }

    @Test
    void invalidNumbersAndSetsAreRefused() {
        assertRefused(
                "ValidationException",
                "numeric value",
                () -> dynamo.putItem(b -> b.tableName(table)
                        .item(Map.of("Artist", s("Kyuss"), "SongTitle", s("Space Cadet"), "Year", n("nineteen")))));
        assertRefused(
                "ValidationException",
                "Number overflow",
                () -> dynamo.putItem(b -> b.tableName(table)
                        .item(Map.of("Artist", s("Kyuss"), "SongTitle", s("Space Cadet"), "Year", n("1E+126")))));
        assertRefused(
                "ValidationException",
                "38 significant digits",
                () -> dynamo.putItem(b -> b.tableName(table)
                        .item(Map.of(
                                "Artist",
                                s("Kyuss"),
                                "SongTitle",
                                s("Space Cadet"),
                                "Year",
                                n("1.23456789012345678901234567890123456789")))));
        assertRefused(
                "ValidationException",
                "may not be empty",
                () -> dynamo.putItem(b -> b.tableName(table)
                        .item(Map.of(
                                "Artist",
                                s("Kyuss"),
                                "SongTitle",
                                s("Space Cadet"),
                                "Tags",
                                AttributeValue.fromSs(List.of())))));
        assertRefused(
                "ValidationException",
                "contains duplicates",
                () -> dynamo.putItem(b -> b.tableName(table)
                        .item(Map.of(
                                "Artist",
                                s("Kyuss"),
                                "SongTitle",
                                s("Space Cadet"),
                                "Tags",
                                AttributeValue.fromSs(List.of("a", "a"))))));
        assertRefused(
                "ValidationException",
                "contains duplicates",
                () -> dynamo.putItem(b -> b.tableName(table)
                        .item(Map.of(
                                "Artist",
                                s("Kyuss"),
                                "SongTitle",
                                s("Space Cadet"),
                                "Ns",
                                AttributeValue.fromNs(List.of("1", "1.0"))))));
    }

    @Test
    void invalidQueryAndScanParametersAreRefused() {
        assertRefused(
                "ValidationException",
                "Limit".toLowerCase(),
                () -> dynamo.query(b -> b.tableName(table)
                        .keyConditionExpression("Artist = :a")
                        .expressionAttributeValues(Map.of(":a", s("Kyuss")))
                        .limit(0)));
        assertRefused(
                "ValidationException",
                "TotalSegments",
                () -> dynamo.scan(b -> b.tableName(table).segment(1)));
        assertRefused(
                "ValidationException",
                "must be less than parameter TotalSegments",
                () -> dynamo.scan(b -> b.tableName(table).segment(2).totalSegments(2)));
        assertRefused(
                "ValidationException",
                "specified index",
                () -> dynamo.scan(b -> b.tableName(table).indexName("byYear")));
        assertRefused(
                "ValidationException",
                "KeyConditions or KeyConditionExpression",
                () -> dynamo.query(b -> b.tableName(table)));
    }

    @Test
    void invalidTableNamesAreRefused() {
        assertRefused(
                "ValidationException",
                "TableName must be at least 3 characters long and at most 255 characters long",
                () -> dynamo.describeTable(b -> b.tableName("ab")));
        assertRefused(
                "ValidationException",
                "at 'tableName' failed to satisfy constraint: Member must have length " + "greater than or equal to 3",
                () -> dynamo.getItem(b -> b.tableName("ab").key(Map.of("k", s("a")))));
        assertRefused(
                "ValidationException",
                "regular expression pattern",
                () -> dynamo.describeTable(b -> b.tableName("bad name!")));
    }
}
