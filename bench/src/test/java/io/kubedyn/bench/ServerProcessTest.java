package io.kubedyn.bench;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerProcessTest {
    @Test
    void aServerThatExitsBeforeAnsweringFailsTheStartWithItsLog(@TempDir Path work) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        URI endpoint = URI.create("http://127.0.0.1:" + ServerProcess.freeLoopbackPort());
        assertThatThrownBy(() -> ServerProcess.start(
                        "broken", List.of(java, "-cp", work.toString(), "NoSuchServer"), work, endpoint))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken exited with 1 before answering")
                .hasMessageContaining("NoSuchServer");
    }
}
