package io.kubedyn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HotFramesTest {
    @Test
    void classesFallIntoTheFirstAreaTheirNameStartsWith() {
        assertThat(HotFrames.area("org.rocksdb.RocksDB")).isEqualTo("RocksDB (JNI)");
        assertThat(HotFrames.area("io.kubedyn.core.expression.ExpressionParser"))
                .isEqualTo("kubedyn expressions (ANTLR)");
        assertThat(HotFrames.area("io.kubedyn.core.ItemCodec")).isEqualTo("kubedyn code");
        assertThat(HotFrames.area("java.util.zip.CRC32")).isEqualTo("JDK CRC32/zip");
        assertThat(HotFrames.area("java.lang.String")).isEqualTo("JDK other");
        assertThat(HotFrames.area("com.example.Thing")).isEqualTo("other");
    }

    @Test
    void aMethodThatBurnsTheCpuIsTheHottestFrameOfARealRecording(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("burn.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            long sink = burn(Duration.ofMillis(1500));
            recording.stop();
            recording.dump(file);
            assertThat(sink).isNotZero();
        }
        HotFrames frames = HotFrames.of(List.of(file));
        assertThat(frames.samples()).isGreaterThan(20);
        assertThat(frames.report(3)).contains("io.kubedyn.bench.HotFramesTest.burn");
    }

    private static long burn(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        long x = 1;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        return x | 1;
    }
}
