package io.kubedyn.bench;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Runs the routing benchmark: what the cluster path (gateway, gRPC, storage pod) costs per
 * request against the embedded gateway serving from its own store. Both gateways run at once
 * and are loaded with the same records; then, in rounds, every operation is measured on one and
 * then the other, the first of the pair alternating from round to round, so that both see the
 * same machine: a burst of another process's CPU or disk use falls on both alike. Each target's
 * figures on an operation come from one histogram over all its rounds.
 *
 * <p>Each measurement is run twice: with one request in flight, whose latency is the cost of a
 * request itself, and with the configured concurrency, whose throughput is the capacity at that
 * load. Any error, any target that does not start, and a cluster whose storage pods did not
 * answer at least one request per request sent to its gateway (a gateway serving from anywhere
 * but the pods) fail the run.
 */
public final class RoutingRunner {
    private final BenchConfig config;
    private final List<Workload> operations;
    private final int rounds;
    private final Duration loadLimit;
    private final Path runDir;
    private final PrintStream log;

    /** {@code runDir}: both targets' logs (their data is deleted at the end). */
    public RoutingRunner(
            BenchConfig config,
            List<Workload> operations,
            int rounds,
            Duration loadLimit,
            Path runDir,
            PrintStream log) {
        if (config.concurrency() < 2) {
            throw new IllegalArgumentException("the throughput runs need at least 2 requests in flight (latency is"
                    + " measured with 1): " + config.concurrency());
        }
        if (rounds < 1 || operations.isEmpty()) {
            throw new IllegalArgumentException("at least one round of one operation");
        }
        this.config = config;
        this.operations = List.copyOf(operations);
        this.rounds = rounds;
        this.loadLimit = loadLimit;
        this.runDir = runDir;
        this.log = log;
    }

    /**
     * Measures {@code candidate} against {@code baseline}: the embedded gateway against a cluster,
     * or an unreplicated cluster against a replicated one of as many shards.
     */
    public RoutingComparison run(JavaServerTarget baseline, ClusterTarget candidate) throws Exception {
        MachineInfo machine = MachineInfo.current();
        log.println("machine: " + machine.describe());
        long start = System.nanoTime();
        Dataset dataset = new Dataset(config, 42);
        String baselineName =
                baseline instanceof ClusterTarget ? RoutingComparison.CLUSTER : RoutingComparison.EMBEDDED;
        String candidateName = candidate.replicas() > 1 ? RoutingComparison.REPLICATED : RoutingComparison.CLUSTER;
        if (baselineName.equals(candidateName)) {
            throw new IllegalArgumentException("the baseline and the candidate are both " + baselineName);
        }
        Path baselineWork = runDir.resolve(baselineName);
        Path candidateWork = runDir.resolve(candidateName);
        Map<String, Totals> totals = new LinkedHashMap<>();
        try (baseline;
                candidate) {
            List<Gateway> gateways = new ArrayList<>();
            gateways.add(start(baselineName, baseline, baselineWork, dataset));
            gateways.add(start(candidateName, candidate, candidateWork, dataset));
            try {
                for (Gateway gateway : gateways) {
                    dataset.createTables(gateway.client(), true);
                    LatencyReport load = gateway.generator().load(loadLimit);
                    log.println("   " + gateway.target() + ": " + load.summary());
                    ComparisonRunner.withoutErrors(gateway.target(), load);
                }
                for (Workload operation : operations) {
                    for (Gateway gateway : gateways) {
                        gateway.generator().warmUp(operation);
                    }
                }
                for (int round = 0; round < rounds; round++) {
                    log.println("-- round " + (round + 1) + " of " + rounds);
                    List<Gateway> order = round % 2 == 0 ? gateways : List.of(gateways.get(1), gateways.get(0));
                    for (Workload operation : operations) {
                        for (Gateway gateway : order) {
                            for (int inFlight : List.of(1, config.concurrency())) {
                                Totals sum = totals.computeIfAbsent(
                                        gateway.target() + "/" + operation.name() + "/" + inFlight,
                                        k -> new Totals(gateway.target(), operation.name(), inFlight));
                                measure(gateway, operation, inFlight, sum);
                            }
                        }
                    }
                }
            } finally {
                for (Gateway gateway : gateways) {
                    gateway.client().close();
                }
            }
        }
        ComparisonRunner.deleteData(baselineWork);
        ComparisonRunner.deleteData(candidateWork);
        List<RoutingComparison.Measurement> measurements = new ArrayList<>();
        for (Totals sum : totals.values()) {
            measurements.add(sum.measurement());
        }
        return new RoutingComparison(
                machine,
                config,
                candidate.shards(),
                candidate.replicas(),
                rounds,
                operations.stream().map(Workload::name).toList(),
                measurements,
                Duration.ofNanos(System.nanoTime() - start));
    }

