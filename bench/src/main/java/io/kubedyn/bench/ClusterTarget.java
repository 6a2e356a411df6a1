package io.kubedyn.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * kubedyn as it runs on Kubernetes, without Kubernetes: {@code shards} storage pods, each owning
 * one of as many equal hash ranges with its own data directory, and the packaged gateway in
 * cluster mode in front of them ({@code kubedyn.cluster.shards} lists the pods in hash-range
 * order). The endpoint is the gateway's; the pods are part of the target, started before it and
 * stopped after it.
 */
public final class ClusterTarget extends JavaServerTarget {
    public static final String NAME = "kubedyn cluster";

    private final Path storagePodJar;
    private final int shards;
    private final List<StoragePod> pods = new ArrayList<>();

    /** The same JVM flags go to the gateway and to every storage pod. */
    public ClusterTarget(Path gatewayJar, Path storagePodJar, int shards, List<String> jvmOptions) {
        super(gatewayJar, jvmOptions);
        if (shards < 1) {
            throw new IllegalArgumentException("a cluster needs at least one shard: " + shards);
        }
        this.storagePodJar = storagePodJar;
        this.shards = shards;
    }

    @Override
    public String name() {
        return NAME;
    }

    public int shards() {
        return shards;
    }

    @Override
    public URI start(Path workDir) throws Exception {
        if (!Files.isRegularFile(storagePodJar)) {
            throw new IllegalStateException(storagePodJar + " is missing: build it first (./mvnw -q -pl bench -am package -DskipTests)");
        }
        try {
            List<Integer> ports = ServerProcess.freeLoopbackPorts(2 * shards);
            for (int i = 0; i < shards; i++) {
                pods.add(StoragePod.launch(storagePodJar, jvmOptions(), i, shards, ports.get(2 * i), ports.get(2 * i + 1),
                        workDir));
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
        List<String> addresses = pods.stream().map(StoragePod::address).toList();
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
