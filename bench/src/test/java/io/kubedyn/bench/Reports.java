package io.kubedyn.bench;

import java.time.Duration;

/** Hand-made reports for tests: throughput = operations / seconds, latencies in milliseconds. */
final class Reports {
    private Reports() {}

    static LatencyReport report(String workload, long operations, double p99Millis) {
        return new LatencyReport(
                workload,
                operations,
                0,
                Duration.ofSeconds(10),
                1000,
                Math.round(p99Millis * 1000),
                Math.round(p99Millis * 2000),
                Math.round(p99Millis * 3000),
                null,
                0);
    }

    static LatencyReport paced(String workload, long operations, double p99Millis) {
        return new LatencyReport(
                workload,
                operations,
                0,
                Duration.ofSeconds(10),
                1000,
                Math.round(p99Millis * 1000),
                Math.round(p99Millis * 2000),
                Math.round(p99Millis * 3000),
                null,
                operations / 10.0);
    }
}
