package io.kubedyn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A comparison written out: Markdown (ratios, figures, the project's targets), CSV and a PNG chart. */
public final class ComparisonReport {
    /** The project's goals (issue 5) that this machine can measure. */
    static final double P99_GOAL_MILLIS = 5.0;

    static final double CEILING_SHARE_GOAL = 0.5;

    private final Comparison comparison;
    private final List<String> workloads;

    public ComparisonReport(Comparison comparison) {
        this.comparison = comparison;
        List<String> names = new ArrayList<>();
        for (LatencyReport report : comparison.subject().reports()) {
            names.add(report.workload());
        }
        this.workloads = List.copyOf(names);
    }

    public ComparisonTable table() {
        return new ComparisonTable(comparison.subject(), comparison.peers(), workloads);
    }

    public String markdown() {
        BenchConfig c = comparison.config();
        StringBuilder out = new StringBuilder();
        out.append("Machine: ").append(comparison.machine().describe()).append(".\n\n");
        out.append(String.format(
                Locale.ROOT,
                "Settings: %d records per table, %d attributes of %d characters, "
                        + "%d items per partition (E: Query Limit 1..%d), %s keys, concurrency %d, warm-up %d s and "
                        + "measurement %d s per workload; the whole comparison took %d s.%n%n",
                c.records(),
                c.fieldCount(),
                c.fieldSize(),
                c.itemsPerPartition(),
                c.maxQueryLimit(),
                c.distribution(),
                c.concurrency(),
                c.warmup().toSeconds(),
                c.duration().toSeconds(),
                comparison.elapsed().toSeconds()));
        out.append("Ratios (throughput: above 1 means ")
                .append(comparison.subject().target())
                .append(" serves more; p99: below 1 means ")
                .append(comparison.subject().target())
                .append(" answers sooner):\n\n");
        out.append(table().ratiosMarkdown()).append('\n');
        out.append("Measured figures behind the ratios (same run, same machine; meaningful only side by side):\n\n");
        out.append(table().figuresMarkdown()).append('\n');
        if (!comparison.halfSaturation().isEmpty()) {
            out.append("Rows named `W@R/s` are open-loop runs of workload W at R requests per second, half of ")
                    .append(comparison.subject().target())
                    .append("'s saturation throughput on W, on every target that"
                            + " can sustain R; their latency counts from when each request was due.\n\n");
        }
        out.append("The project's targets:\n\n");
        for (String line : goals()) {
            out.append("- ").append(line).append('\n');
        }
        return out.toString();
    }

    /** Each of the targets and where this run puts kubedyn against it. */
    public List<String> goals() {
        List<String> goals = new ArrayList<>();
        goals.add("At least 5x DynamoDB Local's throughput on A and C: not measured (DynamoDB Local is not used"
                + " in this workplace: its licence is the vendor's own terms, not an open-source licence).");
        Optional<TargetResult> ceiling = comparison.peers().stream()
                .filter(p -> p.target().equals(NoopCeilingTarget.NAME))
                .findFirst();
        for (LatencyReport half : comparison.halfSaturation()) {
            double p99 = half.p99Micros() / 1000.0;
            String reference = ceiling.flatMap(c -> c.report(half.workload()))
                    .map(c -> String.format(
                            Locale.ROOT, " (the no-op ceiling at the same rate: %.2f ms)", c.p99Micros() / 1000.0))
                    .orElse("");
            goals.add(String.format(
                    Locale.ROOT,
                    "p99 under %.0f ms at half of saturation, %s: %.2f ms%s, %s.",
                    P99_GOAL_MILLIS,
                    half.workload(),
                    p99,
                    reference,
                    p99 < P99_GOAL_MILLIS ? "met" : "NOT met"));
        }
        List<String> saturating = comparison.subject().reports().stream()
                .filter(r -> !r.paced())
                .map(LatencyReport::workload)
                .toList();
        ceiling.ifPresent(c -> {
            for (ComparisonTable.Row row : new ComparisonTable(comparison.subject(), List.of(c), saturating).rows()) {
                Optional<Double> share = row.ratios().get(0).throughput();
                share.ifPresent(s -> goals.add(String.format(
                        Locale.ROOT,
                        "At least %.0f%% of the no-op ceiling's throughput, %s: %.0f%%, %s.",
                        100 * CEILING_SHARE_GOAL,
                        row.workload(),
                        100 * s,
                        s >= CEILING_SHARE_GOAL ? "met" : "NOT met")));
            }
        });
        return goals;
    }

    public String csv() {
        StringBuilder out =
                new StringBuilder("target,workload,operations,errors,seconds,ops_per_s,p50_us,p99_us,p999_us,max_us\n");
        for (TargetResult target : comparison.results()) {
            for (LatencyReport r : target.reports()) {
                out.append(String.format(
                        Locale.ROOT,
                        "%s,%s,%d,%d,%.3f,%.1f,%d,%d,%d,%d%n",
                        target.target(),
                        r.workload(),
                        r.operations(),
                        r.errors(),
                        r.elapsed().toNanos() / 1e9,
                        r.throughput(),
                        r.p50Micros(),
                        r.p99Micros(),
                        r.p999Micros(),
                        r.maxMicros()));
            }
        }
        return out.toString();
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("comparison.md"), markdown());
        Files.writeString(dir.resolve("comparison.csv"), csv());
        List<String> saturating = comparison.subject().reports().stream()
                .filter(r -> !r.paced())
                .map(LatencyReport::workload)
                .toList();
        ComparisonChart.write(comparison.results(), saturating, "kubedyn vs peers", dir.resolve("comparison.png"));
    }
}
