package io.kubedyn.gateway;

import io.kubedyn.core.ShardMap;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs the gateway tests against the cluster backend when {@code kubedyn.test.backend=cluster}
 * (the gateway module's second surefire execution): three real storage-pod processes, each
 * owning a third of the hash space, and the gateway configured with their addresses. With any
 * other value it does nothing and the tests run on the embedded backend.
 */
public class ShardedStoragePods implements QuarkusTestResourceLifecycleManager {
    static final int SHARDS = 3;
    private final List<StoragePodProcess> pods = new ArrayList<>();

    static boolean clusterMode() {
        return "cluster".equals(System.getProperty("kubedyn.test.backend"));
    }

    @Override
    public Map<String, String> start() {
        if (!clusterMode()) {
            return Map.of();
        }
        try {
            Path data = Files.createDirectories(Path.of("target", "test-data", "shards-" + System.nanoTime()));
            LoopbackPorts ports = new LoopbackPorts();
            for (int i = 0; i < SHARDS; i++) {
                pods.add(new StoragePodProcess(data.resolve("shard-" + i), i, SHARDS, ports));
            }
            String map = ShardMap.equalRanges(
                            pods.stream().map(StoragePodProcess::address).toList())
                    .toString();
            for (StoragePodProcess pod : pods) {
                pod.withShardMap(map).launch();
            }
            for (StoragePodProcess pod : pods) {
                pod.awaitReady();
            }
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("cannot start storage pods", e);
        }
        return Map.of(
                "kubedyn.backend",
                "cluster",
                "kubedyn.cluster.shards",
                pods.stream().map(StoragePodProcess::address).collect(Collectors.joining(",")),
                // For cluster-only tests that look at what each shard served.
                "kubedyn.test.storage-pod-http",
                pods.stream().map(p -> p.httpBase().toString()).collect(Collectors.joining(",")));
    }

    @Override
    public void stop() {
        for (StoragePodProcess pod : pods) {
            try {
                pod.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pods.clear();
    }
}
