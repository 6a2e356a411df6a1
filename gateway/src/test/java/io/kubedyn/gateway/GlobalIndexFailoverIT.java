package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * kill -9 of one of three storage pods while writers move items around a global secondary index
 * whose entries live on other shards than their items: every shard's feed sends entries to the
 * shard owning each entry's hash, the dead shard's peers retry until it is back, and its own feed
 * resumes from its checkpoint. Afterwards the index equals its function of the table.
 */
class GlobalIndexFailoverIT {
    private static final int SHARDS = 3;
    private static final int VICTIM = 2;

    @TempDir
    Path data;

    @Test
    void aGlobalIndexConvergesOnItsTableAfterKillNineOfAShardDuringPropagation() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try (PackagedCluster cluster = new PackagedCluster(data, SHARDS)) {
            DynamoDbClient dynamo = cluster.dynamo;
            dynamo.createTable(b -> b.tableName("Moves")
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            a -> a.attributeName("id").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("g").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("v").attributeType(ScalarAttributeType.N))
                    .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                    .globalSecondaryIndexes(i -> i.indexName("ByGroup")
                            .keySchema(
                                    k -> k.attributeName("g").keyType(KeyType.HASH),
                                    k -> k.attributeName("v").keyType(KeyType.RANGE))
                            .projection(p -> p.projectionType(ProjectionType.ALL))));

            AtomicBoolean stop = new AtomicBoolean();
            List<Future<?>> load = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                load.add(writers.submit(() -> {
                    Random random = new Random(writer);
                    try (DynamoDbClient client =
                            DynamoDbClients.at(cluster.gateway().endpoint())) {
                        for (int n = 0; !stop.get(); n++) {
                            String id = "w" + writer + "-" + random.nextInt(150);
                            try {
                                if (random.nextInt(6) == 0) {
                                    client.deleteItem(
                                            b -> b.tableName("Moves").key(Map.of("id", AttributeValue.fromS(id))));
                                } else if (random.nextInt(5) == 0) {
                                    // Leaves the index: no group.
                                    client.putItem(b -> b.tableName("Moves")
                                            .item(Map.of(
                                                    "id", AttributeValue.fromS(id), "v", AttributeValue.fromN("0"))));
                                } else {
                                    String group = "g" + random.nextInt(7);
                                    int value = random.nextInt(1_000);
                                    client.putItem(b -> b.tableName("Moves")
                                            .item(Map.of(
                                                    "id",
                                                    AttributeValue.fromS(id),
                                                    "g",
                                                    AttributeValue.fromS(group),
                                                    "v",
                                                    AttributeValue.fromN(Integer.toString(value)))));
                                }
                            } catch (DynamoDbException e) {
                                // The victim's keys fail (retryably) while it is down.
                            }
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(1_500);
            cluster.pods.get(VICTIM).kill();
            Thread.sleep(2_000);
            cluster.pods.get(VICTIM).start();
            Thread.sleep(1_500);
            stop.set(true);
            for (Future<?> f : load) {
                f.get();
            }

            Set<Map<String, AttributeValue>> expected = new HashSet<>();
            for (Map<String, AttributeValue> item : scanAll(dynamo, null)) {
                if (item.containsKey("g") && item.containsKey("v")) {
                    expected.add(item);
                }
            }
            assertThat(expected).as("items in the index").hasSizeGreaterThan(100);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            Set<Map<String, AttributeValue>> indexed = new HashSet<>(scanAll(dynamo, "ByGroup"));
            while (!indexed.equals(expected) && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
                indexed = new HashSet<>(scanAll(dynamo, "ByGroup"));
            }
            assertThat(indexed)
                    .as("the index, as the function of the table it should be")
                    .isEqualTo(expected);
        } finally {
            writers.shutdownNow();
        }
    }

    private static List<Map<String, AttributeValue>> scanAll(DynamoDbClient dynamo, String index) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page =
                    dynamo.scan(b -> b.tableName("Moves").indexName(index).exclusiveStartKey(from));
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }
}
