package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.StorageSpec;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableStatus;
import io.kubedyn.crd.TimeToLive;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The model of a Table, built without an API server. */
class ShardedTableTest {

    private static List<StatefulSet> statefulSetsOf(ShardedTable model) {
        return IntStream.range(0, model.shards())
                .mapToObj(shard -> ShardStatefulSet.desired(model, shard))
                .toList();
    }

    private static List<String> ownedRanges(List<StatefulSet> statefulSets) {
        return statefulSets.stream()
                .map(s -> s.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                        .filter(e -> e.getName().equals(ShardStatefulSet.OWNED_RANGES_ENV))
                        .findFirst()
                        .orElseThrow()
                        .getValue())
                .toList();
    }

    private static String describe(List<ShardRange> map) {
        return map.stream()
                .map(r -> r.getShard() + ":" + r.getFirstHash() + "-" + r.getLastHash() + "@" + r.getService())
                .toList()
                .toString();
    }

    @Test
    void defaultsAreResolvedOnceFromTheTableAndTheOperatorSettings() {
        ShardedTable model = Tables.model(Tables.music());

        assertThat(model.image()).isEqualTo(Tables.DEFAULT_IMAGE);
        assertThat(model.storageSize()).isEqualTo("1Gi");
        assertThat(model.storageClassName()).isNull();
        assertThat(model.replicasPerShard()).isEqualTo(1);
        assertThat(model.deleteData()).isFalse();
        assertThat(model.shards()).isEqualTo(3);
        assertThat(model.ownedRanges(0)).isEqualTo("0x0000000000000000-0x5555555555555554");
        assertThat(model.shardMap())
                .extracting(ShardRange::getService)
                .containsExactly(
                        "music-shard-0.prod.svc.cluster.local",
                        "music-shard-1.prod.svc.cluster.local",
                        "music-shard-2.prod.svc.cluster.local");
    }

    @Test
    void aTableMayNameOnlyAnImageTheOperatorIsAllowedToRun() throws Exception {
        Table music = Tables.music();
        music.getSpec().setImage("evil.example/miner:latest");
        assertThatThrownBy(() -> ShardedTable.from(music, Tables.SETTINGS, List.of(), List.of()))
                .isInstanceOfSatisfying(TableRefused.class, e -> {
                    assertThat(e.reason()).isEqualTo("ImageNotAllowed");
                    assertThat(e.problems())
                            .containsExactly("spec.image evil.example/miner:latest is not an"
                                    + " image this operator may run: it runs its default, kubedyn/storage-pod:0.1.0, and"
                                    + " images matching [registry.example/*] (the chart's storage.allowedImages); remove"
                                    + " spec.image or ask whoever installed kubedyn to allow it");
                });
        music.getSpec().setImage("registry.example.evil/storage-pod:dev");
        assertThatThrownBy(() -> ShardedTable.from(music, Tables.SETTINGS, List.of(), List.of()))
                .as("the pattern's dots are not wildcards")
                .isInstanceOf(TableRefused.class);
        music.getSpec().setImage(Tables.DEFAULT_IMAGE);
        assertThat(Tables.model(music).image()).isEqualTo(Tables.DEFAULT_IMAGE);

        StorageImages defaultOnly = new StorageImages("kubedyn/storage-pod:1.0", List.of());
        assertThat(defaultOnly.resolve(null)).isEqualTo("kubedyn/storage-pod:1.0");
        assertThatThrownBy(() -> defaultOnly.resolve("kubedyn/storage-pod:1.1"))
                .hasMessageContaining("it runs only its default, kubedyn/storage-pod:1.0");
    }

    @Test
    void tableSettingsOverrideTheDefaults() {
        Table music = Tables.music();
        music.getSpec().setImage("registry.example/storage-pod:dev");
        music.getSpec().setDeletionPolicy("Delete");
        StorageSpec storage = new StorageSpec();
        storage.setSize("20Gi");
        storage.setStorageClassName("fast-ssd");
        music.getSpec().setStorage(storage);

        ShardedTable model = Tables.model(music);

        assertThat(model.image()).isEqualTo("registry.example/storage-pod:dev");
        assertThat(model.deleteData()).isTrue();
        assertThat(model.storageSize()).isEqualTo("20Gi");
        assertThat(model.storageClassName()).isEqualTo("fast-ssd");
    }

