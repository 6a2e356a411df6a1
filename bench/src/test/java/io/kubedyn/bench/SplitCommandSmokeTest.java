package io.kubedyn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code split} command in miniature: the packaged gateway in cluster mode in front of one
 * packaged storage pod, a second pod receiving the upper half of the hash space while workload
 * A runs (the jars come from the same reactor build). Checks the wiring, not the figures: the
 * split completes, the receiving pod ends up holding data, and no request failed. A failed run
 * leaves its directory (the pods' logs) behind.
 */
class SplitCommandSmokeTest {

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void workloadARunsThroughASplitWithoutAFailedRequest(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path runDir)
            throws Exception {
        BenchConfig config = new BenchConfig(
                3000, 10, 100, 100, 10, 4, Duration.ofMillis(200), Duration.ofSeconds(1), 20_000_000, "uniform");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        // Quick to start and light on a 2-core machine; the copy capped so the split spans windows.
        SplitRun.Result result = new SplitRun(
                        Repository.locate(Path.of("")),
                        config,
                        List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                        256 * 1024,
                        1,
                        Duration.ofMinutes(2),
                        runDir,
                        new PrintStream(printed, true, StandardCharsets.UTF_8))
                .run();

        assertThat(result.before().operations())
                .as("workload A before the split")
                .isPositive();
        assertThat(result.during().operations())
                .as("workload A while the upper half moved")
                .isPositive();
        assertThat(result.before().errors() + result.during().errors())
                .as("failed requests: " + result.during().firstError())
                .isZero();
        assertThat(result.movedBytes())
                .as("what the receiving pod holds, as RocksDB estimates it")
                .isPositive();
        assertThat(result.storeBytes())
                .as("the loaded store, as RocksDB estimates it")
                .isPositive();
        assertThat(result.markdown()).contains("during/before: throughput").contains("s per GB");
    }
}
