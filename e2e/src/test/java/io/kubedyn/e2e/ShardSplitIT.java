package io.kubedyn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubedyn.crd.AttributeDefinition;
import io.kubedyn.crd.DeletionPolicy;
import io.kubedyn.crd.GlobalSecondaryIndex;
import io.kubedyn.crd.KeySchemaElement;
import io.kubedyn.crd.Projection;
import io.kubedyn.crd.StreamSpecification;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Online shard splits, as a user grows a table: {@code spec.shards} raised from 2 to 4 while
 * four writers and two readers run through the gateway, on a table with a global secondary
 * index. Each new shard's pod receives half of a shard's range from its pod while it is written;
 * the shard map follows; no acknowledged write is lost, no read misses an item that exists, the
 * index ends with one entry per item, and what fails meanwhile fails with a retryable error only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardSplitIT {
    private static final String TABLE = "growing";
    private static final int KEYS_PER_WRITER = 500;
    private static final String INDEX = "ByVersion";

    private LoopbackCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        // Splits copy at 64 KB/s here, so a pod or the operator can be killed in the middle of
        // one: a new pod is seen by the operator only once it is ready and named in DNS, seconds
        // after it starts copying.
        cluster = new LoopbackCluster(
                Path.of("target", "e2e", getClass().getSimpleName()),
                1,
                Duration.ofSeconds(2),
                List.of("-Dkubedyn.operator.split-bytes-per-second=" + (64 * 1024)));
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Table table(String name, int shards) {
        Table table = new Table();
        table.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(LoopbackCluster.NAMESPACE)
                .build());
        TableSpec spec = new TableSpec();
        spec.setAttributeDefinitions(List.of(new AttributeDefinition("id", "S")));
        spec.setKeySchema(List.of(new KeySchemaElement("id", "HASH")));
        spec.setShards(shards);
        spec.setDeletionPolicy(DeletionPolicy.DELETE);
        table.setSpec(spec);
        return table;
    }

    private Table resource(String name) {
        return cluster.kubectl()
                .resources(Table.class)
                .inNamespace(LoopbackCluster.NAMESPACE)
                .withName(name)
                .get();
    }

    private record Failure(String operation, int status, String code) {
        /** What the AWS SDKs retry: DynamoDB's InternalServerError (500) and ServiceUnavailable (503). */
        boolean retryable() {
            return status == 500 && code.equals("InternalServerError") || status == 503;
        }
    }

    /** Four writers, each on keys of its own (so its last acknowledged write is the item), and two readers. */
    private final class Load {
        final String table;
        final AtomicBoolean running = new AtomicBoolean(true);
        final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        final Set<String> attempted = ConcurrentHashMap.newKeySet();
        /** Every write acknowledged, as {@code id@version}. */
        final Set<String> acknowledgedWrites = ConcurrentHashMap.newKeySet();

        final List<Failure> failures = new CopyOnWriteArrayList<>();
        final List<String> missedReads = new CopyOnWriteArrayList<>();
        final AtomicLong writes = new AtomicLong();
        final AtomicLong reads = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();

        Load(String table, int writerCount) {
            this(table, writerCount, false);
        }

        /**
         * @param consistentReads whether the readers read with ConsistentRead: a replicated
         *     shard's follower may answer an eventually consistent read before it has a write
         *     its leader acknowledged, as DynamoDB's replicas may
         */
        Load(String table, int writerCount, boolean consistentReads) {
            this.table = table;
            for (int w = 0; w < writerCount; w++) {
                int writer = w;
                threads.add(new Thread(() -> {
                    DynamoDbClient dynamo = cluster.dynamoDb();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (long version = 1; running.get(); version++) {
                        String id = writer + "-" + random.nextInt(KEYS_PER_WRITER);
                        long v = version;
                        attempted.add(id);
                        try {
                            dynamo.putItem(b -> b.tableName(table)
                                    .item(Map.of(
                                            "id",
                                            AttributeValue.fromS(id),
                                            "version",
                                            AttributeValue.fromN(Long.toString(v)))));
                            acknowledged.put(id, v);
                            acknowledgedWrites.add(id + "@" + v);
                            writes.incrementAndGet();
                        } catch (AwsServiceException e) {
                            failures.add(new Failure(
                                    "PutItem",
                                    e.statusCode(),
                                    e.awsErrorDetails().errorCode()));
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
                            if (!dynamo.getItem(b -> b.tableName(table)
                                            .consistentRead(consistentReads)
                                            .key(Map.of("id", AttributeValue.fromS(id))))
                                    .hasItem()) {
                                missedReads.add(id);
                            }
                            reads.incrementAndGet();
                        } catch (AwsServiceException e) {
                            failures.add(new Failure(
                                    "GetItem",
                                    e.statusCode(),
                                    e.awsErrorDetails().errorCode()));
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
        await().atMost(Duration.ofSeconds(30))
                .ignoreException(KubernetesClientException.class)
                .until(() -> {
                    cluster.kubectl()
                            .resources(Table.class)
                            .inNamespace(LoopbackCluster.NAMESPACE)
                            .withName(name)
                            .edit(t -> {
                                t.getSpec().setShards(shards);
                                return t;
                            });
                    return true;
                });
    }

    private String progressing(String name) {
        Table table = resource(name);
        return table.getStatus() == null || table.getStatus().getConditions() == null
                ? ""
                : table.getStatus().getConditions().stream()
                        .filter(c -> c.getType().equals("Progressing"))
                        .map(c -> c.getStatus() + " " + c.getReason() + ": " + c.getMessage())
                        .findFirst()
                        .orElse("");
    }

    @Test
    void growUnderLoadFromTwoShardsToFourLosesNoWriteMissesNoReadAndKeepsItsIndexAndStream() throws Exception {
        // A global index on the version: each write moves the item's entry, often to another shard.
        // And a stream: a reader following the shards' lineage sees each write once.
        Table growing = withIndexByVersion(table(TABLE, 2));
        StreamSpecification stream = new StreamSpecification();
        stream.setStreamEnabled(true);
        stream.setStreamViewType("NEW_IMAGE");
        growing.getSpec().setStreamSpecification(stream);
        cluster.kubectl().resources(Table.class).resource(growing).create();
        cluster.awaitActive(TABLE);
        DynamoDbClient dynamo = cluster.dynamoDb();
        Load load = new Load(TABLE, 4);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> load.writes.get() > 2000);
            raiseShards(TABLE, 4);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> progressing(TABLE).contains("Splitting"));
            awaitSplit(TABLE, 4);
            long writesAtSwitch = load.writes.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.writes.get() > writesAtSwitch + 500);
        } finally {
            load.stop();
        }
        System.out.printf(
                "split under load: %d writes, %d reads, %d failures %s%n",
                load.writes.get(),
                load.reads.get(),
                load.failures.size(),
                load.failures.stream().limit(5).toList());

        assertThat(resource(TABLE).getStatus().getShardMap()).hasSize(4);
        assertNothingLost(load);
        assertThat(load.failures).as("requests failing while the ranges moved").isEmpty();
        assertIndexHoldsEachItemOnce(TABLE);
        assertStreamHoldsEachWriteOnce(load);
        assertThat(cluster.kubectl()
                        .v1()
                        .events()
                        .inNamespace(LoopbackCluster.NAMESPACE)
                        .list()
                        .getItems())
                .extracting(Event::getReason)
                .contains("SplitStarted", "ShardSplit");
    }

    /** {@code table} with a global index on its items' version ({@link #INDEX}), keys only. */
    private static Table withIndexByVersion(Table table) {
        table.getSpec()
                .setAttributeDefinitions(
                        List.of(new AttributeDefinition("id", "S"), new AttributeDefinition("version", "N")));
        GlobalSecondaryIndex byVersion = new GlobalSecondaryIndex();
        byVersion.setIndexName(INDEX);
        byVersion.setKeySchema(List.of(new KeySchemaElement("version", "HASH")));
        Projection keysOnly = new Projection();
        keysOnly.setProjectionType("KEYS_ONLY");
        byVersion.setProjection(keysOnly);
        table.getSpec().setGlobalSecondaryIndexes(List.of(byVersion));
        return table;
    }

    /**
     * No read of an acknowledged item missed it, every failure was retryable, every acknowledged
     * write reads back (a failed one may have been applied: never older than acknowledged), and
     * the table holds as many items as keys written.
     */
    private void assertNothingLost(Load load) {
        DynamoDbClient dynamo = cluster.dynamoDb();
        String table = load.table;
        assertThat(load.missedReads)
                .as("reads of acknowledged items answered without the item")
                .isEmpty();
        assertThat(load.failures)
                .as("requests failing while the ranges moved")
                .allSatisfy(f -> assertThat(f.retryable()).as(f.toString()).isTrue());
        List<String> lost = new ArrayList<>();
        load.acknowledged.forEach((id, version) -> {
            Map<String, AttributeValue> item = dynamo.getItem(
                            b -> b.tableName(table).consistentRead(true).key(Map.of("id", AttributeValue.fromS(id))))
                    .item();
            if (!item.containsKey("version")
                    || Long.parseLong(item.get("version").n()) < version) {
                lost.add(id + " acknowledged at version " + version + ", read " + item);
            }
        });
        assertThat(lost).as("acknowledged writes not read back").isEmpty();
        long counted = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.scan(b -> b.tableName(table).exclusiveStartKey(from));
            counted += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        assertThat(counted).as("items scanned across the shards").isBetween((long) load.acknowledged.size(), (long)
                load.attempted.size());
    }

    /**
     * The table's global index, once its feeds caught up (it is eventually consistent): one entry
     * per item, under the item's version: none lost in a move, none left where the item was.
     */
    private void assertIndexHoldsEachItemOnce(String table) throws InterruptedException {
        DynamoDbClient dynamo = cluster.dynamoDb();
        Map<String, List<String>> expected = new TreeMap<>();
        scanAll(dynamo, table, null)
                .forEach(item -> expected.put(
                        item.get("id").s(), List.of(item.get("version").n())));
        Map<String, List<String>> entries = Map.of();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            Map<String, List<String>> found = new TreeMap<>();
            scanAll(dynamo, table, INDEX)
                    .forEach(entry -> found.computeIfAbsent(entry.get("id").s(), id -> new ArrayList<>())
                            .add(entry.get("version").n()));
            entries = found;
            if (entries.equals(expected)) {
                return;
            }
            Thread.sleep(500);
        }
        List<String> wrong = new ArrayList<>();
        Map<String, List<String>> last = entries;
        expected.forEach((id, version) -> {
            if (!version.equals(last.get(id))) {
                wrong.add(id + ": entries under " + last.get(id) + ", item at version " + version);
            }
        });
        last.keySet().stream().filter(id -> !expected.containsKey(id)).forEach(id -> wrong.add(id + ": no item"));
        assertThat(wrong)
                .as("items whose index entries are missing, stale or doubled")
                .isEmpty();
    }

    /**
     * The table's stream, as a reader following its lineage sees it: each split closed the shard
     * that split (its children name it as parent), and reading every shard, parents first, gives
     * each write once, and a key's writes in the order they were made.
     */
    private void assertStreamHoldsEachWriteOnce(Load load) {
        DynamoDbClient dynamo = cluster.dynamoDb();
        String arn = dynamo.describeTable(b -> b.tableName(load.table)).table().latestStreamArn();
        DynamoDbStreamsClient streams = cluster.dynamoDbStreams();
        List<Shard> shards = new ArrayList<>();
        String start = null;
        do {
            String from = start;
            StreamDescription page = streams.describeStream(
                            b -> b.streamArn(arn).exclusiveStartShardId(from))
                    .streamDescription();
            shards.addAll(page.shards());
            start = page.lastEvaluatedShardId();
        } while (start != null);
        List<Shard> closed = shards.stream()
                .filter(s -> s.sequenceNumberRange().endingSequenceNumber() != null)
                .toList();
        Set<String> closedIds = closed.stream().map(Shard::shardId).collect(java.util.stream.Collectors.toSet());
        assertThat(closed)
                .as("the two shards that split, closed: " + shards)
                .hasSize(2)
                .allSatisfy(s -> assertThat(s.parentShardId()).isNull());
        assertThat(shards)
                .as("their four children")
                .hasSize(6)
                .filteredOn(s -> s.parentShardId() != null)
                .hasSize(4)
                .allSatisfy(s -> assertThat(closedIds).contains(s.parentShardId()));

        // Parents first (DescribeStream lists them before their children).
        Map<String, Integer> seen = new java.util.HashMap<>();
        Map<String, Long> lastVersion = new java.util.HashMap<>();
        List<String> outOfOrder = new ArrayList<>();
        for (Shard shard : shards) {
            String iterator = streams.getShardIterator(b ->
                            b.streamArn(arn).shardId(shard.shardId()).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            boolean open = !closedIds.contains(shard.shardId());
            while (iterator != null) {
                String at = iterator;
                GetRecordsResponse records = streams.getRecords(b -> b.shardIterator(at));
                for (software.amazon.awssdk.services.dynamodb.model.Record record : records.records()) {
                    Map<String, AttributeValue> image = record.dynamodb().newImage();
                    String id = image.get("id").s();
                    long version = Long.parseLong(image.get("version").n());
                    seen.merge(id + "@" + version, 1, Integer::sum);
                    Long before = lastVersion.put(id, version);
                    if (before != null && before >= version && !id.startsWith("filler")) {
                        outOfOrder.add(id + ": " + version + " after " + before);
                    }
                }
                iterator = records.nextShardIterator();
                if (open && records.records().isEmpty()) {
                    break; // an open shard has no end: read up to now
                }
            }
        }
        assertThat(seen.entrySet())
                .as("writes seen more than once")
                .filteredOn(e -> e.getValue() > 1)
                .isEmpty();
        assertThat(load.acknowledgedWrites)
                .as("acknowledged writes missing from the stream")
                .allSatisfy(write -> assertThat(seen).containsKey(write));
        assertThat(outOfOrder).as("a key's writes out of order").isEmpty();
    }

    private static List<Map<String, AttributeValue>> scanAll(DynamoDbClient dynamo, String table, String index) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page =
                    dynamo.scan(b -> b.tableName(table).indexName(index).exclusiveStartKey(from));
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    /**
     * Fills a table with {@code items} items of about {@code bytes} bytes, so its split takes a
     * while: each acknowledged at version 0.
     */
    private Map<String, Long> fill(String table, int items, int bytes) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            ids.add("filler-" + i);
        }
        return fill(table, ids, bytes);
    }

    /** {@link #fill(String, int, int)} with items of these partition keys. */
    private Map<String, Long> fill(String table, List<String> ids, int bytes) throws InterruptedException {
        int items = ids.size();
        Map<String, Long> filled = new ConcurrentHashMap<>();
        List<Thread> fillers = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            int filler = f;
            fillers.add(new Thread(() -> {
                DynamoDbClient dynamo = cluster.dynamoDb();
                for (int i = filler; i < items; i += 4) {
                    String id = ids.get(i);
                    dynamo.putItem(b -> b.tableName(table)
                            .item(Map.of(
                                    "id",
                                    AttributeValue.fromS(id),
                                    "version",
                                    AttributeValue.fromN("0"),
                                    "payload",
                                    AttributeValue.fromS("x".repeat(bytes)))));
                    filled.put(id, 0L);
                }
            }));
        }
        fillers.forEach(Thread::start);
        for (Thread filler : fillers) {
            filler.join();
        }
        assertThat(filled).hasSize(items);
        return filled;
    }

    /** Waits until the table's split is done: the map has {@code shards} entries and nothing splits. */
    private void awaitSplit(String table, int shards) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        while (resource(table).getStatus().getShardMap().size() < shards
                || progressing(table).contains("Splitting")) {
            assertThat(System.currentTimeMillis())
                    .as("split done; now " + progressing(table) + "\n" + cluster.controlPlaneLogs())
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /**
     * One shard grown to two under two writers and a reader, with {@code fault} done once the
     * status says the new shard's pod is {@code phase}: the split goes on by itself, and nothing
     * acknowledged is lost.
     */
    private Load splitWith(String table, String phase, ThrowingRunnable fault) throws Exception {
        return splitWith(table(table, 1), false, 2000, phase, fault);
    }

    /**
     * {@link #splitWith(String, String, ThrowingRunnable)} of this one-shard {@code resource}, its
     * 1,500 items filled with {@code bytes} each before.
     */
    private Load splitWith(Table resource, boolean consistentReads, int bytes, String phase, ThrowingRunnable fault)
            throws Exception {
        String table = resource.getMetadata().getName();
        cluster.kubectl().resources(Table.class).resource(resource).create();
        cluster.awaitActive(table);
        Map<String, Long> filled = fill(table, 1500, bytes);
        Load load = new Load(table, 2, consistentReads);
        load.acknowledged.putAll(filled);
        load.attempted.addAll(filled.keySet());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.writes.get() > 200);
            raiseShards(table, 2);
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> progressing(table).contains("(" + phase));
            fault.run();
            awaitSplit(table, 2);
            long writesAfter = load.writes.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> load.writes.get() > writesAfter + 200);
        } finally {
            load.stop();
        }
        System.out.printf(
                "%s: %d writes, %d reads, %d failures %s%n",
                table,
                load.writes.get(),
                load.reads.get(),
                load.failures.size(),
                load.failures.stream().limit(3).toList());
        assertThat(resource(table).getStatus().getShardMap()).hasSize(2);
        assertNothingLost(load);
        return load;
    }

    @Test
    void replicatedShardsWithAGlobalIndexGrowUnderLoadTheSourceLeaderKilledMidwayLosingNothing() throws Exception {
        // One shard of 3 replicas (a Raft group) grown to two: the new shard is a group of 3 too,
        // receiving through its own log. The source's leader is killed while the range moves. A
        // global index on the version: each write moves the item's entry, often across the split.
        String name = "replicated";
        Table replicated = withIndexByVersion(table(name, 1));
        replicated.getSpec().setReplicasPerShard(3);
        List<String> killed = new ArrayList<>();
        Load load = splitWith(replicated, true, 500, "Copying", () -> {
            killed.add(leaderOf(name, 0));
            cluster.kubelet().kill(killed.get(0));
        });
        assertThat(killed).singleElement().asString().startsWith(name + "-shard-0-");
        assertThat(resource(name).getStatus().getShardMap())
                .hasSize(2)
                .allSatisfy(shard -> assertThat(shard.getReplicas()).isEqualTo(3));

        // Every replica of the new shard received the range, not only the one that led: with its
        // leader gone too, another serves every item.
        String newLeader = leaderOf(name, 1);
        cluster.kubelet().kill(newLeader);
        assertThat(leaderOf(name, 1)).isNotEqualTo(newLeader);
        assertNothingLost(load);
        assertIndexHoldsEachItemOnce(name);
    }

    /** The replica of {@code shard} leading its group now, as its metrics say. */
    private String leaderOf(String table, int shard) {
        List<String> leaders = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            leaders.clear();
            for (int replica = 0; replica < 3; replica++) {
                String pod = table + "-shard-" + shard + "-" + replica;
                try {
                    if (cluster.kubelet().isReady(pod)
                            && new StoragePodMetrics(cluster.kubelet().httpEndpoint(pod)).gauge("kubedyn_raft_leader")
                                    == 1) {
                        leaders.add(pod);
                    }
                } catch (Exception e) {
                    // not answering: not the leader
                }
            }
            return leaders.size() == 1;
        });
        return leaders.get(0);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void destinationKilledWhileCopyingCopiesAgainAndLosesNothing() throws Exception {
        splitWith("dest-killed", "Copying", () -> cluster.kubelet().kill("dest-killed-shard-1-0"));
    }

    @Test
    void sourceKilledWhileHandingOffLosesNothingAndTheSplitCompletes() throws Exception {
        splitWith("source-killed", "Copying", () -> cluster.kubelet().kill("source-killed-shard-0-0"));
    }

    @Test
    void operatorKilledInTheMiddleOfASplitTheSplitCompletesWhenItIsBack() throws Exception {
        splitWith("operator-killed", "Copying", () -> cluster.killOperator(Duration.ofSeconds(3)));
    }

    @Test
    void autoSplitOfASkewedShardCutsAtItsMedianKeyAndLosesNothing() throws Exception {
        String name = "skewed";
        Table skewed = table(name, 1);
        io.kubedyn.crd.AutoSplit autoSplit = new io.kubedyn.crd.AutoSplit();
        autoSplit.setMaxShardSize("1Mi");
        autoSplit.setMaxShards(2);
        skewed.getSpec().setAutoSplit(autoSplit);
        cluster.kubectl().resources(Table.class).resource(skewed).create();
        cluster.awaitActive(name);
        // Four items in five under partition keys hashing into the lowest quarter of the space:
        // a split in the middle would leave one shard most of the data.
        io.kubedyn.core.HashRange crowded = new io.kubedyn.core.HashRange(0L, 0x3fffffffffffffffL);
        List<String> ids = new ArrayList<>();
        for (int n = 0, inCrowded = 0, outside = 0; ids.size() < 1500; n++) {
            String id = "skewed-" + n;
            boolean low = crowded.contains(hash(id));
            if (low && inCrowded < 1200 || !low && outside < 300) {
                ids.add(id);
                if (low) {
                    inCrowded++;
                } else {
                    outside++;
                }
            }
        }
        // In an order where any run of them is as skewed as the whole: the shard may pass 1Mi
        // and split with part of them written.
        java.util.Collections.shuffle(ids, new java.util.Random(7));
        Load load = new Load(name, 2);
        try {
            // 1,500 items of 2 KB: about 3 MB, past 1Mi, while two writers and a reader run.
            Map<String, Long> filled = fill(name, ids, 2000);
            load.acknowledged.putAll(filled);
            load.attempted.addAll(filled.keySet());
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> resource(name).getStatus().getShardMap().size() == 2
                            || progressing(name).contains("Splitting"));
            awaitSplit(name, 2);
            long writesAfter = load.writes.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> load.writes.get() > writesAfter + 200);
        } finally {
            load.stop();
        }
        System.out.printf(
                "auto split: %d writes, %d reads, %d failures %s; map %s%n",
                load.writes.get(),
                load.reads.get(),
                load.failures.size(),
                load.failures.stream().limit(3).toList(),
                resource(name).getStatus().getShardMap().stream()
                        .map(r -> r.getShard() + ":" + r.getFirstHash() + "-" + r.getLastHash())
                        .toList());

        Table grown = resource(name);
        assertThat(grown.getSpec().getShards())
                .as("the spec is the user's: left alone")
                .isEqualTo(1);
        assertThat(grown.getStatus().getShardsByReplicas()).isEqualTo("2x1");
        io.kubedyn.crd.ShardRange upper = grown.getStatus().getShardMap().stream()
                .filter(r -> r.getShard() == 1)
                .findFirst()
                .orElseThrow();
        long cut = io.kubedyn.core.HashRange.parseBound(upper.getFirstHash());
        assertThat(crowded.contains(cut))
                .as("the cut " + upper.getFirstHash() + " falls in the crowded quarter")
                .isTrue();
        long below = ids.stream()
                .filter(id -> Long.compareUnsigned(hash(id), cut) < 0)
                .count();
        assertThat(below)
                .as("the skewed items left with shard 0, of 1,500 of one size")
                .isBetween(600L, 900L);
        assertNothingLost(load);
        assertThat(cluster.kubectl()
                        .v1()
                        .events()
                        .inNamespace(LoopbackCluster.NAMESPACE)
                        .list()
                        .getItems())
                .filteredOn(e -> name.equals(e.getInvolvedObject().getName()))
                .extracting(Event::getReason)
                .contains("AutoSplit", "ShardSplit");
        // At maxShards it splits no more, though shard 0 still holds more than 1Mi.
        Thread.sleep(5_000);
        assertThat(resource(name).getStatus().getShardMap()).hasSize(2);
        assertThat(cluster.kubectl()
                        .apps()
                        .statefulSets()
                        .inNamespace(LoopbackCluster.NAMESPACE)
                        .withLabel("kubedyn.io/table", name)
                        .list()
                        .getItems())
                .hasSize(2);
    }

    /** The partition-key hash the shard map ranges over, as the gateway computes it. */
    private static long hash(String id) {
        return io.kubedyn.core.PrimaryKey.of(new io.kubedyn.core.AttributeValue.S(id), null)
                .hash();
    }
}
