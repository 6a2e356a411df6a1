package io.kubedyn.bench;

import java.time.Duration;
import java.util.List;

/**
 * One comparison run: every target's results (the subject, kubedyn, first), the subject's
 * latency at half of its saturation throughput, and what it ran on.
 */
public record Comparison(MachineInfo machine, BenchConfig config, List<TargetResult> results,
                         List<LatencyReport> halfSaturation, Duration elapsed) {
    public Comparison {
        results = List.copyOf(results);
        halfSaturation = List.copyOf(halfSaturation);
    }

    public TargetResult subject() {
        return results.get(0);
    }

    public List<TargetResult> peers() {
        return results.subList(1, results.size());
    }
}
