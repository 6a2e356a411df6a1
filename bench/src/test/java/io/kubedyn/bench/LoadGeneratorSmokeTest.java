package io.kubedyn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * A few seconds of the real thing: the packaged servers started as the comparison starts them,
 * loaded and driven by the load generator. The jars come from the same reactor build
 * ({@code ./mvnw verify}, or {@code -pl bench -am}).
 */
class LoadGeneratorSmokeTest {
    private static final Repository REPO = Repository.locate(Path.of(""));
    private final BenchConfig config =
            new BenchConfig(200, 3, 20, 10, 5, 4, Duration.ZERO, Duration.ofMillis(600), 100_000, "zipfian");
    private final Dataset dataset = new Dataset(config, 1);

    @Test
    void kubedynIsLoadedAndEveryWorkloadRunsWithoutErrors(@TempDir Path work) throws Exception {
        try (KubedynTarget kubedyn = new KubedynTarget(REPO.gatewayJar(), List.of("-Xmx256m"))) {
            URI endpoint = kubedyn.start(work);
            try (DynamoDbAsyncClient client = Clients.async(endpoint, config.concurrency())) {
                dataset.createTables(client, true);
                LoadGenerator generator = new LoadGenerator(client, dataset, true);
                LatencyReport load = generator.load(Duration.ofSeconds(60));
                assertThat(load.operations()).isEqualTo(400);
                assertThat(load.errors()).isZero();
                for (Workload workload : Workload.ALL) {
                    LatencyReport report = generator.measure(workload);
                    assertThat(report.errors())
                            .as(workload.name() + ": " + report.firstError())
                            .isZero();
                    assertThat(report.operations()).as(workload.name()).isPositive();
                }
                LatencyReport paced = generator.runAtRate(Workload.C, 200, Duration.ofSeconds(1));
                assertThat(paced.errors()).isZero();
                assertThat(paced.operations()).isEqualTo(200);
            }
        }
    }

    @Test
    void kubedynGsiLoadsTablesWhoseTwoGlobalIndexesFollowTheRecords(@TempDir Path work) throws Exception {
        try (KubedynTarget kubedyn =
                new KubedynTarget(REPO.gatewayJar(), List.of("-Xmx256m"), TableFeatures.GLOBAL_INDEXES)) {
            assertThat(kubedyn.name()).isEqualTo("kubedyn-gsi");
            URI endpoint = kubedyn.start(work);
            try (DynamoDbAsyncClient client = Clients.async(endpoint, config.concurrency())) {
                dataset.createTables(client, true, kubedyn.tables());
                LatencyReport load = new LoadGenerator(client, dataset, true).load(Duration.ofSeconds(60));
                assertThat(load.errors()).isZero();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                int indexed;
                do {
                    indexed = client.scan(b -> b.tableName(Dataset.KV_TABLE).indexName("byField1"))
                            .get(30, TimeUnit.SECONDS)
                            .count();
                } while (indexed < config.records() && System.nanoTime() < deadline);
                assertThat(indexed).as("records in the KEYS_ONLY index").isEqualTo(config.records());
            }
        }
    }

    @Test
    void oneBatchWriteItemRequestWritesTwentyFiveDistinctRecordsSpreadOverTheKeyRange(@TempDir Path work)
            throws Exception {
        try (KubedynTarget kubedyn = new KubedynTarget(REPO.gatewayJar(), List.of("-Xmx256m"))) {
            URI endpoint = kubedyn.start(work);
            try (DynamoDbAsyncClient client = Clients.async(endpoint, config.concurrency())) {
                dataset.createTables(client, true);
                // Into the empty table: whatever a Scan finds is that one request's writes.
                assertThat(dataset.send(client, Operation.BATCH_WRITE, true).get(30, TimeUnit.SECONDS))
                        .isTrue();
                List<Map<String, AttributeValue>> written = scanAll(client);
                assertThat(written)
                        .hasSize(Dataset.BATCH_WRITE_ITEMS)
                        .allSatisfy(item -> assertThat(item).hasSize(config.fieldCount() + 1));
                // 200 records: the i-th of the batch is one of user0000000000 + [8i, 8i + 8).
                int perPart = config.records() / Dataset.BATCH_WRITE_ITEMS;
                assertThat(written)
                        .extracting(item -> Integer.parseInt(item.get("id").s().substring("user".length())) / perPart)
                        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, Dataset.BATCH_WRITE_ITEMS)
                                .boxed()
                                .toList());

                // Over the loaded table, batches only overwrite records: the table keeps its size.
                LoadGenerator generator = new LoadGenerator(client, dataset, true);
                assertThat(generator.load(Duration.ofSeconds(60)).errors()).isZero();
                LatencyReport report = generator.measure(Workload.BATCH_WRITE_ITEM);
                assertThat(report.errors()).as(report.firstError()).isZero();
                assertThat(report.operations()).isPositive();
                assertThat(scanAll(client)).hasSize(config.records());
            }
        }
    }

    private static List<Map<String, AttributeValue>> scanAll(DynamoDbAsyncClient client) throws Exception {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> from = null;
        do {
            Map<String, AttributeValue> start = from;
            ScanResponse page = client.scan(b -> b.tableName(Dataset.KV_TABLE).exclusiveStartKey(start))
                    .get(30, TimeUnit.SECONDS);
            items.addAll(page.items());
            from = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (from != null);
        return items;
    }

    @Test
    void answersThatDoNotMatchTheDataAreErrors(@TempDir Path work) throws Exception {
        // The ceiling answers {} to a GetItem: with checking on, every read must count as an error.
        try (NoopCeilingTarget ceiling = new NoopCeilingTarget(REPO.noopServerJar(), List.of("-Xmx256m"))) {
            URI endpoint = ceiling.start(work);
            try (DynamoDbAsyncClient client = Clients.async(endpoint, config.concurrency())) {
                LatencyReport checked = new LoadGenerator(client, dataset, true).measure(Workload.C);
                assertThat(checked.operations()).isPositive();
                assertThat(checked.errors()).isEqualTo(checked.operations());
                assertThat(checked.firstError()).contains("did not match");

                LatencyReport unchecked = new LoadGenerator(client, dataset, false).measure(Workload.C);
                assertThat(unchecked.errors()).isZero();
            }
        }
    }
}
