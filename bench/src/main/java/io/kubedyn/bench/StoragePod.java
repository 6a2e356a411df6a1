package io.kubedyn.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One shard's storage pod ({@code storage-pod/target/quarkus-app/quarkus-run.jar}) as a process:
 * the {@code index}-th of {@code count} equal hash ranges ({@code kubedyn.storage.owned-ranges}),
 * its own data directory, its gRPC API and its HTTP side (health, Prometheus metrics) on loopback.
 */
final class StoragePod implements AutoCloseable {
    /** One line of the pod's request timer count, e.g. {@code ..._count{operation="get",outcome="ok",} 12.0}. */
    private static final Pattern REQUEST_COUNT =
            Pattern.compile("^kubedyn_storage_requests_seconds_count\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);

    /** The last Raft log entry the pod applied, e.g. {@code kubedyn_raft_applied_index 1234.0}. */
    private static final Pattern APPLIED_INDEX =
            Pattern.compile("^kubedyn_raft_applied_index(?:\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);

    private final int grpcPort;
    private final URI http;
    private final ServerProcess process;
    private final HttpClient metricsClient =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private StoragePod(int grpcPort, int httpPort, ServerProcess process) {
        this.grpcPort = grpcPort;
        this.http = URI.create("http://127.0.0.1:" + httpPort);
        this.process = process;
    }

    /**
     * Starts the {@code pod}-th pod, of shard {@code shard} of {@code count}, without waiting for
     * it, so that a cluster's pods start together; its log is {@code workDir/storage-pod-<pod>.log}
     * and its data {@code workDir/data/pod-<pod>}.
     */
    static StoragePod launch(
            Path jar, List<String> jvmOptions, int pod, int shard, int count, int grpcPort, int httpPort, Path workDir)
            throws IOException {
        return launch(jar, jvmOptions, pod, shard + "/" + count, grpcPort, httpPort, workDir);
    }

    /**
     * {@link #launch(Path, List, int, int, int, int, int, Path)} of a pod owning {@code ownedRanges}
     * ({@code kubedyn.storage.owned-ranges}: {@code none} for a new shard's pod receiving its range).
     */
    static StoragePod launch(
            Path jar, List<String> jvmOptions, int pod, String ownedRanges, int grpcPort, int httpPort, Path workDir)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(JavaServerTarget.java());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Dquarkus.grpc.server.host=127.0.0.1",
                "-Dquarkus.grpc.server.port=" + grpcPort,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + httpPort,
                "-Dkubedyn.storage.owned-ranges=" + ownedRanges,
                "-Dkubedyn.data-dir="
                        + workDir.resolve("data").resolve("pod-" + pod).toAbsolutePath(),
                "-jar",
                jar.toAbsolutePath().toString()));
        return new StoragePod(grpcPort, httpPort, ServerProcess.launch("storage-pod-" + pod, command, workDir));
    }

    /** Waits until the pod reports ready on {@code /q/health/ready} (its RocksDB is open). */
    StoragePod awaitReady() throws Exception {
        process.awaitReady(http.resolve("/q/health/ready"));
        return this;
    }

    /** The pod's process id. */
    long pid() {
        return process.pid();
    }

    /** host:port of the gRPC API, as the gateway's {@code kubedyn.cluster.shards} lists it. */
    String address() {
        return "127.0.0.1:" + grpcPort;
    }

    /**
     * Requests the pod has answered successfully so far, of every operation: the sum of its
     * Prometheus {@code kubedyn_storage_requests_seconds_count} with {@code outcome="ok"}.
     */
    long answeredRequests() throws IOException, InterruptedException {
        HttpResponse<String> metrics = metricsClient.send(
                HttpRequest.newBuilder(http.resolve("/q/metrics"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (metrics.statusCode() != 200) {
            throw new IllegalStateException(
                    "storage pod at " + http + " answered " + metrics.statusCode() + " to /q/metrics");
        }
        long answered = 0;
        Matcher line = REQUEST_COUNT.matcher(metrics.body());
        while (line.find()) {
            if (line.group(1).contains("outcome=\"ok\"")) {
                answered += (long) Double.parseDouble(line.group(2));
            }
        }
        return answered;
    }

    /** The last Raft log entry a replica applied, as its metrics say; -1 for a pod that is not one. */
    long appliedIndex() throws IOException, InterruptedException {
        Matcher value = APPLIED_INDEX.matcher(get("/q/metrics"));
        return value.find() ? (long) Double.parseDouble(value.group(1)) : -1;
    }

    /** The body of {@code GET path} on the pod's HTTP port, or an exception naming its status. */
    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = metricsClient.send(
                HttpRequest.newBuilder(http.resolve(path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("storage pod at " + http + " answered " + response.statusCode() + " to " + path + ": "
                    + response.body());
        }
        return response.body();
    }

    @Override
    public void close() {
        process.close();
    }
}
