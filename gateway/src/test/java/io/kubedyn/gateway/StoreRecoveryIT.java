package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The packaged server when RocksDB meets an I/O error: its WAL cannot grow (the process's file
 * size limit lowered from outside with {@code prlimit}, so appends fail as on a full disk, and
 * only for files being written: sockets and the jars classes load from go on working). RocksDB
 * then stops taking writes for good; the store reports it (not ready), keeps serving reads, and
 * reopens RocksDB by itself once files can be written again, losing no acknowledged write.
 */
class StoreRecoveryIT {
    private static final String TABLE = "Recovering";
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
    private static final String BIG = "p".repeat(100_000);

    @TempDir
    Path data;

    private static DynamoDbClient withoutRetries(URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("key", "secret")))
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()))
                .build();
    }

    private static void prlimit(long pid, String fsize) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(PRLIMIT.toString(), "--pid", Long.toString(pid), "--fsize=" + fsize)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("prlimit: %s", output).isZero();
    }

    /** The soft limit on the size of files process {@code pid} writes, from /proc. */
    private static String softFsize(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/limits")).stream()
                .filter(line -> line.startsWith("Max file size"))
                .map(line -> line.substring("Max file size".length()).trim().split("\\s+")[0])
                .findFirst()
                .orElseThrow();
    }

    private static HttpResponse<String> ready(HttpClient http, URI readiness) throws Exception {
        return http.send(
                HttpRequest.newBuilder(readiness)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, AttributeValue> item(String id, String payload) {
        return Map.of("id", AttributeValue.fromS(id), "payload", AttributeValue.fromS(payload));
    }

    @Test
    void anEmbeddedStoreWhoseWalCannotGrowRefusesWritesServesReadsAndRecoversByItself() throws Exception {
        assumePrlimit();
        List<String> acknowledged;
        try (ServerProcess server = new ServerProcess(data.resolve("server")).start();
                DynamoDbClient dynamo = withoutRetries(server.endpoint())) {
            URI readiness = server.endpoint().resolve("/q/health/ready");
            acknowledged = refusedThenRecovered(dynamo, server.pid(), readiness);
            // And they are on disk: the server restarted on the same data has every one.
            server.stop();
        }
        try (ServerProcess again = new ServerProcess(data.resolve("server")).start();
                DynamoDbClient dynamo = DynamoDbClients.at(again.endpoint())) {
            assertAllThere(dynamo, acknowledged);
        }
    }

    @Test
    void aStoragePodWhoseWalCannotGrowIsNotReadyUntilItRecoversByItself() throws Exception {
        assumePrlimit();
        try (PackagedCluster cluster = new PackagedCluster(data, 1);
                DynamoDbClient dynamo = withoutRetries(cluster.gateway().endpoint())) {
            StoragePodProcess pod = cluster.pods.get(0);
            refusedThenRecovered(dynamo, pod.pid(), pod.httpBase().resolve("/q/health/ready"));
        }
    }

    private static void assumePrlimit() {
        Assumptions.assumeTrue(
                Files.isExecutable(PRLIMIT),
                "skipped: /usr/bin/prlimit (util-linux) is missing, so a process's file sizes cannot be limited");
    }

    /**
     * Writes until the process {@code pid} holding the store can no longer grow its WAL, checks
     * that writes are refused retryably and reads served while {@code readiness} says why not
     * ready, lets files grow again and waits for writes to resume; every write acknowledged
     * (returned) is read back.
     */
    private static List<String> refusedThenRecovered(DynamoDbClient dynamo, long pid, URI readiness) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        dynamo.createTable(t -> t.tableName(TABLE)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName("id")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(KeySchemaElement.builder()
                        .attributeName("id")
                        .keyType(KeyType.HASH)
                        .build()));
        DynamoDbClients.awaitActive(dynamo, TABLE);
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "before-" + i;
            dynamo.putItem(p -> p.tableName(TABLE).item(item(id, "small")));
            acknowledged.add(id);
        }
        assertThat(ready(http, readiness).statusCode()).isEqualTo(200);

        String limit = softFsize(pid);
        prlimit(pid, (512 << 10) + ":");
        DynamoDbException refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            String id = "big-" + i;
            try {
                dynamo.putItem(p -> p.tableName(TABLE).item(item(id, BIG)));
                acknowledged.add(id);
            } catch (DynamoDbException e) {
                refused = e;
            }
        }
        assertThat(refused).as("a write fails once the WAL cannot grow").isNotNull();
        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("InternalServerError");
        assertThat(refused.getMessage())
                .contains("cannot write until it recovers")
                .contains("File too large");

        HttpResponse<String> notReady = ready(http, readiness);
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("File too large");
        // Writes stay refused while the cause lasts; reads go on.
        assertThatThrownBy(() -> dynamo.putItem(p -> p.tableName(TABLE).item(item("during", "small"))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("cannot write until it recovers");
        assertThat(dynamo.getItem(g -> g.tableName(TABLE).key(Map.of("id", AttributeValue.fromS("before-3"))))
                        .item())
                .containsEntry("payload", AttributeValue.fromS("small"));

        // Readers keep the store busy while it recovers: its reopen must not wait for a pause.
        java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            Thread reader = new Thread(() -> {
                while (reading.get()) {
                    try {
                        dynamo.getItem(g -> g.tableName(TABLE).key(Map.of("id", AttributeValue.fromS("before-1"))));
                    } catch (SdkException refusedWhileReopening) {
                        // retried by the loop
                    }
                }
            });
            reader.start();
            readers.add(reader);
        }
        prlimit(pid, limit + ":");
        Instant deadline = Instant.now().plusSeconds(30);
        try {
            while (true) {
                try {
                    dynamo.putItem(p -> p.tableName(TABLE).item(item("after", "small")));
                    acknowledged.add("after");
                    break;
                } catch (SdkException notYet) {
                    assertThat(Instant.now())
                            .as("writes resume without a restart, under reads")
                            .isBefore(deadline);
                    Thread.sleep(200);
                }
            }
        } finally {
            reading.set(false);
            for (Thread reader : readers) {
                reader.join();
            }
        }
        assertThat(ready(http, readiness).statusCode()).isEqualTo(200);
        assertAllThere(dynamo, acknowledged);
        return acknowledged;
    }

    private static void assertAllThere(DynamoDbClient dynamo, List<String> ids) {
        for (String id : ids) {
            Map<String, AttributeValue> read = dynamo.getItem(
                            g -> g.tableName(TABLE).consistentRead(true).key(Map.of("id", AttributeValue.fromS(id))))
                    .item();
            assertThat(read).as("acknowledged item %s", id).isNotEmpty();
            if (id.startsWith("big-")) {
                assertThat(read.get("payload").s()).isEqualTo(BIG);
            }
        }
    }
}
