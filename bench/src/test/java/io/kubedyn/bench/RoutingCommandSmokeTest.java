package io.kubedyn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code routing} command in miniature: the packaged gateway embedded and in cluster mode in
 * front of three packaged storage pods (the jars come from the same reactor build), every
 * operation measured in two short rounds. The cluster's figures must come from its storage pods:
 * a gateway that served from an embedded store of its own would leave their request counts flat.
 */
class RoutingCommandSmokeTest {
    private static final List<String> OPERATIONS = List.of("PutItem", "GetItem", "Query", "Scan", "BatchWriteItem");
    private static final Pattern RATIO = Pattern.compile("\\| ([0-9]+\\.[0-9]+)x ");

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void reportsClusterOverEmbeddedRatiosPerOperationServedByTheStoragePods(@TempDir Path out) throws Exception {
        int exit = new CommandLine(new BenchCommand())
                .execute(
                        "routing",
                        "--shards",
                        "3",
                        "--records",
                        "100",
                        "--rounds",
                        "2",
                        "--seconds",
                        "0.2",
                        "--warmup-seconds",
                        "0.1",
                        "--concurrency",
                        "4",
                        "--out",
                        out.toString(),
                        // Quick to start and light on a 2-core machine: this checks the wiring, not the figures.
                        "--server-jvm-option=-Xmx256m",
                        "--server-jvm-option=-XX:TieredStopAtLevel=1");
        assertThat(exit).as("exit code of the routing command").isZero();

        List<String> markdown = Files.readAllLines(out.resolve("routing.md"));
        for (String operation : OPERATIONS) {
            String row = markdown.stream()
                    .filter(l -> l.startsWith("| " + operation + " | "))
                    .findFirst()
                    .orElseThrow();
            List<Double> ratios = new ArrayList<>();
            Matcher ratio = RATIO.matcher(row);
            while (ratio.find()) {
                ratios.add(Double.parseDouble(ratio.group(1)));
            }
            assertThat(ratios)
                    .as("p50, p99, throughput and servers' CPU ratios of " + operation + ": " + row)
                    .hasSize(4)
                    .allSatisfy(r -> assertThat(r).isFinite().isPositive());
        }

        List<String[]> csv = Files.readAllLines(out.resolve("routing.csv")).stream()
                .skip(1)
                .map(line -> line.split(","))
                .toList();
        assertThat(csv).hasSize(OPERATIONS.size() * 2 * 2);
        for (String[] row : csv) {
            String what = Arrays.toString(row);
            long operations = Long.parseLong(row[3]);
            long storagePodRequests = Long.parseLong(row[11]);
            assertThat(operations).as("requests answered: " + what).isPositive();
            assertThat(Long.parseLong(row[4])).as("errors: " + what).isZero();
            assertThat(Double.parseDouble(row[12]))
                    .as("the servers' CPU per request, gateway and storage pods: " + what)
                    .isFinite()
                    .isPositive();
            if (row[0].equals(RoutingComparison.CLUSTER)) {
                assertThat(storagePodRequests)
                        .as("storage pod requests for the cluster's " + what)
                        .isGreaterThanOrEqualTo(operations);
                if (row[1].equals("BatchWriteItem")) {
                    // 25 keys spread over the key space miss one of 3 shards about once in 8,000 batches.
                    assertThat(storagePodRequests)
                            .as("a batch reaches all 3 storage pods: " + what)
                            .isGreaterThanOrEqualTo((long) Math.floor(2.9 * operations));
                }
            } else {
                assertThat(row[0]).isEqualTo(RoutingComparison.EMBEDDED);
                assertThat(storagePodRequests)
                        .as("storage pod requests for the embedded gateway's " + what)
                        .isZero();
            }
        }
        assertThat(csv).extracting(row -> row[1]).containsOnlyElementsOf(OPERATIONS);
        assertThat(out.resolve("routing.png")).isRegularFile();
    }
}
