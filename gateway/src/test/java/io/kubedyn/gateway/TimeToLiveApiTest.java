package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** UpdateTimeToLive, DescribeTimeToLive, and expired items going away, through the AWS SDK on both backends. */
@QuarkusTest
class TimeToLiveApiTest extends EmbeddedServerTest {

    private void createOrders() {
        dynamo.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.OLD_IMAGE)));
    }

    private void put(String id, AttributeValue expiresAt) {
        dynamo.putItem(b -> b.tableName(table)
                .item(expiresAt == null ? Map.of("id", s(id)) : Map.of("id", s(id), "expiresAt", expiresAt)));
    }

    private boolean present(String id) {
        return dynamo.getItem(b -> b.tableName(table).key(Map.of("id", s(id))).consistentRead(true))
                .hasItem();
    }

    @Test
    void expiredItemsDisappearWithinAMinuteAsRemovalsByTheService() throws Exception {
        createOrders();
        assertThat(dynamo.describeTimeToLive(b -> b.tableName(table))
                        .timeToLiveDescription()
                        .timeToLiveStatus())
                .isEqualTo(TimeToLiveStatus.DISABLED);
        var updated = dynamo.updateTimeToLive(b -> b.tableName(table)
                        .timeToLiveSpecification(t -> t.enabled(true).attributeName("expiresAt")))
                .timeToLiveSpecification();
        assertThat(updated.enabled()).isTrue();
        var described = dynamo.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription();
        assertThat(described.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
        assertThat(described.attributeName()).isEqualTo("expiresAt");

        long now = Instant.now().getEpochSecond();
        put("tomorrow", n(Long.toString(now + 86_400)));
        put("a string", s(Long.toString(now - 60)));
        put("no attribute", null);
        for (int i = 0; i < 10; i++) {
            put("expired-" + i, n(Long.toString(now - 60)));
        }
        // Read right after its write: the stores look for expired items every 5 s.
        assertThat(present("expired-9"))
                .as("until deleted, an expired item still reads back")
                .isTrue();

        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        // Each shard's store expires its own items, on its own schedule: wait for all of them.
        while (IntStream.range(0, 10).anyMatch(i -> present("expired-" + i))
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(present("expired-" + i))
                    .as("expired-%d deleted within 60 s", i)
                    .isFalse();
        }
        assertThat(present("tomorrow")).isTrue();
        assertThat(present("a string")).isTrue();
        assertThat(present("no attribute")).isTrue();

        List<Record> removals = new ArrayList<>();
        try (DynamoDbStreamsClient streams = DynamoDbClients.streamsAt(endpoint())) {
            String arn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
            for (Shard shard : streams.describeStream(b -> b.streamArn(arn))
                    .streamDescription()
                    .shards()) {
                String iterator = streams.getShardIterator(b -> b.streamArn(arn)
                                .shardId(shard.shardId())
                                .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                        .shardIterator();
                streams.getRecords(b -> b.shardIterator(iterator)).records().stream()
                        .filter(r -> r.eventNameAsString().equals("REMOVE"))
                        .forEach(removals::add);
            }
        }
        assertThat(removals).hasSize(10).allSatisfy(r -> {
            assertThat(r.userIdentity().type()).isEqualTo("Service");
            assertThat(r.userIdentity().principalId()).isEqualTo("dynamodb.amazonaws.com");
            assertThat(r.dynamodb().oldImage()).containsKey("expiresAt");
        });
    }

    @Test
    void settingsAreCheckedAsDynamoDbChecksThem() {
        createOrders();
        assertThatThrownBy(() -> dynamo.updateTimeToLive(b -> b.tableName(table)
                        .timeToLiveSpecification(t -> t.enabled(false).attributeName("expiresAt"))))
                .isInstanceOfSatisfying(
                        DynamoDbException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("TimeToLive is already disabled"));
        dynamo.updateTimeToLive(b ->
                b.tableName(table).timeToLiveSpecification(t -> t.enabled(true).attributeName("ttl")));
        assertThatThrownBy(() -> dynamo.updateTimeToLive(b -> b.tableName(table)
                        .timeToLiveSpecification(t -> t.enabled(true).attributeName("other"))))
                .isInstanceOfSatisfying(
                        DynamoDbException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("TimeToLive is already enabled"));
        dynamo.updateTimeToLive(b ->
                b.tableName(table).timeToLiveSpecification(t -> t.enabled(false).attributeName("ttl")));
        assertThat(dynamo.describeTimeToLive(b -> b.tableName(table))
                        .timeToLiveDescription()
                        .timeToLiveStatus())
                .isEqualTo(TimeToLiveStatus.DISABLED);
        assertThatThrownBy(() -> dynamo.describeTimeToLive(b -> b.tableName(table + "-missing")))
                .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class);
    }
}
