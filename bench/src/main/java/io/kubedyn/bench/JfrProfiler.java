package io.kubedyn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Flight recordings of a server JVM around one workload, through {@code jcmd}: JFR's sampling
 * profile, started when the measurement starts and written when it ends, so the recording holds
 * that workload alone.
 */
final class JfrProfiler {
    private static final String RECORDING = "kubedyn-bench";
    private final long pid;

    JfrProfiler(long pid) {
        this.pid = pid;
    }

    void start() throws IOException, InterruptedException {
        jcmd("JFR.start", "name=" + RECORDING, "settings=profile");
    }

    void stop(Path file) throws IOException, InterruptedException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        jcmd("JFR.stop", "name=" + RECORDING, "filename=" + file.toAbsolutePath());
    }

    private void jcmd(String... command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        List<String> args = new java.util.ArrayList<>(List.of(jcmd, Long.toString(pid)));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + output);
        }
    }
}
