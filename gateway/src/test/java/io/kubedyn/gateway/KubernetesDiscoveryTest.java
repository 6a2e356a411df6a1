package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableStatus;
import io.kubedyn.gateway.cluster.ClusterBackend;
import io.kubedyn.gateway.cluster.KubernetesShardMaps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The cluster backend routing by the shard map a {@code Table}'s status publishes, on fabric8's
 * mock API server (CRUD mode), to two real storage-pod processes standing in for the shard
 * Services. Runs with the cluster tests (it needs the packaged storage pod).
 */
@EnableKubernetesMockClient(crud = true)
@EnabledIfSystemProperty(named = "kubedyn.test.backend", matches = "cluster",
        disabledReason = "cluster-only: runs in the cluster-backend execution of this suite (three storage pods)")
class KubernetesDiscoveryTest {
    KubernetesClient client;

    @Test
    void itemsGoToTheShardServicesTheTableStatusNames() throws Exception {
        Path data = Files.createDirectories(Path.of("target", "test-data", "discovery-" + System.nanoTime()));
        List<StoragePodProcess> pods = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                pods.add(new StoragePodProcess(data.resolve("shard-" + i), i, 2).launch());
            }
            for (StoragePodProcess pod : pods) {
                pod.awaitReady();
            }
            Table resource = new Table();
            resource.setMetadata(new ObjectMetaBuilder().withName("music").withNamespace("kubedyn").build());
            TableStatus status = new TableStatus();
            List<ShardRange> ranges = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                HashRange range = HashRange.segment(i, 2);
                String[] hostPort = pods.get(i).address().split(":");
                ranges.add(new ShardRange(i, String.format("0x%016x", range.first()), String.format("0x%016x", range.last()),
                        hostPort[0], Integer.parseInt(hostPort[1])));
            }
            status.setShardMap(ranges);
            resource.setStatus(status);
            client.resources(Table.class).inNamespace("kubedyn").resource(resource).create();

            try (KubernetesShardMaps maps = new KubernetesShardMaps(client, "kubedyn");
                 ClusterBackend backend = new ClusterBackend(maps, Duration.ofSeconds(5))) {
                Instant deadline = Instant.now().plusSeconds(10);
                while (maps.allAddresses().size() < 2 && Instant.now().isBefore(deadline)) {
                    Thread.sleep(20);
                }
                TableDefinition music = new TableDefinition("music", UUID.randomUUID().toString(),
                        KeySchema.of(new KeyAttribute("id", ScalarType.S), null), Map.of("id", ScalarType.S),
                        "PAY_PER_REQUEST", 0, 0, 0);
                backend.createTable(music);
                int[] perShard = new int[2];
                for (int i = 0; i < 40; i++) {
                    AttributeValue id = new AttributeValue.S("song-" + i);
                    PrimaryKey key = PrimaryKey.of(id, null);
                    backend.write("music", key, ItemChange.put(Map.of("id", id), null, null));
                    perShard[HashRange.segment(1, 2).contains(key.hash()) ? 1 : 0]++;
                    assertThat(backend.get("music", key)).containsEntry("id", id);
                }
                assertThat(perShard[0]).isPositive();
                assertThat(perShard[1]).isPositive();
                assertThat(pods.get(0).requestCount("write")).isEqualTo(perShard[0]);
                assertThat(pods.get(1).requestCount("write")).isEqualTo(perShard[1]);
                assertThat(backend.tableNames()).containsExactly("music");
            }
        } finally {
            for (StoragePodProcess pod : pods) {
                pod.close();
            }
        }
    }
}
