package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubedyn.storage.PartitionStore;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The limits of DynamoDB Streams through the AWS SDK: GetRecords answers at most 1 MB of records
 * a call, resuming where it stopped; a position whose records the store trimmed (past the
 * stream's 24-hour retention) is DynamoDB's TrimmedDataAccessException, for a new iterator and
 * for one already held.
 */
@QuarkusTest
class StreamLimitsTest extends EmbeddedServerTest {
    private static final int RECORD_BYTES = 300 * 1024;
    private static final int RECORDS = 8;

    @Inject
    StoragePlane plane;

    private DynamoDbStreamsClient streams;

    @BeforeEach
    void connectStreams() {
        streams = DynamoDbClients.streamsAt(endpoint());
    }

    @AfterEach
    void disconnectStreams() {
        streams.close();
    }

    /** A table whose items all go to one partition, and so one shard and one stream shard. */
    private String createStreamed() {
        dynamo.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.N))
                .keySchema(
                        k -> k.attributeName("pk").keyType(KeyType.HASH),
                        k -> k.attributeName("sk").keyType(KeyType.RANGE))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
        return dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
    }

    private void put(int n, int payloadBytes) {
        dynamo.putItem(b -> b.tableName(table)
                .item(Map.of("pk", s("one"), "sk", n(Integer.toString(n)), "payload", s("x".repeat(payloadBytes)))));
    }

    /** The iterator at the start of the stream shard holding partition "one". */
    private String trimHorizon(String arn) {
        for (var shard : streams.describeStream(b -> b.streamArn(arn))
                .streamDescription()
                .shards()) {
            String iterator = streams.getShardIterator(b ->
                            b.streamArn(arn).shardId(shard.shardId()).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            if (!streams.getRecords(b -> b.shardIterator(iterator)).records().isEmpty()) {
                return streams.getShardIterator(b -> b.streamArn(arn)
                                .shardId(shard.shardId())
                                .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                        .shardIterator();
            }
        }
        throw new AssertionError("no stream shard holds the partition's records");
    }

    @Test
    void getRecordsAnswersAtMostAMegabyteAndResumesWhereItStopped() {
        String arn = createStreamed();
        for (int i = 0; i < RECORDS; i++) {
            put(i, RECORD_BYTES);
        }
        String iterator = trimHorizon(arn);
        List<Record> read = new ArrayList<>();
        int pages = 0;
        while (iterator != null && read.size() < RECORDS && pages < 20) {
            String at = iterator;
            GetRecordsResponse page = streams.getRecords(b -> b.shardIterator(at));
            assertThat(page.records().size())
                    .as("records of about 300 KB in one 1 MB answer")
                    .isBetween(1, 4);
            read.addAll(page.records());
            iterator = page.nextShardIterator();
            pages++;
        }
        assertThat(read)
                .extracting(r -> r.dynamodb().keys().get("sk").n())
                .containsExactly("0", "1", "2", "3", "4", "5", "6", "7");
        assertThat(pages).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aPositionWhoseRecordsWereTrimmedIsTrimmedDataAccess() {
        assumeTrue(
                plane.owned() instanceof PartitionStore,
                "trimming is triggered here in the embedded server's own store; storage pods trim by themselves");
        PartitionStore store = (PartitionStore) plane.owned();
        String arn = createStreamed();
        put(1, 10);
        String held = trimHorizon(arn);
        Record first = streams.getRecords(b -> b.shardIterator(held)).records().get(0);
        String shardId = streams.describeStream(b -> b.streamArn(arn))
                .streamDescription()
                .shards()
                .get(0)
                .shardId();
        String atFirst = streams.getShardIterator(b -> b.streamArn(arn)
                        .shardId(shardId)
                        .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                        .sequenceNumber(first.dynamodb().sequenceNumber()))
                .shardIterator();

        // A day and an hour later, the store trims the record.
        assertThat(store.trimChanges(System.currentTimeMillis() + TimeUnit.HOURS.toMillis(25)))
                .isPositive();

        assertThatThrownBy(() -> streams.getShardIterator(b -> b.streamArn(arn)
                        .shardId(shardId)
                        .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                        .sequenceNumber(first.dynamodb().sequenceNumber())))
                .isInstanceOf(TrimmedDataAccessException.class);
        assertThatThrownBy(() -> streams.getRecords(b -> b.shardIterator(atFirst)))
                .as("an iterator at the record, held from before the trim")
                .isInstanceOf(TrimmedDataAccessException.class);
        put(2, 10);
        GetRecordsResponse fresh = streams.getRecords(b -> b.shardIterator(trimHorizon(arn)));
        assertThat(fresh.records())
                .extracting(r -> r.dynamodb().keys().get("sk").n())
                .containsExactly("2");
    }
}
