package io.kubedyn.bench;

import java.time.Duration;
import java.util.List;

/**
 * One run of the routing benchmark: the embedded gateway and the cluster gateway (in front of
 * {@code shards} storage pods) measured alike on each operation, in {@code rounds} alternating
 * rounds, each with one request in flight (latency) and with {@code config.concurrency()} in
 * flight (throughput).
 */
public record RoutingComparison(MachineInfo machine, BenchConfig config, int shards, int rounds,
                                List<String> operations, List<Measurement> measurements, Duration elapsed) {
    public static final String EMBEDDED = "embedded";
    public static final String CLUSTER = "cluster";

    /**
     * One target's figures on one operation at one concurrency, over all rounds.
     *
     * @param target             {@link #EMBEDDED} or {@link #CLUSTER}
     * @param storagePodRequests requests the cluster's storage pods answered during these runs:
     *                           at least one per request for the cluster, none for the embedded
     *                           gateway
     */
    public record Measurement(String target, String operation, int inFlight, LatencyReport report,
                              long storagePodRequests) {
    }

    public RoutingComparison {
        operations = List.copyOf(operations);
        measurements = List.copyOf(measurements);
    }

    /** One target's reports, one per operation, at {@code inFlight} requests in flight. */
    public TargetResult result(String target, int inFlight) {
        return new TargetResult(target, measurements.stream()
                .filter(m -> m.target().equals(target) && m.inFlight() == inFlight)
                .map(Measurement::report)
                .toList());
    }
}
