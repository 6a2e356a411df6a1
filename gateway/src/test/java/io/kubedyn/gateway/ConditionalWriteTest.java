package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

@QuarkusTest
class ConditionalWriteTest extends EmbeddedServerTest {
    private static final Map<String, AttributeValue> KEY = Map.of("id", AttributeValue.fromS("counter"));

    @BeforeEach
    void table() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
    }

    private Map<String, AttributeValue> item() {
        return dynamo.getItem(b -> b.tableName(table).key(KEY)).item();
    }

    @Test
    void putIfAbsentWritesOnceAndThenFails() {
        Map<String, AttributeValue> first = Map.of("id", s("counter"), "owner", s("first"));
        dynamo.putItem(b -> b.tableName(table).item(first).conditionExpression("attribute_not_exists(id)"));
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table)
                        .item(Map.of("id", s("counter"), "owner", s("second")))
                        .conditionExpression("attribute_not_exists(id)")))
                .isInstanceOf(ConditionalCheckFailedException.class)
                .hasMessageContaining("The conditional request failed");
        assertThat(item()).isEqualTo(first);
    }

    @Test
    void failedConditionCanReturnTheCurrentItem() {
        Map<String, AttributeValue> current = Map.of("id", s("counter"), "version", n("3"));
        dynamo.putItem(b -> b.tableName(table).item(current));
        assertThatThrownBy(() -> dynamo.updateItem(b -> b.tableName(table)
                        .key(KEY)
                        .updateExpression("SET version = :next")
                        .conditionExpression("version = :expected")
                        .expressionAttributeValues(Map.of(":next", n("2"), ":expected", n("1")))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)))
                .isInstanceOfSatisfying(
                        ConditionalCheckFailedException.class,
                        e -> assertThat(e.item()).isEqualTo(current));
        assertThatThrownBy(() -> dynamo.deleteItem(b -> b.tableName(table)
                        .key(KEY)
                        .conditionExpression("version > :v")
                        .expressionAttributeValues(Map.of(":v", n("3")))))
                .isInstanceOfSatisfying(
                        ConditionalCheckFailedException.class,
                        e -> assertThat(e.hasItem()).isFalse());
        assertThat(item()).isEqualTo(current);
        dynamo.deleteItem(b -> b.tableName(table)
                .key(KEY)
                .conditionExpression("version >= :v")
                .expressionAttributeValues(Map.of(":v", n("3"))));
        assertThat(dynamo.getItem(b -> b.tableName(table).key(KEY)).hasItem()).isFalse();
    }

    @Test
    void optimisticLockingUnderConcurrentUpdatersLosesNoUpdate() throws Exception {
        dynamo.putItem(b -> b.tableName(table).item(Map.of("id", s("counter"), "version", n("0"), "value", n("0"))));
        int threads = 8;
        int attemptsPerThread = 40;
        AtomicInteger successes = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                try (DynamoDbClient client = DynamoDbClients.at(endpoint())) {
                    for (int i = 0; i < attemptsPerThread; i++) {
                        Map<String, AttributeValue> current =
                                client.getItem(b -> b.tableName(table).key(KEY)).item();
                        long version = Long.parseLong(current.get("version").n());
                        long value = Long.parseLong(current.get("value").n());
                        try {
                            client.updateItem(b -> b.tableName(table)
                                    .key(KEY)
                                    .updateExpression("SET version = :next, #v = :value")
                                    .conditionExpression("version = :expected")
                                    .expressionAttributeNames(Map.of("#v", "value"))
                                    .expressionAttributeValues(Map.of(
                                            ":next",
                                            n(Long.toString(version + 1)),
                                            ":value",
                                            n(Long.toString(value + 1)),
                                            ":expected",
                                            n(Long.toString(version)))));
                            successes.incrementAndGet();
                        } catch (ConditionalCheckFailedException lostRace) {
                            conflicts.incrementAndGet();
                        }
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        Map<String, AttributeValue> last = item();
        assertThat(successes.get() + conflicts.get()).isEqualTo(threads * attemptsPerThread);
        assertThat(Long.parseLong(last.get("value").n())).isEqualTo(successes.get());
        assertThat(Long.parseLong(last.get("version").n())).isEqualTo(successes.get());
    }

    @Test
    void atomicCountersWithAddLoseNoIncrement() throws Exception {
        int threads = 8;
        int incrementsPerThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                try (DynamoDbClient client = DynamoDbClients.at(endpoint())) {
                    for (int i = 0; i < incrementsPerThread; i++) {
                        client.updateItem(b -> b.tableName(table)
                                .key(KEY)
                                .updateExpression("ADD hits :one")
                                .expressionAttributeValues(Map.of(":one", n("1"))));
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(item().get("hits")).isEqualTo(n(Integer.toString(threads * incrementsPerThread)));
    }
}
