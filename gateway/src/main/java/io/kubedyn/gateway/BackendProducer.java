package io.kubedyn.gateway;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubedyn.gateway.cluster.KubernetesTables;
import io.kubedyn.gateway.cluster.RemoteStores;
import io.kubedyn.gateway.cluster.ShardMapSource;
import io.kubedyn.gateway.cluster.ShardMaps;
import io.kubedyn.storage.InternalTls;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.StoreMemory;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Assembles the {@link StoragePlane} from configuration: embedded (data under kubedyn.data-dir,
 * the default), or cluster with storage pods listed in kubedyn.cluster.shards ({@link ShardMaps})
 * or found through the namespace's Table resources (kubedyn.cluster.discovery=kubernetes).
 */
@ApplicationScoped
public class BackendProducer {

    // Singleton, not ApplicationScoped: a record cannot be proxied, and nothing needs the proxy.
    @Produces
    @Singleton
    StoragePlane plane(
            @ConfigProperty(name = "kubedyn.backend", defaultValue = "embedded") String kind,
            @ConfigProperty(name = "kubedyn.data-dir", defaultValue = "data") Path dataDir,
            @ConfigProperty(name = "kubedyn.cluster.request-timeout", defaultValue = "5s") Duration timeout,
            @ConfigProperty(name = "kubedyn.table-creating", defaultValue = "PT0.25S") Duration creating,
            Config config) {
        if (kind.equals("cluster")) {
            // To the storage pods: mutual TLS when given the gateway's certificate, key and authority.
            InternalTls tls = InternalTls.of(config.getOptionalValue("kubedyn.internal-tls.directory", Path.class));
            tls.directory()
                    .ifPresent(d -> Log.infof(
                            "kubedyn cluster backend: mutual TLS to the storage pods " + "(certificates from %s)", d));
            String discovery = config.getOptionalValue("kubedyn.cluster.discovery", String.class)
                    .orElse("config");
            if (discovery.equals("kubernetes")) {
                KubernetesClient client = new KubernetesClientBuilder().build();
                String namespace = config.getOptionalValue("kubedyn.cluster.namespace", String.class)
                        .orElse(client.getNamespace());
                Log.infof("kubedyn cluster backend: shard maps from Table resources in namespace %s", namespace);
                int shards = config.getOptionalValue("kubedyn.cluster.table-shards", Integer.class)
                        .orElse(1);
                return StoragePlane.kubernetes(
                        new KubernetesTables(client, namespace, shards), new RemoteStores(timeout, tls));
            }
            Map<String, String> tableShards = new HashMap<>();
            for (String name : config.getPropertyNames()) {
                if (name.startsWith("kubedyn.cluster.tables.")) {
                    config.getOptionalValue(name, String.class).ifPresent(v -> tableShards.put(name, v));
                }
            }
            ShardMapSource maps = ShardMaps.fromProperties(
                    config.getOptionalValue("kubedyn.cluster.shards", String.class), tableShards);
            Log.infof(
                    "kubedyn cluster backend: %d storage pods %s, request timeout %s",
                    maps.allAddresses().size(), maps.allAddresses(), timeout);
            return StoragePlane.configured(maps, new RemoteStores(timeout, tls), creating);
        }
        if (!kind.equals("embedded")) {
            throw new IllegalStateException("kubedyn.backend=" + kind + ": expected embedded or cluster");
        }
        // As a storage pod's: RocksDB's cache and memtables sized from the memory the server may use.
        StoreMemory memory = config.getOptionalValue("kubedyn.storage.memory-limit", Long.class)
                .map(StoreMemory::ofLimit)
                .orElse(StoreMemory.DEFAULT);
        Log.infof(
                "kubedyn embedded backend: RocksDB data in %s, %d MiB of block cache",
                dataDir.toAbsolutePath(), memory.cacheBytes() >> 20);
        return StoragePlane.embedded(PartitionStore.open(dataDir, memory), creating);
    }

    /**
     * At shutdown (SIGTERM included): the HTTP server has stopped taking requests; closing the
     * embedded store waits for the requests still in flight (a write is acknowledged only after
     * its WAL sync) before RocksDB is freed, as a storage pod drains.
     */
    void close(@Disposes StoragePlane plane) throws Exception {
        plane.close();
    }
}
