package io.kubedyn.bench;

import java.time.Duration;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The result of one measured run: throughput and the latency distribution of the requests that
 * succeeded (nanosecond histogram, reported in microseconds). {@code offeredRate} is the request
 * rate of an open-loop run, 0 for a closed-loop (saturating) one.
 */
public record LatencyReport(
        String workload,
        long operations,
        long errors,
        Duration elapsed,
        long p50Micros,
        long p99Micros,
        long p999Micros,
        long maxMicros,
        String firstError,
        double offeredRate) {

    public static LatencyReport of(String workload, Histogram nanos, long errors, Duration elapsed, String firstError) {
        return of(workload, nanos, errors, elapsed, firstError, 0);
    }

    public static LatencyReport of(
            String workload, Histogram nanos, long errors, Duration elapsed, String firstError, double offeredRate) {
        return new LatencyReport(
                workload,
                nanos.getTotalCount() + errors,
                errors,
                elapsed,
                micros(nanos.getValueAtPercentile(50)),
                micros(nanos.getValueAtPercentile(99)),
                micros(nanos.getValueAtPercentile(99.9)),
                micros(nanos.getMaxValue()),
                firstError,
                offeredRate);
    }

    /** An open-loop run at a fixed rate rather than a saturating one. */
    public boolean paced() {
        return offeredRate > 0;
    }

    private static long micros(long nanos) {
        return Math.round(nanos / 1000.0);
    }

    /** Requests per second over the measured time, errors included in neither. */
    public double throughput() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds == 0 ? 0 : (operations - errors) / seconds;
    }

    public boolean failed() {
        return errors > 0;
    }

    public String summary() {
        return String.format(
                Locale.ROOT,
                "%-6s %9.0f ops/s  p50 %7.2f ms  p99 %7.2f ms  p99.9 %7.2f ms  max %8.2f ms  (%d ops, %d errors)",
                workload,
                throughput(),
                p50Micros / 1000.0,
                p99Micros / 1000.0,
                p999Micros / 1000.0,
                maxMicros / 1000.0,
                operations,
                errors);
    }
}
