package io.kubedyn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The routing benchmark written out: the candidate/baseline ratio table (cluster/embedded, or
 * replicated/cluster), the figures behind it, and
 * the storage pods' request counts (Markdown, {@code routing.md}), every figure
 * ({@code routing.csv}) and a chart of the concurrent runs ({@code routing.png}).
 */
public final class RoutingReport {
    private final RoutingComparison routing;

    public RoutingReport(RoutingComparison routing) {
        this.routing = routing;
    }

    /** Per operation: candidate over baseline, p50 and p99 with one request in flight. */
    public ComparisonTable latencyTable() {
        return table(1);
    }

    /** Per operation: candidate over baseline, throughput (and p99) at the configured concurrency. */
    public ComparisonTable throughputTable() {
        return table(routing.config().concurrency());
    }

    private ComparisonTable table(int inFlight) {
        return new ComparisonTable(
                routing.result(routing.candidate(), inFlight),
                List.of(routing.result(routing.baseline(), inFlight)),
                routing.operations());
    }

    public String markdown() {
        BenchConfig c = routing.config();
        int concurrency = c.concurrency();
        StringBuilder out = new StringBuilder();
        out.append("Machine: ").append(routing.machine().describe()).append(".\n\n");
        String targets = routing.replicas() > 1
                ? String.format(
                        Locale.ROOT,
                        "the cluster gateway in front of %d unreplicated storage pods (each owning"
                                + " 1/%d of the hash space) against the cluster gateway in front of the same %d shards each"
                                + " replicated on %d pods (a Raft group: writes acknowledged once a majority has them,"
                                + " eventually consistent reads spread over the replicas)",
                        routing.shards(),
                        routing.shards(),
                        routing.shards(),
                        routing.replicas())
                : String.format(
                        Locale.ROOT,
                        "the embedded gateway against the cluster gateway in front of %d storage"
                                + " pods (each owning 1/%d of the hash space)",
                        routing.shards(),
                        routing.shards());
        out.append(String.format(
                Locale.ROOT,
                "Settings: %s, both running throughout; %d records per"
                        + " table, %d attributes of %d characters, Query and Scan Limit 1..%d; %d rounds, the first"
                        + " target alternating, of %.1f s per operation, target and concurrency (1 in flight, then %d),"
                        + " after %.1f s of warm-up per operation and target; the whole run took %d s.",
                targets,
                c.records(),
                c.fieldCount(),
                c.fieldSize(),
                c.maxQueryLimit(),
                routing.rounds(),
                c.duration().toMillis() / 1000.0,
                concurrency,
                c.warmup().toMillis() / 1000.0,
                routing.elapsed().toSeconds()));
        if (routing.operations().contains(Workload.BATCH_WRITE_ITEM.name())) {
            // Its ops/s are requests like every other row's; the records written are that many times more.
            out.append(String.format(
                    Locale.ROOT,
                    " One BatchWriteItem request writes %d records (PutRequests spread"
                            + " over the key range, unprocessed ones resent within the request); ops/s count requests.",
                    Dataset.BATCH_WRITE_ITEMS));
        }
        out.append("\n\n");
        String base = routing.baseline();
        String candidate = routing.candidate();
        out.append("Ratios ")
                .append(candidate)
                .append(" / ")
                .append(base)
                .append(" (latency: above 1 means the ")
                .append(candidate)
                .append(" gateway answers later; throughput: below 1 means it serves less; servers' CPU per request,"
                        + " the gateway's and its storage pods' together: above 1 means the ")
                .append(candidate)
                .append(" costs more):\n\n");
        out.append("| operation | p50, 1 in flight | p99, 1 in flight | throughput, ")
                .append(concurrency)
                .append(" in flight | servers' CPU per request, ")
                .append(concurrency)
                .append(" in flight |\n|---|---:|---:|---:|---:|\n");
        List<ComparisonTable.Row> latency = latencyTable().rows();
        List<ComparisonTable.Row> throughput = throughputTable().rows();
        for (int i = 0; i < latency.size(); i++) {
            ComparisonTable.Ratio sequential = latency.get(i).ratios().get(0);
            ComparisonTable.Ratio concurrent = throughput.get(i).ratios().get(0);
            out.append("| ")
                    .append(latency.get(i).workload())
                    .append(" | ")
                    .append(ComparisonTable.format(sequential.p50()))
                    .append(" | ")
                    .append(ComparisonTable.format(sequential.p99()))
                    .append(" | ")
                    .append(ComparisonTable.format(concurrent.throughput()))
                    .append(" | ")
                    .append(ComparisonTable.format(cpuRatio(latency.get(i).workload(), concurrency)))
                    .append(" |\n");
        }
        out.append("\nMeasured figures behind the ratios (same run, same machine; meaningful only side by side):\n\n");
        out.append("| operation | ")
                .append(base)
                .append(" p50 / p99 ms, 1 in flight | ")
                .append(candidate)
                .append(" p50 / p99 ms, 1 in flight | ")
                .append(base)
                .append(" ops/s, ")
                .append(concurrency)
                .append(" in flight | ")
                .append(candidate)
                .append(" ops/s, ")
                .append(concurrency)
                .append(" in flight | ")
                .append(base)
                .append(" p50 / p99 ms, ")
                .append(concurrency)
                .append(" in flight | ")
                .append(candidate)
                .append(" p50 / p99 ms, ")
                .append(concurrency)
                .append(" in flight | ")
                .append(base)
                .append(" / ")
                .append(candidate)
                .append(" servers' CPU us per request, ")
                .append(concurrency)
                .append(" in flight |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String operation : routing.operations()) {
            Optional<LatencyReport> embeddedOne = routing.result(base, 1).report(operation);
            Optional<LatencyReport> clusterOne = routing.result(candidate, 1).report(operation);
            Optional<LatencyReport> embeddedMany =
                    routing.result(base, concurrency).report(operation);
            Optional<LatencyReport> clusterMany =
                    routing.result(candidate, concurrency).report(operation);
            out.append("| ")
                    .append(operation)
                    .append(" | ")
                    .append(latencies(embeddedOne))
                    .append(" | ")
                    .append(latencies(clusterOne))
                    .append(" | ")
                    .append(throughput(embeddedMany))
                    .append(" | ")
                    .append(throughput(clusterMany))
                    .append(" | ")
                    .append(latencies(embeddedMany))
                    .append(" | ")
                    .append(latencies(clusterMany))
                    .append(" | ")
                    .append(cpu(base, operation, concurrency))
                    .append(" / ")
                    .append(cpu(candidate, operation, concurrency))
                    .append(" |\n");
        }
        long sent = 0;
        long answered = 0;
        for (RoutingComparison.Measurement m : routing.measurements()) {
            if (m.target().equals(candidate)) {
                sent += m.report().operations();
                answered += m.storagePodRequests();
            }
        }
        out.append(String.format(
                Locale.ROOT,
                "%nThe %s gateway's storage pods answered %d requests (their"
                        + " `kubedyn_storage_requests_seconds_count`) for the %d measured requests to it.%n",
                candidate,
                answered,
                sent));
        return out.toString();
    }