    @Test
    void everyObjectOfAShardSharesItsNameLabelsAndController() {
        ShardedTable model = Tables.model(Tables.music());
        List<HasMetadata> shardOne = List.of(
                ShardStatefulSet.desired(model, 1),
                ShardService.desired(model, 1),
                ShardDisruptionBudget.desired(model, 1));
        assertThat(shardOne).allSatisfy(object -> {
            assertThat(object.getMetadata().getName())
                    .isEqualTo(model.metadata(1).getName());
            assertThat(object.getMetadata().getLabels())
                    .isEqualTo(model.metadata(1).getLabels());
            assertThat(object.getMetadata().getOwnerReferences())
                    .isEqualTo(model.metadata(1).getOwnerReferences());
        });
        // The StatefulSet alone records what its pods own (the durable shard assignment).
        assertThat(shardOne.get(0).getMetadata().getAnnotations())
                .containsEntry(ShardStatefulSet.OWNED_RANGES_ANNOTATION, model.ownedRanges(1));
        assertThat(model.metadata(1).getName()).isEqualTo("music-shard-1");
        assertThat(model.metadata(1).getOwnerReferences())
                .singleElement()
                .satisfies(ref -> assertThat(ref.getUid())
                        .isEqualTo(Tables.music().getMetadata().getUid()));
    }

    @Test
    void invalidTableHasNoModelAndSaysWhy() {
        Table music = Tables.music();
        music.getSpec().setShards(0);
        assertThatThrownBy(() -> ShardedTable.from(music, Tables.SETTINGS, List.of(), List.of()))
                .isInstanceOfSatisfying(TableRefused.class, refused -> {
                    assertThat(refused.reason()).isEqualTo("InvalidSpec");
                    assertThat(refused.problems()).containsExactly("shards must be at least 1, got 0");
                });
    }

    @Test
    void tableAskingForWhatIsNotServedYetIsStillLaidOut() throws TableRefused {
        Table music = Tables.music();
        TimeToLive ttl = new TimeToLive();
        ttl.setAttributeName("expiresAt");
        ttl.setEnabled(true);
        music.getSpec().setTimeToLive(ttl);
        assertThat(ShardedTable.from(music, Tables.SETTINGS, List.of(), List.of())
                        .shards())
                .isEqualTo(3);
    }

    @Test
    void tableWhoseNameAnOlderTableHoldsHasNoModelAndSaysWhichHoldsIt() throws TableRefused {
        Table older = Tables.music();
        older.getMetadata().setName("music-a");
        older.getMetadata().setCreationTimestamp("2026-11-30T10:00:00Z");
        older.getSpec().setTableName("Music");
        Table later = Tables.music();
        later.getMetadata().setName("music-b");
        later.getMetadata().setCreationTimestamp("2026-11-30T11:00:00Z");
        later.getSpec().setTableName("Music");
        Table other = Tables.music();
        other.getMetadata().setName("music");
        other.getMetadata().setCreationTimestamp("2026-11-30T09:00:00Z");
        List<Table> namespace = List.of(older, later, other);

        assertThat(ShardedTable.from(older, Tables.SETTINGS, List.of(), namespace)
                        .name())
                .as("the older claim holds Music; Table music serves table music, another name")
                .isEqualTo("music-a");
        assertThatThrownBy(() -> ShardedTable.from(later, Tables.SETTINGS, List.of(), namespace))
                .isInstanceOfSatisfying(TableRefused.class, refused -> {
                    assertThat(refused.reason()).isEqualTo("TableNameInUse");
                    assertThat(refused.problems())
                            .singleElement()
                            .asString()
                            .startsWith("table name Music is held by Table music-a of this namespace");
                });
    }