    private Gateway start(String name, JavaServerTarget server, Path workDir, Dataset dataset) throws Exception {
        URI endpoint = server.start(workDir);
        ClusterTarget cluster = server instanceof ClusterTarget c ? c : null;
        log.println("== " + name + ": " + server.name() + " on " + endpoint
                + (cluster == null
                        ? ""
                        : ", in front of " + cluster.shards() + " shards of " + cluster.replicas() + " storage pods"));
        DynamoDbAsyncClient client = Clients.async(endpoint, config.concurrency());
        return new Gateway(name, client, new LoadGenerator(client, dataset, true), server, cluster);
    }

    /**
     * One run, with the target's storage pods' answered requests read before and after it: a
     * cluster's must grow by at least the run's requests (it routes to them, and serves from
     * nowhere else).
     */
    private void measure(Gateway gateway, Workload operation, int inFlight, Totals sum) throws Exception {
        long before = gateway.storagePodRequests();
        Duration cpuBefore = gateway.cpu();
        LatencyReport report = gateway.generator().measure(operation, inFlight, sum.latencies);
        Duration cpuAfter = gateway.cpu();
        long answered = gateway.storagePodRequests() - before;
        Duration cpu = cpuBefore == null || cpuAfter == null ? null : cpuAfter.minus(cpuBefore);
        double cpuPerRequest = RoutingComparison.cpuMicrosPerRequest(cpu, report.operations());
        log.println(String.format(
                Locale.ROOT,
                "   %-10s %3d in flight: %s; storage pods answered %d; servers' CPU %s us/request",
                gateway.target(),
                inFlight,
                report.summary(),
                answered,
                Double.isNaN(cpuPerRequest) ? "?" : String.format(Locale.ROOT, "%.0f", cpuPerRequest)));
        ComparisonRunner.withoutErrors(gateway.target(), report);
        if (gateway.cluster() != null && answered < report.operations()) {
            throw new WorkloadFailedException(String.format(
                    Locale.ROOT,
                    "the %s gateway answered %d %s requests but"
                            + " its storage pods only %d: it is not routing to them (is it serving from an embedded store?)",
                    gateway.target(),
                    report.operations(),
                    operation.name(),
                    answered));
        }
        sum.add(report, answered, cpu);
    }

    /** A measured gateway; {@code cluster} its storage pods' target, null for the embedded gateway. */
    private record Gateway(
            String target,
            DynamoDbAsyncClient client,
            LoadGenerator generator,
            JavaServerTarget server,
            ClusterTarget cluster) {
        long storagePodRequests() throws Exception {
            return cluster == null ? 0 : cluster.storagePodRequests();
        }

        /** The CPU time the target's processes have used so far; null if one of them does not say. */
        Duration cpu() {
            Duration used = Duration.ZERO;
            for (long pid : server.processIds()) {
                Optional<Duration> process = ServerCpu.used(OptionalLong.of(pid));
                if (process.isEmpty()) {
                    return null;
                }
                used = used.plus(process.get());
            }
            return used;
        }
    }

    /** One target's runs of one operation at one concurrency, added up over the rounds. */
    private static final class Totals {
        private final String target;
        private final String operation;
        private final int inFlight;
        private final Histogram latencies = new Histogram(3);
        private Duration elapsed = Duration.ZERO;
        private long storagePodRequests;
        /** Null once any run's CPU time was unknown. */
        private Duration serverCpu = Duration.ZERO;

        Totals(String target, String operation, int inFlight) {
            this.target = target;
            this.operation = operation;
            this.inFlight = inFlight;
        }

        void add(LatencyReport round, long answeredByPods, Duration cpu) {
            elapsed = elapsed.plus(round.elapsed());
            storagePodRequests += answeredByPods;
            serverCpu = serverCpu == null || cpu == null ? null : serverCpu.plus(cpu);
        }

        RoutingComparison.Measurement measurement() {
            return new RoutingComparison.Measurement(
                    target,
                    operation,
                    inFlight,
                    LatencyReport.of(operation, latencies, 0, elapsed, null),
                    storagePodRequests,
                    serverCpu);
        }
    }
}
