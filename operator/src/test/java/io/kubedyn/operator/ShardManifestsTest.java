package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableDefinitionCodec;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.StorageSpec;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableDefinitions;
import io.kubedyn.crd.TableStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The desired manifests of a shard, built from the Table alone. */
class ShardManifestsTest {

    private static final String DEFAULT_IMAGE = Tables.DEFAULT_IMAGE;
    private static final Map<String, String> SHARD_1 = Map.of("kubedyn.io/table", "music", "kubedyn.io/shard", "1");

    private static Container storageContainer(StatefulSet sts) {
        return sts.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void storagePodsMeetTheRestrictedPodSecurityStandard() {
        Table replicated = Tables.music();
        replicated.getSpec().setReplicasPerShard(3);
        for (Table table : List.of(Tables.music(), replicated)) {
            var pod = ShardStatefulSet.desired(Tables.model(table), 1)
                    .getSpec()
                    .getTemplate()
                    .getSpec();
            assertThat(RestrictedPodSecurity.violations(pod)).isEmpty();
            assertThat(storageContainer(ShardStatefulSet.desired(Tables.model(table), 1))
                            .getVolumeMounts())
                    .extracting(m -> m.getMountPath())
                    .as("the JVM's temporary files need a writable place beside the read-only root")
                    .contains("/tmp", "/data");
        }
    }

    @Test
    void theRestrictedProfileCheckRefusesWhatTheProfileForbids() {
        var pod = ShardStatefulSet.desired(Tables.model(Tables.music()), 1)
                .getSpec()
                .getTemplate()
                .getSpec();
        pod.setHostNetwork(true);
        pod.getSecurityContext().setSeccompProfile(null);
        Container storage = pod.getContainers().get(0);
        storage.getSecurityContext().setAllowPrivilegeEscalation(null);
        storage.getSecurityContext().getCapabilities().setAdd(List.of("SYS_ADMIN"));
        storage.getSecurityContext().setReadOnlyRootFilesystem(false);
        pod.getVolumes()
                .add(new io.fabric8.kubernetes.api.model.VolumeBuilder()
                        .withName("host")
                        .withNewHostPath()
                        .withPath("/var")
                        .endHostPath()
                        .build());
        assertThat(RestrictedPodSecurity.violations(pod))
                .containsExactlyInAnyOrder(
                        "pod shares a host namespace (hostNetwork, hostPID or hostIPC)",
                        "volume host is of type hostPath",
                        "container storage: allowPrivilegeEscalation must be false",
                        "container storage: seccompProfile must be RuntimeDefault or Localhost",
                        "container storage adds the capability SYS_ADMIN",
                        "container storage: readOnlyRootFilesystem must be true");
    }

    @Test
    void taggingATableLeavesItsPodTemplatesAsTheyWere() {
        Table tagged = Tables.music();
        tagged.getSpec().setTags(List.of(new io.kubedyn.crd.Tag("team", "radio")));
        assertThat(ShardStatefulSet.desired(Tables.model(tagged), 1).getSpec().getTemplate())
                .as("a TagResource must not roll the table's pods")
                .isEqualTo(ShardStatefulSet.desired(Tables.model(Tables.music()), 1)
                        .getSpec()
                        .getTemplate());
    }

    @Test
    void aReplicatedShardsPodsFormOneRaftGroupOfTheirStableNames() {
        Table table = Tables.music();
        table.getSpec().setReplicasPerShard(3);
        ShardedTable model = Tables.model(table);
        StatefulSet sts = ShardStatefulSet.desired(model, 1);
        assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
        Container storage = storageContainer(sts);
        assertThat(storage.getPorts())
                .extracting(p -> p.getName() + ":" + p.getContainerPort())
                .contains("raft:9091", "admin:9092");
        Map<String, EnvVar> env = new java.util.HashMap<>();
        storage.getEnv().forEach(e -> env.put(e.getName(), e));
        String service = "music-shard-1.prod.svc.cluster.local";
        assertThat(env.get("KUBEDYN_STORAGE_REPLICATION_PEERS").getValue())
                .isEqualTo("music-shard-1-0." + service + ":9090:9091,music-shard-1-1." + service + ":9090:9091,"
                        + "music-shard-1-2." + service + ":9090:9091");
        assertThat(env.get("KUBEDYN_STORAGE_REPLICATION_SELF")
                        .getValueFrom()
                        .getFieldRef()
                        .getFieldPath())
                .isEqualTo("metadata.name");
        assertThat(env.get("KUBEDYN_STORAGE_REPLICATION_GROUP").getValue())
                .as("named by the Table's incarnation: a re-created Table starts a new group")
                .contains(table.getMetadata().getUid())
                .endsWith("/shard-1");

        Service headless = ShardService.desired(model, 1);
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(headless.getSpec().getPorts()).extracting(p -> p.getName()).contains("raft");

        ShardRange entry = model.shardMap().get(1);
        assertThat(entry.getReplicas()).isEqualTo(3);
        assertThat(ShardRange.toShardMap(model.shardMap()).shards().get(1).address())
                .isEqualTo("music-shard-1-0." + service + ":9090|music-shard-1-1." + service + ":9090|music-shard-1-2."
                        + service + ":9090");
    }

    @Test
    void replicasPerShardChangesTheGroupBeforeThePodsItLeavesAndAfterThePodsItJoins() {
        Table table = Tables.music();
        table.getSpec().setReplicasPerShard(3);
        ShardedTable three = Tables.model(table);
        List<StatefulSet> running = List.of(
                ShardStatefulSet.desired(three, 0),
                ShardStatefulSet.desired(three, 1),
                ShardStatefulSet.desired(three, 2));
        observe(table, three, 3);

        // Up: the pods come at once, under the same template (no founder restarts), and the
        // gateway is sent to them only once the leader says they vote.
        table.getSpec().setReplicasPerShard(5);
        ShardedTable growing = Tables.model(table, running);
        StatefulSet grown = ShardStatefulSet.desired(growing, 1);
        assertThat(grown.getSpec().getReplicas()).isEqualTo(5);
        assertThat(grown.getSpec().getTemplate())
                .as("the pods' peers stay the founders")
                .isEqualTo(running.get(1).getSpec().getTemplate());
        assertThat(growing.shardMap()).extracting(ShardRange::getReplicas).containsOnly(3);
        observe(table, growing, 5);
        ShardedTable five = Tables.model(table, running);
        assertThat(five.shardMap()).extracting(ShardRange::getReplicas).containsOnly(5);
        assertThat(five.peers(1, 5)).contains("music-shard-1-4.").endsWith(":9090:9091");

        // Down: the gateway leaves the last pods at once; they go once the group has let them go.
        running = List.of(
                ShardStatefulSet.desired(five, 0),
                ShardStatefulSet.desired(five, 1),
                ShardStatefulSet.desired(five, 2));
        table.getSpec().setReplicasPerShard(3);
        ShardedTable shrinking = Tables.model(table, running);
        assertThat(shrinking.shardMap()).extracting(ShardRange::getReplicas).containsOnly(3);
        StatefulSet shrunk = ShardStatefulSet.desired(shrinking, 1);
        assertThat(shrunk.getSpec().getReplicas()).as("pods still voting stay").isEqualTo(5);
        assertThat(shrunk.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
                .as("a pod added again later starts empty")
                .isEqualTo("Delete");
        observe(table, shrinking, 3);
        assertThat(ShardStatefulSet.desired(Tables.model(table, running), 1)
                        .getSpec()
                        .getReplicas())
                .isEqualTo(3);
    }

    /** The table's status as the reconciler leaves it: each shard's leader reporting {@code voters}. */
    private static void observe(Table table, ShardedTable model, int voters) {
        TableStatus status = table.getStatus() == null ? new TableStatus() : table.getStatus();
        status.setShardMap(model.shardMap());
        status.setReplication(java.util.stream.IntStream.range(0, 3)
                .mapToObj(shard ->
                        new io.kubedyn.crd.ShardReplicas(shard, "music-shard-" + shard + "-0", voters, voters, voters))
                .toList());
        table.setStatus(status);
    }

    @Test
    void aShardsPodsPreferDistinctNodesOrRequireThemWhenTheOperatorIsToldSo() throws Exception {
        Table table = Tables.music();
        table.getSpec().setReplicasPerShard(3);
        var preferred = ShardStatefulSet.desired(Tables.model(table), 1)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAffinity()
                .getPodAntiAffinity();
        assertThat(preferred.getRequiredDuringSchedulingIgnoredDuringExecution())
                .isEmpty();
        assertThat(preferred.getPreferredDuringSchedulingIgnoredDuringExecution())
                .singleElement()
                .satisfies(
                        t -> assertThat(t.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname"));

        OperatorSettings strict = (OperatorSettings) java.lang.reflect.Proxy.newProxyInstance(
                OperatorSettings.class.getClassLoader(),
                new Class<?>[] {OperatorSettings.class},
                (proxy, method, args) -> method.getName().equals("storageAntiAffinityRequired")
                        ? true
                        : method.invoke(Tables.SETTINGS, args));
        var required = ShardStatefulSet.desired(ShardedTable.from(table, strict, List.of(), List.of()), 1)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAffinity()
                .getPodAntiAffinity();
        assertThat(required.getPreferredDuringSchedulingIgnoredDuringExecution())
                .isEmpty();
        assertThat(required.getRequiredDuringSchedulingIgnoredDuringExecution())
                .singleElement()
                .satisfies(t -> {
                    assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                    assertThat(t.getLabelSelector().getMatchLabels()).isEqualTo(SHARD_1);
                });
    }

    @Test
    void anUnreplicatedShardHasNoRaftGroup() {
        ShardedTable model = Tables.model(Tables.music());
        assertThat(storageContainer(ShardStatefulSet.desired(model, 1)).getEnv())
                .extracting(EnvVar::getName)
                .noneMatch(name -> name.contains("REPLICATION"));
        assertThat(ShardService.desired(model, 1).getSpec().getPublishNotReadyAddresses())
                .isNull();
        assertThat(ShardRange.toShardMap(model.shardMap()).shards().get(1).address())
                .isEqualTo("music-shard-1.prod.svc.cluster.local:9090");
    }

    @Test
    void statefulSetOfShardOneRunsTheStoragePodOnItsOwnVolume() {
        StatefulSet sts = ShardStatefulSet.desired(Tables.model(Tables.music()), 1);

        assertThat(sts.getMetadata().getName()).isEqualTo("music-shard-1");
        assertThat(sts.getMetadata().getNamespace()).isEqualTo("prod");
        assertThat(sts.getSpec().getServiceName()).isEqualTo("music-shard-1");
        assertThat(sts.getSpec().getSelector().getMatchLabels()).isEqualTo(SHARD_1);
        assertThat(sts.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(SHARD_1)
                .containsEntry("app.kubernetes.io/managed-by", "kubedyn-operator");
        Container storage = storageContainer(sts);
        assertThat(storage.getImage()).isEqualTo(DEFAULT_IMAGE);
        assertThat(storage.getEnv())
                .extracting(e -> e.getName() + "=" + e.getValue())
                .contains("KUBEDYN_DATA_DIR=/data");
        assertThat(storage.getVolumeMounts())
                .filteredOn(m -> m.getMountPath().equals("/data"))
                .singleElement()
                .satisfies(m -> assertThat(m.getName()).isEqualTo("data"));
        assertThat(sts.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
            assertThat(claim.getMetadata().getName()).isEqualTo("data");
            assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
            assertThat(claim.getSpec().getStorageClassName()).isNull();
        });
    }

    @Test
    void eachShardsPodsOwnTheHashRangeOfTheirShardMapEntry() {
        Table music = Tables.music();
        List<ShardRange> map = ShardAssignment.evenlySplit(3, shard -> "s" + shard);
        for (int shard = 0; shard < 3; shard++) {
            assertThat(ownedRanges(ShardStatefulSet.desired(Tables.model(music), shard)))
                    .isEqualTo(
                            map.get(shard).getFirstHash() + "-" + map.get(shard).getLastHash());
        }
        assertThat(ownedRanges(ShardStatefulSet.desired(Tables.model(music), 0)))
                .isEqualTo("0x0000000000000000-0x5555555555555554");
        assertThat(ownedRanges(ShardStatefulSet.desired(Tables.model(music), 2)))
                .isEqualTo("0xaaaaaaaaaaaaaaaa-0xffffffffffffffff");
    }

    @Test
    void ownedRangesFollowThePublishedMapNotTheRaisedShardCount() {
        Table music = Tables.music();
        TableStatus status = new TableStatus();
        status.setShardMap(ShardAssignment.evenlySplit(3, shard -> "s" + shard));
        music.setStatus(status);
        music.getSpec().setShards(5);

        assertThat(ownedRanges(ShardStatefulSet.desired(Tables.model(music), 1)))
                .isEqualTo("0x5555555555555555-0xaaaaaaaaaaaaaaa9");
        // Shards 3 and 4 are provisioned while data movement is not implemented: they own nothing.
        assertThat(ownedRanges(ShardStatefulSet.desired(Tables.model(music), 3)))
                .isEqualTo("none");
        assertThat(ownedRanges(ShardStatefulSet.desired(Tables.model(music), 4)))
                .isEqualTo("none");
    }

    private static String ownedRanges(StatefulSet sts) {
        return storageContainer(sts).getEnv().stream()
                .filter(e -> e.getName().equals("KUBEDYN_STORAGE_OWNED_RANGES"))
                .map(EnvVar::getValue)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void podsAreHandedTheTableTheyProvisionInTheirStore() {
        Table music = Tables.music();
        music.getMetadata().setCreationTimestamp("2026-11-25T10:00:00Z");
        Container storage = storageContainer(ShardStatefulSet.desired(Tables.model(music), 1));

        String definition = env(storage, "KUBEDYN_STORAGE_TABLE_DEFINITION");
        assertThat(definition)
                .isEqualTo(new String(
                        new TableDefinitionCodec().encode(TableDefinitions.of(music)), StandardCharsets.UTF_8));
        TableDefinition decoded = new TableDefinitionCodec().decode(definition.getBytes(StandardCharsets.UTF_8));
        assertThat(decoded.name()).isEqualTo("music");
        assertThat(decoded.tableId()).isEqualTo(music.getMetadata().getUid());
        assertThat(decoded.keySchema().partitionKey().name()).isEqualTo("Artist");
        assertThat(decoded.keySchema().sortKey())
                .get()
                .satisfies(sk -> assertThat(sk.name()).isEqualTo("SongTitle"));
        // Read by nothing: the definition and the owned ranges say all a pod needs.
        assertThat(storage.getEnv()).extracting(EnvVar::getName).doesNotContain("KUBEDYN_TABLE", "KUBEDYN_SHARD");
    }

    @Test
    void aRefusingPodsReasonIsKeptWhereTheOperatorReadsIt() {
        Container storage = storageContainer(ShardStatefulSet.desired(Tables.model(Tables.music()), 0));
        assertThat(storage.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(storage.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void statefulSetIsControlledByItsTable() {
        Table music = Tables.music();
        StatefulSet sts = ShardStatefulSet.desired(Tables.model(music), 0);
        assertThat(sts.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
            assertThat(ref.getKind()).isEqualTo("Table");
            assertThat(ref.getApiVersion()).isEqualTo("kubedyn.io/v1alpha1");
            assertThat(ref.getUid()).isEqualTo(music.getMetadata().getUid());
            assertThat(ref.getController()).isTrue();
        });
    }

    @Test
    void probesUseTheStoragePodHealthEndpoints() {
        Container storage = storageContainer(ShardStatefulSet.desired(Tables.model(Tables.music()), 0));
        assertThat(storage.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(storage.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(storage.getReadinessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("http");
        assertThat(storage.getPorts())
                .extracting(p -> p.getName() + ":" + p.getContainerPort())
                .as("no mutual-TLS port without a Raft group")
                .containsExactlyInAnyOrder("grpc:9090", "http:8080");
    }

    @Test
    void replicasOfAShardPreferDifferentNodes() {
        StatefulSet sts = ShardStatefulSet.desired(Tables.model(Tables.music()), 1);
        var terms = sts.getSpec()
                .getTemplate()
                .getSpec()
                .getAffinity()
                .getPodAntiAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution();
        assertThat(terms).singleElement().satisfies(term -> {
            assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                    .isEqualTo(SHARD_1);
        });
    }

    @Test
    void aTableWithoutResourcesGetsTheOperatorsAndItsPodsSizeRocksDbByTheirMemoryLimit() {
        Container storage = storageContainer(ShardStatefulSet.desired(Tables.model(Tables.music()), 0));
        assertThat(storage.getResources().getRequests())
                .containsEntry("cpu", new Quantity("250m"))
                .containsEntry("memory", new Quantity("1Gi"));
        assertThat(storage.getResources().getLimits()).containsEntry("memory", new Quantity("1Gi"));
        EnvVar limit = storage.getEnv().stream()
                .filter(e -> e.getName().equals("KUBEDYN_STORAGE_MEMORY_LIMIT"))
                .findFirst()
                .orElseThrow();
        var field = limit.getValueFrom().getResourceFieldRef();
        assertThat(field.getResource()).isEqualTo("limits.memory");
        assertThat(field.getContainerName()).isEqualTo(storage.getName());
        assertThat(field.getDivisor()).as("in bytes").isEqualTo(new Quantity("1"));

        Table requestsOnly = Tables.music();
        requestsOnly
                .getSpec()
                .setResources(new ResourceRequirementsBuilder()
                        .addToRequests("memory", new Quantity("2Gi"))
                        .build());
        assertThat(storageContainer(ShardStatefulSet.desired(Tables.model(requestsOnly), 0))
                        .getEnv())
                .filteredOn(e -> e.getName().equals("KUBEDYN_STORAGE_MEMORY_LIMIT"))
                .singleElement()
                .as("no limit: the request, not the node's whole memory")
                .satisfies(
                        e -> assertThat(e.getValueFrom().getResourceFieldRef().getResource())
                                .isEqualTo("requests.memory"));
        Table cpuOnly = Tables.music();
        cpuOnly.getSpec()
                .setResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("1"))
                        .build());
        assertThat(storageContainer(ShardStatefulSet.desired(Tables.model(cpuOnly), 0))
                        .getEnv())
                .as("neither: the store's default")
                .noneMatch(e -> e.getName().equals("KUBEDYN_STORAGE_MEMORY_LIMIT"));
    }

    @Test
    void eachShardAdmitsGrpcFromTheGatewayAndStoragePodsRaftFromItsPeersAndHttpFromTheOperator() {
        Table table = Tables.music();
        table.getSpec().setReplicasPerShard(3);
        ShardedTable model = Tables.model(table);
        var policy = ShardNetworkPolicy.desired(model, 1, model.ingress().orElseThrow());
        assertThat(policy.getMetadata().getName()).isEqualTo("music-shard-1");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(SHARD_1);
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        Map<Integer, List<String>> admitted = new java.util.TreeMap<>();
        for (var rule : policy.getSpec().getIngress()) {
            assertThat(rule.getFrom()).as("an empty from admits everyone").isNotEmpty();
            admitted.put(
                    rule.getPorts().get(0).getPort().getIntVal(),
                    rule.getFrom().stream()
                            .map(peer -> (peer.getNamespaceSelector() == null
                                            ? "this namespace"
                                            : peer.getNamespaceSelector()
                                                    .getMatchLabels()
                                                    .get("kubernetes.io/metadata.name"))
                                    + ": "
                                    + new java.util.TreeMap<>(
                                            peer.getPodSelector().getMatchLabels()))
                            .toList());
        }
        assertThat(admitted)
                .containsExactly(
                        Map.entry(8080, List.of("kubedyn: {app.kubernetes.io/name=kubedyn-operator}")),
                        Map.entry(
                                9090,
                                List.of(
                                        "kubedyn: {app.kubernetes.io/name=kubedyn-gateway}",
                                        "this namespace: {app.kubernetes.io/managed-by=kubedyn-operator,"
                                                + " app.kubernetes.io/name=kubedyn-storage}")),
                        Map.entry(9091, List.of("this namespace: " + new java.util.TreeMap<>(SHARD_1))),
                        Map.entry(9092, List.of("kubedyn: {app.kubernetes.io/name=kubedyn-operator}")));

        var unreplicated = ShardNetworkPolicy.desired(
                Tables.model(Tables.music()), 1, model.ingress().orElseThrow());
        assertThat(unreplicated.getSpec().getIngress())
                .extracting(r -> r.getPorts().get(0).getPort().getIntVal())
                .as("no Raft port without a Raft group")
                .containsExactly(9090, 8080);
        assertThat(ShardNetworkPolicy.desired(model, 1, new StorageIngress(List.of(), List.of()))
                        .getSpec()
                        .getIngress())
                .extracting(r -> r.getPorts().get(0).getPort().getIntVal())
                .as("HTTP admits nobody when nobody is named")
                .containsExactly(9090, 9091);
    }

    @Test
    void tableImageStorageAndResourcesOverrideTheDefaults() {
        Table music = Tables.music();
        music.getSpec().setImage("registry.example/storage-pod:dev");
        StorageSpec storage = new StorageSpec();
        storage.setSize("20Gi");
        storage.setStorageClassName("fast-ssd");
        music.getSpec().setStorage(storage);
        music.getSpec()
                .setResources(new ResourceRequirementsBuilder()
                        .addToRequests("memory", new Quantity("2Gi"))
                        .build());

        StatefulSet sts = ShardStatefulSet.desired(Tables.model(music), 0);

        assertThat(storageContainer(sts).getImage()).isEqualTo("registry.example/storage-pod:dev");
        assertThat(storageContainer(sts).getResources().getRequests()).containsEntry("memory", new Quantity("2Gi"));
        var claim = sts.getSpec().getVolumeClaimTemplates().get(0);
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast-ssd");
        assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("20Gi"));
    }

    @Test
    void deletionPolicyDecidesWhatKubernetesDoesWithTheClaims() {
        Table music = Tables.music();
        assertThat(ShardStatefulSet.desired(Tables.model(music), 0)
                        .getSpec()
                        .getPersistentVolumeClaimRetentionPolicy()
                        .getWhenDeleted())
                .isEqualTo("Retain");
        music.getSpec().setDeletionPolicy("Delete");
        var policy =
                ShardStatefulSet.desired(Tables.model(music), 0).getSpec().getPersistentVolumeClaimRetentionPolicy();
        assertThat(policy.getWhenDeleted()).isEqualTo("Delete");
        assertThat(policy.getWhenScaled()).isEqualTo("Retain");
    }

    @Test
    void headlessServiceSelectsOnlyItsShard() {
        Service service = ShardService.desired(Tables.model(Tables.music()), 1);
        assertThat(service.getMetadata().getName()).isEqualTo("music-shard-1");
        assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(service.getSpec().getSelector()).isEqualTo(SHARD_1);
        assertThat(service.getSpec().getPorts())
                .extracting(p -> p.getName() + ":" + p.getPort())
                .containsExactlyInAnyOrder("grpc:9090", "http:8080");
        assertThat(service.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(ref -> assertThat(ref.getName()).isEqualTo("music"));
    }

    @Test
    void disruptionBudgetLetsOnePodOfTheShardGoAtATime() {
        PodDisruptionBudget budget = ShardDisruptionBudget.desired(Tables.model(Tables.music()), 1);
        assertThat(budget.getMetadata().getName()).isEqualTo("music-shard-1");
        assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(SHARD_1);
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(budget.getSpec().getMinAvailable()).isNull();
    }
}