    @Test
    void lostStatusIsRebuiltFromWhatTheStatefulSetsHandTheirPods() {
        // Created with 2 shards and published; then raised to 3 (shard 2 owns nothing yet).
        Table music = Tables.music();
        music.getSpec().setShards(2);
        ShardedTable first = Tables.model(music);
        TableStatus published = new TableStatus();
        published.setShardMap(first.shardMap());
        music.setStatus(published);
        music.getSpec().setShards(3);
        List<StatefulSet> statefulSets = statefulSetsOf(Tables.model(music));
        assertThat(ownedRanges(statefulSets))
                .containsExactly(
                        "0x0000000000000000-0x7fffffffffffffff", "0x8000000000000000-0xffffffffffffffff", "none");

        // The status is lost (a restore from a backup of the resources, for one).
        music.setStatus(new TableStatus());
        ShardedTable rebuilt = Tables.model(music, statefulSets);

        assertThat(describe(rebuilt.shardMap())).isEqualTo(describe(first.shardMap()));
        assertThat(ownedRanges(statefulSetsOf(rebuilt))).isEqualTo(ownedRanges(statefulSets));
    }

    @Test
    void autoSplitTakenOutOfTheSpecInTheMiddleOfASplitLeavesTheNewShardAndItsSplit() {
        Table music = Tables.music();
        music.getSpec().setShards(1);
        io.kubedyn.crd.AutoSplit autoSplit = new io.kubedyn.crd.AutoSplit();
        autoSplit.setMaxShardSize("1Gi");
        autoSplit.setMaxShards(4);
        music.getSpec().setAutoSplit(autoSplit);
        ShardSplit split = new ShardSplit(0, 1, new io.kubedyn.core.HashRange(0x1234L, -1L));
        ShardedTable splitting = Tables.model(music).withSplits(List.of(split));
        assertThat(splitting.shards()).isEqualTo(2);
        List<StatefulSet> statefulSets = statefulSetsOf(splitting);

        // The user applies a manifest without autoSplit while shard 1 receives its range: its
        // StatefulSet, which may hold the range's newest writes, stays and the split goes on.
        music.getSpec().setAutoSplit(null);
        ShardedTable model = Tables.model(music, statefulSets);
        assertThat(model.shards()).isEqualTo(2);
        assertThat(model.splits()).containsExactly(split);
    }

    @Test
    void aGlobalIndexAddedWhileASplitRunsReachesThePodsOnceTheSplitIsInTheMap() {
        // Two shards, published; raised to 3: shard 2 receives half of shard 0's range.
        Table music = Tables.music();
        music.getSpec().setGlobalSecondaryIndexes(new ArrayList<>(List.of(Tables.globalIndex("BySong", "SongTitle"))));
        ShardedTable splitting = raisedFromTwoToThree(music);
        assertThat(splitting.splits())
                .as("a table with a global index splits too")
                .hasSize(1);
        List<StatefulSet> statefulSets = statefulSetsOf(splitting);
        String before = splitting.podDefinition();

        // The user adds a global index meanwhile (UpdateTable, or an edit of the spec).
        music.getSpec().getAttributeDefinitions().add(new io.kubedyn.crd.AttributeDefinition("Genre", "S"));
        music.getSpec().getGlobalSecondaryIndexes().add(Tables.globalIndex("ByGenre", "Genre"));

        ShardedTable changed = Tables.model(music, statefulSets);
        assertThat(changed.splits()).hasSize(1);
        assertThat(definitionsOf(statefulSetsOf(changed)))
                .as("no pod is restarted with the index while its range moves, the new shard included")
                .containsOnly(before);
        ShardedTable done = changed.afterSplits(java.util.Set.of(2));
        assertThat(done.podDefinition()).isNotEqualTo(before).contains("ByGenre");
        assertThat(definitionsOf(statefulSetsOf(done))).containsOnly(done.podDefinition());
    }

