package io.kubedyn.bench;

import static io.kubedyn.bench.Reports.paced;
import static io.kubedyn.bench.Reports.report;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonReportTest {
    private final BenchConfig config =
            new BenchConfig(100, 2, 10, 10, 5, 4, Duration.ZERO, Duration.ofSeconds(1), 1000, "uniform");
    private final MachineInfo machine = new MachineInfo(2, "24 GiB", "java", "linux", 1.0);

    private Comparison comparison() {
        TargetResult kubedyn = new TargetResult(
                KubedynTarget.NAME,
                List.of(
                        report("A", 40_000, 9.0),
                        report("C", 60_000, 3.0),
                        paced("A@2000/s", 20_000, 7.5),
                        paced("C@3000/s", 30_000, 2.5)));
        TargetResult ceiling = new TargetResult(
                NoopCeilingTarget.NAME,
                List.of(report("A", 100_000, 1.0), report("C", 100_000, 1.0), paced("A@2000/s", 20_000, 1.5)));
        return new Comparison(machine, config, List.of(kubedyn, ceiling), Duration.ofSeconds(60));
    }

    @Test
    void goalsSayWhichTargetsAreMet() {
        assertThat(new ComparisonReport(comparison()).goals())
                .containsExactly(
                        "At least 5x DynamoDB Local's throughput on A and C: not measured (DynamoDB Local is not used in this"
                                + " workplace: its licence is the vendor's own terms, not an open-source licence).",
                        "p99 under 5 ms at half of saturation, A@2000/s: 7.50 ms (the no-op ceiling at the same rate: 1.50 ms), NOT met.",
                        "p99 under 5 ms at half of saturation, C@3000/s: 2.50 ms, met.",
                        "At least 50% of the no-op ceiling's throughput, A: 40%, NOT met.",
                        "At least 50% of the no-op ceiling's throughput, C: 60%, met.");
    }

    @Test
    void writesTableCsvAndAChart(@TempDir Path dir) throws Exception {
        new ComparisonReport(comparison()).write(dir);
        assertThat(Files.readString(dir.resolve("comparison.md")))
                .contains("| A | 0.40x | 9.00x |", "| A@2000/s | 1.00x | 5.00x |", "| C@3000/s | - | - |");
        assertThat(Files.readAllLines(dir.resolve("comparison.csv")))
                .contains(
                        "kubedyn,A,40000,0,10.000,4000.0,1000,9000,18000,27000",
                        "kubedyn,C@3000/s,30000,0,10.000,3000.0,1000,2500,5000,7500");
        byte[] png = Files.readAllBytes(dir.resolve("comparison.png"));
        assertThat(png).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }

    @Test
    void aTargetMeasuredTwiceInOneRunIsChartedTwice(@TempDir Path dir) throws Exception {
        Comparison once = comparison();
        List<TargetResult> twice = new ArrayList<>(once.results());
        twice.add(once.results().get(0));
        new ComparisonReport(new Comparison(once.machine(), once.config(), twice, once.elapsed())).write(dir);
        assertThat(Files.readAllBytes(dir.resolve("comparison.png")))
                .startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }
}
