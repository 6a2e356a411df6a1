package io.kubedyn.gateway;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Tests against the running server through the real AWS SDK v2 over HTTP. Each test gets its
 * own table names, so tests share one server without seeing each other's data.
 *
 * <p>The same tests run twice (see the gateway pom): on the embedded backend, and on the
 * cluster backend in front of three storage-pod processes ({@link ShardedStoragePods}).
 */
@WithTestResource(value = ShardedStoragePods.class, scope = TestResourceScope.GLOBAL)
abstract class EmbeddedServerTest {
    protected DynamoDbClient dynamo;
    protected String table;

    @BeforeEach
    void connect() {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        dynamo = DynamoDbClients.at(URI.create("http://127.0.0.1:" + port));
        table = "t-" + UUID.randomUUID();
    }

    @AfterEach
    void disconnect() {
        dynamo.close();
    }

    protected URI endpoint() {
        return URI.create(
                "http://127.0.0.1:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class));
    }

    /**
     * A DynamoDB call of {@code operation} (none when null) sent by hand, with an Authorization
     * header of SigV4's form: the embedded server takes any credentials, as DynamoDB Local does.
     */
    protected java.net.http.HttpRequest.Builder signedCall(String operation, String body) {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(endpoint())
                .header("Content-Type", "application/x-amz-json-1.0")
                .header(
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=any/20261130/us-east-1/dynamodb/"
                                + "aws4_request, SignedHeaders=host;x-amz-date, Signature=0")
                .header("X-Amz-Date", "20261130T000000Z")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (operation != null) {
            request.header("X-Amz-Target", "DynamoDB_20120810." + operation);
        }
        return request;
    }

    /** A table keyed by partition key {@code pk} and, if given, sort key {@code sk}. */
    protected void createTable(
            String name, String pk, ScalarAttributeType pkType, String sk, ScalarAttributeType skType) {
        dynamo.createTable(b -> {
            b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST);
            if (sk == null) {
                b.attributeDefinitions(a -> a.attributeName(pk).attributeType(pkType))
                        .keySchema(k -> k.attributeName(pk).keyType(KeyType.HASH));
            } else {
                b.attributeDefinitions(
                                a -> a.attributeName(pk).attributeType(pkType),
                                a -> a.attributeName(sk).attributeType(skType))
                        .keySchema(
                                k -> k.attributeName(pk).keyType(KeyType.HASH),
                                k -> k.attributeName(sk).keyType(KeyType.RANGE));
            }
        });
    }

    protected void createMusicTable() {
        createTable(table, "Artist", ScalarAttributeType.S, "SongTitle", ScalarAttributeType.S);
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }

    static Map<String, AttributeValue> song(String artist, String title) {
        return Map.of("Artist", s(artist), "SongTitle", s(title));
    }
}
