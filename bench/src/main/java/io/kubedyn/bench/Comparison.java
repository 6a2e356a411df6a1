package io.kubedyn.bench;

import java.time.Duration;
import java.util.List;

/**
 * One comparison run: every target's results (the subject, kubedyn, first; paced runs at half of
 * the subject's saturation throughput among them) and what it ran on.
 */
public record Comparison(MachineInfo machine, BenchConfig config, List<TargetResult> results, Duration elapsed) {
    public Comparison {
        results = List.copyOf(results);
    }

    /** The subject's open-loop runs at half of its saturation throughput. */
    public List<LatencyReport> halfSaturation() {
        return subject().reports().stream().filter(LatencyReport::paced).toList();
    }

    public TargetResult subject() {
        return results.get(0);
    }

    public List<TargetResult> peers() {
        return results.subList(1, results.size());
    }
}
