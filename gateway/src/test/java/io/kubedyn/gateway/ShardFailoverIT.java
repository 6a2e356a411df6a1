package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * kill -9 of one of three storage pods in the middle of a write load, with the packaged gateway
 * in cluster mode in front: nothing acknowledged is lost, the dead shard's keys fail with a
 * retryable error while it is down and work again once it is back, the other shards never
 * stop serving, and the table's stream holds one record for exactly each write that happened.
 */
class ShardFailoverIT {
    private static final int SHARDS = 3;
    private static final int VICTIM = 1;

    @TempDir
    Path data;

    private static int shardOf(String id) {
        return EvenShards.shardOf(id, SHARDS);
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("id", AttributeValue.fromS(id));
    }

    private record Failure(String id, int status, String code) {}

    @Test
    void acknowledgedWritesSurviveKillNineOfAShardAndOnlyThatShardsKeysFailRetryablyMeanwhile() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try (PackagedCluster cluster = new PackagedCluster(data, SHARDS)) {
            List<StoragePodProcess> pods = cluster.pods;
            ServerProcess gateway = cluster.gateway();
            DynamoDbClient dynamo = cluster.dynamo;
            cluster.createTable("Load");
            dynamo.updateTable(b -> b.tableName("Load")
                    .streamSpecification(st -> st.streamEnabled(true).streamViewType("NEW_IMAGE")));

            Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
            Queue<Failure> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean victimDown = new AtomicBoolean();
            AtomicInteger othersServedWhileDown = new AtomicInteger();
            AtomicBoolean victimBack = new AtomicBoolean();
            AtomicInteger victimServedWhenBack = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<?>> load = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                load.add(writers.submit(() -> {
                    try (DynamoDbClient client = DynamoDbClients.at(gateway.endpoint())) {
                        for (int n = 0; n < 20_000 && !stop.get(); n++) {
                            String id = "w" + writer + "-" + n;
                            boolean down = victimDown.get();
                            try {
                                client.putItem(b -> b.tableName("Load")
                                        .item(Map.of(
                                                "id",
                                                AttributeValue.fromS(id),
                                                "n",
                                                AttributeValue.fromN(Integer.toString(writer)))));
                                acknowledged.add(id);
                                if (down && victimDown.get() && shardOf(id) != VICTIM) {
                                    othersServedWhileDown.incrementAndGet();
                                }
                                if (victimBack.get() && shardOf(id) == VICTIM) {
                                    victimServedWhenBack.incrementAndGet();
                                }
                            } catch (DynamoDbException e) {
                                failures.add(new Failure(
                                        id, e.statusCode(), e.awsErrorDetails().errorCode()));
                            }
                        }
                    }
                    return null;
                }));
            }

            Thread.sleep(1_500);
            pods.get(VICTIM).kill();
            victimDown.set(true);
            String victimKey = firstIdOn(VICTIM);
            DynamoDbException whileDown = null;
            try {
                dynamo.getItem(b -> b.tableName("Load").key(key(victimKey)));
            } catch (DynamoDbException e) {
                whileDown = e;
            }
            Thread.sleep(2_000);
            victimDown.set(false);
            pods.get(VICTIM).start();
            victimBack.set(true);
            Thread.sleep(1_500);
            stop.set(true);
            for (Future<?> f : load) {
                f.get();
            }

            assertThat(whileDown).as("a read of the dead shard's key fails").isNotNull();
            assertThat(whileDown.statusCode()).isEqualTo(500);
            // HTTP 500 InternalServerError is in every AWS SDK's retryable set.
            assertThat(whileDown.awsErrorDetails().errorCode()).isEqualTo("InternalServerError");
            assertThat(othersServedWhileDown.get())
                    .as("writes to the other shards while one is down")
                    .isPositive();
            assertThat(failures).as("failed writes").isNotEmpty().allSatisfy(f -> {
                assertThat(shardOf(f.id())).isEqualTo(VICTIM);
                assertThat(f.status()).isEqualTo(500);
                assertThat(f.code()).isEqualTo("InternalServerError");
            });
            assertThat(acknowledged.stream().filter(id -> shardOf(id) == VICTIM).count())
                    .as("acknowledged writes on the victim shard")
                    .isPositive();
            assertThat(victimServedWhenBack.get())
                    .as("writes to the victim shard once it is back")
                    .isPositive();

            // Back up: the victim's range serves again, and every acknowledged write is there.
            awaitServing(dynamo, victimKey);
            for (String id : acknowledged) {
                Map<String, AttributeValue> item =
                        dynamo.getItem(b -> b.tableName("Load").key(key(id))).item();
                if (!item.containsKey("id")) {
                    fail("acknowledged write " + id + " (shard " + shardOf(id) + ") is lost");
                }
            }

            // The stream: one INSERT for each item that was written, none for a write that did
            // not happen, none twice, across the crash of the victim's pod.
            Set<String> stored = new HashSet<>();
            dynamo.scanPaginator(b -> b.tableName("Load").consistentRead(true))
                    .items()
                    .forEach(item -> stored.add(item.get("id").s()));
            List<String> recorded = new ArrayList<>();
            try (DynamoDbStreamsClient streams = DynamoDbClients.streamsAt(gateway.endpoint())) {
                String arn =
                        dynamo.describeTable(b -> b.tableName("Load")).table().latestStreamArn();
                var shards = streams.describeStream(b -> b.streamArn(arn))
                        .streamDescription()
                        .shards();
                assertThat(shards).as("one stream shard per storage shard").hasSize(SHARDS);
                for (var shard : shards) {
                    String iterator = streams.getShardIterator(b -> b.streamArn(arn)
                                    .shardId(shard.shardId())
                                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                            .shardIterator();
                    while (iterator != null) {
                        String at = iterator;
                        var page = streams.getRecords(b -> b.shardIterator(at));
                        page.records().forEach(r -> {
                            assertThat(r.eventName()).isEqualTo(OperationType.INSERT);
                            recorded.add(r.dynamodb().keys().get("id").s());
                        });
                        iterator = page.records().isEmpty() ? null : page.nextShardIterator();
                    }
                }
            }
            assertThat(recorded).as("one record per item written, none twice").doesNotHaveDuplicates();
            assertThat(new HashSet<>(recorded))
                    .as("records for exactly the writes that happened")
                    .isEqualTo(stored);
        } finally {
            writers.shutdownNow();
        }
    }

    private static String firstIdOn(int shard) {
        for (int i = 0; ; i++) {
            if (shardOf("probe-" + i) == shard) {
                return "probe-" + i;
            }
        }
    }

    private static void awaitServing(DynamoDbClient dynamo, String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (true) {
            try {
                dynamo.getItem(b -> b.tableName("Load").key(key(id)));
                return;
            } catch (DynamoDbException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
