package io.kubedyn.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/** A server (a target, or a storage pod behind one) as a child process on loopback ports, its output in a log file. */
final class ServerProcess implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final String name;
    private final Process process;
    private final Path log;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * {@code count} free loopback ports, all different: the sockets are held open together, since
     * the kernel may hand a port it has just released out again, and two servers of one run on one
     * port would fail the run for no fault of either.
     */
    static List<Integer> freeLoopbackPorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Starts {@code command} and waits until {@code endpoint} answers any HTTP request. */
    static ServerProcess start(String name, List<String> command, Path workDir, URI endpoint) throws Exception {
        ServerProcess server = launch(name, command, workDir);
        try {
            // Any HTTP answer means the server is up; ListTables is harmless on every target.
            server.await(
                    HttpRequest.newBuilder(endpoint)
                            .timeout(Duration.ofSeconds(2))
                            .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                            .header("Content-Type", "application/x-amz-json-1.0")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    status -> true,
                    "answering on " + endpoint);
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Starts {@code command} without waiting, its output in {@code workDir/name.log}, so that
     * several servers can start at once; then {@link #awaitReady}.
     */
    static ServerProcess launch(String name, List<String> command, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path log = workDir.resolve(name + ".log");
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ServerProcess(name, process, log);
    }

    /**
     * Waits until a GET of {@code readiness} answers 200 (a Quarkus service's
     * {@code /q/health/ready}, which answers 503 until the service can serve).
     */
    void awaitReady(URI readiness) throws Exception {
        await(
                HttpRequest.newBuilder(readiness)
                        .timeout(Duration.ofSeconds(2))
                        .GET()
                        .build(),
                status -> status == 200,
                "reporting ready on " + readiness);
    }

    private void await(HttpRequest probe, IntPredicate ready, String what) throws Exception {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
        if ("https".equals(probe.uri().getScheme())) {
            client.sslContext(BenchTls.sslContext());
        }
        HttpClient http = client.build();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (true) {
            try {
                if (ready.test(
                        http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode())) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet: probe again below
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited with " + process.exitValue() + " before " + what + "; its log:\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        name + " still not " + what + " after " + START_LIMIT.toSeconds() + " s; its log:\n" + tail());
            }
            Thread.sleep(100);
        }
    }

    long pid() {
        return process.pid();
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGTERM, so a JVM runs its shutdown hooks (and dumps a flight recording); kill after 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
