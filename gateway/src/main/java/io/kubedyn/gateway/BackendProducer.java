package io.kubedyn.gateway;

import io.kubedyn.gateway.cluster.ClusterBackend;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubedyn.gateway.cluster.KubernetesTables;
import io.kubedyn.gateway.cluster.ShardMapSource;
import io.kubedyn.gateway.cluster.ShardMaps;
import io.kubedyn.storage.PartitionStore;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Chooses the backend from configuration: embedded (data under kubedyn.data-dir, the default)
 * or cluster (storage pods listed in kubedyn.cluster.shards, see {@link ShardMaps}).
 */
@ApplicationScoped
public class BackendProducer {

    @Produces
    @ApplicationScoped
    TableBackend backend(@ConfigProperty(name = "kubedyn.backend", defaultValue = "embedded") String kind,
                         @ConfigProperty(name = "kubedyn.data-dir", defaultValue = "data") Path dataDir,
                         @ConfigProperty(name = "kubedyn.cluster.request-timeout", defaultValue = "5s") Duration timeout,
                         Config config) {
        if (kind.equals("cluster")) {
            Map<String, String> tableShards = new HashMap<>();
            for (String name : config.getPropertyNames()) {
                if (name.startsWith("kubedyn.cluster.tables.")) {
                    config.getOptionalValue(name, String.class).ifPresent(v -> tableShards.put(name, v));
                }
            }
            String discovery = config.getOptionalValue("kubedyn.cluster.discovery", String.class).orElse("config");
            if (discovery.equals("kubernetes")) {
                KubernetesClient client = new KubernetesClientBuilder().build();
                String namespace = config.getOptionalValue("kubedyn.cluster.namespace", String.class)
                        .orElse(client.getNamespace());
                Log.infof("kubedyn cluster backend: shard maps from Table resources in namespace %s", namespace);
                int shards = config.getOptionalValue("kubedyn.cluster.table-shards", Integer.class).orElse(1);
                return new ClusterBackend(new KubernetesTables(client, namespace, shards), timeout);
            }
            ShardMapSource maps = ShardMaps.fromProperties(config.getOptionalValue("kubedyn.cluster.shards", String.class), tableShards);
            Log.infof("kubedyn cluster backend: %d storage pods %s, request timeout %s",
                    maps.allAddresses().size(), maps.allAddresses(), timeout);
            return new ClusterBackend(maps, timeout);
        }
        if (!kind.equals("embedded")) {
            throw new IllegalStateException("kubedyn.backend=" + kind + ": expected embedded or cluster");
        }
        Log.infof("kubedyn embedded backend: RocksDB data in %s", dataDir.toAbsolutePath());
        return new EmbeddedBackend(PartitionStore.open(dataDir));
    }

    void close(@Disposes TableBackend backend) throws Exception {
        if (backend instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
