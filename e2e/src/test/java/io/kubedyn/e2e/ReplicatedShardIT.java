package io.kubedyn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.crd.AttributeDefinition;
import io.kubedyn.crd.DeletionPolicy;
import io.kubedyn.crd.KeySchemaElement;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A Table with {@code replicasPerShard: 3} on 2 shards, in the running system (operator,
 * gateway, the stand-in kubelet running every replica as a storage-pod process): each shard is
 * a StatefulSet of 3 pods forming one Raft group. kill -9 of a shard's leader under 4 writers:
 * another replica serves writes within 5 s, requests failing meanwhile fail retryably, every
 * acknowledged write is read back with ConsistentRead, a stream reader resumes on the new leader
 * right after the last record it read, and the killed pod, restarted by the kubelet, rejoins.
 * kill -9 of a follower: no request fails. A replica whose volume is wiped is sent a snapshot
 * (a RocksDB checkpoint; its peers' logs no longer hold the early entries), loads it, catches up,
 * and alone serves eventually consistent reads of every item. A write that never reached a
 * majority is never read from any replica.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicatedShardIT {
    private static final String TABLE = "ledger";
    private static final int SHARDS = 2;
    private static final int REPLICAS = 3;

    private LoopbackCluster cluster;
    private DynamoDbClient dynamoDb;

    private record Failure(String id, int status, String code) {}

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new LoopbackCluster(Path.of("target", "e2e", getClass().getSimpleName()), 1, Duration.ofSeconds(2));
        dynamoDb = cluster.dynamoDb();
        Table table = new Table();
        table.setMetadata(new ObjectMetaBuilder()
                .withName(TABLE)
                .withNamespace(LoopbackCluster.NAMESPACE)
                .build());
        TableSpec spec = new TableSpec();
        spec.setAttributeDefinitions(List.of(new AttributeDefinition("id", "S")));
        spec.setKeySchema(List.of(new KeySchemaElement("id", "HASH")));
        spec.setShards(SHARDS);
        spec.setReplicasPerShard(REPLICAS);
        spec.setDeletionPolicy(DeletionPolicy.DELETE);
        io.kubedyn.crd.StreamSpecification stream = new io.kubedyn.crd.StreamSpecification();
        stream.setStreamEnabled(true);
        stream.setStreamViewType("KEYS_ONLY");
        spec.setStreamSpecification(stream);
        table.setSpec(spec);
        cluster.kubectl().resources(Table.class).resource(table).create();
        cluster.awaitActive(TABLE);
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int shardOf(String id) {
        long hash =
                PrimaryKey.of(new io.kubedyn.core.AttributeValue.S(id), null).hash();
        return HashRange.segment(0, SHARDS).contains(hash) ? 0 : 1;
    }

    private static String pod(int shard, int replica) {
        return TABLE + "-shard-" + shard + "-" + replica;
    }

    @Test
    @Order(1)
    void eachShardIsAStatefulSetOfThreeReplicasOfOneRaftGroupWhoseLeaderTheStatusShows() {
        for (int shard = 0; shard < SHARDS; shard++) {
            StatefulSet statefulSet = cluster.kubectl()
                    .apps()
                    .statefulSets()
                    .inNamespace(LoopbackCluster.NAMESPACE)
                    .withName(TABLE + "-shard-" + shard)
                    .get();
            assertThat(statefulSet.getSpec().getReplicas()).isEqualTo(REPLICAS);
            for (int replica = 0; replica < REPLICAS; replica++) {
                assertThat(cluster.kubelet().isReady(pod(shard, replica)))
                        .as(pod(shard, replica))
                        .isTrue();
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            io.kubedyn.crd.TableStatus status = cluster.kubectl()
                    .resources(Table.class)
                    .inNamespace(LoopbackCluster.NAMESPACE)
                    .withName(TABLE)
                    .get()
                    .getStatus();
            assertThat(status.getReplication()).hasSize(SHARDS).allSatisfy(shard -> {
                assertThat(shard.getLeader()).startsWith(TABLE + "-shard-" + shard.getShard() + "-");
                assertThat(shard.getInSync()).isEqualTo(REPLICAS);
            });
            assertThat(status.getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("MajorityLost");
                assertThat(c.getStatus()).isEqualTo("False");
            });
        });
    }

    @Test
    @Order(2)
    void leaderKilledUnderFourWritersAnotherLeadsWithinFiveSecondsAndNothingAcknowledgedIsLost() throws Exception {
        Load load = new Load(4);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledgedOn(0) >= 100);
            String leader = leaderOf(0);
            // A stream reader's place before the kill: the last record it read of each shard.
            Map<String, List<Record>> readBefore = streamRecords(null);
            long before = load.acknowledgedOn(0);
            cluster.kubelet().kill(leader);
            long killedAt = System.nanoTime();
            long servedAt = load.awaitAcknowledgedOn(0, before + 8, Duration.ofSeconds(15));
            Thread.sleep(2_000);
            load.stop();

            assertThat((servedAt - killedAt) / 1e9)
                    .as("seconds from the leader's kill -9 to writes served again")
                    .isLessThan(5.0);
            assertThat(load.failures)
                    .as("requests failing while the shard elects a leader")
                    .allSatisfy(f -> {
                        assertThat(f.status()).isEqualTo(500);
                        assertThat(f.code()).isEqualTo("InternalServerError");
                    });
            load.assertEveryAcknowledgedWriteIsRead();
            assertStreamContinuesAcrossTheLeaderChange(readBefore, load);
            // The kubelet restarts the killed replica; it catches up and the shard serves on.
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.kubelet().isReady(leader));
            dynamoDb.putItem(b -> b.tableName(TABLE).item(Map.of("id", AttributeValue.fromS("after-restart"))));
            assertThat(dynamoDb.getItem(b -> b.tableName(TABLE)
                                    .consistentRead(true)
                                    .key(Map.of("id", AttributeValue.fromS("after-restart"))))
                            .hasItem())
                    .isTrue();
        } finally {
            load.stop();
        }
    }

    @Test
    @Order(3)
    void followerKilledUnderFourWritersNoRequestFails() throws Exception {
        Load load = new Load(4);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledgedOn(1) >= 50);
            String leader = leaderOf(1);
            String follower = pod(1, leader.equals(pod(1, 0)) ? 1 : 0);
            long before = load.acknowledgedOn(1);
            cluster.kubelet().kill(follower);
            load.awaitAcknowledgedOn(1, before + 100, Duration.ofSeconds(15));
            load.stop();

            assertThat(load.failures).as("failed requests").isEmpty();
            load.assertEveryAcknowledgedWriteIsRead();
        } finally {
            load.stop();
        }
    }

    @Test
    @Order(4)
    void wipedVolumeReplicaCatchesUpFromItsPeersAndAloneServesEventuallyConsistentReadsOfEveryItem() throws Exception {
        String leader = leaderNow(0);
        String wiped = pod(0, leader.equals(pod(0, 0)) ? 1 : 0);
        String other = otherThan(0, leader, wiped);
        // Writes until both peers have taken a snapshot and dropped the log before the entries
        // they keep: the wiped replica can only be rebuilt from a snapshot they send.
        Load load = new Load(4);
        try {
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> metrics(leader).gauge("kubedyn_raft_log_start_index") > 0
                            && metrics(other).gauge("kubedyn_raft_log_start_index") > 0);
        } finally {
            load.stop();
        }
        assertThat(load.failures).isEmpty();
        List<String> ids =
                load.acknowledged.stream().filter(id -> shardOf(id) == 0).toList();
        long written = metrics(leader).gauge("kubedyn_raft_applied_index");
        int restarts = cluster.kubelet().restarts(wiped);
        cluster.kubelet().killAndWipeVolumes(wiped);
        await().atMost(Duration.ofSeconds(90))
                .ignoreExceptions()
                .until(() -> cluster.kubelet().isReady(wiped)
                        && metrics(wiped).gauge("kubedyn_raft_applied_index") >= written);
        assertThat(cluster.kubelet().restarts(wiped))
                .as("restarted after the kill only: it loads the snapshot in place")
                .isEqualTo(restarts + 1);

        // Only the rebuilt replica left: no majority, so no strongly consistent read, but every
        // eventually consistent read is answered, from what it rebuilt.
        cluster.kubelet().holdDown(leader);
        cluster.kubelet().holdDown(other);
        try {
            cluster.kubelet().kill(leader);
            cluster.kubelet().kill(other);
            long servedBefore = metrics(wiped).served("get");
            try (DynamoDbClient raw = cluster.dynamoDbWithoutRetries()) {
                List<String> missing = new ArrayList<>();
                for (String id : ids) {
                    if (!raw.getItem(b -> b.tableName(TABLE).key(Map.of("id", AttributeValue.fromS(id))))
                            .hasItem()) {
                        missing.add(id);
                    }
                }
                assertThat(missing)
                        .as("items the rebuilt replica does not serve")
                        .isEmpty();
                assertThat(metrics(wiped).served("get") - servedBefore)
                        .as("reads it served")
                        .isGreaterThanOrEqualTo(ids.size());
                AwsServiceException noMajority = org.junit.jupiter.api.Assertions.assertThrows(
                        AwsServiceException.class,
                        () -> raw.getItem(b -> b.tableName(TABLE)
                                .consistentRead(true)
                                .key(Map.of("id", AttributeValue.fromS(ids.get(0))))));
                assertThat(noMajority.statusCode()).isEqualTo(500);
            }
        } finally {
            cluster.kubelet().release(leader);
            cluster.kubelet().release(other);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> leaderNowOrNull(0) != null);
    }

    @Test
    @Order(5)
    void aWriteThatNeverReachedAMajorityIsNeverReadFromAnyReplica() throws Exception {
        String ghost = idOn(0, "ghost");
        String leader = leaderNow(0);
        String first = pod(0, leader.equals(pod(0, 0)) ? 1 : 0);
        String second = otherThan(0, leader, first);
        for (String pod : List.of(first, second, leader)) {
            cluster.kubelet().holdDown(pod);
        }
        try (DynamoDbClient raw = cluster.dynamoDbWithoutRetries()) {
            cluster.kubelet().kill(first);
            cluster.kubelet().kill(second);
            // The leader alone logs the write but can never commit it: the client gets an error.
            AwsServiceException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    AwsServiceException.class,
                    () -> raw.putItem(b -> b.tableName(TABLE).item(Map.of("id", AttributeValue.fromS(ghost)))));
            assertThat(refused.statusCode()).isEqualTo(500);
            // The leader dies with the entry in its log; the other two elect a leader of their own
            // and go on, so the entry is overwritten when the old leader returns.
            cluster.kubelet().kill(leader);
            cluster.kubelet().release(first);
            cluster.kubelet().release(second);
            String after = idOn(0, "after-ghost");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                raw.putItem(b -> b.tableName(TABLE).item(Map.of("id", AttributeValue.fromS(after))));
                return true;
            });
            cluster.kubelet().release(leader);
            long committed = metrics(leaderNow(0)).gauge("kubedyn_raft_applied_index");
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> cluster.kubelet().isReady(leader)
                            && metrics(leader).gauge("kubedyn_raft_applied_index") >= committed);

            for (int read = 0; read < 12; read++) { // in turn over the three replicas, four times each
                assertThat(raw.getItem(b -> b.tableName(TABLE).key(Map.of("id", AttributeValue.fromS(ghost))))
                                .hasItem())
                        .as("the write that never reached a majority, read " + read)
                        .isFalse();
                assertThat(raw.getItem(b -> b.tableName(TABLE).key(Map.of("id", AttributeValue.fromS(after))))
                                .hasItem())
                        .as("the write committed after it, read " + read)
                        .isTrue();
            }
            assertThat(raw.getItem(b -> b.tableName(TABLE)
                                    .consistentRead(true)
                                    .key(Map.of("id", AttributeValue.fromS(ghost))))
                            .hasItem())
                    .isFalse();
        } finally {
            for (String pod : List.of(first, second, leader)) {
                cluster.kubelet().release(pod);
            }
        }
    }

    @Test
    @Order(6)
    void rollingRestartOfAShardUnderLoadFailsNoRequest() throws Exception {
        Load load = new Load(2, true);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledgedOn(1) >= 50);
            // As the StatefulSet controller rolls a shard: highest ordinal first, each pod stopped
            // (SIGTERM), created again at a new address, and ready before the next.
            for (int replica = REPLICAS - 1; replica >= 0; replica--) {
                String pod = pod(1, replica);
                long before = load.acknowledgedOn(1);
                cluster.kubelet().deletePod(pod);
                await().atMost(Duration.ofSeconds(90))
                        .ignoreExceptions()
                        .until(() -> cluster.kubelet().isReady(pod)
                                && leaderNowOrNull(1) != null
                                && metrics(pod).gauge("kubedyn_raft_applied_index")
                                        >= metrics(leaderNowOrNull(1)).gauge("kubedyn_raft_applied_index") - 50);
                load.awaitAcknowledgedOn(1, before + 20, Duration.ofSeconds(30));
            }
            load.stop();

            assertThat(load.failures)
                    .as("requests failing with the SDK's standard retries")
                    .isEmpty();
            load.assertEveryAcknowledgedWriteIsRead();
        } finally {
            load.stop();
        }
    }

    @Test
    @Order(7)
    void replicasPerShardFromThreeToFiveAndBackChangesEachRaftGroupUnderLoadFailingNoRequest() throws Exception {
        // A steady trickle of writes (about 20 a second), as the pods here keep only 1,000 log
        // entries past a snapshot (on a cluster, 100,000): a new pod far behind is sent one.
        Load load = new Load(1, true, 50);
        List<String> heldDown = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledgedOn(1) >= 50);
            // Only the operator changes voters: refused on the plain port, and on the mutual-TLS
            // port without a certificate or with another one of the authority (the gateway's).
            String member = pod(0, 0);
            String host = cluster.kubelet().address(member);
            String voters = "/kubedyn/replication/voters";
            String self = host + ":9090:9091";
            Path gateway = cluster.gatewayCertificates();
            assertThat(PodConnection.put(
                            host,
                            cluster.kubelet().port(member, "http"),
                            gateway,
                            PodConnection.Caller.PLAIN_TEXT,
                            voters,
                            self))
                    .as("on the plain HTTP port")
                    .isEqualTo("HTTP/1.1 403 Forbidden");
            int admin = cluster.kubelet().port(member, "admin");
            assertThat(PodConnection.put(
                            host, admin, gateway, PodConnection.Caller.TLS_WITHOUT_CERTIFICATE, voters, self))
                    .as("without a certificate")
                    .isNull();
            assertThat(PodConnection.put(host, admin, gateway, PodConnection.Caller.TLS_WITH_CERTIFICATE, voters, self))
                    .as("with the gateway's certificate")
                    .isEqualTo("HTTP/1.1 403 Forbidden");
            setReplicasPerShard(5);
            awaitVoters(5);
            // No added pod restarted: each loaded the snapshot it was sent in place, and its leader
            // heard it arrived and sent the log after it, not its newest snapshot again (it takes
            // one every 200 entries here).
            for (int shard = 0; shard < SHARDS; shard++) {
                for (int replica = REPLICAS; replica < 5; replica++) {
                    assertThat(cluster.kubelet().restarts(pod(shard, replica)))
                            .as("restarts of " + pod(shard, replica))
                            .isZero();
                }
            }
            // Two of the three pods that formed shard 1's group go down: with five voters, the
            // other three (two of them added by the change) are still a majority, and commit.
            String leader = leaderNow(1);
            for (int replica = 0; replica < REPLICAS && heldDown.size() < 2; replica++) {
                if (!pod(1, replica).equals(leader)) {
                    heldDown.add(pod(1, replica));
                }
            }
            for (String pod : heldDown) {
                cluster.kubelet().holdDown(pod);
                cluster.kubelet().kill(pod);
            }
            long before = load.acknowledgedOn(1);
            load.awaitAcknowledgedOn(1, before + 20, Duration.ofSeconds(30));
            for (String pod : heldDown) {
                cluster.kubelet().release(pod);
            }
            await().atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .until(() ->
                            heldDown.stream().allMatch(pod -> cluster.kubelet().isReady(pod)));
            heldDown.clear();

            setReplicasPerShard(3);
            awaitVoters(3);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (int shard = 0; shard < SHARDS; shard++) {
                    assertThat(cluster.kubectl()
                                    .apps()
                                    .statefulSets()
                                    .inNamespace(LoopbackCluster.NAMESPACE)
                                    .withName(TABLE + "-shard-" + shard)
                                    .get()
                                    .getSpec()
                                    .getReplicas())
                            .isEqualTo(3);
                    assertThat(cluster.kubectl()
                                    .pods()
                                    .inNamespace(LoopbackCluster.NAMESPACE)
                                    .withName(pod(shard, 4))
                                    .get())
                            .as(pod(shard, 4))
                            .isNull();
                }
            });
            long after = load.acknowledgedOn(1);
            load.awaitAcknowledgedOn(1, after + 10, Duration.ofSeconds(30));
            load.stop();

            assertThat(load.failures)
                    .as("requests failing with the SDK's standard retries")
                    .isEmpty();
            load.assertEveryAcknowledgedWriteIsRead();
        } finally {
            load.stop();
            for (String pod : heldDown) {
                cluster.kubelet().release(pod);
            }
        }
    }

    private void setReplicasPerShard(int replicas) {
        // A merge patch of the spec alone, as `kubectl patch --type merge` sends: the operator
        // writing the status meanwhile does not make it conflict.
        cluster.kubectl()
                .resources(Table.class)
                .inNamespace(LoopbackCluster.NAMESPACE)
                .withName(TABLE)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicasPerShard\":" + replicas + "}}");
    }

    /** Until every shard's leader reports {@code voters} voters and the shard map routes to them. */
    private void awaitVoters(int voters) {
        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    io.kubedyn.crd.TableStatus status = cluster.kubectl()
                            .resources(Table.class)
                            .inNamespace(LoopbackCluster.NAMESPACE)
                            .withName(TABLE)
                            .get()
                            .getStatus();
                    assertThat(status.getReplication())
                            .hasSize(SHARDS)
                            .allSatisfy(shard ->
                                    assertThat(shard.getVoters()).as("voters").isEqualTo(voters));
                    assertThat(status.getShardMap())
                            .hasSize(SHARDS)
                            .allSatisfy(range -> assertThat(range.getReplicas())
                                    .as("replicas routed")
                                    .isEqualTo(voters));
                });
    }

    /**
     * The new leader's change log is the old one's: a reader that resumes after the last record it
     * read before the kill (AFTER_SEQUENCE_NUMBER) gets exactly what a reader from the start gets
     * after that record, with the same sequence numbers, and every acknowledged write is in it.
     */
    private void assertStreamContinuesAcrossTheLeaderChange(Map<String, List<Record>> readBefore, Load load) {
        Map<String, List<Record>> resumed = streamRecords(readBefore);
        Map<String, List<Record>> whole = streamRecords(null);
        List<String> keys = new ArrayList<>();
        whole.forEach((shard, records) -> {
            List<Record> earlier = readBefore.getOrDefault(shard, List.of());
            assertThat(records.subList(0, earlier.size()))
                    .as("shard %s before the kill", shard)
                    .extracting(r -> r.dynamodb().sequenceNumber())
                    .containsExactlyElementsOf(earlier.stream()
                            .map(r -> r.dynamodb().sequenceNumber())
                            .toList());
            assertThat(resumed.get(shard))
                    .as("shard %s resumed after its last record", shard)
                    .extracting(r -> r.dynamodb().sequenceNumber())
                    .containsExactlyElementsOf(records.subList(earlier.size(), records.size()).stream()
                            .map(r -> r.dynamodb().sequenceNumber())
                            .toList());
            records.forEach(r -> keys.add(r.dynamodb().keys().get("id").s()));
        });
        assertThat(keys).as("keys in the stream").containsAll(load.acknowledged);
    }

    /**
     * Every record of the table's stream, per stream shard: from the start, or after the last
     * record of {@code after} where it has one for the shard.
     */
    private Map<String, List<Record>> streamRecords(Map<String, List<Record>> after) {
        Map<String, List<Record>> all = new java.util.LinkedHashMap<>();
        try (DynamoDbStreamsClient streams = cluster.dynamoDbStreams()) {
            String arn = dynamoDb.describeTable(b -> b.tableName(TABLE)).table().latestStreamArn();
            for (Shard shard : streams.describeStream(b -> b.streamArn(arn))
                    .streamDescription()
                    .shards()) {
                List<Record> earlier = after == null ? List.of() : after.getOrDefault(shard.shardId(), List.of());
                String iterator = streams.getShardIterator(b -> {
                            b.streamArn(arn).shardId(shard.shardId());
                            if (earlier.isEmpty()) {
                                b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                            } else {
                                b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                        .sequenceNumber(earlier.get(earlier.size() - 1)
                                                .dynamodb()
                                                .sequenceNumber());
                            }
                        })
                        .shardIterator();
                List<Record> records = new ArrayList<>();
                while (iterator != null) {
                    String from = iterator;
                    GetRecordsResponse page = streams.getRecords(b -> b.shardIterator(from));
                    records.addAll(page.records());
                    iterator = page.records().isEmpty() ? null : page.nextShardIterator();
                }
                all.put(shard.shardId(), records);
            }
        }
        return all;
    }

    private static String idOn(int shard, String prefix) {
        for (int i = 0; ; i++) {
            String id = prefix + "-" + i;
            if (shardOf(id) == shard) {
                return id;
            }
        }
    }

    private String otherThan(int shard, String a, String b) {
        for (int replica = 0; replica < REPLICAS; replica++) {
            if (!pod(shard, replica).equals(a) && !pod(shard, replica).equals(b)) {
                return pod(shard, replica);
            }
        }
        throw new IllegalStateException();
    }

    private StoragePodMetrics metrics(String pod) {
        return new StoragePodMetrics(cluster.kubelet().httpEndpoint(pod));
    }

    /** The replica of {@code shard} that says it leads its Raft group now. */
    private String leaderNow(int shard) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> leaderNowOrNull(shard) != null);
        return leaderNowOrNull(shard);
    }

    private String leaderNowOrNull(int shard) throws Exception {
        for (int replica = 0; replica < REPLICAS; replica++) {
            String pod = pod(shard, replica);
            try {
                if (cluster.kubelet().isReady(pod) && metrics(pod).gauge("kubedyn_raft_leader") == 1) {
                    return pod;
                }
            } catch (java.io.IOException e) {
                // not answering: not the leader
            }
        }
        return null;
    }

    /** The replica of {@code shard} that has answered writes: its Raft group's leader. */
    private String leaderOf(int shard) throws Exception {
        List<String> answering = new ArrayList<>();
        for (int replica = 0; replica < REPLICAS; replica++) {
            String pod = pod(shard, replica);
            if (cluster.kubelet().isReady(pod)
                    && new StoragePodMetrics(cluster.kubelet().httpEndpoint(pod)).served("write") > 0) {
                answering.add(pod);
            }
        }
        assertThat(answering)
                .as("replicas of shard " + shard + " answering writes")
                .hasSize(1);
        return answering.get(0);
    }

    /**
     * Writers each adding 1 to a new item's counter (UpdateItem ADD) through a client without
     * retries, counting what was acknowledged and how many times the client sent each request: a
     * shard that applied one request twice (the gateway sending it again to the next leader)
     * shows as a counter above that.
     */
    private final class Load {
        final Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
        final Queue<Failure> failures = new ConcurrentLinkedQueue<>();
        final Map<String, Integer> sent = new ConcurrentHashMap<>();
        final AtomicLong[] acknowledgedByShard = {new AtomicLong(), new AtomicLong()};
        final AtomicLong[] lastAcknowledgedNanos = {new AtomicLong(), new AtomicLong()};
        final AtomicBoolean stop = new AtomicBoolean();
        final ExecutorService writers;
        final List<Future<?>> running = new ArrayList<>();

        Load(int count) {
            this(count, false);
        }

        /** @param retries whether the writers' client retries as the SDK does by default */
        Load(int count, boolean retries) {
            this(count, retries, 0);
        }

        /** @param pauseMillis how long each writer waits between two writes */
        Load(int count, boolean retries, long pauseMillis) {
            writers = Executors.newFixedThreadPool(count);
            String run = Long.toString(System.nanoTime(), 36);
            for (int w = 0; w < count; w++) {
                int writer = w;
                running.add(writers.submit(() -> {
                    AtomicInteger attempts = new AtomicInteger();
                    ExecutionInterceptor counting = new ExecutionInterceptor() {
                        @Override
                        public void beforeTransmission(
                                Context.BeforeTransmission context, ExecutionAttributes attributes) {
                            attempts.incrementAndGet();
                        }
                    };
                    try (DynamoDbClient client = cluster.dynamoDb(retries, counting)) {
                        for (int n = 0; !stop.get(); n++) {
                            String id = run + "-" + writer + "-" + n;
                            attempts.set(0);
                            try {
                                client.updateItem(b -> b.tableName(TABLE)
                                        .key(Map.of("id", AttributeValue.fromS(id)))
                                        .updateExpression("ADD hits :one")
                                        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
                                sent.put(id, attempts.get());
                                acknowledged.add(id);
                                int shard = shardOf(id);
                                acknowledgedByShard[shard].incrementAndGet();
                                lastAcknowledgedNanos[shard].set(System.nanoTime());
                            } catch (AwsServiceException e) {
                                sent.put(id, attempts.get());
                                failures.add(new Failure(
                                        id, e.statusCode(), e.awsErrorDetails().errorCode()));
                            }
                            if (pauseMillis > 0) {
                                Thread.sleep(pauseMillis);
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

        /**
         * Every acknowledged write is read back with ConsistentRead, and no request was applied
         * more often than the client sent it (acknowledged or not).
         */
        void assertEveryAcknowledgedWriteIsRead() {
            assertThat(acknowledged).as("acknowledged writes").hasSizeGreaterThan(100);
            List<String> missing = new ArrayList<>();
            List<String> appliedTooOften = new ArrayList<>();
            Set<String> acknowledgedIds = new HashSet<>(acknowledged);
            for (String id : sent.keySet()) {
                Map<String, AttributeValue> item = dynamoDb.getItem(b ->
                                b.tableName(TABLE).consistentRead(true).key(Map.of("id", AttributeValue.fromS(id))))
                        .item();
                long hits = item == null || !item.containsKey("hits")
                        ? 0
                        : Long.parseLong(item.get("hits").n());
                if (hits == 0 && acknowledgedIds.contains(id)) {
                    missing.add(id);
                }
                if (hits > sent.get(id)) {
                    appliedTooOften.add(id + ": applied " + hits + " times, sent " + sent.get(id));
                }
            }
            assertThat(missing).as("acknowledged writes not read back").isEmpty();
            assertThat(appliedTooOften)
                    .as("requests applied more often than sent")
                    .isEmpty();
        }
    }
}
