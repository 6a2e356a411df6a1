package io.kubedyn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.dynamodbv2.streamsadapter.AmazonDynamoDBStreamsAdapterClient;
import com.amazonaws.services.dynamodbv2.streamsadapter.StreamsSchedulerFactory;
import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsClientRecord;
import com.amazonaws.services.dynamodbv2.streamsadapter.model.DynamoDBStreamsProcessRecordsInput;
import com.amazonaws.services.dynamodbv2.streamsadapter.polling.DynamoDBStreamsPollingConfig;
import com.amazonaws.services.dynamodbv2.streamsadapter.processor.DynamoDBStreamsShardRecordProcessor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.leases.LeaseManagementConfig;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.retrieval.RetrievalConfig;

/**
 * A stream consumer as DynamoDB users run one: the Kinesis Client Library (3.x) with AWS's
 * DynamoDB Streams Kinesis Adapter, both pointed at the gateway on Kubernetes. The library keeps
 * its leases and coordination in tables of the same gateway (a lease table to which it adds a
 * global secondary index, conditional writes, a lock table), finds the stream's shards and reads
 * them: every change made before and while it runs reaches the record processor, exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KinesisAdapterIT {
    private static final String TABLE = "Orders";
    private static final int BEFORE = 30;
    private static final int WHILE_RUNNING = 30;
    private static final Region REGION = Region.US_EAST_1;
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("e2e", "e2e"));

    private LoopbackCluster cluster;
    private DynamoDbClient dynamoDb;

    @BeforeAll
    void startCluster() throws Exception {
        // One shard a table: the library creates three tables of its own, each its StatefulSet.
        cluster = new LoopbackCluster(Path.of("target", "e2e", getClass().getSimpleName()), 1, Duration.ofSeconds(10));
        dynamoDb = cluster.dynamoDb();
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void put(String id) {
        dynamoDb.putItem(b ->
                b.tableName(TABLE).item(Map.of("id", AttributeValue.fromS(id), "total", AttributeValue.fromN("42"))));
    }

    @Test
    void theKinesisClientLibraryReadsEveryChangeOfEveryShardExactlyOnce() throws Exception {
        dynamoDb.createTable(b -> b.tableName(TABLE)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_AND_OLD_IMAGES")));
        String streamArn = cluster.awaitActive(TABLE).latestStreamArn();
        List<String> written = new ArrayList<>();
        for (int i = 0; i < BEFORE; i++) {
            written.add("before-" + i);
            put("before-" + i);
        }

        Queue<String> processed = new ConcurrentLinkedQueue<>();
        URI endpoint = cluster.dynamoDb()
                .serviceClientConfiguration()
                .endpointOverride()
                .orElseThrow();
        try (DynamoDbStreamsClient streams = cluster.dynamoDbStreams();
                DynamoDbAsyncClient leases = DynamoDbAsyncClient.builder()
                        .endpointOverride(endpoint)
                        .region(REGION)
                        .credentialsProvider(CREDENTIALS)
                        .build();
                CloudWatchAsyncClient metrics = CloudWatchAsyncClient.builder()
                        .endpointOverride(endpoint)
                        .region(REGION)
                        .credentialsProvider(CREDENTIALS)
                        .build()) {
            AmazonDynamoDBStreamsAdapterClient adapter = new AmazonDynamoDBStreamsAdapterClient(streams, REGION);
            ConfigsBuilder configs = new ConfigsBuilder(
                    StreamsSchedulerFactory.createSingleStreamTracker(
                            streamArn,
                            InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON)),
                    "orders-consumer",
                    adapter,
                    leases,
                    metrics,
                    "worker-1",
                    () -> new Collector(processed));
            RetrievalConfig retrieval = configs.retrievalConfig()
                    .retrievalSpecificConfig(new DynamoDBStreamsPollingConfig(streamArn, adapter));
            // The library's own clocks, shortened as a test of one worker may: it assigns leases
            // every 2 failover times and first waits for the worker's metrics report (30 s each
            // by default), so with its defaults most of this test is the library waiting.
            LeaseManagementConfig leaseManagement =
                    configs.leaseManagementConfig().failoverTimeMillis(3_000).leaseAssignmentIntervalMillis(2_000L);
            leaseManagement
                    .workerUtilizationAwareAssignmentConfig()
                    .workerMetricsReporterFreqInMillis(2_000)
                    .inMemoryWorkerMetricsCaptureFrequencyMillis(500);
            Scheduler scheduler = StreamsSchedulerFactory.createScheduler(
                    configs.checkpointConfig(),
                    configs.coordinatorConfig(),
                    leaseManagement,
                    configs.lifecycleConfig(),
                    configs.metricsConfig().metricsFactory(new NullMetricsFactory()),
                    configs.processorConfig(),
                    retrieval,
                    adapter);
            Thread worker = new Thread(scheduler, "kcl-scheduler");
            worker.setDaemon(true);
            worker.start();
            try {
                for (int i = 0; i < WHILE_RUNNING; i++) {
                    written.add("while-" + i);
                    put("while-" + i);
                    Thread.sleep(20);
                }
                // The library first creates its lease table, adds a global index to it with
                // UpdateTable (polling every 10 s until it is ACTIVE), and creates its worker
                // metrics and coordinator tables, each a StatefulSet to start here.
                await().atMost(Duration.ofSeconds(300))
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(processed).hasSameSizeAs(written));
                Thread.sleep(2_000);
                assertThat(processed)
                        .as("every change reached the processor once")
                        .doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(written);
            } finally {
                scheduler.startGracefulShutdown().get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(dynamoDb.listTables().tableNames())
                .as("the library's lease table lives in the same gateway")
                .contains("orders-consumer");
    }

    /** Hands the key of every record it is given to the test, and checkpoints what it took. */
    private static final class Collector implements DynamoDBStreamsShardRecordProcessor {
        private final Queue<String> processed;

        Collector(Queue<String> processed) {
            this.processed = processed;
        }

        @Override
        public void initialize(InitializationInput input) {}

        @Override
        public void processRecords(DynamoDBStreamsProcessRecordsInput input) {
            for (DynamoDBStreamsClientRecord record : input.records()) {
                processed.add(record.getRecord().dynamodb().keys().get("id").s());
            }
            try {
                input.checkpointer().checkpoint();
            } catch (Exception e) {
                throw new IllegalStateException("checkpoint failed", e);
            }
        }

        @Override
        public void leaseLost(LeaseLostInput input) {}

        @Override
        public void shardEnded(ShardEndedInput input) {
            try {
                input.checkpointer().checkpoint();
            } catch (Exception e) {
                throw new IllegalStateException("checkpoint at shard end failed", e);
            }
        }

        @Override
        public void shutdownRequested(ShutdownRequestedInput input) {
            try {
                input.checkpointer().checkpoint();
            } catch (Exception e) {
                throw new IllegalStateException("checkpoint at shutdown failed", e);
            }
        }
    }
}
