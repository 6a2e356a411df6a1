package io.kubedyn.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubedyn.crd.AttributeDefinition;
import io.kubedyn.crd.DeletionPolicy;
import io.kubedyn.crd.KeySchemaElement;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableSpec;
import io.kubedyn.crd.TableStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Who owns a table's data, tried as an operator of the cluster would: a Table whose status is
 * lost (a restore from a backup of the resources drops it) after its shards were raised and a
 * range split off keeps every item readable and gets back the map its StatefulSets record, and a Table applied again with another key schema over volumes its
 * predecessor kept is refused by its pods, which the Table's status says, instead of being served
 * with the old data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardAssignmentIT {
    private LoopbackCluster cluster;
    private DynamoDbClient dynamoDb;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new LoopbackCluster(Path.of("target", "e2e", getClass().getSimpleName()), 1, Duration.ofSeconds(2));
        dynamoDb = cluster.dynamoDb();
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Table table(String name, String hashKey, int shards, String deletionPolicy) {
        Table table = new Table();
        table.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(LoopbackCluster.NAMESPACE)
                .build());
        TableSpec spec = new TableSpec();
        spec.setAttributeDefinitions(List.of(new AttributeDefinition(hashKey, "S")));
        spec.setKeySchema(List.of(new KeySchemaElement(hashKey, "HASH")));
        spec.setShards(shards);
        spec.setDeletionPolicy(deletionPolicy);
        table.setSpec(spec);
        return table;
    }

    private Table resource(String name) {
        return cluster.kubectl()
                .resources(Table.class)
                .inNamespace(LoopbackCluster.NAMESPACE)
                .withName(name)
                .get();
    }

    private static List<String> shardMap(Table table) {
        return table.getStatus() == null
                ? List.of()
                : table.getStatus().getShardMap().stream()
                        .map(r -> r.getShard() + ":" + r.getFirstHash() + "-" + r.getLastHash())
                        .toList();
    }

    /** What each shard's StatefulSet hands its pods: the hash ranges they own. */
    private Map<String, String> ownedRanges(String table) {
        Map<String, String> owned = new TreeMap<>();
        for (StatefulSet statefulSet : cluster.kubectl()
                .apps()
                .statefulSets()
                .inNamespace(LoopbackCluster.NAMESPACE)
                .withLabel("kubedyn.io/table", table)
                .list()
                .getItems()) {
            statefulSet.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                    .filter(e -> e.getName().equals("KUBEDYN_STORAGE_OWNED_RANGES"))
                    .forEach(e -> owned.put(statefulSet.getMetadata().getName(), e.getValue()));
        }
        return owned;
    }

    private List<String> missingItems(String table, int count) {
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "item-" + i;
            Map<String, AttributeValue> item = dynamoDb.getItem(
                            b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS(id))))
                    .item();
            if (!item.containsKey("id")) {
                missing.add(id);
            }
        }
        return missing;
    }

    @Test
    void aTableWhoseStatusIsLostAfterItsShardsWereRaisedServesEveryItemThroughout() {
        cluster.kubectl()
                .resources(Table.class)
                .resource(table("ledger", "id", 2, DeletionPolicy.DELETE))
                .create();
        cluster.awaitActive("ledger");
        int items = 200;
        for (int i = 0; i < items; i++) {
            String id = "item-" + i;
            dynamoDb.putItem(b -> b.tableName("ledger").item(Map.of("id", AttributeValue.fromS(id))));
        }
        List<String> mapBefore = shardMap(resource("ledger"));
        assertThat(mapBefore).hasSize(2);

        // Raised: the third shard is provisioned and receives half of a shard's range.
        // As kubectl would: the operator may patch the status meanwhile (409), so re-read and retry.
        await().atMost(Duration.ofSeconds(30))
                .ignoreException(KubernetesClientException.class)
                .until(() -> {
                    cluster.kubectl()
                            .resources(Table.class)
                            .inNamespace(LoopbackCluster.NAMESPACE)
                            .withName("ledger")
                            .edit(t -> {
                                t.getSpec().setShards(3);
                                return t;
                            });
                    return true;
                });
        await().atMost(Duration.ofSeconds(90)).until(() -> cluster.kubelet().isReady("ledger-shard-2-0"));
        await().atMost(Duration.ofSeconds(90))
                .until(() -> shardMap(resource("ledger")).size() == 3);
        List<String> mapAfterSplit = shardMap(resource("ledger"));
        // The pods keep the ranges they were started with (a split restarts none of them); the
        // StatefulSets record what each owns now.
        Map<String, String> rangesBefore = ownedRanges("ledger");
        assertThat(rangesBefore).containsEntry("ledger-shard-2", "none").hasSize(3);
        assertThat(cluster.kubectl()
                        .apps()
                        .statefulSets()
                        .inNamespace(LoopbackCluster.NAMESPACE)
                        .withName("ledger-shard-2")
                        .get()
                        .getMetadata()
                        .getAnnotations())
                .containsEntry("kubedyn.io/owned-ranges", "0x4000000000000000-0x7fffffffffffffff");

        // The status is lost, as a restore from a backup of the resources loses it.
        // As kubectl would: the operator may patch the status meanwhile (409), so re-read and retry.
        await().atMost(Duration.ofSeconds(30))
                .ignoreException(KubernetesClientException.class)
                .until(() -> {
                    cluster.kubectl()
                            .resources(Table.class)
                            .inNamespace(LoopbackCluster.NAMESPACE)
                            .withName("ledger")
                            .editStatus(t -> {
                                t.setStatus(new TableStatus());
                                return t;
                            });
                    return true;
                });
        assertThat(missingItems("ledger", items))
                .as("items answered \"not found\" right after the status was lost")
                .isEmpty();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Table now = resource("ledger");
            return now.getStatus() != null
                    && TableStatus.PHASE_READY.equals(now.getStatus().getPhase())
                    && !now.getStatus().getShardMap().isEmpty();
        });
        assertThat(shardMap(resource("ledger")))
                .as("the shard map the StatefulSets hold, published again")
                .isEqualTo(mapAfterSplit);
        assertThat(ownedRanges("ledger")).as("no shard's ranges moved").isEqualTo(rangesBefore);
        assertThat(missingItems("ledger", items))
                .as("items answered \"not found\" once the map was rebuilt")
                .isEmpty();
    }

    @Test
    void aTableAppliedAgainWithAnotherKeySchemaOverKeptVolumesIsRefusedByItsPodsAndSaysSo() {
        cluster.kubectl()
                .resources(Table.class)
                .resource(table("retained", "id", 1, DeletionPolicy.RETAIN))
                .create();
        cluster.awaitActive("retained");
        dynamoDb.putItem(b -> b.tableName("retained").item(Map.of("id", AttributeValue.fromS("kept"))));
        cluster.kubectl()
                .resources(Table.class)
                .inNamespace(LoopbackCluster.NAMESPACE)
                .withName("retained")
                .delete();
        cluster.awaitGone("retained");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !cluster.kubelet().podNames().contains("retained-shard-0-0"));

        // Applied again, keyed by another attribute, over the volume deletionPolicy Retain kept.
        cluster.kubectl()
                .resources(Table.class)
                .resource(table("retained", "name", 1, DeletionPolicy.RETAIN))
                .create();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            TableStatus status = resource("retained").getStatus();
            assertThat(status).isNotNull();
            assertThat(status.getPhase()).isEqualTo(TableStatus.PHASE_FAILED);
            assertThat(status.getConditions()).anySatisfy(c -> {
                assertThat(c.getReason()).isEqualTo("StoreRefused");
                assertThat(c.getMessage())
                        .contains("retained-shard-0-0")
                        .contains("[HASH id S]")
                        .contains("[HASH name S]");
            });
        });
        assertThat(dynamoDb.describeTable(b -> b.tableName("retained")).table().tableStatusAsString())
                .as("never served under the new schema")
                .isEqualTo("CREATING");
        assertThatThrownBy(() -> dynamoDb.getItem(
                        b -> b.tableName("retained").key(Map.of("name", AttributeValue.fromS("kept")))))
                .isInstanceOf(ResourceNotFoundException.class);
    }
}
