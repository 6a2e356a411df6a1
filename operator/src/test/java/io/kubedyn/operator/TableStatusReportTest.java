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
      sts.setStatus(new StatefulSetStatusBuilder().withReplicas(1)
          .withReadyReplicas(shard < ready ? 1 : 0).build());
      statefulSets.put(shard, sts);
    }
    return statefulSets;
  }

  private static TableStatus observe(Table table, Map<Integer, StatefulSet> shards, String now) {
    return TableStatusReport.observed(table, Tables.model(table, List.copyOf(shards.values())),
        shards, List.of(), ENDPOINT, now);
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
    assertThat(TableConditions.find(status.getConditions(), "Ready").orElseThrow().getMessage())
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

  @Test
  void conditionTransitionTimeMovesOnlyWhenItsStatusChanges() {
    Table music = Tables.music();
    music.setStatus(observe(music, shards(music, 3, 3), T0));
    TableStatus again = observe(music, shards(music, 3, 3), T1);
    assertThat(TableConditions.find(again.getConditions(), "Ready").orElseThrow()
        .getLastTransitionTime()).isEqualTo(T0);
    music.setStatus(again);
    TableStatus lost = observe(music, shards(music, 3, 1), T1);
    assertThat(TableConditions.find(lost.getConditions(), "Ready").orElseThrow()
        .getLastTransitionTime()).isEqualTo(T1);
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
    var progressing = TableConditions.find(status.getConditions(), "Progressing").orElseThrow();
    assertThat(progressing.getReason()).isEqualTo("ReshardingPending");
    assertThat(progressing.getMessage()).startsWith("shards raised from 3 to 5");
  }

  @Test
  void storeRefusedByAPodFailsTheTableAndQuotesThePod() {
    Table music = Tables.music();
    music.setStatus(observe(music, shards(music, 3, 3), T0));
    Map<Integer, StatefulSet> statefulSets = shards(music, 3, 2);
    StoreRefusal refusal = new StoreRefusal(2, "music-shard-2-0",
        "kubedyn storage refused to start: it owns 0x00-0x7f, the StatefulSet says 0x00-0x55");

    TableStatus status = TableStatusReport.observed(music,
        Tables.model(music, List.copyOf(statefulSets.values())), statefulSets,
        List.of(refusal), ENDPOINT, T1);

    assertThat(status.getPhase()).isEqualTo("Failed");
    var ready = TableConditions.find(status.getConditions(), "Ready").orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("StoreRefused");
    assertThat(ready.getMessage()).isEqualTo("shard 2 (pod music-shard-2-0) refused to start: "
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
    TableStatus status = TableStatusReport.invalid(music, List.of("shards must be at least 1"),
        T1);
    assertThat(status.getPhase()).isEqualTo("Failed");
    assertThat(status.getObservedGeneration()).isEqualTo(2L);
    assertThat(status.getShardMap()).hasSize(3);
    assertThat(status.getEndpoint()).isEqualTo(ENDPOINT);
    var ready = TableConditions.find(status.getConditions(), "Ready").orElseThrow();
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).isEqualTo("spec refused: shards must be at least 1");
  }
}
