package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubedyn.gateway.protocol.ModelMember;
import io.kubedyn.gateway.protocol.ModelShape;
import io.kubedyn.gateway.protocol.ServiceModel;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every answer kubedyn gives holds to its operation's output shape in DynamoDB's model: no member
 * the shape does not have, and every value of its member's JSON type. The AWS SDKs ignore a member
 * they do not know and may misread a value of another type, so only this check finds either.
 */
@QuarkusTest
class ResponseShapeTest extends EmbeddedServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final Set<String> answered = new LinkedHashSet<>();
    private final List<String> mismatches = new ArrayList<>();

    /** Calls {@code operation} and holds its answer (which must be a success) to the model's output shape. */
    private JsonNode call(String operation, String body) throws Exception {
        HttpResponse<String> response = http.send(
                signedCall(operation, body.replace("$T", table)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("%s: %s", operation, response.body())
                .isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        ModelShape output = ServiceModel.dynamoDb().output(operation).orElseThrow();
        check(answer, output, operation);
        answered.add(operation);
        return answer;
    }

    private void check(JsonNode value, ModelShape shape, String path) {
        boolean typed = switch (shape.kind()) {
            case STRING, BLOB -> value.isTextual();
            case BOOLEAN -> value.isBoolean();
            case INTEGER, LONG -> value.isIntegralNumber();
            case DOUBLE, TIMESTAMP -> value.isNumber();
            case LIST -> value.isArray();
            case MAP, STRUCTURE -> value.isObject();
        };
        if (!typed) {
            mismatches.add(
                    path + ": " + value.getNodeType() + " where the model has " + shape.kind() + " " + shape.name());
            return;
        }
        switch (shape.kind()) {
            case STRUCTURE -> {
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    ModelMember member = shape.member(field.getKey());
                    if (member == null) {
                        mismatches.add(path + "." + field.getKey() + ": not a member of " + shape.name());
                    } else {
                        check(field.getValue(), member.shape(), path + "." + field.getKey());
                    }
                }
            }
            case LIST -> {
                for (int i = 0; i < value.size(); i++) {
                    check(value.get(i), shape.element().shape(), path + "[" + i + "]");
                }
            }
            case MAP ->
                value.fields()
                        .forEachRemaining(
                                entry -> check(entry.getValue(), shape.element().shape(), path + "." + entry.getKey()));
            default -> {}
        }
    }

    @Test
    void everyOperationsAnswerHoldsToItsOutputShape() throws Exception {
        call("CreateTable", """
                {"TableName": "$T", "BillingMode": "PAY_PER_REQUEST",
                 "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                   {"AttributeName": "sk", "AttributeType": "N"}, {"AttributeName": "g", "AttributeType": "S"}],
                 "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                 "LocalSecondaryIndexes": [{"IndexName": "ByG", "Projection": {"ProjectionType": "ALL"},
                   "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "g", "KeyType": "RANGE"}]}],
                 "GlobalSecondaryIndexes": [{"IndexName": "ByGenre", "Projection": {"ProjectionType": "KEYS_ONLY"},
                   "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
                 "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"},
                 "Tags": [{"Key": "team", "Value": "radio"}]}""");
        String arn = call("DescribeTable", "{\"TableName\": \"$T\"}")
                .path("Table")
                .path("TableArn")
                .textValue();
        call("ListTables", "{\"Limit\": 1}");
        String item = """
                {"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "x"}, "m": {"M": {"n": {"NULL": true}, "b": {"BOOL": false}}},
                 "l": {"L": [{"S": "s"}, {"B": "YQ=="}]}, "ss": {"SS": ["a"]}, "ns": {"NS": ["1"]}, "bs": {"BS": ["YQ=="]}}""";
        String returns = "\"ReturnConsumedCapacity\": \"INDEXES\", \"ReturnItemCollectionMetrics\": \"SIZE\"";
        call(
                "PutItem",
                "{\"TableName\": \"$T\", \"Item\": " + item + ", \"ReturnValues\": \"ALL_OLD\", " + returns + "}");
        call(
                "PutItem",
                "{\"TableName\": \"$T\", \"Item\": " + item + ", \"ReturnValues\": \"ALL_OLD\", " + returns + "}");
        String key = "{\"pk\": {\"S\": \"a\"}, \"sk\": {\"N\": \"1\"}}";
        call("GetItem", "{\"TableName\": \"$T\", \"Key\": " + key + ", \"ReturnConsumedCapacity\": \"TOTAL\"}");
        call(
                "UpdateItem",
                "{\"TableName\": \"$T\", \"Key\": " + key + ", \"UpdateExpression\": \"SET n2 = :v\", "
                        + "\"ExpressionAttributeValues\": {\":v\": {\"N\": \"2\"}}, \"ReturnValues\": \"ALL_NEW\", "
                        + returns + "}");
        call(
                "PutItem",
                "{\"TableName\": \"$T\", \"Item\": {\"pk\": {\"S\": \"a\"}, \"sk\": {\"N\": \"2\"}, "
                        + "\"g\": {\"S\": \"y\"}}}");
        call(
                "Query",
                "{\"TableName\": \"$T\", \"KeyConditionExpression\": \"pk = :p\", \"Limit\": 1, "
                        + "\"ExpressionAttributeValues\": {\":p\": {\"S\": \"a\"}}, \"ReturnConsumedCapacity\": \"INDEXES\"}");
        call(
                "Query",
                "{\"TableName\": \"$T\", \"IndexName\": \"ByG\", \"KeyConditionExpression\": \"pk = :p\", "
                        + "\"ExpressionAttributeValues\": {\":p\": {\"S\": \"a\"}}, \"Select\": \"COUNT\"}");
        call(
                "Scan",
                "{\"TableName\": \"$T\", \"Segment\": 0, \"TotalSegments\": 2, \"Limit\": 1, "
                        + "\"ReturnConsumedCapacity\": \"TOTAL\"}");
        call("Scan", "{\"TableName\": \"$T\", \"IndexName\": \"ByGenre\"}");
        call(
                "BatchWriteItem",
                "{\"RequestItems\": {\"$T\": [{\"PutRequest\": {\"Item\": {\"pk\": {\"S\": \"b\"}, "
                        + "\"sk\": {\"N\": \"1\"}}}}, {\"DeleteRequest\": {\"Key\": {\"pk\": {\"S\": \"a\"}, \"sk\": {\"N\": \"2\"}}}}]}, "
                        + returns + "}");
        call(
                "BatchGetItem",
                "{\"RequestItems\": {\"$T\": {\"Keys\": [" + key + ", {\"pk\": {\"S\": \"b\"}, "
                        + "\"sk\": {\"N\": \"1\"}}], \"ProjectionExpression\": \"pk, m.n\"}}, \"ReturnConsumedCapacity\": \"INDEXES\"}");
        call(
                "ExecuteStatement",
                "{\"Statement\": \"SELECT * FROM \\\"$T\\\" WHERE pk = ?\", "
                        + "\"Parameters\": [{\"S\": \"a\"}], \"Limit\": 1, \"ReturnConsumedCapacity\": \"INDEXES\"}");
        call(
                "ExecuteStatement",
                "{\"Statement\": \"UPDATE \\\"$T\\\" SET n3 = 3 WHERE pk = 'a' AND sk = 1 "
                        + "RETURNING ALL NEW *\", \"ReturnConsumedCapacity\": \"TOTAL\"}");
        call(
                "BatchExecuteStatement",
                "{\"Statements\": [{\"Statement\": \"SELECT * FROM \\\"$T\\\" "
                        + "WHERE pk = 'a' AND sk = 1\"}, {\"Statement\": \"SELECT * FROM \\\"$T\\\" WHERE pk = 'a'\"}], "
                        + "\"ReturnConsumedCapacity\": \"INDEXES\"}");
        call(
                "TransactWriteItems",
                "{\"TransactItems\": [{\"Update\": {\"TableName\": \"$T\", \"Key\": " + key
                        + ", \"UpdateExpression\": \"SET n4 = :v\", \"ExpressionAttributeValues\": {\":v\": {\"N\": \"4\"}}}}, "
                        + "{\"Put\": {\"TableName\": \"$T\", \"Item\": {\"pk\": {\"S\": \"t\"}, \"sk\": {\"N\": \"1\"}}}}], "
                        + returns + "}");
        call(
                "ExecuteTransaction",
                "{\"TransactStatements\": [{\"Statement\": \"SELECT * FROM \\\"$T\\\" "
                        + "WHERE pk = 'a' AND sk = 1\"}], \"ReturnConsumedCapacity\": \"TOTAL\"}");
        call(
                "TransactGetItems",
                "{\"TransactItems\": [{\"Get\": {\"TableName\": \"$T\", \"Key\": " + key
                        + "}}, {\"Get\": {\"TableName\": \"$T\", \"Key\": {\"pk\": {\"S\": \"none\"}, \"sk\": {\"N\": \"0\"}}, "
                        + "\"ProjectionExpression\": \"pk\"}}], \"ReturnConsumedCapacity\": \"INDEXES\"}");
        call(
                "DeleteItem",
                "{\"TableName\": \"$T\", \"Key\": " + key + ", \"ReturnValues\": \"ALL_OLD\", " + returns + "}");
        call(
                "UpdateTimeToLive",
                "{\"TableName\": \"$T\", \"TimeToLiveSpecification\": {\"Enabled\": true, "
                        + "\"AttributeName\": \"expires\"}}");
        call("DescribeTimeToLive", "{\"TableName\": \"$T\"}");
        call("UpdateTable", "{\"TableName\": \"$T\", \"DeletionProtectionEnabled\": false}");
        call("TagResource", "{\"ResourceArn\": \"" + arn + "\", \"Tags\": [{\"Key\": \"env\", \"Value\": \"test\"}]}");
        call("ListTagsOfResource", "{\"ResourceArn\": \"" + arn + "\"}");
        call("UntagResource", "{\"ResourceArn\": \"" + arn + "\", \"TagKeys\": [\"env\"]}");
        call("DescribeContinuousBackups", "{\"TableName\": \"$T\"}");
        call(
                "UpdateContinuousBackups",
                "{\"TableName\": \"$T\", \"PointInTimeRecoverySpecification\": "
                        + "{\"PointInTimeRecoveryEnabled\": false}}");
        call("DescribeEndpoints", "{}");
        call("DescribeLimits", "{}");
        call("DeleteTable", "{\"TableName\": \"$T\"}");

        assertThat(mismatches)
                .as("answers that do not hold to DynamoDB's output shapes")
                .isEmpty();
        DynamoDbEndpoint endpoint =
                io.quarkus.arc.Arc.container().instance(DynamoDbEndpoint.class).get();
        assertThat(answered)
                .as("every DynamoDB operation kubedyn serves is called here")
                .containsExactlyInAnyOrderElementsOf(endpoint.operations());
    }
}
