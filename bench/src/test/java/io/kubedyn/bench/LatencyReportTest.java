package io.kubedyn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyReportTest {
    @Test
    void percentilesComeFromTheHistogramInMicroseconds() {
        Histogram nanos = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            nanos.recordValue(i * 1_000_000L); // 1 ms .. 1000 ms
        }
        LatencyReport report = LatencyReport.of("A", nanos, 0, Duration.ofSeconds(4), null);
        assertThat(report.operations()).isEqualTo(1000);
        assertThat(report.p50Micros()).isCloseTo(500_000L, within(500L));
        assertThat(report.p99Micros()).isCloseTo(990_000L, within(1_000L));
        assertThat(report.p999Micros()).isCloseTo(999_000L, within(1_000L));
        assertThat(report.maxMicros()).isCloseTo(1_000_000L, within(1_000L));
        assertThat(report.throughput()).isCloseTo(250.0, within(1e-9));
        assertThat(report.failed()).isFalse();
    }

    @Test
    void errorsCountAsOperationsButNotAsThroughputAndFailTheRun() {
        Histogram nanos = new Histogram(3);
        for (int i = 0; i < 90; i++) {
            nanos.recordValue(1_000_000L);
        }
        LatencyReport report = LatencyReport.of("C", nanos, 10, Duration.ofSeconds(1), "boom");
        assertThat(report.operations()).isEqualTo(100);
        assertThat(report.throughput()).isCloseTo(90.0, within(1e-9));
        assertThat(report.failed()).isTrue();
        assertThat(report.summary()).contains("10 errors");
    }
}
