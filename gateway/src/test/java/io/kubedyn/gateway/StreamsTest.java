package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Streams through the AWS SDK's {@code DynamoDbStreamsClient}, on both backends (one
 * stream shard on the embedded server, one per storage pod on the cluster backend).
 */
@QuarkusTest
class StreamsTest extends EmbeddedServerTest {
    private DynamoDbStreamsClient streams;

    @BeforeEach
    void connectStreams() {
        streams = DynamoDbClients.streamsAt(endpoint());
    }

    @AfterEach
    void disconnectStreams() {
        streams.close();
    }

    private TableDescription createStreamed(StreamViewType view) {
        return dynamo.createTable(b -> b.tableName(table)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                        .streamSpecification(s -> s.streamEnabled(true).streamViewType(view)))
                .tableDescription();
    }

    /** Every record of every shard of the stream, read from TRIM_HORIZON to the end. */
    private List<Record> readAll(String streamArn) {
        List<Record> records = new ArrayList<>();
        for (Shard shard : streams.describeStream(b -> b.streamArn(streamArn))
                .streamDescription()
                .shards()) {
            String iterator = streams.getShardIterator(b -> b.streamArn(streamArn)
                            .shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            while (true) {
                String at = iterator;
                var page = streams.getRecords(b -> b.shardIterator(at).limit(37));
                records.addAll(page.records());
                iterator = page.nextShardIterator();
                if (page.records().isEmpty()) {
                    break;
                }
            }
        }
        return records;
    }

    private static Map<String, AttributeValue> item(String id, int version) {
        return Map.of("id", s(id), "v", n(Integer.toString(version)));
    }

    @Test
    void aRandomHistoryAppearsExactlyOnceInOrderPerItemWithBothImages() {
        TableDescription created = createStreamed(StreamViewType.NEW_AND_OLD_IMAGES);
        assertThat(created.latestStreamArn()).endsWith("/stream/" + created.latestStreamLabel());
        assertThat(created.streamSpecification().streamEnabled()).isTrue();

        Random random = new Random(42);
        Map<String, Map<String, AttributeValue>> state = new HashMap<>();
        Map<String, List<String>> expected = new LinkedHashMap<>(); // per item: event:old:new
        int version = 0;
        for (int step = 0; step < 400; step++) {
            String id = "item-" + random.nextInt(30);
            Map<String, AttributeValue> old = state.get(id);
            int choice = random.nextInt(10);
            if (choice < 4) {
                Map<String, AttributeValue> updated = item(id, ++version);
                dynamo.putItem(b -> b.tableName(table).item(updated));
                expect(expected, id, old, updated);
                state.put(id, updated);
            } else if (choice < 6 && old != null) {
                dynamo.putItem(b -> b.tableName(table).item(old)); // identical: no record
            } else if (choice < 8) {
                int v = ++version;
                dynamo.updateItem(b -> b.tableName(table)
                        .key(Map.of("id", s(id)))
                        .updateExpression("SET v = :v")
                        .expressionAttributeValues(Map.of(":v", n(Integer.toString(v)))));
                Map<String, AttributeValue> updated = item(id, v);
                expect(expected, id, old, updated);
                state.put(id, updated);
            } else if (choice < 9) {
                dynamo.deleteItem(b -> b.tableName(table).key(Map.of("id", s(id))));
                if (old != null) {
                    expect(expected, id, old, null);
                    state.remove(id);
                }
            } else {
                List<WriteRequest> batch = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    String batchId = "batch-" + step + "-" + i;
                    Map<String, AttributeValue> updated = item(batchId, ++version);
                    batch.add(WriteRequest.builder()
                            .putRequest(PutRequest.builder().item(updated).build())
                            .build());
                    expect(expected, batchId, null, updated);
                    state.put(batchId, updated);
                }
                if (old != null) {
                    batch.add(WriteRequest.builder()
                            .deleteRequest(DeleteRequest.builder()
                                    .key(Map.of("id", s(id)))
                                    .build())
                            .build());
                    expect(expected, id, old, null);
                    state.remove(id);
                }
                var unprocessed = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, batch)))
                        .unprocessedItems();
                assertThat(unprocessed).isEmpty();
            }
        }

        List<Record> records = readAll(created.latestStreamArn());
        Map<String, List<String>> seen = new LinkedHashMap<>();
        for (Record record : records) {
            var change = record.dynamodb();
            String id = change.keys().get("id").s();
            seen.computeIfAbsent(id, k -> new ArrayList<>())
                    .add(record.eventNameAsString() + ":"
                            + (change.hasOldImage() ? change.oldImage().get("v").n() : "-") + ":"
                            + (change.hasNewImage() ? change.newImage().get("v").n() : "-"));
            assertThat(record.eventSource()).isEqualTo("aws:dynamodb");
            assertThat(change.streamViewTypeAsString()).isEqualTo("NEW_AND_OLD_IMAGES");
            assertThat(change.sizeBytes()).isPositive();
            assertThat(change.approximateCreationDateTime()).isNotNull();
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(records).extracting(r -> r.dynamodb().sequenceNumber()).doesNotHaveDuplicates();
    }

    private static void expect(
            Map<String, List<String>> expected,
            String id,
            Map<String, AttributeValue> old,
            Map<String, AttributeValue> updated) {
        String event = old == null ? "INSERT" : updated == null ? "REMOVE" : "MODIFY";
        expected.computeIfAbsent(id, k -> new ArrayList<>())
                .add(event + ":" + (old == null ? "-" : old.get("v").n()) + ":"
                        + (updated == null ? "-" : updated.get("v").n()));
    }

    @Test
    void viewTypesKeepTheirImagesOnly() {
        TableDescription created = createStreamed(StreamViewType.KEYS_ONLY);
        dynamo.putItem(b -> b.tableName(table).item(item("a", 1)));
        dynamo.putItem(b -> b.tableName(table).item(item("a", 2)));
        assertThat(readAll(created.latestStreamArn())).hasSize(2).allSatisfy(r -> {
            assertThat(r.dynamodb().hasOldImage()).isFalse();
            assertThat(r.dynamodb().hasNewImage()).isFalse();
            assertThat(r.dynamodb().keys()).containsOnlyKeys("id");
        });
        dynamo.updateTable(b -> b.tableName(table).streamSpecification(s -> s.streamEnabled(false)));
        dynamo.updateTable(b -> b.tableName(table)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.OLD_IMAGE)));
        String arn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        dynamo.putItem(b -> b.tableName(table).item(item("a", 3)));
        Record last = readAll(arn).get(readAll(arn).size() - 1);
        assertThat(last.dynamodb().oldImage()).isEqualTo(item("a", 2));
        assertThat(last.dynamodb().hasNewImage()).isFalse();
    }

    @Test
    void streamsAreListedAndDescribedWithOneShardPerStorageShard() {
        TableDescription created = createStreamed(StreamViewType.NEW_IMAGE);
        var listed = streams.listStreams(b -> b.tableName(table)).streams();
        assertThat(listed).singleElement().satisfies(stream -> {
            assertThat(stream.streamArn()).isEqualTo(created.latestStreamArn());
            assertThat(stream.streamLabel()).isEqualTo(created.latestStreamLabel());
            assertThat(stream.tableName()).isEqualTo(table);
        });
        var described = streams.describeStream(b -> b.streamArn(created.latestStreamArn()))
                .streamDescription();
        assertThat(described.streamStatusAsString()).isEqualTo("ENABLED");
        assertThat(described.streamViewTypeAsString()).isEqualTo("NEW_IMAGE");
        assertThat(described.tableName()).isEqualTo(table);
        assertThat(described.keySchema())
                .singleElement()
                .satisfies(k -> assertThat(k.attributeName()).isEqualTo("id"));
        int storageShards = "cluster".equals(System.getProperty("kubedyn.test.backend")) ? 3 : 1;
        assertThat(described.shards())
                .hasSize(storageShards)
                .allSatisfy(shard -> assertThat(shard.sequenceNumberRange().startingSequenceNumber())
                        .isNotBlank());
        assertThat(described.shards()).extracting(Shard::shardId).doesNotHaveDuplicates();
    }

    @Test
    void iteratorsStartAtTheHorizonTheEndOrASequenceNumber() {
        TableDescription created = createStreamed(StreamViewType.NEW_IMAGE);
        dynamo.putItem(b -> b.tableName(table).item(item("a", 1)));
        dynamo.putItem(b -> b.tableName(table).item(item("a", 2)));
        String arn = created.latestStreamArn();
        List<Record> before = readAll(arn);
        assertThat(before).hasSize(2);
        String first = before.get(0).dynamodb().sequenceNumber();
        String shardId = shardOf(arn, "a");

        Record after = streams.getRecords(
                        b -> b.shardIterator(iterator(arn, shardId, ShardIteratorType.AFTER_SEQUENCE_NUMBER, first)))
                .records()
                .get(0);
        assertThat(after.dynamodb().newImage()).isEqualTo(item("a", 2));
        Record at = streams.getRecords(
                        b -> b.shardIterator(iterator(arn, shardId, ShardIteratorType.AT_SEQUENCE_NUMBER, first)))
                .records()
                .get(0);
        assertThat(at.dynamodb().newImage()).isEqualTo(item("a", 1));

        String latest = iterator(arn, shardId, ShardIteratorType.LATEST, null);
        var empty = streams.getRecords(b -> b.shardIterator(latest));
        assertThat(empty.records()).isEmpty();
        dynamo.putItem(b -> b.tableName(table).item(item("a", 3)));
        var next = streams.getRecords(b -> b.shardIterator(empty.nextShardIterator()));
        assertThat(next.records())
                .singleElement()
                .satisfies(r -> assertThat(r.dynamodb().newImage()).isEqualTo(item("a", 3)));
    }

    /** The shard of the stream holding item {@code id}'s records. */
    private String shardOf(String arn, String id) {
        for (Shard shard : streams.describeStream(b -> b.streamArn(arn))
                .streamDescription()
                .shards()) {
            String iterator = iterator(arn, shard.shardId(), ShardIteratorType.TRIM_HORIZON, null);
            if (!streams.getRecords(b -> b.shardIterator(iterator)).records().isEmpty()) {
                return shard.shardId();
            }
        }
        throw new AssertionError("no shard holds " + id);
    }

    private String iterator(String arn, String shardId, ShardIteratorType type, String sequence) {
        return streams.getShardIterator(b -> b.streamArn(arn)
                        .shardId(shardId)
                        .shardIteratorType(type)
                        .sequenceNumber(sequence))
                .shardIterator();
    }

    @Test
    void badIteratorsAndUnknownStreamsGetDynamoDbsErrors() {
        TableDescription created = createStreamed(StreamViewType.NEW_IMAGE);
        String arn = created.latestStreamArn();
        String shardId = streams.describeStream(b -> b.streamArn(arn))
                .streamDescription()
                .shards()
                .get(0)
                .shardId();

        assertThatThrownBy(() -> streams.getRecords(b -> b.shardIterator("not-an-iterator")))
                .isInstanceOfSatisfying(
                        DynamoDbException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        String stale = new ShardIterator(
                        table,
                        created.tableId(),
                        created.latestStreamLabel(),
                        shardId,
                        "local",
                        0,
                        System.currentTimeMillis() - ShardIterator.LIFETIME.toMillis() - 1000)
                .encode();
        assertThatThrownBy(() -> streams.getRecords(b -> b.shardIterator(stale)))
                .isInstanceOf(ExpiredIteratorException.class);
        assertThatThrownBy(() -> streams.describeStream(b -> b.streamArn(arn + "x")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> streams.getShardIterator(b -> b.streamArn(arn)
                        .shardId("shardId-00000000000000000099-00000000")
                        .shardIteratorType(ShardIteratorType.LATEST)))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> streams.getShardIterator(
                        b -> b.streamArn(arn).shardId(shardId).shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)))
                .isInstanceOfSatisfying(
                        DynamoDbException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        assertThatThrownBy(() -> dynamo.updateTable(b -> b.tableName(table)
                        .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.KEYS_ONLY))))
                .isInstanceOfSatisfying(
                        DynamoDbException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .startsWith("Table already has an enabled stream"));

        dynamo.deleteTable(b -> b.tableName(table));
        assertThatThrownBy(() -> streams.describeStream(b -> b.streamArn(arn)))
                .isInstanceOf(ResourceNotFoundException.class);
    }
}
