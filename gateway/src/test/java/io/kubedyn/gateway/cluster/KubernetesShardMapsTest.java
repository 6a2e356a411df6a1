package io.kubedyn.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.ShardMap;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The gateway follows the shard maps the operator writes into Table status, on a real (mock) API server. */
@EnableKubernetesMockClient(crud = true)
class KubernetesShardMapsTest {
    KubernetesClient client;

    private static Table table(String name, int shards) {
        Table table = new Table();
        table.setMetadata(
                new ObjectMetaBuilder().withName(name).withNamespace("kubedyn").build());
        TableStatus status = new TableStatus();
        List<ShardRange> ranges = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            HashRange range = HashRange.segment(i, shards);
            ranges.add(new ShardRange(
                    i,
                    String.format("0x%016x", range.first()),
                    String.format("0x%016x", range.last()),
                    name + "-shard-" + i + ".kubedyn.svc.cluster.local",
                    9090));
        }
        status.setShardMap(ranges);
        status.setPhase(TableStatus.PHASE_READY);
        table.setStatus(status);
        return table;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }

    private static boolean routable(KubernetesShardMaps maps, String table) {
        try {
            maps.forTable(table);
            return true;
        } catch (DynamoDbException e) {
            return false;
        }
    }

    @Test
    void routesByTheShardMapInTableStatusAndForgetsDeletedTables() throws Exception {
        try (KubernetesTables tables = new KubernetesTables(client, "kubedyn", 1)) {
            KubernetesShardMaps maps = new KubernetesShardMaps(tables);
            Table music = client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .resource(table("music", 3))
                    .create();
            await(() -> routable(maps, "music"));
            ShardMap map = maps.forTable("music");
            assertThat(map.addresses())
                    .containsExactly(
                            "music-shard-0.kubedyn.svc.cluster.local:9090",
                            "music-shard-1.kubedyn.svc.cluster.local:9090",
                            "music-shard-2.kubedyn.svc.cluster.local:9090");
            assertThat(map).isEqualTo(ShardMap.equalRanges(map.addresses()));

            client.resources(Table.class).inNamespace("kubedyn").resource(music).delete();
            await(() -> !routable(maps, "music"));
            assertThatThrownBy(() -> maps.forTable("music"))
                    .isInstanceOf(DynamoDbException.class)
                    .hasMessageContaining("not found");
        }
    }

    @Test
    void aServedTableWhoseStatusIsLostKeepsItsLastMapUntilTheOperatorPublishesAgain() throws Exception {
        try (KubernetesTables tables = new KubernetesTables(client, "kubedyn", 1)) {
            KubernetesShardMaps maps = new KubernetesShardMaps(tables);
            Table served = client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .resource(table("ledger", 2))
                    .create();
            await(() -> routable(maps, "ledger"));
            ShardMap before = maps.forTable("ledger");

            // A restore from a backup of the resources: the same Table, its status gone.
            client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName("ledger")
                    .editStatus(t -> {
                        t.setStatus(new TableStatus());
                        return t;
                    });
            await(() -> tables.cached("ledger")
                    .map(t ->
                            t.getStatus() == null || t.getStatus().getShardMap().isEmpty())
                    .orElse(false));
            assertThat(maps.forTable("ledger"))
                    .as("still served by the map its shards hold")
                    .isEqualTo(before);

            // The operator rebuilding: Provisioning with the same ranges keeps it served too.
            Table rebuilding = table("ledger", 2);
            rebuilding.getStatus().setPhase(TableStatus.PHASE_PROVISIONING);
            client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName("ledger")
                    .editStatus(t -> {
                        t.setStatus(rebuilding.getStatus());
                        return t;
                    });
            await(() -> tables.cached("ledger")
                    .map(t -> t.getStatus() != null
                            && !t.getStatus().getShardMap().isEmpty())
                    .orElse(false));
            assertThat(maps.forTable("ledger")).isEqualTo(before);

            // A Failed table is not served, whatever it was before.
            client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName("ledger")
                    .editStatus(t -> {
                        TableStatus failed = table("ledger", 2).getStatus();
                        failed.setPhase(TableStatus.PHASE_FAILED);
                        t.setStatus(failed);
                        return t;
                    });
            await(() -> !routable(maps, "ledger"));
            assertThat(served.getMetadata().getUid()).isNotNull();
        }
    }

    @Test
    void aShardMapPublishedAfterTheTableWasCreatedIsRoutedByOnceTheInformerSeesIt() throws Exception {
        try (KubernetesTables tables = new KubernetesTables(client, "kubedyn", 1)) {
            KubernetesShardMaps maps = new KubernetesShardMaps(tables);
            Table published = table("orders", 2);
            Table provisioning = table("orders", 2);
            provisioning.setStatus(null);
            client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .resource(provisioning)
                    .create();
            await(() -> tables.cached("orders").isPresent());
            assertThat(routable(maps, "orders")).isFalse();

            client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName("orders")
                    .editStatus(t -> {
                        t.setStatus(published.getStatus());
                        return t;
                    });
            await(() -> routable(maps, "orders"));
            assertThat(maps.forTable("orders").shards()).hasSize(2);
            assertThat(maps.allAddresses()).hasSize(2);
        }
    }

    @Test
    void aTableBeingDeletedIsNotRoutedToThoughItsMapIsStillPublished() throws Exception {
        try (KubernetesTables tables = new KubernetesTables(client, "kubedyn", 1)) {
            KubernetesShardMaps maps = new KubernetesShardMaps(tables);
            Table music = table("music", 2);
            music.getMetadata().setFinalizers(List.of("tables.kubedyn.io/finalizer"));
            client.resources(Table.class).inNamespace("kubedyn").resource(music).create();
            await(() -> routable(maps, "music"));

            client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName("music")
                    .delete();
            await(() -> !routable(maps, "music"));
            assertThat(tables.cached("music"))
                    .as("kept by the finalizer")
                    .hasValueSatisfying(
                            t -> assertThat(t.getStatus().getShardMap()).hasSize(2));
            assertThat(maps.allAddresses()).isEmpty();
        }
    }

    @Test
    void aTableWithoutACompleteShardMapIsNotRoutable() throws Exception {
        Table provisioning = table("orders", 2);
        provisioning.getStatus().getShardMap().remove(1);
        assertThat(KubernetesShardMaps.shardMapOf(provisioning)).isEmpty();
        Table fresh = table("orders", 1);
        fresh.setStatus(null);
        assertThat(KubernetesShardMaps.shardMapOf(fresh)).isEmpty();
        assertThat(KubernetesShardMaps.shardMapOf(table("orders", 4)))
                .hasValueSatisfying(m -> assertThat(m.shards()).hasSize(4));
    }

    @Test
    void aTableIsRoutableOnceReadyAndStaysSoWhileDegraded() {
        Table table = table("orders", 2);
        table.getStatus().setPhase(TableStatus.PHASE_PROVISIONING);
        assertThat(KubernetesShardMaps.shardMapOf(table))
                .as("map published, pods not ready yet")
                .isEmpty();
        table.getStatus().setPhase(TableStatus.PHASE_FAILED);
        assertThat(KubernetesShardMaps.shardMapOf(table)).isEmpty();
        table.getStatus().setPhase(TableStatus.PHASE_DEGRADED);
        assertThat(KubernetesShardMaps.shardMapOf(table)).isPresent();
        table.getStatus().setPhase(TableStatus.PHASE_READY);
        assertThat(KubernetesShardMaps.shardMapOf(table)).isPresent();
    }
}
