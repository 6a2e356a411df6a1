package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Replicated shards as processes: 2 shards of 3 storage-pod replicas each (a Raft group per
 * shard), the packaged gateway in cluster mode in front, 4 writers with an SDK client that does
 * not retry. kill -9 of a shard's leader: another replica leads and serves writes within 5 s,
 * any request failing meanwhile fails with a retryable error, and every acknowledged write is
 * read back with ConsistentRead. kill -9 of a follower: no request fails at all.
 */
class ReplicatedShardFailoverIT {
    private static final int SHARDS = 2;
    private static final int REPLICAS = 3;

    @TempDir
    Path data;

    private final List<List<StoragePodProcess>> shards = new ArrayList<>();
    private ServerProcess gateway;
    private DynamoDbClient dynamo;

    private record Failure(String id, int status, String code) {
    }

    @BeforeEach
    void startCluster() throws Exception {
        LoopbackPorts ports = new LoopbackPorts();
        List<String> shardAddresses = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            List<StoragePodProcess> replicas = new ArrayList<>();
            List<String> peers = new ArrayList<>();
            for (int r = 0; r < REPLICAS; r++) {
                StoragePodProcess pod = new StoragePodProcess(data.resolve("shard-" + s + "-" + r), s, SHARDS, ports);
                replicas.add(pod);
                peers.add(pod.address() + ":" + ports.next());
            }
            for (int r = 0; r < REPLICAS; r++) {
                replicas.get(r).withProperties(List.of("-Dkubedyn.storage.replication.group=load-" + s,
                        "-Dkubedyn.storage.replication.peers=" + String.join(",", peers),
                        "-Dkubedyn.storage.replication.self=" + replicas.get(r).address()));
            }
            shards.add(replicas);
            shardAddresses.add(String.join("|", replicas.stream().map(StoragePodProcess::address).toList()));
        }
        for (List<StoragePodProcess> replicas : shards) {
            for (StoragePodProcess pod : replicas) {
                pod.launch();
            }
        }
        for (List<StoragePodProcess> replicas : shards) {
            for (StoragePodProcess pod : replicas) {
                pod.awaitReady();
            }
        }
        gateway = new ServerProcess(data.resolve("gateway"), List.of("-Dkubedyn.backend=cluster",
                "-Dkubedyn.cluster.shards=" + String.join(",", shardAddresses),
                "-Dkubedyn.cluster.request-timeout=5s")).start();
        dynamo = DynamoDbClients.at(gateway.endpoint());
        dynamo.createTable(b -> b.tableName("Load")
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .billingMode("PAY_PER_REQUEST"));
    }

    @AfterEach
    void stopCluster() throws Exception {
        if (dynamo != null) {
            dynamo.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        for (List<StoragePodProcess> replicas : shards) {
            for (StoragePodProcess pod : replicas) {
                pod.close();
            }
        }
    }

    @Test
    void leaderKilledUnderFourWritersAnotherLeadsWithinFiveSecondsAndNothingAcknowledgedIsLost() throws Exception {
        Load load = new Load(4);
        try {
            Thread.sleep(1_500);
            StoragePodProcess leader = leaderOf(0);
            long writesBefore = load.acknowledgedOn(0);
            leader.kill();
            long killedAt = System.nanoTime();
            long servedAfter = load.awaitAcknowledgedOn(0, writesBefore + 8, Duration.ofSeconds(10));
            double secondsToServe = (servedAfter - killedAt) / 1e9;
            Thread.sleep(2_000);
            load.stop();

            assertThat(secondsToServe).as("seconds from the leader's kill -9 to a write served by its shard")
                    .isLessThan(5.0);
            assertThat(load.failures).as("requests failing while the shard elects a leader").allSatisfy(f -> {
                assertThat(f.status()).isEqualTo(500);
                assertThat(f.code()).isEqualTo("InternalServerError");
            });
            load.assertEveryAcknowledgedWriteIsRead();
            // The killed replica comes back, catches up from the log, and the shard still serves.
            leader.start();
            dynamo.putItem(b -> b.tableName("Load").item(Map.of("id", AttributeValue.fromS("after-restart"))));
            assertThat(dynamo.getItem(b -> b.tableName("Load").consistentRead(true)
                    .key(Map.of("id", AttributeValue.fromS("after-restart")))).hasItem()).isTrue();
        } finally {
            load.stop();
        }
    }

    @Test
    void followerKilledUnderFourWritersNoRequestFails() throws Exception {
        Load load = new Load(4);
        try {
            Thread.sleep(1_500);
            StoragePodProcess leader = leaderOf(0);
            StoragePodProcess follower = shards.get(0).stream().filter(p -> p != leader).findFirst().orElseThrow();
            long writesBefore = load.acknowledgedOn(0);
            follower.kill();
            load.awaitAcknowledgedOn(0, writesBefore + 200, Duration.ofSeconds(10));
            load.stop();

            assertThat(load.failures).as("failed requests").isEmpty();
            load.assertEveryAcknowledgedWriteIsRead();
        } finally {
            load.stop();
        }
    }

    /** The replica of {@code shard} that has answered writes: its Raft group's leader. */
    private StoragePodProcess leaderOf(int shard) throws Exception {
        StoragePodProcess leader = null;
        for (StoragePodProcess pod : shards.get(shard)) {
            if (pod.requestCount("write") > 0) {
                assertThat(leader).as("only one replica of shard " + shard + " answers writes").isNull();
                leader = pod;
            }
        }
        assertThat(leader).as("the replica of shard " + shard + " answering writes").isNotNull();
        return leader;
    }

    /** Writers putting new items, counting what was acknowledged and what failed. */
    private final class Load {
        final Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
        final Queue<Failure> failures = new ConcurrentLinkedQueue<>();
        final AtomicLong[] acknowledgedByShard = {new AtomicLong(), new AtomicLong()};
        final AtomicLong[] lastAcknowledgedNanos = {new AtomicLong(), new AtomicLong()};
        final AtomicBoolean stop = new AtomicBoolean();
        final ExecutorService writers;
        final List<Future<?>> running = new ArrayList<>();

        Load(int count) {
            writers = Executors.newFixedThreadPool(count);
            for (int w = 0; w < count; w++) {
                int writer = w;
                running.add(writers.submit(() -> {
                    try (DynamoDbClient client = DynamoDbClients.at(gateway.endpoint())) {
                        for (int n = 0; !stop.get(); n++) {
                            String id = "w" + writer + "-" + n;
                            try {
                                client.putItem(b -> b.tableName("Load").item(Map.of("id", AttributeValue.fromS(id),
                                        "n", AttributeValue.fromN(Integer.toString(writer)))));
                                acknowledged.add(id);
                                int shard = EvenShards.shardOf(id, SHARDS);
                                acknowledgedByShard[shard].incrementAndGet();
                                lastAcknowledgedNanos[shard].set(System.nanoTime());
                            } catch (DynamoDbException e) {
                                failures.add(new Failure(id, e.statusCode(), e.awsErrorDetails().errorCode()));
                            }
                        }
                    }
                    return null;
                }));
            }
        }

        long acknowledgedOn(int shard) {
            return acknowledgedByShard[shard].get();
        }

        /** Waits until {@code shard} has acknowledged more than {@code count} writes: when it did. */
        long awaitAcknowledgedOn(int shard, long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (acknowledgedByShard[shard].get() <= count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("shard " + shard + " acknowledged no write in " + timeout);
                }
                Thread.sleep(5);
            }
            return lastAcknowledgedNanos[shard].get();
        }

        void stop() throws Exception {
            stop.set(true);
            for (Future<?> f : running) {
                f.get();
            }
            writers.shutdown();
        }

        void assertEveryAcknowledgedWriteIsRead() {
            assertThat(acknowledged).as("acknowledged writes").hasSizeGreaterThan(100);
            List<String> missing = new ArrayList<>();
            for (String id : acknowledged) {
                if (!dynamo.getItem(b -> b.tableName("Load").consistentRead(true)
                        .key(Map.of("id", AttributeValue.fromS(id)))).hasItem()) {
                    missing.add(id);
                }
            }
            assertThat(missing).as("acknowledged writes not read back").isEmpty();
        }
    }
}
