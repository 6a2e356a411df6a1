package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.gateway.cluster.RemoteStores;
import io.kubedyn.gateway.cluster.ShardMaps;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** What the cluster backend does with three shards, seen from the client and from the storage pods. */
@QuarkusTest
@EnabledIfSystemProperty(
        named = "kubedyn.test.backend",
        matches = "cluster",
        disabledReason = "cluster-only: runs in the cluster-backend execution of this suite (three storage pods)")
class ClusterRoutingTest extends EmbeddedServerTest {
    private static final int KEYS = 30_000;

    private static List<URI> pods() {
        List<URI> pods = new ArrayList<>();
        for (String base : ConfigProvider.getConfig()
                .getValue("kubedyn.test.storage-pod-http", String.class)
                .split(",")) {
            pods.add(URI.create(base));
        }
        return pods;
    }

    private static long[] podCounts(String operation) throws Exception {
        List<URI> pods = pods();
        long[] counts = new long[pods.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = StoragePodProcess.requestCount(pods.get(i), operation);
        }
        return counts;
    }

    @Test
    void thirtyThousandRandomKeysSpreadEvenlyAndAScanInSegmentsReturnsEachExactlyOnce() throws Exception {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        Random random = new Random(42);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            ids.add(Long.toHexString(random.nextLong()) + "-" + i);
        }
        ExecutorService writers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int from = 0; from < KEYS; from += 25) {
                List<String> batch = ids.subList(from, Math.min(KEYS, from + 25));
                done.add(writers.submit(() -> {
                    List<WriteRequest> writes = new ArrayList<>();
                    for (String id : batch) {
                        writes.add(WriteRequest.builder()
                                .putRequest(p -> p.item(Map.of("id", s(id), "v", n("1"))))
                                .build());
                    }
                    assertThat(dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, writes)))
                                    .unprocessedItems())
                            .isEmpty();
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            writers.shutdownNow();
        }

        // Segment i of 3 is exactly shard i's hash range: count each shard's items.
        for (int shard = 0; shard < ShardedStoragePods.SHARDS; shard++) {
            int segment = shard;
            int count = 0;
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                ScanResponse page = dynamo.scan(b -> b.tableName(table)
                        .segment(segment)
                        .totalSegments(3)
                        .select(Select.COUNT)
                        .exclusiveStartKey(from));
                count += page.count();
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
            assertThat(count).as("items on shard %d", shard).isBetween(KEYS / 3 * 9 / 10, KEYS / 3 * 11 / 10);
        }

        // Four segments do not line up with three shards: pages cross shard boundaries.
        Set<String> seen = new HashSet<>();
        int returned = 0;
        for (int segment = 0; segment < 4; segment++) {
            int seg = segment;
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                ScanResponse page = dynamo.scan(b -> b.tableName(table)
                        .segment(seg)
                        .totalSegments(4)
                        .limit(1_500)
                        .exclusiveStartKey(from));
                for (Map<String, AttributeValue> item : page.items()) {
                    seen.add(item.get("id").s());
                    returned++;
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
        }
        assertThat(returned).isEqualTo(KEYS);
        assertThat(seen).hasSize(KEYS).containsAll(ids);
    }

    @Test
    void aTableReCreatedThroughAnotherGatewayIsNeverWrittenWithTheOldSchema() throws Exception {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        dynamo.putItem(b -> b.tableName(table).item(Map.of("id", s("a"))));
        // Another gateway on the same shards deletes the table and creates it keyed by a number.
        try (PlaneOperations other = new PlaneOperations(StoragePlane.configured(
                ShardMaps.fromProperties(
                        ConfigProvider.getConfig().getOptionalValue("kubedyn.cluster.shards", String.class), Map.of()),
                new RemoteStores(Duration.ofSeconds(5)),
                Duration.ZERO))) {
            other.deleteTable(table);
            other.createTable(new TableDefinition(
                    table,
                    UUID.randomUUID().toString(),
                    KeySchema.of(new KeyAttribute("id", ScalarType.N), null),
                    Map.of("id", ScalarType.N),
                    "PAY_PER_REQUEST",
                    0,
                    0,
                    0));
        }
        // This gateway still holds the old definition: the write is refused as retryable, not done.
        DynamoDbException stale = null;
        try {
            dynamo.putItem(b -> b.tableName(table).item(Map.of("id", s("b"))));
        } catch (DynamoDbException e) {
            stale = e;
        }
        assertThat(stale).isNotNull();
        assertThat(stale.statusCode()).isEqualTo(500);
        // The retry is checked against the new definition.
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table).item(Map.of("id", s("b")))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("Type mismatch");
        dynamo.putItem(b -> b.tableName(table).item(Map.of("id", n("7"))));
        assertThat(dynamo.scan(b -> b.tableName(table)).items()).containsExactly(Map.of("id", n("7")));
    }

    @Test
    void aQueryIsAnsweredByTheOneShardOfItsPartition() throws Exception {
        createMusicTable();
        for (int i = 0; i < 5; i++) {
            String title = "Song " + i;
            dynamo.putItem(b -> b.tableName(table).item(song("Kyuss", title)));
        }
        long[] before = podCounts("query");
        assertThat(dynamo.query(b -> b.tableName(table)
                                .keyConditionExpression("Artist = :a")
                                .expressionAttributeValues(Map.of(":a", s("Kyuss"))))
                        .count())
                .isEqualTo(5);
        long[] after = podCounts("query");
        int touched = 0;
        for (int i = 0; i < before.length; i++) {
            assertThat(after[i] - before[i]).isBetween(0L, 1L);
            touched += (int) (after[i] - before[i]);
        }
        assertThat(touched).isEqualTo(1);
    }

    /** A stream consumer's GetRecords costs one read of the shard's pod, boundaries and records together. */
    @Test
    void aGetRecordsCallReadsItsShardsPodOnce() throws Exception {
        String streamArn = dynamo.createTable(b -> b.tableName(table)
                        .billingMode("PAY_PER_REQUEST")
                        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                        .keySchema(k -> k.attributeName("id")
                                .keyType(software.amazon.awssdk.services.dynamodb.model.KeyType.HASH))
                        .streamSpecification(st -> st.streamEnabled(true).streamViewType("KEYS_ONLY")))
                .tableDescription()
                .latestStreamArn();
        for (int i = 0; i < 30; i++) {
            String id = "item-" + i;
            dynamo.putItem(b -> b.tableName(table).item(Map.of("id", s(id))));
        }
        try (var streams = DynamoDbClients.streamsAt(endpoint())) {
            int records = 0;
            for (var shard : streams.describeStream(b -> b.streamArn(streamArn))
                    .streamDescription()
                    .shards()) {
                String iterator = streams.getShardIterator(b ->
                                b.streamArn(streamArn).shardId(shard.shardId()).shardIteratorType("TRIM_HORIZON"))
                        .shardIterator();
                for (int call = 0; call < 4; call++) {
                    String at = iterator;
                    long before = LongStream.of(podCounts("read_changes")).sum();
                    var page = streams.getRecords(b -> b.shardIterator(at).limit(3));
                    long reads = LongStream.of(podCounts("read_changes")).sum() - before;
                    // The first call, from the shard's oldest record, asks where that is first.
                    assertThat(reads)
                            .as("pod reads of GetRecords call %d of %s", call, shard.shardId())
                            .isEqualTo(call == 0 ? 2L : 1L);
                    records += page.records().size();
                    iterator = page.nextShardIterator();
                }
            }
            assertThat(records).as("the calls read records").isPositive();
        }
    }

    @Test
    void scanPagesWithALimitCrossShardBoundariesWithoutLosingOrRepeatingItemsOrEndingEmpty() {
        createTable(table, "id", ScalarAttributeType.N, null, null);
        for (int i = 0; i < 50; i++) {
            String id = Integer.toString(i);
            dynamo.putItem(b -> b.tableName(table).item(Map.of("id", n(id))));
        }
        Set<String> seen = new HashSet<>();
        Map<String, AttributeValue> start = null;
        int pages = 0;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.scan(b -> b.tableName(table).limit(7).exclusiveStartKey(from));
            assertThat(page.items()).isNotEmpty();
            page.items()
                    .forEach(item -> assertThat(seen.add(item.get("id").n())).isTrue());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            pages++;
        } while (start != null && pages < 100);
        assertThat(seen).hasSize(50);
        assertThat(pages).isEqualTo(8);
    }
}
