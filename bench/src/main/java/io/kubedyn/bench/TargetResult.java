package io.kubedyn.bench;

import java.util.List;
import java.util.Optional;

/** Everything measured on one target in one comparison, the load phase first. */
public record TargetResult(String target, List<LatencyReport> reports) {
    public TargetResult {
        reports = List.copyOf(reports);
    }

    public Optional<LatencyReport> report(String workload) {
        return reports.stream().filter(r -> r.workload().equals(workload)).findFirst();
    }
}
