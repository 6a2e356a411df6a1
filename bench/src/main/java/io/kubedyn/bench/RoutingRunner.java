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
    public RoutingRunner(BenchConfig config, List<Workload> operations, int rounds, Duration loadLimit, Path runDir,
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

    public RoutingComparison run(KubedynTarget embedded, ClusterTarget cluster) throws Exception {
        MachineInfo machine = MachineInfo.current();
        log.println("machine: " + machine.describe());
        long start = System.nanoTime();
        Dataset dataset = new Dataset(config, 42);
        Path embeddedWork = runDir.resolve(RoutingComparison.EMBEDDED);
        Path clusterWork = runDir.resolve(RoutingComparison.CLUSTER);
        Map<String, Totals> totals = new LinkedHashMap<>();
        try (embedded; cluster) {
            URI embeddedEndpoint = embedded.start(embeddedWork);
            log.println("== " + RoutingComparison.EMBEDDED + ": " + embedded.name() + " on " + embeddedEndpoint);
            URI clusterEndpoint = cluster.start(clusterWork);
            log.println("== " + RoutingComparison.CLUSTER + ": " + cluster.name() + " on " + clusterEndpoint + ", in front of "
                    + cluster.shards() + " storage pods");
            try (DynamoDbAsyncClient toEmbedded = Clients.async(embeddedEndpoint, config.concurrency());
                 DynamoDbAsyncClient toCluster = Clients.async(clusterEndpoint, config.concurrency())) {
                List<Gateway> gateways = List.of(
                        new Gateway(RoutingComparison.EMBEDDED, toEmbedded, new LoadGenerator(toEmbedded, dataset, true)),
                        new Gateway(RoutingComparison.CLUSTER, toCluster, new LoadGenerator(toCluster, dataset, true)));
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
                                Totals sum = totals.computeIfAbsent(gateway.target() + "/" + operation.name() + "/" + inFlight,
                                        k -> new Totals(gateway.target(), operation.name(), inFlight));
                                measure(gateway, operation, inFlight, sum, cluster);
                            }
                        }
                    }
                }
            }
        }
        ComparisonRunner.deleteData(embeddedWork);
        ComparisonRunner.deleteData(clusterWork);
        List<RoutingComparison.Measurement> measurements = new ArrayList<>();
        for (Totals sum : totals.values()) {
            measurements.add(sum.measurement());
        }
        return new RoutingComparison(machine, config, cluster.shards(), rounds,
                operations.stream().map(Workload::name).toList(), measurements,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * One run, with the storage pods' answered requests read before and after it: the cluster's
     * must grow by at least the run's requests, the embedded gateway's must not touch them.
     */
    private void measure(Gateway gateway, Workload operation, int inFlight, Totals sum, ClusterTarget cluster)
            throws Exception {
        long before = cluster.storagePodRequests();
        LatencyReport report = gateway.generator().measure(operation, inFlight, sum.latencies);
        long answered = cluster.storagePodRequests() - before;
        log.println(String.format(Locale.ROOT, "   %-8s %3d in flight: %s; storage pods answered %d",
                gateway.target(), inFlight, report.summary(), answered));
        ComparisonRunner.withoutErrors(gateway.target(), report);
        if (gateway.target().equals(RoutingComparison.CLUSTER) && answered < report.operations()) {
            throw new WorkloadFailedException(String.format(Locale.ROOT, "the cluster gateway answered %d %s requests but"
                    + " its storage pods only %d: it is not routing to them (is it serving from an embedded store?)",
                    report.operations(), operation.name(), answered));
        }
        sum.add(report, answered);
    }

    private record Gateway(String target, DynamoDbAsyncClient client, LoadGenerator generator) {
    }

    /** One target's runs of one operation at one concurrency, added up over the rounds. */
    private static final class Totals {
        private final String target;
        private final String operation;
        private final int inFlight;
        private final Histogram latencies = new Histogram(3);
        private Duration elapsed = Duration.ZERO;
        private long storagePodRequests;

        Totals(String target, String operation, int inFlight) {
            this.target = target;
            this.operation = operation;
            this.inFlight = inFlight;
        }

        void add(LatencyReport round, long answeredByPods) {
            elapsed = elapsed.plus(round.elapsed());
            storagePodRequests += answeredByPods;
        }

        RoutingComparison.Measurement measurement() {
            return new RoutingComparison.Measurement(target, operation, inFlight,
                    LatencyReport.of(operation, latencies, 0, elapsed, null), storagePodRequests);
        }
    }
}
