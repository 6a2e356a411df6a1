package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableStatusReportTest {

    private static final String ENDPOINT = "http://kubedyn-gateway.kubedyn.svc:8000";
    private static final String T0 = "2026-11-25T10:00:00Z";
    private static final String T1 = "2026-11-25T10:05:00Z";

    private static Map<Integer, StatefulSet> shards(Table table, int count, int ready) {
        Map<Integer, StatefulSet> statefulSets = new HashMap<>();
        for (int shard = 0; shard < count; shard++) {
            StatefulSet sts = ShardStatefulSet.desired(Tables.model(table), shard);
            sts.setStatus(new StatefulSetStatusBuilder()
                    .withReplicas(1)
                    .withReadyReplicas(shard < ready ? 1 : 0)
                    .build());
            statefulSets.put(shard, sts);
        }
        return statefulSets;
    }

    private static TableStatus observe(Table table, Map<Integer, StatefulSet> shards, String now) {
        return TableStatusReport.observed(
                table, Tables.model(table, List.copyOf(shards.values())), shards, List.of(), ENDPOINT, now);
    }

    private static String status(TableStatus status, String type) {
        return TableConditions.find(status.getConditions(), type).orElseThrow().getStatus();
    }

    @Test
    void newTableIsProvisioningUntilEveryShardIsReady() {
        Table music = Tables.music();
        TableStatus status = observe(music, shards(music, 3, 2), T0);
        assertThat(status.getPhase()).isEqualTo("Provisioning");
        assertThat(status.getReadyShards()).isEqualTo(2);
        assertThat(status(status, "Ready")).isEqualTo("False");
        assertThat(TableConditions.find(status.getConditions(), "Ready")
                        .orElseThrow()
                        .getMessage())
                .isEqualTo("2 of 3 shards ready; waiting for shard [2]");
        assertThat(status(status, "Progressing")).isEqualTo("True");
        assertThat(status(status, "Degraded")).isEqualTo("False");
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        assertThat(status.getShardMap()).hasSize(3);
    }

    @Test
    void tableWithAllShardsReadyIsReady() {
        Table music = Tables.music();
        TableStatus status = observe(music, shards(music, 3, 3), T0);
        assertThat(status.getPhase()).isEqualTo("Ready");
        assertThat(status(status, "Ready")).isEqualTo("True");
        assertThat(status(status, "Progressing")).isEqualTo("False");
        assertThat(status.getEndpoint()).isEqualTo(ENDPOINT);
    }

    @Test
    void readyTableThatLosesAShardIsDegradedNotProvisioning() {
        Table music = Tables.music();
        music.setStatus(observe(music, shards(music, 3, 3), T0));
        TableStatus status = observe(music, shards(music, 3, 2), T1);
        assertThat(status.getPhase()).isEqualTo("Degraded");
        assertThat(status(status, "Degraded")).isEqualTo("True");
    }

    /** Shards of 3 pods each, with these many ready, shard by shard. */
    private static Map<Integer, StatefulSet> replicatedShards(Table table, int... ready) {
        Map<Integer, StatefulSet> statefulSets = new HashMap<>();
        for (int shard = 0; shard < ready.length; shard++) {
            StatefulSet sts = ShardStatefulSet.desired(Tables.model(table), shard);
            sts.setStatus(new StatefulSetStatusBuilder()
                    .withReplicas(3)
                    .withReadyReplicas(ready[shard])
                    .build());
            statefulSets.put(shard, sts);
        }
        return statefulSets;
    }

    @Test
    void aReplicatedShardServesWithAMajorityAndSaysWhenItLosesIt() {
        Table music = Tables.music();
        music.getSpec().setReplicasPerShard(3);
        music.setStatus(observe(music, replicatedShards(music, 3, 3, 3), T0));
        assertThat(music.getStatus().getPhase()).isEqualTo("Ready");
        assertThat(status(music.getStatus(), "MajorityLost")).isEqualTo("False");

        TableStatus oneDown = observe(music, replicatedShards(music, 3, 2, 3), T1);
        assertThat(oneDown.getPhase()).as("2 of 3 pods: the shard serves").isEqualTo("Ready");
        assertThat(oneDown.getReadyShards()).isEqualTo(3);
        assertThat(status(oneDown, "Degraded")).isEqualTo("True");
        assertThat(TableConditions.find(oneDown.getConditions(), "Degraded")
                        .orElseThrow()
                        .getMessage())
                .startsWith("shard 1 has 2 of 3 pods ready");
        assertThat(status(oneDown, "MajorityLost")).isEqualTo("False");

        TableStatus twoDown = observe(music, replicatedShards(music, 3, 1, 3), T1);
        assertThat(twoDown.getPhase()).isEqualTo("Degraded");
        assertThat(status(twoDown, "MajorityLost")).isEqualTo("True");
        assertThat(TableConditions.find(twoDown.getConditions(), "MajorityLost")
                        .orElseThrow()
                        .getMessage())
                .startsWith("shard 1 has 1 of 3 pods ready: a shard needs a majority");
    }

    @Test
    void aShardsLeaderAndPodsInSyncComeFromWhatItsPodsReport() {
        String leading = "kubedyn_raft_leader 1.0\nkubedyn_raft_applied_index 5000.0\n";
        String following = "kubedyn_raft_leader 0.0\nkubedyn_raft_applied_index 4990.0\n";
        String lagging = "kubedyn_raft_leader 0.0\nkubedyn_raft_applied_index 100.0\n";
        var shard = ShardLeaders.of(
                1,
                List.of(
                        ShardLeaders.report("music-shard-1-0", following),
                        ShardLeaders.report("music-shard-1-1", leading),
                        ShardLeaders.report("music-shard-1-2", lagging)),
                3);
        assertThat(shard.getLeader()).isEqualTo("music-shard-1-1");
        assertThat(shard.getInSync()).isEqualTo(2);
        assertThat(ShardLeaders.of(1, List.of(ShardLeaders.report("music-shard-1-0", following)), 3)
                        .getLeader())
                .as("no pod leads: an election, or no majority")
                .isNull();
    }

    @Test
    void conditionTransitionTimeMovesOnlyWhenItsStatusChanges() {
        Table music = Tables.music();
        music.setStatus(observe(music, shards(music, 3, 3), T0));
        TableStatus again = observe(music, shards(music, 3, 3), T1);
        assertThat(TableConditions.find(again.getConditions(), "Ready")
                        .orElseThrow()
                        .getLastTransitionTime())
                .isEqualTo(T0);
        music.setStatus(again);
        TableStatus lost = observe(music, shards(music, 3, 1), T1);
        assertThat(TableConditions.find(lost.getConditions(), "Ready")
                        .orElseThrow()
                        .getLastTransitionTime())
                .isEqualTo(T1);
    }

    @Test
    void publishedShardMapIsKeptWhenShardsAreRaised() {
        Table music = Tables.music();
        music.setStatus(observe(music, shards(music, 3, 3), T0));
        music.getSpec().setShards(5);
        music.getMetadata().setGeneration(2L);
        TableStatus status = observe(music, shards(music, 5, 5), T1);
        assertThat(status.getShardMap()).hasSize(3);
        assertThat(status.getReadyShards()).isEqualTo(5);
        assertThat(status.getPhase()).isEqualTo("Ready");
        var progressing =
                TableConditions.find(status.getConditions(), "Progressing").orElseThrow();
        assertThat(progressing.getReason()).isEqualTo("Splitting");
        assertThat(progressing.getMessage())
                .startsWith("shards raised from 3 to 5")
                .contains("to shard 3 (Starting)")
                .contains("to shard 4 (Starting)");
    }

    @Test
    void shardsRaisedOnAReplicatedTableWithGlobalIndexesSplit() {
        Table music = Tables.music();
        music.getSpec().setReplicasPerShard(3);
        music.getSpec()
                .setGlobalSecondaryIndexes(
                        new java.util.ArrayList<>(java.util.List.of(Tables.globalIndex("BySong", "SongTitle"))));
        music.setStatus(observe(music, shards(music, 3, 3), T0));
        music.getSpec().setShards(4);
        music.getMetadata().setGeneration(2L);
        TableStatus status = observe(music, shards(music, 4, 4), T1);
        assertThat(status.getShardMap()).hasSize(3);
        var progressing =
                TableConditions.find(status.getConditions(), "Progressing").orElseThrow();
        assertThat(progressing.getReason()).isEqualTo("Splitting");
        assertThat(progressing.getMessage())
                .startsWith("shards raised from 3 to 4")
                .contains("to shard 3");
    }

    @Test
    void storeRefusedByAPodFailsTheTableAndQuotesThePod() {
        Table music = Tables.music();
        music.setStatus(observe(music, shards(music, 3, 3), T0));
        Map<Integer, StatefulSet> statefulSets = shards(music, 3, 2);
        StoreRefusal refusal = new StoreRefusal(
                2,
                "music-shard-2-0",
                "kubedyn storage refused to start: it owns 0x00-0x7f, the StatefulSet says 0x00-0x55");

        TableStatus status = TableStatusReport.observed(
                music,
                Tables.model(music, List.copyOf(statefulSets.values())),
                statefulSets,
                List.of(refusal),
                ENDPOINT,
                T1);

        assertThat(status.getPhase()).isEqualTo("Failed");
        var ready = TableConditions.find(status.getConditions(), "Ready").orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("StoreRefused");
        assertThat(ready.getMessage())
                .isEqualTo("shard 2 (pod music-shard-2-0) refused to start: "
                        + "\"kubedyn storage refused to start: it owns 0x00-0x7f, the StatefulSet says"
                        + " 0x00-0x55\"");
        assertThat(status(status, "Degraded")).isEqualTo("True");
        assertThat(status.getShardMap()).as("the assignment stays published").hasSize(3);
    }

    @Test
    void refusedSpecIsFailedAndKeepsWhatWasPublished() {
        Table music = Tables.music();
        music.setStatus(observe(music, shards(music, 3, 3), T0));
        music.getMetadata().setGeneration(2L);
        TableStatus status = TableStatusReport.invalid(music, List.of("shards must be at least 1"), T1);
        assertThat(status.getPhase()).isEqualTo("Failed");
        assertThat(status.getObservedGeneration()).isEqualTo(2L);
        assertThat(status.getShardMap()).hasSize(3);
        assertThat(status.getEndpoint()).isEqualTo(ENDPOINT);
        var ready = TableConditions.find(status.getConditions(), "Ready").orElseThrow();
        assertThat(ready.getReason()).isEqualTo("InvalidSpec");
        assertThat(ready.getMessage()).isEqualTo("spec refused: shards must be at least 1");
    }
}
