package io.kubedyn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableNames;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * A table's whole life through the running system, as its users see it: created with the AWS SDK
 * (or with kubectl from the documented example), provisioned by the operator into three shards
 * whose pods the kubelet runs, served through the gateway's routing, and deleted again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TableLifecycleIT {

    /** The resource CreateTable makes for table songs (its shards are named after it). */
    private static final String SONGS = TableNames.resourceName("songs");

    private LoopbackCluster cluster;
    private DynamoDbClient dynamoDb;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new LoopbackCluster(Path.of("target", "e2e", getClass().getSimpleName()), 3, Duration.ofSeconds(10));
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
    void createTableThroughTheSdkBecomesActiveOnThreeShardsAndServesTheSeedWalkthrough() throws Exception {
        CreateTableResponse created = dynamoDb.createTable(b -> b.tableName("songs")
                .attributeDefinitions(attribute("Artist"), attribute("SongTitle"))
                .keySchema(key("Artist", KeyType.HASH), key("SongTitle", KeyType.RANGE))
                .billingMode(BillingMode.PAY_PER_REQUEST));
        assertThat(created.tableDescription().tableStatus()).isEqualTo(TableStatus.CREATING);

        TableDescription active = cluster.awaitActive("songs");
        assertThat(active.keySchema()).containsExactly(key("Artist", KeyType.HASH), key("SongTitle", KeyType.RANGE));
        assertThat(cluster.kubectl().apps().statefulSets().list().getItems())
                .extracting(s -> s.getMetadata().getName())
                .contains(SONGS + "-shard-0", SONGS + "-shard-1", SONGS + "-shard-2");
        assertThat(cluster.kubelet().podNames())
                .contains(SONGS + "-shard-0-0", SONGS + "-shard-1-0", SONGS + "-shard-2-0");

        dynamoDb.putItem(b -> b.tableName("songs")
                .item(Map.of("Artist", s("1000mods"), "SongTitle", s("Vidage"), "Released", n("2011"))));
        dynamoDb.putItem(b -> b.tableName("songs")
                .item(Map.of("Artist", s("1000mods"), "SongTitle", s("Claws"), "Album", s("Vultures"))));
        dynamoDb.putItem(b -> b.tableName("songs").item(Map.of("Artist", s("Kyuss"), "SongTitle", s("Space Cadet"))));
        assertThat(dynamoDb.getItem(b -> b.tableName("songs").key(song("1000mods", "Claws")))
                        .item())
                .isEqualTo(Map.of("Artist", s("1000mods"), "SongTitle", s("Claws"), "Album", s("Vultures")));
        QueryResponse songs = dynamoDb.query(b -> b.tableName("songs")
                .keyConditionExpression("Artist = :a")
                .expressionAttributeValues(Map.of(":a", s("1000mods"))));
        assertThat(songs.items()).extracting(i -> i.get("SongTitle").s()).containsExactly("Claws", "Vidage");
        Map<String, AttributeValue> updated = dynamoDb.updateItem(b -> b.tableName("songs")
                        .key(song("Kyuss", "Space Cadet"))
                        .updateExpression("SET Plays = if_not_exists(Plays, :zero) + :one")
                        .expressionAttributeValues(Map.of(":zero", n("0"), ":one", n("1")))
                        .returnValues("ALL_NEW"))
                .attributes();
        assertThat(updated).containsEntry("Plays", n("1"));
    }

    @Test
    @Order(2)
    void itemsSpreadOverTheThreePodsAndAQueryTouchesOnlyOne() throws Exception {
        Map<String, StoragePodMetrics> pods = new HashMap<>();
        for (int shard = 0; shard < 3; shard++) {
            String pod = SONGS + "-shard-" + shard + "-0";
            pods.put(pod, new StoragePodMetrics(cluster.kubelet().httpEndpoint(pod)));
        }
        Map<String, Long> writesBefore = served(pods, "write");
        for (int artist = 0; artist < 60; artist++) {
            for (int title = 0; title < 5; title++) {
                String a = "artist-" + artist;
                String t = "title-" + title;
                dynamoDb.putItem(b -> b.tableName("songs").item(song(a, t)));
            }
        }
        Map<String, Long> writesAfter = served(pods, "write");
        long total = 0;
        for (String pod : pods.keySet()) {
            long writes = writesAfter.get(pod) - writesBefore.get(pod);
            assertThat(writes).as("writes served by %s", pod).isPositive();
            total += writes;
        }
        assertThat(total).isEqualTo(300);

        List<Map<String, AttributeValue>> scanned = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page =
                    dynamoDb.scan(b -> b.tableName("songs").limit(40).exclusiveStartKey(from));
            scanned.addAll(page.items());
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        assertThat(scanned).hasSize(303);

        Map<String, Long> queriesBefore = served(pods, "query");
        QueryResponse partition = dynamoDb.query(b -> b.tableName("songs")
                .keyConditionExpression("Artist = :a")
                .expressionAttributeValues(Map.of(":a", s("artist-7"))));
        assertThat(partition.items())
                .extracting(i -> i.get("SongTitle").s())
                .containsExactly("title-0", "title-1", "title-2", "title-3", "title-4");
        Map<String, Long> queriesAfter = served(pods, "query");
        assertThat(pods.keySet().stream().filter(p -> queriesAfter.get(p) > queriesBefore.get(p)))
                .as("pods that served the one-partition query")
                .hasSize(1);
    }

    @Test
    @Order(3)
    void theDocumentedTableAppliedWithKubectlIsServedThroughTheSdk() throws Exception {
        try (InputStream yaml = Files.newInputStream(Path.of("..", "docs", "examples", "music-table.yaml"))) {
            cluster.kubectl().resources(Table.class).load(yaml).create();
        }
        TableDescription music = cluster.awaitActive("music");
        assertThat(music.attributeDefinitions()).containsExactlyInAnyOrder(attribute("Artist"), attribute("SongTitle"));
        assertThat(dynamoDb.listTables().tableNames()).containsExactly("music", "songs");

        dynamoDb.putItem(b -> b.tableName("music").item(song("No One You Know", "Call Me Today")));
        assertThat(dynamoDb.getItem(b -> b.tableName("music").key(song("No One You Know", "Call Me Today")))
                        .hasItem())
                .isTrue();
        assertThat(dynamoDb.getItem(b -> b.tableName("songs").key(song("No One You Know", "Call Me Today")))
                        .hasItem())
                .as("an item of music is not in songs")
                .isFalse();
    }

    @Test
    @Order(4)
    void aGlobalIndexAddedWithUpdateTableIsBackfilledAndFedAcrossTheThreePods() throws Exception {
        dynamoDb.updateTable(b -> b.tableName("songs")
                .attributeDefinitions(attribute("SongTitle"))
                .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName("ByTitle")
                        .keySchema(key("SongTitle", KeyType.HASH), key("Artist", KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)))));
        // The pods get the new definition (and roll); each backfills its items into the index,
        // whose entries go to the pod owning each title's hash.
        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> dynamoDb.describeTable(b -> b.tableName("songs"))
                                .table()
                                .globalSecondaryIndexes()
                                .get(0)
                                .indexStatus()
                        == IndexStatus.ACTIVE);
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(dynamoDb.query(b -> b.tableName("songs")
                                        .indexName("ByTitle")
                                        .keyConditionExpression("SongTitle = :t")
                                        .expressionAttributeValues(Map.of(":t", s("title-3"))))
                                .items())
                        .as("title-3 of the 60 artists, whose items live on all three pods")
                        .hasSize(60));
        dynamoDb.putItem(b -> b.tableName("songs").item(song("artist-99", "title-3")));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(dynamoDb.query(b -> b.tableName("songs")
                                        .indexName("ByTitle")
                                        .keyConditionExpression("SongTitle = :t")
                                        .expressionAttributeValues(Map.of(":t", s("title-3"))))
                                .items())
                        .hasSize(61));
    }

    @Test
    @Order(5)
    void deleteTableThroughTheSdkRemovesTheTableItsShardsAndTheirPods() {
        dynamoDb.deleteTable(b -> b.tableName("songs"));
        cluster.awaitGone("songs");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(cluster.kubectl().resources(Table.class).withName(SONGS).get())
                    .isNull();
            assertThat(cluster.kubectl().apps().statefulSets().list().getItems())
                    .extracting(StatefulSet::getMetadata)
                    .extracting(m -> m.getName())
                    .containsExactlyInAnyOrder("music-shard-0", "music-shard-1", "music-shard-2");
            assertThat(cluster.kubelet().podNames())
                    .containsExactly("music-shard-0-0", "music-shard-1-0", "music-shard-2-0");
        });
        assertThat(dynamoDb.listTables().tableNames()).containsExactly("music");
        assertThat(dynamoDb.getItem(b -> b.tableName("music").key(song("No One You Know", "Call Me Today")))
                        .hasItem())
                .as("the other table is untouched")
                .isTrue();
    }

    /**
     * The gateway checks who calls, as the chart runs it: a wrong secret or an unknown key is
     * refused, and a key its access policy limits to one table reads and writes that table on
     * the storage pods and is refused every other, with nothing done.
     */
    @Test
    @Order(6)
    void aWrongKeyIsRefusedAndAKeyLimitedToOneTableCannotReadAnother() {
        String limited = LoopbackCluster.LIMITED_TABLE;
        dynamoDb.createTable(b -> b.tableName(limited)
                .attributeDefinitions(attribute("Artist"), attribute("SongTitle"))
                .keySchema(key("Artist", KeyType.HASH), key("SongTitle", KeyType.RANGE))
                .billingMode(BillingMode.PAY_PER_REQUEST));
        cluster.awaitActive(limited);
        try (DynamoDbClient limitedKey =
                        cluster.dynamoDbSigningWith(LoopbackCluster.LIMITED_KEY, LoopbackCluster.LIMITED_SECRET);
                DynamoDbClient wrongSecret = cluster.dynamoDbSigningWith("e2e", "not-the-secret");
                DynamoDbClient stranger = cluster.dynamoDbSigningWith("AKIDSTRANGER", "e2e")) {
            limitedKey.putItem(b -> b.tableName(limited).item(song("Kyuss", "Gardenia")));
            assertThat(limitedKey
                            .getItem(b -> b.tableName(limited).key(song("Kyuss", "Gardenia")))
                            .hasItem())
                    .isTrue();

            assertThatThrownBy(() ->
                            limitedKey.getItem(b -> b.tableName("music").key(song("No One You Know", "Call Me Today"))))
                    .isInstanceOfSatisfying(
                            software.amazon.awssdk.services.dynamodb.model.DynamoDbException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"))
                    .hasMessageContaining("User: arn:aws:iam::000000000000:user/" + LoopbackCluster.LIMITED_KEY
                            + " is not authorized to perform: dynamodb:GetItem on resource:"
                            + " arn:aws:dynamodb:us-east-1:000000000000:table/music");
            assertThatThrownBy(() -> limitedKey.deleteItem(
                            b -> b.tableName("music").key(song("No One You Know", "Call Me Today"))))
                    .isInstanceOfSatisfying(
                            software.amazon.awssdk.services.dynamodb.model.DynamoDbException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"))
                    .hasMessageContaining("is not authorized to perform: dynamodb:DeleteItem");
            assertThatThrownBy(() -> wrongSecret.deleteTable(b -> b.tableName(limited)))
                    .hasMessageContaining("The request signature we calculated does not match");
            assertThatThrownBy(() -> stranger.deleteTable(b -> b.tableName(limited)))
                    .hasMessageContaining("The security token included in the request is invalid.");
        }
        assertThat(dynamoDb.getItem(b -> b.tableName("music").key(song("No One You Know", "Call Me Today")))
                        .hasItem())
                .as("nothing refused was done")
                .isTrue();
        assertThat(dynamoDb.listTables().tableNames()).containsExactly(limited, "music");
    }

    /**
     * Internal TLS as the chart runs it: a storage pod talks gRPC only to a caller holding a
     * certificate of the operator's authority (here the gateway's); anyone else reaching its
     * port is refused. (Who may change a Raft group's voters: {@code ReplicatedShardIT}.)
     */
    @Test
    @Order(7)
    void aProcessWithoutTheInternalCertificateCannotTalkToAPod() throws Exception {
        String pod = "music-shard-0-0";
        String host = cluster.kubelet().address(pod);
        int grpc = cluster.kubelet().port(pod, "grpc");
        Path gateway = cluster.gatewayCertificates();
        assertThat(PodConnection.grpcAnswers(host, grpc, gateway, PodConnection.Caller.PLAIN_TEXT))
                .as("gRPC in plain text")
                .isFalse();
        assertThat(PodConnection.grpcAnswers(host, grpc, gateway, PodConnection.Caller.TLS_WITHOUT_CERTIFICATE))
                .as("gRPC over TLS without a certificate")
                .isFalse();
        assertThat(PodConnection.grpcAnswers(host, grpc, gateway, PodConnection.Caller.TLS_WITH_CERTIFICATE))
                .as("gRPC with the gateway's certificate")
                .isTrue();

        assertThat(dynamoDb.getItem(b -> b.tableName("music").key(song("No One You Know", "Call Me Today")))
                        .hasItem())
                .isTrue();
    }

    private static Map<String, Long> served(Map<String, StoragePodMetrics> pods, String operation) throws Exception {
        Map<String, Long> served = new HashMap<>();
        for (Map.Entry<String, StoragePodMetrics> pod : pods.entrySet()) {
            served.put(pod.getKey(), pod.getValue().served(operation));
        }
        return served;
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static Map<String, AttributeValue> song(String artist, String title) {
        return Map.of("Artist", s(artist), "SongTitle", s(title));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }
}
