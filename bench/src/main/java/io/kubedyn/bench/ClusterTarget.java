package io.kubedyn.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * kubedyn as it runs on Kubernetes, without Kubernetes: {@code shards} shards, each owning one of
 * as many equal hash ranges, each a storage pod with its own data directory or, with
 * {@code replicas} above 1, that many pods forming the shard's Raft group; and the packaged
 * gateway in cluster mode in front of them ({@code kubedyn.cluster.shards} lists the shards in
 * hash-range order, a replicated one as its pods' addresses joined by {@code |}). The endpoint is
 * the gateway's; the pods are part of the target, started before it and stopped after it.
 */
public final class ClusterTarget extends JavaServerTarget {
    public static final String NAME = "kubedyn cluster";

    private final Path storagePodJar;
    private final int shards;
    private final int replicas;
    private final List<StoragePod> pods = new ArrayList<>();

    /** The same JVM flags go to the gateway and to every storage pod. */
    public ClusterTarget(Path gatewayJar, Path storagePodJar, int shards, List<String> jvmOptions) {
        this(gatewayJar, storagePodJar, shards, 1, jvmOptions);
    }

    public ClusterTarget(Path gatewayJar, Path storagePodJar, int shards, int replicas, List<String> jvmOptions) {
        super(gatewayJar, jvmOptions);
        if (shards < 1) {
            throw new IllegalArgumentException("a cluster needs at least one shard: " + shards);
        }
        if (replicas != 1 && replicas != 3 && replicas != 5) {
            throw new IllegalArgumentException("a shard has 1, 3 or 5 replicas: " + replicas);
        }
        this.storagePodJar = storagePodJar;
        this.shards = shards;
        this.replicas = replicas;
    }

    @Override
    public String name() {
        return replicas == 1 ? NAME : NAME + " (" + replicas + " replicas per shard)";
    }

    public int replicas() {
        return replicas;
    }

    public int shards() {
        return shards;
    }

    @Override
    public URI start(Path workDir) throws Exception {
        if (!Files.isRegularFile(storagePodJar)) {
            throw new IllegalStateException(
                    storagePodJar + " is missing: build it first (./mvnw -q -pl bench -am package -DskipTests)");
        }
        try {
            List<Integer> ports = ServerProcess.freeLoopbackPorts(3 * shards * replicas);
            for (int i = 0; i < shards; i++) {
                List<String> peers = new ArrayList<>();
                for (int r = 0; r < replicas; r++) {
                    int at = 3 * (i * replicas + r);
                    peers.add("127.0.0.1:" + ports.get(at) + ":" + ports.get(at + 2));
                }
                for (int r = 0; r < replicas; r++) {
                    int at = 3 * (i * replicas + r);
                    List<String> options = new ArrayList<>(jvmOptions());
                    if (replicas > 1) {
                        options.addAll(List.of(
                                "-Dkubedyn.storage.replication.group=bench-" + i,
                                "-Dkubedyn.storage.replication.peers=" + String.join(",", peers),
                                "-Dkubedyn.storage.replication.self=127.0.0.1:" + ports.get(at),
                                "-Dkubedyn.storage.replication.host=127.0.0.1"));
                    }
                    pods.add(StoragePod.launch(
                            storagePodJar,
                            options,
                            i * replicas + r,
                            i,
                            shards,
                            ports.get(at),
                            ports.get(at + 1),
                            workDir));
                }
            }
            for (StoragePod pod : pods) {
                pod.awaitReady();
            }
            return super.start(workDir);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    @Override
    List<String> settings(Path workDir) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            addresses.add(
                    io.kubedyn.core.ShardMap.replicaAddress(pods.subList(i * replicas, (i + 1) * replicas).stream()
                            .map(StoragePod::address)
                            .toList()));
        }
        return List.of("-Dkubedyn.backend=cluster", "-Dkubedyn.cluster.shards=" + String.join(",", addresses));
    }

    /**
     * Requests all storage pods have answered so far: what grows while the gateway routes, and
     * stays put if it serves from anywhere else.
     */
    public long storagePodRequests() throws IOException, InterruptedException {
        long answered = 0;
        for (StoragePod pod : pods) {
            answered += pod.answeredRequests();
        }
        return answered;
    }

    @Override
    List<Long> processIds() {
        List<Long> ids = new ArrayList<>(super.processIds());
        for (StoragePod pod : pods) {
            ids.add(pod.pid());
        }
        return ids;
    }

    /** The storage pods, shard by shard, each shard's replicas in turn; empty until started. */
    List<StoragePod> pods() {
        return List.copyOf(pods);
    }

    /** The gateway first, so that no request is left in flight to a stopped pod. */
    @Override
    public void close() {
        super.close();
        for (StoragePod pod : pods) {
            pod.close();
        }
        pods.clear();
    }
}
