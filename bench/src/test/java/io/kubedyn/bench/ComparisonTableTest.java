package io.kubedyn.bench;

import static io.kubedyn.bench.Reports.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {
    private final TargetResult kubedyn =
            new TargetResult("kubedyn", List.of(report("A", 30_000, 4.0), report("C", 50_000, 2.0)));
    private final TargetResult dynalite =
            new TargetResult("dynalite", List.of(report("A", 10_000, 8.0), report("C", 20_000, 1.0)));
    private final TargetResult ceiling = new TargetResult("ceiling", List.of(report("A", 60_000, 1.0)));
    private final ComparisonTable table = new ComparisonTable(kubedyn, List.of(dynalite, ceiling), List.of("A", "C"));

    @Test
    void ratiosAreSubjectOverPeerForThroughputAndP99() {
        ComparisonTable.Ratio aDynalite = table.rows().get(0).ratios().get(0);
        assertThat(aDynalite.peer()).isEqualTo("dynalite");
        assertThat(aDynalite.throughput().orElseThrow()).isCloseTo(3.0, within(1e-9));
        assertThat(aDynalite.p99().orElseThrow()).isCloseTo(0.5, within(1e-9));

        ComparisonTable.Ratio cDynalite = table.rows().get(1).ratios().get(0);
        assertThat(cDynalite.throughput().orElseThrow()).isCloseTo(2.5, within(1e-9));
        assertThat(cDynalite.p99().orElseThrow()).isCloseTo(2.0, within(1e-9));

        ComparisonTable.Ratio aCeiling = table.rows().get(0).ratios().get(1);
        assertThat(aCeiling.throughput().orElseThrow()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void aWorkloadOnePeerDidNotRunHasNoRatio() {
        ComparisonTable.Ratio cCeiling = table.rows().get(1).ratios().get(1);
        assertThat(cCeiling.throughput()).isEqualTo(Optional.empty());
        assertThat(cCeiling.p99()).isEqualTo(Optional.empty());
    }

    @Test
    void markdownHasAColumnPairPerPeerAndARowPerWorkload() {
        String markdown = table.ratiosMarkdown();
        assertThat(markdown.lines().toList())
                .containsExactly(
                        "| workload | throughput kubedyn / dynalite | p99 kubedyn / dynalite | throughput kubedyn / ceiling | p99 kubedyn / ceiling |",
                        "|---|---:|---:|---:|---:|",
                        "| A | 3.00x | 0.50x | 0.50x | 4.00x |",
                        "| C | 2.50x | 2.00x | - | - |");
    }

    @Test
    void figuresShowEveryTargetSideBySide() {
        assertThat(table.figuresMarkdown().lines().toList())
                .contains("| A | 3000 | 1.00 / 4.00 / 8.00 | 1000 | 1.00 / 8.00 / 16.00 | 6000 | 1.00 / 1.00 / 2.00 |");
    }
}
