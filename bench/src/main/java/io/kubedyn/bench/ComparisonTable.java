package io.kubedyn.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A subject against each peer measured in the same run (kubedyn against dynalite and the no-op
 * ceiling; the cluster gateway against the embedded one): per workload, the throughput ratio
 * (subject / peer: above 1 is the subject faster) and the p50 and p99 ratios (subject / peer:
 * below 1 is the subject quicker).
 */
public final class ComparisonTable {
    /** One peer's ratios on one workload; empty where either side did not run it. */
    public record Ratio(String peer, Optional<Double> throughput, Optional<Double> p50, Optional<Double> p99) {}

    public record Row(String workload, List<Ratio> ratios) {}

    private final TargetResult subject;
    private final List<TargetResult> peers;
    private final List<String> workloads;

    public ComparisonTable(TargetResult subject, List<TargetResult> peers, List<String> workloads) {
        this.subject = subject;
        this.peers = List.copyOf(peers);
        this.workloads = List.copyOf(workloads);
    }

    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (String workload : workloads) {
            List<Ratio> ratios = new ArrayList<>();
            Optional<LatencyReport> mine = subject.report(workload);
            for (TargetResult peer : peers) {
                Optional<LatencyReport> theirs = peer.report(workload);
                ratios.add(new Ratio(
                        peer.target(),
                        ratio(mine.map(LatencyReport::throughput), theirs.map(LatencyReport::throughput)),
                        ratio(mine.map(r -> (double) r.p50Micros()), theirs.map(r -> (double) r.p50Micros())),
                        ratio(mine.map(r -> (double) r.p99Micros()), theirs.map(r -> (double) r.p99Micros()))));
            }
            rows.add(new Row(workload, ratios));
        }
        return rows;
    }

    private static Optional<Double> ratio(Optional<Double> numerator, Optional<Double> denominator) {
        return numerator.flatMap(n -> denominator.filter(d -> d > 0).map(d -> n / d));
    }

    /** The ratio table as Markdown, one column pair per peer. */
    public String ratiosMarkdown() {
        StringBuilder out = new StringBuilder("| workload |");
        StringBuilder rule = new StringBuilder("|---|");
        for (TargetResult peer : peers) {
            out.append(" throughput ")
                    .append(subject.target())
                    .append(" / ")
                    .append(peer.target())
                    .append(" |")
                    .append(" p99 ")
                    .append(subject.target())
                    .append(" / ")
                    .append(peer.target())
                    .append(" |");
            rule.append("---:|---:|");
        }
        out.append('\n').append(rule).append('\n');
        for (Row row : rows()) {
            out.append("| ").append(row.workload()).append(" |");
            for (Ratio ratio : row.ratios()) {
                out.append(' ')
                        .append(format(ratio.throughput()))
                        .append(" |")
                        .append(' ')
                        .append(format(ratio.p99()))
                        .append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The measured figures behind the ratios, every target side by side. */
    public String figuresMarkdown() {
        List<TargetResult> all = new ArrayList<>();
        all.add(subject);
        all.addAll(peers);
        StringBuilder out = new StringBuilder("| workload |");
        StringBuilder rule = new StringBuilder("|---|");
        for (TargetResult target : all) {
            out.append(' ')
                    .append(target.target())
                    .append(" ops/s | ")
                    .append(target.target())
                    .append(" p50 / p99 / p99.9 ms |");
            rule.append("---:|---:|");
        }
        out.append('\n').append(rule).append('\n');
        for (String workload : workloads) {
            out.append("| ").append(workload).append(" |");
            for (TargetResult target : all) {
                Optional<LatencyReport> report = target.report(workload);
                out.append(' ')
                        .append(report.map(r -> String.format(Locale.ROOT, "%.0f", r.throughput()))
                                .orElse("-"))
                        .append(" | ")
                        .append(report.map(r -> String.format(
                                        Locale.ROOT,
                                        "%.2f / %.2f / %.2f",
                                        r.p50Micros() / 1000.0,
                                        r.p99Micros() / 1000.0,
                                        r.p999Micros() / 1000.0))
                                .orElse("-"))
                        .append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    static String format(Optional<Double> ratio) {
        return ratio.map(r -> String.format(Locale.ROOT, "%.2fx", r)).orElse("-");
    }
}
