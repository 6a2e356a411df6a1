package io.kubedyn.bench;

import static io.kubedyn.bench.RoutingComparison.CLUSTER;
import static io.kubedyn.bench.RoutingComparison.EMBEDDED;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubedyn.bench.RoutingComparison.Measurement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingReportTest {
    private final BenchConfig config =
            new BenchConfig(100, 10, 100, 100, 10, 8, Duration.ofSeconds(1), Duration.ofSeconds(2), 1000, "uniform");
    private final MachineInfo machine = new MachineInfo(2, "24 GiB", "java", "linux", 1.0);

    /** Ten seconds of {@code operations} requests: throughput is operations / 10; CPU not known. */
    private static Measurement measured(
            String target,
            String operation,
            int inFlight,
            long operations,
            long p50Micros,
            long p99Micros,
            long storagePodRequests) {
        return measured(target, operation, inFlight, operations, p50Micros, p99Micros, storagePodRequests, -1);
    }

    /** As above, the servers having used {@code cpuMicros} of CPU per request (-1: not known). */
    private static Measurement measured(
            String target,
            String operation,
            int inFlight,
            long operations,
            long p50Micros,
            long p99Micros,
            long storagePodRequests,
            long cpuMicros) {
        return new Measurement(
                target,
                operation,
                inFlight,
                new LatencyReport(
                        operation,
                        operations,
                        0,
                        Duration.ofSeconds(10),
                        p50Micros,
                        p99Micros,
                        2 * p99Micros,
                        3 * p99Micros,
                        null,
                        0),
                storagePodRequests,
                cpuMicros < 0 ? null : Duration.ofNanos(operations * cpuMicros * 1000));
    }

    private RoutingReport report() {
        return new RoutingReport(new RoutingComparison(
                machine,
                config,
                3,
                1,
                5,
                List.of("PutItem", "GetItem"),
                List.of(
                        measured(EMBEDDED, "PutItem", 1, 1000, 2000, 8000, 0),
                        measured(EMBEDDED, "PutItem", 8, 5000, 9000, 30000, 0, 100),
                        measured(CLUSTER, "PutItem", 1, 800, 3000, 10000, 800),
                        measured(CLUSTER, "PutItem", 8, 4000, 12000, 40000, 4000, 250),
                        measured(EMBEDDED, "GetItem", 1, 4000, 500, 1000, 0),
                        measured(EMBEDDED, "GetItem", 8, 20000, 2000, 6000, 0),
                        measured(CLUSTER, "GetItem", 1, 2000, 1000, 3000, 2000),
                        measured(CLUSTER, "GetItem", 8, 10000, 4000, 9000, 10001)),
                Duration.ofSeconds(200)));
    }

    @Test
    void withReplicasTheReplicatedClusterIsMeasuredAgainstTheUnreplicatedOne() {
        String markdown = new RoutingReport(new RoutingComparison(
                        machine,
                        config,
                        3,
                        3,
                        5,
                        List.of("PutItem"),
                        List.of(
                                measured(RoutingComparison.CLUSTER, "PutItem", 1, 1000, 2000, 8000, 1000),
                                measured(RoutingComparison.CLUSTER, "PutItem", 8, 5000, 9000, 30000, 5000),
                                measured(RoutingComparison.REPLICATED, "PutItem", 1, 500, 4000, 16000, 500),
                                measured(RoutingComparison.REPLICATED, "PutItem", 8, 4000, 12000, 40000, 4000)),
                        Duration.ofSeconds(100)))
                .markdown();
        assertThat(markdown)
                .contains(
                        "against the cluster gateway in front of the same 3 shards each replicated on 3" + " pods",
                        "Ratios replicated / cluster");
        assertThat(markdown.lines().toList()).contains("| PutItem | 2.00x | 2.00x | 0.80x | - |");
    }

    @Test
    void ratiosAreClusterOverEmbeddedLatencyAloneAndThroughputUnderLoad() {
        assertThat(report().markdown().lines().toList())
                .contains(
                        "| operation | p50, 1 in flight | p99, 1 in flight | throughput, 8 in flight | servers' CPU per"
                                + " request, 8 in flight |",
                        "| PutItem | 1.50x | 1.25x | 0.80x | 2.50x |",
                        "| GetItem | 2.00x | 3.00x | 0.50x | - |");
    }

    @Test
    void figuresAndStoragePodRequestsStandBehindTheRatios() {
        String markdown = report().markdown();
        assertThat(markdown.lines().toList())
                .contains(
                        "| PutItem | 2.00 / 8.00 | 3.00 / 10.00 | 500 | 400 | 9.00 / 30.00 | 12.00 / 40.00 | 100 / 250 |",
                        "| GetItem | 0.50 / 1.00 | 1.00 / 3.00 | 2000 | 1000 | 2.00 / 6.00 | 4.00 / 9.00 | - / - |");
        assertThat(markdown)
                .contains("The cluster gateway's storage pods answered 16801 requests (their"
                        + " `kubedyn_storage_requests_seconds_count`) for the 16800 measured requests to it.");
    }

    @Test
    void writesTableCsvAndAChart(@TempDir Path dir) throws Exception {
        report().write(dir);
        assertThat(Files.readString(dir.resolve("routing.md"))).contains("| GetItem | 2.00x | 3.00x | 0.50x | - |");
        assertThat(Files.readAllLines(dir.resolve("routing.csv")))
                .contains(
                        "target,operation,in_flight,operations,errors,seconds,ops_per_s,p50_us,p99_us,p999_us,max_us,"
                                + "storage_pod_requests,server_cpu_us_per_request",
                        "cluster,PutItem,1,800,0,10.000,80.0,3000,10000,20000,30000,800,NaN",
                        "cluster,PutItem,8,4000,0,10.000,400.0,12000,40000,80000,120000,4000,250.0",
                        "embedded,GetItem,8,20000,0,10.000,2000.0,2000,6000,12000,18000,0,NaN");
        assertThat(Files.readAllBytes(dir.resolve("routing.png"))).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }
}
