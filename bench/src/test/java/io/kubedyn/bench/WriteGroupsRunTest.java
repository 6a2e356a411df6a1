package io.kubedyn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteGroupsRunTest {
    @TempDir
    Path scratch;

    @Test
    void measuresWritesPerSyncOnARealStoreAndLeavesNothingBehind() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<WriteGroupsRun.Result> results = new WriteGroupsRun(scratch, Duration.ofMillis(300), 2, 10)
                .run(List.of(1, 16), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(results).extracting(WriteGroupsRun.Result::writers).containsExactly(1, 16, 1, 16);
        for (int way = 0; way < 4; way += 2) {
            WriteGroupsRun.Result alone = results.get(way);
            WriteGroupsRun.Result together = results.get(way + 1);
            assertThat(alone.writesPerSecond()).isPositive();
            // One write in flight waits for its own sync every time.
            assertThat(alone.writesPerSync()).as(alone.how()).isEqualTo(1.0);
            // Sixteen share them.
            assertThat(together.writesPerSync()).as(together.how()).isGreaterThan(1.0);
            assertThat(together.cpuMicrosPerWrite()).isPositive();
        }
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(
                        "| how | writes in flight | writes/s | writes per WAL sync |",
                        "| a thread each | 16 |",
                        "| begun without waiting | 16 |");
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).isEmpty();
        }
    }
}
