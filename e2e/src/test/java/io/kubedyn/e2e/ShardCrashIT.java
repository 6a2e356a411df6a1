package io.kubedyn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * A storage pod killed with SIGKILL under a write load, in the running system: its keys fail
 * with DynamoDB's retryable InternalServerError while the other shards keep serving, the
 * operator reports the table Degraded, the kubelet restarts the pod after its back-off, and
 * then every acknowledged write is readable and the table is Ready again. And a pod replaced
 * (deleted and created again, at a new address, as in a rolling update) is served again within
 * seconds of being ready.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardCrashIT {
    private static final String TABLE = "orders";
    private static final String VICTIM = TableNames.resourceName(TABLE) + "-shard-1-0";
    private static final String DEGRADED = io.kubedyn.crd.TableStatus.PHASE_DEGRADED;
    private static final String READY = io.kubedyn.crd.TableStatus.PHASE_READY;

    private LoopbackCluster cluster;
    private DynamoDbClient dynamoDb;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new LoopbackCluster(Path.of("target", "e2e", getClass().getSimpleName()), 3, Duration.ofSeconds(10));
        dynamoDb = cluster.dynamoDb();
        dynamoDb.createTable(b -> b.tableName(TABLE)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName("OrderId")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(KeySchemaElement.builder()
                        .attributeName("OrderId")
                        .keyType(KeyType.HASH)
                        .build())
                .billingMode("PAY_PER_REQUEST"));
        cluster.awaitActive(TABLE);
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aKilledPodsRangeFailsRetryablyOthersServeAndNoAcknowledgedWriteIsLost() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> failed = ConcurrentHashMap.newKeySet();
        List<String> wrongErrors = new CopyOnWriteArrayList<>();
        AtomicInteger servedWhileDown = new AtomicInteger();
        AtomicBoolean victimDown = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        List<Future<?>> running = new ArrayList<>();
        try (DynamoDbClient raw = cluster.dynamoDbWithoutRetries()) {
            for (int w = 0; w < 4; w++) {
                int writer = w;
                running.add(writers.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String key = "order-" + writer + "-" + i;
                        try {
                            raw.putItem(b -> b.tableName(TABLE)
                                    .item(Map.of(
                                            "OrderId",
                                            AttributeValue.fromS(key),
                                            "Writer",
                                            AttributeValue.fromN(Integer.toString(writer)))));
                            acknowledged.add(key);
                            if (victimDown.get()) {
                                servedWhileDown.incrementAndGet();
                            }
                        } catch (AwsServiceException e) {
                            failed.add(key);
                            if (e.statusCode() != 500
                                    || !"InternalServerError"
                                            .equals(e.awsErrorDetails().errorCode())) {
                                wrongErrors.add(key + ": " + e.statusCode() + " "
                                        + e.awsErrorDetails().errorCode() + " " + e.getMessage());
                            }
                        }
                    }
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 200);

            cluster.kubelet().kill(VICTIM);
            victimDown.set(true);
            int failedBefore = failed.size();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(phase()).isEqualTo(DEGRADED));
            await().atMost(Duration.ofSeconds(10)).until(() -> failed.size() > failedBefore + 10);
            String refused = failed.iterator().next();
            assertThatThrownBy(() -> dynamoDb.putItem(
                            b -> b.tableName(TABLE).item(Map.of("OrderId", AttributeValue.fromS(refused)))))
                    .as("a user's client retries the InternalServerError, as it would DynamoDB's")
                    .isInstanceOfSatisfying(
                            AwsServiceException.class,
                            e -> assertThat(e.numAttempts()).isEqualTo(3));
            assertThat(dynamoDb.describeTable(b -> b.tableName(TABLE)).table().tableStatus())
                    .as("a table with a shard down is still ACTIVE, as DynamoDB's is during a partition failure")
                    .isEqualTo(TableStatus.ACTIVE);

            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.kubelet().isReady(VICTIM));
            victimDown.set(false);
            assertThat(cluster.kubelet().restarts(VICTIM)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(phase()).isEqualTo(READY));
            // Once the pod is back, its range is served again: the gateway reconnects on its own.
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ZERO)
                    .until(() -> nothingFailsFor(Duration.ofSeconds(2), failed, acknowledged));
        } finally {
            stop.set(true);
            for (Future<?> writer : running) {
                writer.get(30, TimeUnit.SECONDS);
            }
            writers.shutdown();
        }

        assertThat(wrongErrors)
                .as("failures that were not an InternalServerError (HTTP 500)")
                .isEmpty();
        assertThat(servedWhileDown.get())
                .as("writes the other shards acknowledged while one was down")
                .isPositive();
        List<String> lost = new ArrayList<>();
        for (String key : acknowledged) {
            if (!dynamoDb.getItem(b -> b.tableName(TABLE).key(Map.of("OrderId", AttributeValue.fromS(key))))
                    .hasItem()) {
                lost.add(key);
            }
        }
        assertThat(lost)
                .as("acknowledged writes missing after the restart (of %d)", acknowledged.size())
                .isEmpty();
    }

    @Test
    @Order(2)
    void aPodReplacedAtANewAddressIsServedAgainWithinSecondsOfBeingReady() throws Exception {
        for (int i = 0; i < 30; i++) {
            String key = "before-replacement-" + i;
            dynamoDb.putItem(b -> b.tableName(TABLE).item(Map.of("OrderId", AttributeValue.fromS(key))));
        }
        String oldAddress = cluster.kubelet().address(VICTIM);
        cluster.kubelet().deletePod(VICTIM);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> cluster.kubelet().isReady(VICTIM)
                        && !cluster.kubelet().address(VICTIM).equals(oldAddress));
        long readyAt = System.nanoTime();
        try (DynamoDbClient raw = cluster.dynamoDbWithoutRetries()) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> allWritesSucceed(raw));
        }
        Duration recovery = Duration.ofNanos(System.nanoTime() - readyAt);
        System.out.printf(
                "replaced pod %s: all shards served again %d ms after it was ready%n", VICTIM, recovery.toMillis());
        // A headless Service's DNS answer changes when a pod is replaced; cluster DNS caches it
        // for 5 s. The gateway must follow within a few seconds, not a JVM DNS cache's 30 s.
        assertThat(recovery)
                .as("time from the new pod's readiness to all shards serving again")
                .isLessThan(Duration.ofSeconds(15));
        for (int i = 0; i < 30; i++) {
            String key = "before-replacement-" + i;
            assertThat(dynamoDb.getItem(b -> b.tableName(TABLE).key(Map.of("OrderId", AttributeValue.fromS(key))))
                            .hasItem())
                    .as("%s, written before the pod was replaced (its volume stays)", key)
                    .isTrue();
        }
    }

    /** 30 writes, which land on every shard, all acknowledged. */
    private static boolean allWritesSucceed(DynamoDbClient raw) {
        try {
            for (int i = 0; i < 30; i++) {
                String key = "after-replacement-" + i;
                raw.putItem(b -> b.tableName(TABLE).item(Map.of("OrderId", AttributeValue.fromS(key))));
            }
            return true;
        } catch (AwsServiceException e) {
            return false;
        }
    }

    /** True when writes were acknowledged and none failed for a while. */
    private static boolean nothingFailsFor(Duration window, Set<String> failed, Set<String> acknowledged)
            throws InterruptedException {
        int failures = failed.size();
        int acknowledgements = acknowledged.size();
        Thread.sleep(window.toMillis());
        return failed.size() == failures && acknowledged.size() > acknowledgements;
    }

    private String phase() {
        Table table = cluster.kubectl()
                .resources(Table.class)
                .withName(TableNames.resourceName(TABLE))
                .get();
        return table == null || table.getStatus() == null
                ? null
                : table.getStatus().getPhase();
    }
}
