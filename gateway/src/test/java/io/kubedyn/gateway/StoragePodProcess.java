package io.kubedyn.gateway;

import io.kubedyn.core.HashRange;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableDefinitionCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real storage pod ({@code storage-pod/target/quarkus-app/quarkus-run.jar}) in its own process
 * on loopback ports, owning share {@code index} of {@code count} of the hash space, with its
 * own data directory. It keeps its ports and data across restarts, as a StatefulSet pod does.
 */
final class StoragePodProcess implements AutoCloseable {
    private static final Path JAR = Path.of("..", "storage-pod", "target", "quarkus-app", "quarkus-run.jar");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dataDir;
    private final String ownedRanges;
    private final int grpcPort;
    private final int httpPort;
    private final int adminPort;
    private final Path log;
    private Process process;
    private String shardMap;
    private List<String> properties = List.of();

    StoragePodProcess(Path dataDir, int index, int count) throws IOException {
        this(dataDir, index, count, new LoopbackPorts());
    }

    /** A pod of a group whose ports come from one {@code ports}, so no two pods share one. */
    StoragePodProcess(Path dataDir, int index, int count, LoopbackPorts ports) throws IOException {
        this.dataDir = dataDir;
        this.ownedRanges = index + "/" + count;
        this.grpcPort = ports.next();
        this.httpPort = ports.next();
        this.adminPort = ports.next();
        Files.createDirectories(dataDir.getParent());
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    }

    /** The mutual-TLS HTTP port, with internal TLS: what the operator changes. */
    int adminPort() {
        return adminPort;
    }

    /** host:port of the gRPC API, as the gateway's kubedyn.cluster.shards lists it. */
    String address() {
        return "127.0.0.1:" + grpcPort;
    }

    /**
     * The shard map of the pod's group ({@code kubedyn.storage.shard-map}), by which the pod
     * sends global secondary index entries to the shards owning them; set before launching.
     */
    /** Extra {@code -Dname=value} settings of the pod; set before launching. */
    StoragePodProcess withProperties(List<String> settings) {
        this.properties = List.copyOf(settings);
        return this;
    }

    StoragePodProcess withShardMap(String map) {
        this.shardMap = map;
        return this;
    }

    /** Starts the pod and waits until it reports ready (RocksDB open). */
    StoragePodProcess start() throws Exception {
        launch();
        return awaitReady();
    }

    /** Starts the process without waiting (so several pods start at once). */
    StoragePodProcess launch() throws Exception {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath().normalize()
                    + " is missing: package storage-pod first (./mvnw -pl storage-pod package -DskipTests)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(
                java,
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-Dquarkus.grpc.server.port=" + grpcPort,
                "-Dquarkus.grpc.server.host=127.0.0.1",
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dkubedyn.storage.admin-port=" + adminPort,
                "-Dkubedyn.storage.owned-ranges=" + ownedRanges,
                "-Dkubedyn.data-dir=" + dataDir.toAbsolutePath()));
        if (shardMap != null) {
            command.add("-Dkubedyn.storage.shard-map=" + shardMap);
        }
        command.addAll(properties);
        command.addAll(List.of("-jar", JAR.toString()));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return this;
    }

    /** Waits until the pod reports ready (RocksDB open). */
    StoragePodProcess awaitReady() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!ready()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("storage pod did not become ready; log:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return this;
    }

    /** The pod's process id. */
    long pid() {
        return process.pid();
    }

    boolean ready() {
        try {
            return HTTP.send(
                                    HttpRequest.newBuilder(
                                                    URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The pod's HTTP side: health and metrics. */
    URI httpBase() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    /** What {@code GET path} on the pod's HTTP side answers. */
    HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(httpBase().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Makes this pod a new shard's pod in a split, as the operator starts one: owning nothing,
     * receiving {@code range} from {@code source} (named in the source's refusals by this pod's
     * address), creating {@code table} from its definition; {@code more} settings besides. Set
     * before launching.
     */
    StoragePodProcess receiving(HashRange range, StoragePodProcess source, TableDefinition table, String... more) {
        List<String> settings = new java.util.ArrayList<>(List.of(
                "-Dkubedyn.storage.owned-ranges=none",
                "-Dkubedyn.storage.receive-range=" + range,
                "-Dkubedyn.storage.receive-from=" + source.address(),
                "-Dkubedyn.storage.receive-holder=receiver-0",
                "-Dkubedyn.storage.receive-address=" + address(),
                "-Dkubedyn.storage.table-definition="
                        + new String(new TableDefinitionCodec().encode(table), StandardCharsets.UTF_8)));
        settings.addAll(List.of(more));
        return withProperties(settings);
    }

    /** What the pod's processes logged so far, restarts included. */
    String logText() throws java.io.IOException {
        return Files.readString(log);
    }

    /** Where the range this pod receives stands ({@code GET /kubedyn/hand-off}). */
    String handOff() throws Exception {
        return get("/kubedyn/hand-off").body();
    }

    /** Waits until this pod serves the range it receives; fails after {@code limit}. */
    void awaitServing(Duration limit) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (!handOff().contains("\"phase\":\"Serving\"")) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("hand-off not done within " + limit + "; now " + handOff());
            }
            Thread.sleep(100);
        }
    }

    /** The pod's Prometheus count of successful requests of one operation (get, write, query, scan, ...). */
    long requestCount(String operation) throws Exception {
        return requestCount(httpBase(), operation);
    }

    static long requestCount(URI httpBase, String operation) throws Exception {
        String metrics = HTTP.send(
                        HttpRequest.newBuilder(httpBase.resolve("/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = Pattern.compile("kubedyn_storage_requests_seconds_count\\{operation=\"" + operation
                        + "\",outcome=\"ok\"[^}]*} ([0-9.E]+)")
                .matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** kill -9: no shutdown hook, no flush, no close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