    @Test
    void aReplicatedShardsSplitReceivesFromTheSourcesReplicasAsOneGroup() {
        Table music = Tables.music();
        music.getSpec().setReplicasPerShard(3);
        ShardedTable splitting = raisedFromTwoToThree(music);
        assertThat(splitting.splits())
                .singleElement()
                .extracting(ShardSplit::source, ShardSplit::target)
                .containsExactly(0, 2);

        StatefulSet receiving = ShardStatefulSet.desired(splitting, 2);
        assertThat(receiving.getSpec().getReplicas()).isEqualTo(3);
        assertThat(ShardStatefulSet.envOf(receiving, ShardStatefulSet.RECEIVE_FROM_ENV))
                .as("each of the source's replicas, by its pod's name")
                .hasValue("music-shard-0-0.music-shard-0.prod.svc.cluster.local:9090,"
                        + "music-shard-0-1.music-shard-0.prod.svc.cluster.local:9090,"
                        + "music-shard-0-2.music-shard-0.prod.svc.cluster.local:9090");
        var holder = receiving.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(ShardStatefulSet.RECEIVE_HOLDER_ENV))
                .findFirst()
                .orElseThrow();
        assertThat(holder.getValue())
                .as("one holder for the group: whichever replica leads goes on where another left off")
                .isEqualTo("music-shard-2");
        assertThat(holder.getValueFrom()).isNull();
        var published = splitting.afterSplits(java.util.Set.of(2)).shardMap().stream()
                .filter(range -> range.getShard() == 2)
                .findFirst()
                .orElseThrow();
        assertThat(ShardStatefulSet.envOf(receiving, ShardStatefulSet.RECEIVE_ADDRESS_ENV))
                .as("the address the source names in refusals: the new shard's, as the map will publish it")
                .hasValue(published.address());
        assertThat(published.address()).contains(":9090|music-shard-2-2.music-shard-2.prod.svc.cluster.local:9090");
    }

    /** The model of {@code table} with two shards published, raised to three: shard 2 receives half of shard 0's range. */
    private static ShardedTable raisedFromTwoToThree(Table table) {
        table.getSpec().setShards(2);
        TableStatus published = new TableStatus();
        published.setShardMap(Tables.model(table).shardMap());
        table.setStatus(published);
        table.getSpec().setShards(3);
        return Tables.model(table);
    }

    private static List<String> definitionsOf(List<StatefulSet> statefulSets) {
        return statefulSets.stream()
                .map(s -> s.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                        .filter(e -> e.getName().equals(ShardStatefulSet.TABLE_DEFINITION_ENV))
                        .findFirst()
                        .orElseThrow()
                        .getValue())
                .toList();
    }

    @Test
    void shrinkingBelowWhatTheStatefulSetsOwnIsRefusedEvenWithoutAStatus() {
        Table music = Tables.music();
        List<StatefulSet> statefulSets = statefulSetsOf(Tables.model(music));
        music.getSpec().setShards(2);
        assertThatThrownBy(() -> ShardedTable.from(music, Tables.SETTINGS, statefulSets, List.of()))
                .isInstanceOfSatisfying(
                        TableRefused.class,
                        refused -> assertThat(refused.problems())
                                .containsExactly("shards cannot shrink: the table has 3 shards holding data, the"
                                        + " spec asks for 2"));
    }

    @Test
    void mapThatWouldMoveARangeAwayFromItsStatefulSetIsRefused() {
        // Shard 0 was given the first half (the table had 2 shards); shard 1's StatefulSet and the
        // status are gone, and the spec says 3: an even split of 3 would move keys off shard 0.
        Table music = Tables.music();
        music.getSpec().setShards(2);
        List<StatefulSet> statefulSets = new ArrayList<>(statefulSetsOf(Tables.model(music)));
        statefulSets.remove(1);
        music.getSpec().setShards(3);

        assertThatThrownBy(() -> ShardedTable.from(music, Tables.SETTINGS, statefulSets, List.of()))
                .isInstanceOfSatisfying(TableRefused.class, refused -> {
                    assertThat(refused.reason()).isEqualTo("ShardAssignmentConflict");
                    assertThat(refused.problems())
                            .first()
                            .asString()
                            .isEqualTo("StatefulSet music-shard-0"
                                    + " hands its pods 0x0000000000000000-0x7fffffffffffffff but the shard map would"
                                    + " give shard 0 0x0000000000000000-0x5555555555555554");
                });
    }

    @Test
    void statefulSetsOutrankAStaleStatus() {
        Table music = Tables.music();
        music.getSpec().setShards(2);
        List<StatefulSet> statefulSets = statefulSetsOf(Tables.model(music));
        music.getSpec().setShards(3);
        TableStatus stale = new TableStatus();
        stale.setShardMap(ShardAssignment.evenlySplit(3, shard -> "s" + shard));
        music.setStatus(stale);

        ShardedTable model = Tables.model(music, statefulSets);

        assertThat(model.assignment().shards()).containsExactly(0, 1);
        assertThat(model.ownedRanges(1)).isEqualTo("0x8000000000000000-0xffffffffffffffff");
        assertThat(model.ownedRanges(2)).isEqualTo("none");
    }
}
