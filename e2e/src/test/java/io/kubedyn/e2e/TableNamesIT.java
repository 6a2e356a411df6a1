package io.kubedyn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableStatus;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Table names as DynamoDB users write them, on Kubernetes: any valid DynamoDB name through the
 * AWS SDK, and a manifest written for AWS Controllers for Kubernetes applied with only its
 * apiVersion changed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TableNamesIT {
    /** Valid DynamoDB names that are no Kubernetes names; Music and music are two tables. */
    private static final List<String> NAMES = List.of("Music", "Orders_v2", "app.events", "music");

    private LoopbackCluster cluster;
    private DynamoDbClient dynamoDb;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new LoopbackCluster(Path.of("target", "e2e", getClass().getSimpleName()), 1, Duration.ofSeconds(10));
        dynamoDb = cluster.dynamoDb();
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void tablesNamedAsDynamoDbAllowsAreCreatedServedListedAndDeletedByTheirNames() {
        for (String name : NAMES) {
            dynamoDb.createTable(b -> b.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            a -> a.attributeName("Artist").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("SongTitle").attributeType(ScalarAttributeType.S))
                    .keySchema(
                            k -> k.attributeName("Artist").keyType(KeyType.HASH),
                            k -> k.attributeName("SongTitle").keyType(KeyType.RANGE)));
        }
        for (String name : NAMES) {
            assertThat(cluster.awaitActive(name).tableName()).isEqualTo(name);
        }
        for (String name : NAMES) {
            for (int i = 0; i < 3; i++) {
                String title = name + " song " + i;
                dynamoDb.putItem(b -> b.tableName(name).item(Map.of("Artist", s("Kyuss"), "SongTitle", s(title))));
            }
        }
        for (String name : NAMES) {
            assertThat(dynamoDb.query(b -> b.tableName(name)
                                    .keyConditionExpression("Artist = :a")
                                    .expressionAttributeValues(Map.of(":a", s("Kyuss"))))
                            .items())
                    .as("table %s holds its own items only", name)
                    .extracting(item -> item.get("SongTitle").s())
                    .containsExactly(name + " song 0", name + " song 1", name + " song 2");
            assertThat(dynamoDb.describeTable(b -> b.tableName(name)).table().tableName())
                    .isEqualTo(name);
        }
        assertThat(dynamoDb.listTables().tableNames()).containsExactly("Music", "Orders_v2", "app.events", "music");
        assertThat(cluster.kubectl().resources(Table.class).list().getItems())
                .extracting(t -> t.getSpec().getTableName())
                .containsExactlyInAnyOrderElementsOf(NAMES);

        for (String name : NAMES) {
            dynamoDb.deleteTable(b -> b.tableName(name));
        }
        for (String name : NAMES) {
            cluster.awaitGone(name);
        }
        assertThat(dynamoDb.listTables().tableNames()).isEmpty();
    }

    @Test
    @Order(2)
    void anAckManifestWithOnlyItsApiVersionChangedIsServedUnderItsTableName() throws Exception {
        try (InputStream yaml = Files.newInputStream(Path.of("..", "docs", "examples", "ack-table.yaml"))) {
            cluster.kubectl().resources(Table.class).load(yaml).create();
        }
        assertThat(cluster.awaitActive("carts-ack").keySchema())
                .singleElement()
                .satisfies(k -> assertThat(k.attributeName()).isEqualTo("id"));
        assertThat(dynamoDb.listTables().tableNames()).containsExactly("carts-ack");
        dynamoDb.putItem(b -> b.tableName("carts-ack").item(Map.of("id", s("cart-1"), "customerId", s("c-7"))));
        assertThat(dynamoDb.getItem(b -> b.tableName("carts-ack").key(Map.of("id", s("cart-1"))))
                        .item())
                .containsEntry("customerId", s("c-7"));
        assertThatThrownBy(() -> dynamoDb.getItem(b -> b.tableName("items").key(Map.of("id", s("cart-1")))))
                .as("the resource name is no table name")
                .isInstanceOf(DynamoDbException.class);

        Table items = cluster.kubectl().resources(Table.class).withName("items").get();
        assertThat(items.getStatus().getPhase()).isEqualTo(TableStatus.PHASE_READY);
        assertThat(items.getStatus().getTableName()).isEqualTo("carts-ack");
        assertThat(items.getStatus().getShardsByReplicas()).isEqualTo("1x1");
        Condition served = items.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("SpecServed"))
                .findFirst()
                .orElseThrow();
        assertThat(served.getStatus()).as(served.getMessage()).isEqualTo("True");
        // The manifest's global secondary index is served, fed from the shard's change log.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(dynamoDb.query(b -> b.tableName("carts-ack")
                                        .indexName("idx_global_customerId")
                                        .keyConditionExpression("customerId = :c")
                                        .expressionAttributeValues(Map.of(":c", s("c-7"))))
                                .items())
                        .extracting(item -> item.get("id"))
                        .containsExactly(s("cart-1")));
        assertThat(items.getSpec().getTags())
                .extracting(t -> t.getKey() + "=" + t.getValue())
                .containsExactly("team=carts");
        // The manifest's stream is served: the put above is its first record.
        var described = dynamoDb.describeTable(b -> b.tableName("carts-ack")).table();
        assertThat(described.streamSpecification().streamViewTypeAsString()).isEqualTo("NEW_AND_OLD_IMAGES");
        assertThat(items.getStatus().getLatestStreamArn())
                .as("kubectl's view of the stream")
                .isEqualTo(described.latestStreamArn());
        try (var streams = cluster.dynamoDbStreams()) {
            var shard = streams.describeStream(b -> b.streamArn(described.latestStreamArn()))
                    .streamDescription()
                    .shards()
                    .get(0);
            String iterator = streams.getShardIterator(b -> b.streamArn(described.latestStreamArn())
                            .shardId(shard.shardId())
                            .shardIteratorType("TRIM_HORIZON"))
                    .shardIterator();
            assertThat(streams.getRecords(b -> b.shardIterator(iterator)).records())
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.eventNameAsString()).isEqualTo("INSERT");
                        assertThat(r.dynamodb().newImage()).containsEntry("customerId", s("c-7"));
                    });
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(cluster.kubectl()
                                .resources(Table.class)
                                .withName("items")
                                .get()
                                .getStatus()
                                .getItemCount())
                        .as("kubectl get's ITEMS, read from the shard's pod")
                        .isEqualTo(1L));
        // The manifest's Time to Live is served: an item whose expiry is past goes within a minute.
        var ttl = dynamoDb.describeTimeToLive(b -> b.tableName("carts-ack")).timeToLiveDescription();
        assertThat(ttl.timeToLiveStatusAsString()).isEqualTo("ENABLED");
        assertThat(ttl.attributeName()).isEqualTo("expiresAt");
        String past = Long.toString(Instant.now().getEpochSecond() - 60);
        dynamoDb.putItem(b -> b.tableName("carts-ack")
                .item(Map.of(
                        "id", s("cart-expired"), "customerId", s("c-8"), "expiresAt", AttributeValue.fromN(past))));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(dynamoDb.getItem(
                                        b -> b.tableName("carts-ack").key(Map.of("id", s("cart-expired"))))
                                .hasItem())
                        .isFalse());
    }

    @Test
    @Order(3)
    void aSecondTableClaimingTheNameFailsAndTheFirstKeepsServing() throws Exception {
        Table copy;
        try (InputStream yaml = Files.newInputStream(Path.of("..", "docs", "examples", "ack-table.yaml"))) {
            copy = cluster.kubectl().resources(Table.class).load(yaml).item();
        }
        copy.getMetadata().setName("items-copy");
        cluster.kubectl().resources(Table.class).resource(copy).create();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Table failed = cluster.kubectl()
                    .resources(Table.class)
                    .withName("items-copy")
                    .get();
            assertThat(failed.getStatus()).isNotNull();
            assertThat(failed.getStatus().getPhase()).isEqualTo(TableStatus.PHASE_FAILED);
            assertThat(failed.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getReason()).isEqualTo("TableNameInUse");
                assertThat(c.getMessage()).contains("table name carts-ack is held by Table items");
            });
        });
        assertThat(cluster.kubelet().podNames()).noneMatch(pod -> pod.startsWith("items-copy"));
        assertThat(dynamoDb.getItem(b -> b.tableName("carts-ack").key(Map.of("id", s("cart-1"))))
                        .item())
                .containsEntry("customerId", s("c-7"));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