    /** The candidate's servers' CPU per request over the baseline's; empty when either is unknown. */
    private Optional<Double> cpuRatio(String operation, int inFlight) {
        double ratio = cpuMicros(routing.candidate(), operation, inFlight)
                / cpuMicros(routing.baseline(), operation, inFlight);
        return Double.isNaN(ratio) || Double.isInfinite(ratio) ? Optional.empty() : Optional.of(ratio);
    }

    private double cpuMicros(String target, String operation, int inFlight) {
        return routing.measurement(target, operation, inFlight)
                .map(RoutingComparison.Measurement::serverCpuMicrosPerRequest)
                .orElse(Double.NaN);
    }

    private String cpu(String target, String operation, int inFlight) {
        double micros = cpuMicros(target, operation, inFlight);
        return Double.isNaN(micros) ? "-" : String.format(Locale.ROOT, "%.0f", micros);
    }

    private static String latencies(Optional<LatencyReport> report) {
        return report.map(
                        r -> String.format(Locale.ROOT, "%.2f / %.2f", r.p50Micros() / 1000.0, r.p99Micros() / 1000.0))
                .orElse("-");
    }

    private static String throughput(Optional<LatencyReport> report) {
        return report.map(r -> String.format(Locale.ROOT, "%.0f", r.throughput()))
                .orElse("-");
    }

    public String csv() {
        StringBuilder out = new StringBuilder("target,operation,in_flight,operations,errors,seconds,ops_per_s,p50_us,"
                + "p99_us,p999_us,max_us,storage_pod_requests,server_cpu_us_per_request\n");
        for (RoutingComparison.Measurement m : routing.measurements()) {
            LatencyReport r = m.report();
            out.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%d,%d,%d,%.3f,%.1f,%d,%d,%d,%d,%d,%.1f%n",
                    m.target(),
                    m.operation(),
                    m.inFlight(),
                    r.operations(),
                    r.errors(),
                    r.elapsed().toNanos() / 1e9,
                    r.throughput(),
                    r.p50Micros(),
                    r.p99Micros(),
                    r.p999Micros(),
                    r.maxMicros(),
                    m.storagePodRequests(),
                    m.serverCpuMicrosPerRequest()));
        }
        return out.toString();
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("routing.md"), markdown());
        Files.writeString(dir.resolve("routing.csv"), csv());
        int concurrency = routing.config().concurrency();
        ComparisonChart.write(
                List.of(
                        routing.result(routing.baseline(), concurrency),
                        routing.result(routing.candidate(), concurrency)),
                routing.operations(),
                routing.candidate() + " vs " + routing.baseline() + ", " + concurrency + " in flight",
                dir.resolve("routing.png"));
    }
}
