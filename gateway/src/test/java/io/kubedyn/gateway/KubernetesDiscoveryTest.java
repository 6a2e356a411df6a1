package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableDefinitions;
import io.kubedyn.crd.TableNames;
import io.kubedyn.crd.TableStatus;
import io.kubedyn.gateway.cluster.KubernetesTables;
import io.kubedyn.gateway.cluster.RemoteStores;
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
 * The cluster backend in Kubernetes mode on fabric8's mock API server (CRUD mode): CreateTable
 * creates the {@code Table} resource, the test publishes its shard map as the operator would,
 * and the table becomes ACTIVE on two real storage-pod processes standing in for the shard
 * Services, routing every item by that map. Runs with the cluster tests (it needs the packaged storage pod).
 */
@EnableKubernetesMockClient(crud = true)
@EnabledIfSystemProperty(
        named = "kubedyn.test.backend",
        matches = "cluster",
        disabledReason = "cluster-only: runs in the cluster-backend execution of this suite (three storage pods)")
class KubernetesDiscoveryTest {
    KubernetesClient client;

    private static String status(PlaneOperations backend, String table) {
        return backend.tableDescription(table).orElseThrow().status();
    }

    @Test
    void aTableCreatedThroughTheGatewayBecomesActiveOnceItsShardMapIsPublished() throws Exception {
        Path data = Files.createDirectories(Path.of("target", "test-data", "discovery-" + System.nanoTime()));
        List<StoragePodProcess> pods = new ArrayList<>();
        try {
            LoopbackPorts ports = new LoopbackPorts();
            for (int i = 0; i < 2; i++) {
                pods.add(new StoragePodProcess(data.resolve("shard-" + i), i, 2, ports).launch());
            }
            for (StoragePodProcess pod : pods) {
                pod.awaitReady();
            }
            try (PlaneOperations backend = new PlaneOperations(StoragePlane.kubernetes(
                    new KubernetesTables(client, "kubedyn", 2), new RemoteStores(Duration.ofSeconds(5))))) {
                TableDefinition music = new TableDefinition(
                        "music",
                        UUID.randomUUID().toString(),
                        KeySchema.of(new KeyAttribute("id", ScalarType.S), null),
                        Map.of("id", ScalarType.S),
                        "PAY_PER_REQUEST",
                        0,
                        0,
                        0);
                backend.createTable(music);
                assertThat(status(backend, "music")).isEqualTo("CREATING");
                assertThat(pods.get(0).requestCount("create_table"))
                        .as("no shard exists yet")
                        .isZero();

                // The pods' part: each creates the table in its store from the definition the operator
                // hands it (KUBEDYN_STORAGE_TABLE_DEFINITION; StoreAssignmentTest covers the pod side).
                TableDefinition handed = TableDefinitions.of(client.resources(Table.class)
                        .inNamespace("kubedyn")
                        .withName(TableNames.resourceName("music"))
                        .get());
                try (RemoteStores stores = new RemoteStores(Duration.ofSeconds(5))) {
                    for (StoragePodProcess pod : pods) {
                        stores.apply(pod.address()).createTable(handed);
                    }
                }
                // The operator's part: publish the shard map (here: the two pods on loopback).
                List<ShardRange> ranges = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    HashRange range = HashRange.segment(i, 2);
                    String[] hostPort = pods.get(i).address().split(":");
                    ranges.add(new ShardRange(
                            i,
                            HashRange.formatBound(range.first()),
                            HashRange.formatBound(range.last()),
                            hostPort[0],
                            Integer.parseInt(hostPort[1])));
                }
                client.resources(Table.class)
                        .inNamespace("kubedyn")
                        .withName(TableNames.resourceName("music"))
                        .editStatus(t -> {
                            TableStatus status = new TableStatus();
                            status.setShardMap(ranges);
                            status.setPhase(TableStatus.PHASE_READY);
                            t.setStatus(status);
                            return t;
                        });
                Instant deadline = Instant.now().plusSeconds(10);
                while (!status(backend, "music").equals("ACTIVE")
                        && Instant.now().isBefore(deadline)) {
                    Thread.sleep(20);
                }

                assertThat(status(backend, "music")).isEqualTo("ACTIVE");
                TableDefinition active = backend.requireTable("music");
                String uid = client.resources(Table.class)
                        .inNamespace("kubedyn")
                        .withName(TableNames.resourceName("music"))
                        .get()
                        .getMetadata()
                        .getUid();
                assertThat(active.tableId())
                        .as("the Table's uid names the incarnation")
                        .isEqualTo(uid);
                for (StoragePodProcess pod : pods) {
                    assertThat(pod.requestCount("create_table"))
                            .as("the gateway provisions nothing")
                            .isEqualTo(1);
                }

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
                assertThat(backend.estimatedItemCount("music")).isPositive();

                // A second gateway serves the same table and creates nothing.
                try (PlaneOperations other = new PlaneOperations(StoragePlane.kubernetes(
                        new KubernetesTables(client, "kubedyn", 2), new RemoteStores(Duration.ofSeconds(5))))) {
                    assertThat(other.requireTable("music").tableId()).isEqualTo(uid);
                    assertThat(other.get("music", PrimaryKey.of(new AttributeValue.S("song-7"), null)))
                            .isNotNull();
                }
                assertThat(pods.get(0).requestCount("create_table")).isEqualTo(1);

                // The operator's finalizer keeps the Table, DELETING, until it has cleaned up.
                client.resources(Table.class)
                        .inNamespace("kubedyn")
                        .withName(TableNames.resourceName("music"))
                        .edit(t -> {
                            t.getMetadata().setFinalizers(List.of("tables.kubedyn.io/finalizer"));
                            return t;
                        });
                backend.deleteTable("music");
                assertThat(pods.get(0).requestCount("delete_table"))
                        .as("data goes with the Table's volumes")
                        .isZero();
                assertThat(pods.get(1).requestCount("delete_table")).isZero();
                assertThat(status(backend, "music")).isEqualTo("DELETING");
                assertThat(backend.tableNames()).containsExactly("music");
                assertThat(backend.describeTable("music"))
                        .as("no item requests while DELETING")
                        .isEmpty();
                assertThatThrownBy(() -> backend.get("music", PrimaryKey.of(new AttributeValue.S("song-7"), null)))
                        .isInstanceOf(DynamoDbException.class)
                        .hasMessageContaining("not found");

                client.resources(Table.class)
                        .inNamespace("kubedyn")
                        .withName(TableNames.resourceName("music"))
                        .edit(t -> {
                            t.getMetadata().setFinalizers(List.of());
                            return t;
                        });
                deadline = Instant.now().plusSeconds(10);
                while (!backend.tableNames().isEmpty() && Instant.now().isBefore(deadline)) {
                    Thread.sleep(20);
                }
                assertThat(client.resources(Table.class)
                                .inNamespace("kubedyn")
                                .withName(TableNames.resourceName("music"))
                                .get())
                        .isNull();
                assertThat(backend.tableNames()).isEmpty();
                assertThat(backend.tableDescription("music")).isEmpty();
            }
        } finally {
            for (StoragePodProcess pod : pods) {
                pod.close();
            }
        }
    }
}
