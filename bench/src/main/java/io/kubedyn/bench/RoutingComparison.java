package io.kubedyn.bench;

import java.time.Duration;
import java.util.List;

/**
 * One run of the routing benchmark: two gateways measured alike on each operation, in
 * {@code rounds} alternating rounds, each with one request in flight (latency) and with
 * {@code config.concurrency()} in flight (throughput). The baseline is the embedded gateway and
 * the candidate the cluster gateway in front of {@code shards} storage pods; or, with
 * {@code replicas} above 1, the baseline is that cluster and the candidate the same shards each
 * replicated on {@code replicas} pods (a Raft group).
 */
public record RoutingComparison(
        MachineInfo machine,
        BenchConfig config,
        int shards,
        int replicas,
        int rounds,
        List<String> operations,
        List<Measurement> measurements,
        Duration elapsed) {
    public static final String EMBEDDED = "embedded";
    public static final String CLUSTER = "cluster";
    public static final String REPLICATED = "replicated";

    /** The target the other is measured against. */
    public String baseline() {
        return replicas > 1 ? CLUSTER : EMBEDDED;
    }

    /** The target measured. */
    public String candidate() {
        return replicas > 1 ? REPLICATED : CLUSTER;
    }

    /**
     * One target's figures on one operation at one concurrency, over all rounds.
     *
     * @param target             {@link #EMBEDDED}, {@link #CLUSTER} or {@link #REPLICATED}
     * @param storagePodRequests requests the target's storage pods answered during these runs:
     *                           at least one per request for a cluster, none for the embedded
     *                           gateway
     * @param serverCpu          the CPU time (user and system) the target's processes used during
     *                           these runs, the gateway's and its storage pods' together; null
     *                           when the operating system does not say
     */
    public record Measurement(
            String target,
            String operation,
            int inFlight,
            LatencyReport report,
            long storagePodRequests,
            Duration serverCpu) {
        /** The target's processes' CPU time per request, in microseconds; NaN when unknown. */
        public double serverCpuMicrosPerRequest() {
            return cpuMicrosPerRequest(serverCpu, report.operations());
        }
    }

    /** {@code cpu} (null: unknown) over {@code requests}, in microseconds; NaN when unknown or none. */
    static double cpuMicrosPerRequest(Duration cpu, long requests) {
        return cpu == null || requests == 0 ? Double.NaN : cpu.toNanos() / 1000.0 / requests;
    }

    /** The measurement of {@code target} on {@code operation} at {@code inFlight}, if any. */
    public java.util.Optional<Measurement> measurement(String target, String operation, int inFlight) {
        return measurements.stream()
                .filter(m -> m.target().equals(target) && m.operation().equals(operation) && m.inFlight() == inFlight)
                .findFirst();
    }

    public RoutingComparison {
        operations = List.copyOf(operations);
        measurements = List.copyOf(measurements);
    }

    /** One target's reports, one per operation, at {@code inFlight} requests in flight. */
    public TargetResult result(String target, int inFlight) {
        return new TargetResult(
                target,
                measurements.stream()
                        .filter(m -> m.target().equals(target) && m.inFlight() == inFlight)
                        .map(Measurement::report)
                        .toList());
    }
}
