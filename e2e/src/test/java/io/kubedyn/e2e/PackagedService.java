package io.kubedyn.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of kubedyn's packaged services ({@code <module>/target/quarkus-app/quarkus-run.jar}) run as
 * its own process, the way its container image runs it: {@code java -jar}, configured through
 * system properties and environment variables, its output appended to a log file.
 */
final class PackagedService implements AutoCloseable {
    private final String name;
    private final Path jar;
    private final List<String> jvmOptions;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    PackagedService(String name, String module, List<String> jvmOptions, Map<String, String> environment, Path log) {
        this.name = name;
        this.jar = Path.of("..", module, "target", "quarkus-app", "quarkus-run.jar")
                .toAbsolutePath()
                .normalize();
        this.jvmOptions = List.copyOf(jvmOptions);
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    /** Starts the process; {@link #isAlive()} and the service's own endpoints tell when it is up. */
    synchronized PackagedService start() throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the whole project first (./mvnw package)");
        }
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small heaps and the C1 compiler only: half a dozen JVMs share two cores in CI.
        command.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        return this;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /** The last lines of the log, for a failure message that says what the service said. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    /** kill -9: no shutdown hook runs, nothing is flushed or closed. */
    synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** SIGTERM, as Kubernetes stops a container, then SIGKILL after the grace period. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
