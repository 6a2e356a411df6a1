package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * What routing through storage pods costs per request: the same requests, from one AWS SDK
 * client, against the packaged gateway in embedded mode and in cluster mode (three storage
 * pods on loopback), in the same run and alternating, so both see the same machine. Reports
 * cluster/embedded ratios of median and p99 latency per operation (target/routing-overhead.txt);
 * absolute times on a shared 2-core machine mean little, ratios do.
 *
 * <p>This stands in for the benchmark in {@code bench/} until that module exists.
 */
class RoutingOverheadIT {
    private static final int WARMUP = 100;
    private static final int ROUNDS = 5;
    private static final int PER_ROUND = 60;

    @TempDir
    Path data;

    @Test
    void reportsClusterOverEmbeddedLatencyRatiosPerOperation() throws Exception {
        List<StoragePodProcess> pods = new ArrayList<>();
        try {
            LoopbackPorts ports = new LoopbackPorts();
            for (int i = 0; i < 3; i++) {
                pods.add(new StoragePodProcess(data.resolve("shard-" + i), i, 3, ports).start());
            }
            String shards = String.join(",", pods.stream().map(StoragePodProcess::address).toList());
            try (ServerProcess embedded = new ServerProcess(data.resolve("embedded")).start();
                 ServerProcess cluster = new ServerProcess(data.resolve("gateway"),
                         List.of("-Dkubedyn.backend=cluster", "-Dkubedyn.cluster.shards=" + shards)).start();
                 DynamoDbClient toEmbedded = DynamoDbClients.at(embedded.endpoint());
                 DynamoDbClient toCluster = DynamoDbClients.at(cluster.endpoint())) {
                Workload e = new Workload(toEmbedded);
                Workload c = new Workload(toCluster);
                e.run(WARMUP, null);
                c.run(WARMUP, null);
                Map<String, List<Long>> embeddedTimes = new LinkedHashMap<>();
                Map<String, List<Long>> clusterTimes = new LinkedHashMap<>();
                for (int round = 0; round < ROUNDS; round++) {
                    e.run(PER_ROUND, embeddedTimes);
                    c.run(PER_ROUND, clusterTimes);
                }
                StringBuilder report = new StringBuilder(String.format(
                        "routing overhead, cluster (3 storage pods) / embedded, %d requests per operation%n", ROUNDS * PER_ROUND));
                report.append(String.format("%-10s %14s %14s%n", "operation", "median ratio", "p99 ratio"));
                for (String op : embeddedTimes.keySet()) {
                    double median = percentile(clusterTimes.get(op), 50) / percentile(embeddedTimes.get(op), 50);
                    double p99 = percentile(clusterTimes.get(op), 99) / percentile(embeddedTimes.get(op), 99);
                    report.append(String.format("%-10s %14.2f %14.2f%n", op, median, p99));
                    assertThat(median).as(op).isFinite().isPositive();
                }
                System.out.print(report);
                Files.writeString(Path.of("target", "routing-overhead.txt"), report.toString());
            }
        } finally {
            for (StoragePodProcess pod : pods) {
                pod.close();
            }
        }
    }

    private static double percentile(List<Long> nanos, int p) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** PutItem, GetItem and Query on one table, timed per request. */
    private static final class Workload {
        private final DynamoDbClient dynamo;
        private int next;

        Workload(DynamoDbClient dynamo) {
            this.dynamo = dynamo;
            dynamo.createTable(b -> b.tableName("Bench").billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("sk").attributeType(ScalarAttributeType.N))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE)));
        }

        void run(int requests, Map<String, List<Long>> times) {
            for (int i = 0; i < requests; i++) {
                int n = next++;
                String pk = "user-" + (n % 97);
                Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS(pk),
                        "sk", AttributeValue.fromN(Integer.toString(n)), "payload", AttributeValue.fromS("x".repeat(200)));
                time(times, "PutItem", () -> dynamo.putItem(b -> b.tableName("Bench").item(item)));
                time(times, "GetItem", () -> dynamo.getItem(b -> b.tableName("Bench").key(Map.of("pk", item.get("pk"),
                        "sk", item.get("sk")))));
                time(times, "Query", () -> dynamo.query(b -> b.tableName("Bench").keyConditionExpression("pk = :p")
                        .expressionAttributeValues(Map.of(":p", item.get("pk"))).limit(10)));
            }
        }

        private static void time(Map<String, List<Long>> times, String op, Runnable request) {
            long start = System.nanoTime();
            request.run();
            long elapsed = System.nanoTime() - start;
            if (times != null) {
                times.computeIfAbsent(op, k -> new ArrayList<>()).add(elapsed);
            }
        }
    }
}
