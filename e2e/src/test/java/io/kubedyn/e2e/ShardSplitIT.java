package io.kubedyn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubedyn.crd.AttributeDefinition;
import io.kubedyn.crd.DeletionPolicy;
import io.kubedyn.crd.KeySchemaElement;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Online shard splits, as a user grows a table: {@code spec.shards} raised from 2 to 4 while
 * four writers and two readers run through the gateway. Each new shard's pod receives half of a
 * shard's range from its pod while it is written; the shard map follows; no acknowledged write
 * is lost, no read misses an item that exists, and what fails meanwhile fails with a retryable
 * error only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardSplitIT {
    private static final String TABLE = "growing";
    private static final int KEYS_PER_WRITER = 500;

    private LoopbackCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new LoopbackCluster(Path.of("target", "e2e", getClass().getSimpleName()), 1, Duration.ofSeconds(2));
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Table table(String name, int shards) {
        Table table = new Table();
        table.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(LoopbackCluster.NAMESPACE).build());
        TableSpec spec = new TableSpec();
        spec.setAttributeDefinitions(List.of(new AttributeDefinition("id", "S")));
        spec.setKeySchema(List.of(new KeySchemaElement("id", "HASH")));
        spec.setShards(shards);
        spec.setDeletionPolicy(DeletionPolicy.DELETE);
        table.setSpec(spec);
        return table;
    }

    private Table resource(String name) {
        return cluster.kubectl().resources(Table.class).inNamespace(LoopbackCluster.NAMESPACE).withName(name).get();
    }

    private record Failure(String operation, int status, String code) {
        /** What the AWS SDKs retry: DynamoDB's InternalServerError (500) and ServiceUnavailable (503). */
        boolean retryable() {
            return status == 500 && code.equals("InternalServerError") || status == 503;
        }
    }

    /** Four writers, each on keys of its own (so its last acknowledged write is the item), and two readers. */
    private final class Load {
        final AtomicBoolean running = new AtomicBoolean(true);
        final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        final Set<String> attempted = ConcurrentHashMap.newKeySet();
        final List<Failure> failures = new CopyOnWriteArrayList<>();
        final List<String> missedReads = new CopyOnWriteArrayList<>();
        final AtomicLong writes = new AtomicLong();
        final AtomicLong reads = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();

        Load() {
            for (int w = 0; w < 4; w++) {
                int writer = w;
                threads.add(new Thread(() -> {
                    DynamoDbClient dynamo = cluster.dynamoDb();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (long version = 1; running.get(); version++) {
                        String id = writer + "-" + random.nextInt(KEYS_PER_WRITER);
                        long v = version;
                        attempted.add(id);
                        try {
                            dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("id", AttributeValue.fromS(id),
                                    "version", AttributeValue.fromN(Long.toString(v)))));
                            acknowledged.put(id, v);
                            writes.incrementAndGet();
                        } catch (AwsServiceException e) {
                            failures.add(new Failure("PutItem", e.statusCode(), e.awsErrorDetails().errorCode()));
                        }
                    }
                }));
            }
            for (int r = 0; r < 2; r++) {
                threads.add(new Thread(() -> {
                    DynamoDbClient dynamo = cluster.dynamoDb();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (running.get()) {
                        List<String> known = new ArrayList<>(acknowledged.keySet());
                        if (known.isEmpty()) {
                            continue;
                        }
                        String id = known.get(random.nextInt(known.size()));
                        try {
                            if (!dynamo.getItem(b -> b.tableName(TABLE).key(Map.of("id", AttributeValue.fromS(id))))
                                    .hasItem()) {
                                missedReads.add(id);
                            }
                            reads.incrementAndGet();
                        } catch (AwsServiceException e) {
                            failures.add(new Failure("GetItem", e.statusCode(), e.awsErrorDetails().errorCode()));
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    private void raiseShards(String name, int shards) {
        // As kubectl would: the operator may patch the status meanwhile (409), so re-read and retry.
        await().atMost(Duration.ofSeconds(30)).ignoreException(KubernetesClientException.class).until(() -> {
            cluster.kubectl().resources(Table.class).inNamespace(LoopbackCluster.NAMESPACE).withName(name)
                    .edit(t -> {
                        t.getSpec().setShards(shards);
                        return t;
                    });
            return true;
        });
    }

    private String progressing(String name) {
        Table table = resource(name);
        return table.getStatus() == null || table.getStatus().getConditions() == null ? "" : table.getStatus()
                .getConditions().stream().filter(c -> c.getType().equals("Progressing"))
                .map(c -> c.getStatus() + " " + c.getReason() + ": " + c.getMessage()).findFirst().orElse("");
    }

    @Test
    void growUnderLoadFromTwoShardsToFourLosesNoWriteAndMissesNoRead() throws Exception {
        cluster.kubectl().resources(Table.class).resource(table(TABLE, 2)).create();
        cluster.awaitActive(TABLE);
        DynamoDbClient dynamo = cluster.dynamoDb();
        Load load = new Load();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.writes.get() > 2000);
            raiseShards(TABLE, 4);
            await().atMost(Duration.ofSeconds(60)).until(() -> progressing(TABLE).contains("Splitting"));
            long deadline = System.currentTimeMillis() + 180_000;
            while (resource(TABLE).getStatus().getShardMap().size() < 4 || progressing(TABLE).contains("Splitting")) {
                assertThat(System.currentTimeMillis()).as("split done; now " + progressing(TABLE) + "\n"
                        + cluster.controlPlaneLogs()).isLessThan(deadline);
                Thread.sleep(200);
            }
            long writesAtSwitch = load.writes.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.writes.get() > writesAtSwitch + 500);
        } finally {
            load.stop();
        }
        System.out.printf("split under load: %d writes, %d reads, %d failures %s%n", load.writes.get(),
                load.reads.get(), load.failures.size(), load.failures.stream().limit(5).toList());

        assertThat(resource(TABLE).getStatus().getShardMap()).hasSize(4);
        assertThat(load.missedReads).as("reads of acknowledged items answered without the item").isEmpty();
        assertThat(load.failures).as("requests failing while the ranges moved").allSatisfy(f ->
                assertThat(f.retryable()).as(f.toString()).isTrue());
        List<String> lost = new ArrayList<>();
        load.acknowledged.forEach((id, version) -> {
            Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(TABLE).consistentRead(true)
                    .key(Map.of("id", AttributeValue.fromS(id)))).item();
            // A write that failed may still have been applied: never an older version than acknowledged.
            if (!item.containsKey("version") || Long.parseLong(item.get("version").n()) < version) {
                lost.add(id + " acknowledged at version " + version + ", read " + item);
            }
        });
        assertThat(lost).as("acknowledged writes not read back").isEmpty();
        long counted = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.scan(b -> b.tableName(TABLE).exclusiveStartKey(from));
            counted += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        assertThat(counted).as("items scanned across the four shards")
                .isBetween((long) load.acknowledged.size(), (long) load.attempted.size());
        assertThat(cluster.kubectl().v1().events().inNamespace(LoopbackCluster.NAMESPACE).list().getItems())
                .extracting(Event::getReason).contains("SplitStarted", "ShardSplit");
    }
}
