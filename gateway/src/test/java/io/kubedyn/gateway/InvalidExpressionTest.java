package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * Malformed or invalid expressions, through the SDK: each is a ValidationException whose
 * message names the problem, and the stored item is untouched.
 */
@QuarkusTest
class InvalidExpressionTest extends EmbeddedServerTest {
    private static final Map<String, AttributeValue> ITEM = Map.of(
            "Artist",
            AttributeValue.fromS("Kyuss"),
            "SongTitle",
            AttributeValue.fromS("Space Cadet"),
            "Released",
            AttributeValue.fromN("1994"),
            "Tags",
            AttributeValue.fromSs(List.of("desert")));

    /** An update of the stored item with the given expressions, names and values. */
    private static Consumer<DynamoDbClientCall> update(
            String update, String condition, Map<String, String> names, Map<String, AttributeValue> values) {
        return call -> call.dynamo()
                .updateItem(b -> b.tableName(call.table())
                        .key(song("Kyuss", "Space Cadet"))
                        .updateExpression(update)
                        .conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values));
    }

    private static Consumer<DynamoDbClientCall> query(
            String keyCondition, String filter, String projection, Map<String, AttributeValue> values) {
        return call -> call.dynamo()
                .query(b -> b.tableName(call.table())
                        .keyConditionExpression(keyCondition)
                        .filterExpression(filter)
                        .projectionExpression(projection)
                        .expressionAttributeValues(values));
    }

    private static Consumer<DynamoDbClientCall> put(
            String condition, Map<String, String> names, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> replacement = new HashMap<>(ITEM);
        replacement.put("Released", n("2000"));
        return call -> call.dynamo()
                .putItem(b -> b.tableName(call.table())
                        .item(replacement)
                        .conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values));
    }

    record DynamoDbClientCall(DynamoDbClient dynamo, String table) {}

    static Stream<Arguments> invalidExpressions() {
        Map<String, AttributeValue> one = Map.of(":v", n("1"));
        Map<String, AttributeValue> kyuss = Map.of(":a", s("Kyuss"));
        return Stream.of(
                Arguments.of("syntax error in SET", update("SET Released = ", null, null, null), "Syntax error"),
                Arguments.of("unknown clause", update("PUT Released = :v", null, null, one), "Syntax error"),
                // A name may not begin with an underscore (only after a letter), nor a function's.
                Arguments.of(
                        "name beginning with _",
                        query("Artist = :a", null, "__typename", kyuss),
                        "Invalid ProjectionExpression: Syntax error; token: \"_\", near: \"__\""),
                Arguments.of(
                        "filter name beginning with _",
                        query("Artist = :a", "Released > :v AND _x = :v", null, Map.of(":a", s("Kyuss"), ":v", n("1"))),
                        "Invalid FilterExpression: Syntax error; token: \"_\", near: \"AND _x\""),
                Arguments.of(
                        "function beginning with _",
                        put("_f(Released)", null, null),
                        "Invalid ConditionExpression: Syntax error; token: \"_\", near: \"_f\""),
                Arguments.of(
                        "SET twice",
                        update("SET Released = :v SET Tags = :v", null, null, one),
                        "can only be used once"),
                Arguments.of("reserved word bare", update("SET Name = :v", null, null, one), "reserved keyword"),
                Arguments.of("undefined value", update("SET Released = :nope", null, null, one), "not defined"),
                Arguments.of("undefined name", update("SET #n = :v", null, null, one), "not defined"),
                Arguments.of(
                        "unused value",
                        update("SET Released = :v", null, null, Map.of(":v", n("1"), ":w", n("2"))),
                        "unused"),
                Arguments.of("unused name", update("SET Released = :v", null, Map.of("#n", "x"), one), "unused"),
                Arguments.of("overlapping paths", update("SET a = :v, a.b = :v", null, null, one), "overlap"),
                Arguments.of("same path twice", update("SET a = :v REMOVE a", null, null, one), "overlap"),
                Arguments.of("conflicting paths", update("SET a.b = :v, a[1] = :v", null, null, one), "conflict"),
                Arguments.of(
                        "ADD to a string value",
                        update("ADD Released :s", null, null, Map.of(":s", s("x"))),
                        "Incorrect operand type"),
                Arguments.of(
                        "DELETE with a number", update("DELETE Tags :v", null, null, one), "Incorrect operand type"),
                Arguments.of(
                        "unknown function", update("SET Released = plus(Released, :v)", null, null, one), "function"),
                Arguments.of(
                        "if_not_exists in a condition",
                        update("SET Released = :v", "if_not_exists(Released, :v) = :v", null, one),
                        "function"),
                Arguments.of("empty update expression", update("", null, null, null), "UpdateExpression"),
                Arguments.of(
                        "condition syntax error",
                        update("SET Released = :v", "Released = = :v", null, one),
                        "Syntax error"),
                Arguments.of(
                        "BETWEEN with bounds reversed",
                        update(
                                "SET Released = :v",
                                "Released BETWEEN :b AND :a",
                                null,
                                Map.of(":v", n("1"), ":a", n("1"), ":b", n("2"))),
                        "BETWEEN"),
                Arguments.of(
                        "begins_with on a number",
                        update("SET Released = :v", "begins_with(Released, :v)", null, one),
                        "Incorrect operand type"),
                Arguments.of(
                        "attribute_exists of a value",
                        update("SET Released = :v", "attribute_exists(:v)", null, one),
                        "requires a document path"),
                Arguments.of(
                        "wrong argument count",
                        update("SET Released = :v", "contains(Tags)", null, one),
                        "number of operands"),
                Arguments.of(
                        "size compared to nothing",
                        update("SET Released = :v", "size(Tags)", null, one),
                        "not allowed to be used this way"),
                Arguments.of(
                        "empty ExpressionAttributeValues",
                        update("SET Released = :v", null, null, Map.of()),
                        "must not be empty"),
                Arguments.of(
                        "invalid name key",
                        update("SET #1-bad = :v", null, Map.of("#1-bad", "x"), one),
                        "Syntax error"),
                Arguments.of(
                        "expression over 4 KB",
                        update("SET Released = :v", "Released = :v" + " OR Released = :v".repeat(400), null, one),
                        "maximum allowed size"),
                Arguments.of("put condition syntax", put("attribute_not_exists(", null, null), "Syntax error"),
                Arguments.of("put condition undefined value", put("Released = :x", null, one), "not defined"),
                Arguments.of("put condition reserved word", put("Comment = :v", null, one), "reserved keyword"),
                Arguments.of(
                        "key condition on a non-key", query("Released = :a", null, null, kyuss), "key schema element"),
                Arguments.of(
                        "key condition with OR",
                        query("Artist = :a OR Artist = :a", null, null, kyuss),
                        "KeyConditionExpression"),
                Arguments.of(
                        "key condition with <>", query("Artist <> :a", null, null, kyuss), "KeyConditionExpression"),
                Arguments.of(
                        "key condition value of the wrong type",
                        query("Artist = :v", null, null, one),
                        "does not match schema type"),
                Arguments.of("filter syntax error", query("Artist = :a", "Released >", null, kyuss), "Syntax error"),
                Arguments.of(
                        "projection syntax error",
                        query("Artist = :a", null, "SongTitle,,Released", kyuss),
                        "Syntax error"),
                Arguments.of(
                        "projection overlapping paths", query("Artist = :a", null, "Tags, Tags[0]", kyuss), "overlap"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExpressions")
    void invalidExpressionIsAValidationExceptionAndChangesNothing(
            String name, Consumer<DynamoDbClientCall> call, String messagePart) {
        createMusicTable();
        dynamo.putItem(b -> b.tableName(table).item(ITEM));
        assertThatThrownBy(() -> call.accept(new DynamoDbClientCall(dynamo, table)))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).containsIgnoringCase(messagePart);
                });
        assertThat(dynamo.scan(b -> b.tableName(table)).items()).containsExactly(ITEM);
    }
}
