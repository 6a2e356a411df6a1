package io.kubedyn.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The packaged server ({@code java -jar target/quarkus-app/quarkus-run.jar}) as a user runs it,
 * in its own process, on a free loopback port with its own data directory.
 */
final class ServerProcess implements AutoCloseable {
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private final Path dataDir;
    private final List<String> properties;
    private final int port;
    private final Path log;
    private final String scheme;
    private final java.util.function.Function<URI, DynamoDbClient> clients;
    private Process process;

    ServerProcess(Path dataDir) throws IOException {
        this(dataDir, List.of());
    }

    /** With extra {@code -Dname=value} settings, for example the cluster backend's. */
    ServerProcess(Path dataDir, List<String> properties) throws IOException {
        this(dataDir, properties, "http", DynamoDbClients::at);
    }

    /**
     * Served over {@code scheme} ({@code https} with the server's tls profile, on its SSL port),
     * and waited for with clients made by {@code clients}.
     */
    ServerProcess(
            Path dataDir,
            List<String> properties,
            String scheme,
            java.util.function.Function<URI, DynamoDbClient> clients)
            throws IOException {
        this.scheme = scheme;
        this.clients = clients;
        this.dataDir = dataDir;
        this.properties = List.copyOf(properties);
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
        this.log = Files.createTempFile("kubedyn-server", ".log");
    }

    URI endpoint() {
        return URI.create(scheme + "://" + (scheme.equals("https") ? "localhost" : "127.0.0.1") + ":" + port);
    }

    /** Starts the server and waits until it serves ListTables. */
    ServerProcess start() throws Exception {
        return start(false);
    }

    /**
     * Starts the server and waits only until it answers HTTP at all, error or not: for a
     * gateway whose storage is not reachable.
     */
    ServerProcess startWithoutWaitingForTables() throws Exception {
        return start(true);
    }

    private ServerProcess start(boolean anyAnswer) throws Exception {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the package phase first");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.ssl-port=" + port,
                "-Dkubedyn.data-dir=" + dataDir.toAbsolutePath()));
        command.addAll(properties);
        command.addAll(List.of("-jar", JAR.toString()));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        try (DynamoDbClient client = clients.apply(endpoint())) {
            while (true) {
                try {
                    client.listTables();
                    return this;
                } catch (AwsServiceException answered) {
                    if (anyAnswer) {
                        return this;
                    }
                    waitOrFail(deadline, answered);
                } catch (RuntimeException notYet) {
                    waitOrFail(deadline, notYet);
                }
            }
        }
    }

    private void waitOrFail(Instant deadline, RuntimeException cause) throws Exception {
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
            throw new IllegalStateException("server did not start; log:\n" + Files.readString(log), cause);
        }
        Thread.sleep(100);
    }

    /** The server's process id. */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** A clean stop: SIGTERM, as Kubernetes or Ctrl-C sends it. */
    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** kill -9: no shutdown hook, no flush, no close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
