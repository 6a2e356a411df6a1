package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * UpdateTable's GlobalSecondaryIndexUpdates: an index created on a live table is backfilled while
 * writers go on (CREATING with Backfilling, then ACTIVE), and then equals its function of the
 * table; a deleted index is gone; DynamoDB's limits and errors.
 */
@QuarkusTest
class GlobalIndexUpdatesTest extends EmbeddedServerTest {

    private void createOrders() {
        dynamo.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH)));
    }

    private void createByCustomer() {
        dynamo.updateTable(b -> b.tableName(table)
                .attributeDefinitions(
                        a -> a.attributeName("customer").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("total").attributeType(ScalarAttributeType.N))
                .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName("ByCustomer")
                        .keySchema(
                                k -> k.attributeName("customer").keyType(KeyType.HASH),
                                k -> k.attributeName("total").keyType(KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.ALL)))));
    }

    private static Map<String, AttributeValue> order(String id, String customer, int total) {
        return Map.of("id", s(id), "customer", s(customer), "total", n(Integer.toString(total)));
    }

    private GlobalSecondaryIndexDescription describeIndex() {
        return dynamo.describeTable(b -> b.tableName(table))
                .table()
                .globalSecondaryIndexes()
                .get(0);
    }

    private List<Map<String, AttributeValue>> scanAll(String index) {
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

    @Test
    void anIndexCreatedWhileFourWritersRunIsBackfilledAndThenEqualsItsTable() throws Exception {
        createOrders();
        for (int i = 0; i < 1_500; i++) {
            int n = i;
            dynamo.putItem(b -> b.tableName(table).item(order("o" + n, "c" + (n % 40), n)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<?>> writers = new ArrayList<>();
        try {
            for (int w = 0; w < 4; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    Random random = new Random(writer);
                    try (DynamoDbClient client = DynamoDbClients.at(endpoint())) {
                        while (!stop.get()) {
                            String id = "o" + random.nextInt(2_000);
                            if (random.nextInt(5) == 0) {
                                client.deleteItem(b -> b.tableName(table).key(Map.of("id", s(id))));
                            } else if (random.nextInt(6) == 0) {
                                client.putItem(b -> b.tableName(table).item(Map.of("id", s(id))));
                            } else {
                                client.putItem(b -> b.tableName(table)
                                        .item(order(id, "c" + random.nextInt(40), random.nextInt(10_000))));
                            }
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(200);
            createByCustomer();
            GlobalSecondaryIndexDescription creating = describeIndex();
            assertThat(creating.indexName()).isEqualTo("ByCustomer");
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (describeIndex().indexStatus() != IndexStatus.ACTIVE
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            assertThat(describeIndex().indexStatus()).isEqualTo(IndexStatus.ACTIVE);
            assertThat(describeIndex().backfilling()).isNull();
            Thread.sleep(300);
        } finally {
            stop.set(true);
            for (Future<?> writer : writers) {
                writer.get();
            }
            pool.shutdownNow();
        }
        Set<Map<String, AttributeValue>> expected = new HashSet<>();
        for (Map<String, AttributeValue> item : scanAll(null)) {
            if (item.containsKey("customer")) {
                expected.add(item);
            }
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        Set<Map<String, AttributeValue>> indexed = new HashSet<>(scanAll("ByCustomer"));
        while (!indexed.equals(expected) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            indexed = new HashSet<>(scanAll("ByCustomer"));
        }
        Set<Map<String, AttributeValue>> missing = new HashSet<>(expected);
        missing.removeAll(indexed);
        Set<Map<String, AttributeValue>> extra = new HashSet<>(indexed);
        extra.removeAll(expected);
        assertThat(missing).as("items missing from the index").isEmpty();
        assertThat(extra).as("index entries of no item").isEmpty();
        assertThat(indexed).hasSizeGreaterThan(1_000);
        assertThat(dynamo.query(b -> b.tableName(table)
                                .indexName("ByCustomer")
                                .keyConditionExpression("customer = :c")
                                .expressionAttributeValues(Map.of(":c", s("c7"))))
                        .items())
                .allSatisfy(item -> assertThat(item.get("customer")).isEqualTo(s("c7")));
    }

    @Test
    void aDeletedIndexIsGoneAndItsKeyAttributesWithIt() {
        createOrders();
        createByCustomer();
        dynamo.putItem(b -> b.tableName(table).item(order("o1", "c1", 10)));
        var updated = dynamo.updateTable(b ->
                        b.tableName(table).globalSecondaryIndexUpdates(u -> u.delete(d -> d.indexName("ByCustomer"))))
                .tableDescription();
        assertThat(updated.globalSecondaryIndexes()).isEmpty();
        var described = dynamo.describeTable(b -> b.tableName(table)).table();
        assertThat(described.globalSecondaryIndexes()).isEmpty();
        assertThat(described.attributeDefinitions())
                .extracting(a -> a.attributeName())
                .containsExactly("id");
        assertThatThrownBy(() -> dynamo.query(b -> b.tableName(table)
                        .indexName("ByCustomer")
                        .keyConditionExpression("customer = :c")
                        .expressionAttributeValues(Map.of(":c", s("c1")))))
                .isInstanceOfSatisfying(
                        DynamoDbException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("The table does not have the specified index: ByCustomer"));
        // The attribute is an ordinary one again: any type goes.
        dynamo.putItem(b -> b.tableName(table).item(Map.of("id", s("o2"), "customer", n("3"))));
    }

    @Test
    void dynamoDbsRulesForIndexUpdates() {
        createOrders();
        createByCustomer();
        assertThatThrownBy(() -> dynamo.updateTable(b -> b.tableName(table)
                        .attributeDefinitions(
                                a -> a.attributeName("a").attributeType(ScalarAttributeType.S),
                                a -> a.attributeName("b").attributeType(ScalarAttributeType.S))
                        .globalSecondaryIndexUpdates(
                                u -> u.create(c -> c.indexName("ByA")
                                        .keySchema(k -> k.attributeName("a").keyType(KeyType.HASH))
                                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))),
                                u -> u.create(c -> c.indexName("ByB")
                                        .keySchema(k -> k.attributeName("b").keyType(KeyType.HASH))
                                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))))))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("LimitExceededException");
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Subscriber limit exceeded: Only 1 "
                                    + "online index can be created or deleted simultaneously per table");
                });
        assertThatThrownBy(() -> dynamo.updateTable(
                        b -> b.tableName(table).globalSecondaryIndexUpdates(u -> u.delete(d -> d.indexName("Nope")))))
                .isInstanceOfSatisfying(
                        DynamoDbException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException"));
        assertThatThrownBy(() -> dynamo.updateTable(b -> b.tableName(table)
                        .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName("ByMissing")
                                .keySchema(k -> k.attributeName("missing").keyType(KeyType.HASH))
                                .projection(p -> p.projectionType(ProjectionType.ALL))))))
                .isInstanceOfSatisfying(
                        DynamoDbException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .startsWith(
                                        "One or more parameter values were invalid: Some index key attributes are not "
                                                + "defined in AttributeDefinitions."));
        assertThat(dynamo.describeTable(b -> b.tableName(table)).table().globalSecondaryIndexes())
                .extracting(GlobalSecondaryIndexDescription::indexName)
                .containsExactly("ByCustomer");
    }
}
