package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubedyn.crd.AttributeDefinition;
import io.kubedyn.crd.GlobalSecondaryIndex;
import io.kubedyn.crd.KeySchemaElement;
import io.kubedyn.crd.Projection;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator running in Quarkus against fabric8's Kubernetes mock server (a real HTTP API in
 * CRUD mode), with a stand-in for the StatefulSet controller. Each test works in a namespace of
 * its own, as a user with one table per namespace would.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = LeaseAccessReview.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TableReconcilerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final BigInteger HASH_SPACE = BigInteger.ONE.shiftLeft(64);

    @KubernetesTestServer
    KubernetesServer server;

    /** Marks the test's own requests, so that the rest are known to be the operator's. */
    private static final String TEST_USER_AGENT = "kubedyn-tests";

    private KubernetesClient client;
    private FakeStatefulSetController statefulSetController;

    @BeforeEach
    void connectAsTheTests() {
        client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(server.getClient().getConfiguration())
                        .withUserAgent(TEST_USER_AGENT)
                        .build())
                .build();
    }

    @AfterEach
    void stopStatefulSetControllerAndDisconnect() {
        if (statefulSetController != null) {
            statefulSetController.close();
        }
        client.close();
    }

    private KubernetesClient client() {
        return client;
    }

    private void startStatefulSetController(String namespace) {
        statefulSetController = new FakeStatefulSetController(client(), namespace);
    }

    private Table musicTable(String namespace) throws IOException {
        try (InputStream yaml = new FileInputStream("../docs/examples/music-table.yaml")) {
            Table table = client().resources(Table.class).load(yaml).item();
            table.getMetadata().setNamespace(namespace);
            return table;
        }
    }

    private Table apply(Table table) {
        return client().resources(Table.class)
                .inNamespace(table.getMetadata().getNamespace())
                .resource(table)
                .create();
    }

    private Table current(String namespace, String name) {
        return client().resources(Table.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    private Table awaitPhase(String namespace, String name, String phase) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            Table table = current(namespace, name);
            assertThat(table.getStatus()).isNotNull();
            assertThat(table.getStatus().getPhase()).isEqualTo(phase);
        });
        return current(namespace, name);
    }

    /** The condition, or an AssertionError (which await() retries) while the operator has not written it yet. */
    private static Condition condition(Table table, String type) {
        var found = TableConditions.find(table.getStatus().getConditions(), type);
        assertThat(found).as("condition %s", type).isPresent();
        return found.get();
    }

    private List<Event> events(String namespace, String table) {
        return client().v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> table.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    private String ownedRangesOf(String ns, String statefulSet) {
        return client()
                .apps()
                .statefulSets()
                .inNamespace(ns)
                .withName(statefulSet)
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv()
                .stream()
                .filter(e -> e.getName().equals(ShardStatefulSet.OWNED_RANGES_ENV))
                .map(e -> e.getValue())
                .findFirst()
                .orElseThrow();
    }

    private static void assertOwnedBy(HasMetadata owned, Table table) {
        assertThat(owned.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
            assertThat(ref.getKind()).isEqualTo("Table");
            assertThat(ref.getApiVersion()).isEqualTo("kubedyn.io/v1alpha1");
            assertThat(ref.getName()).isEqualTo(table.getMetadata().getName());
            assertThat(ref.getUid()).isEqualTo(table.getMetadata().getUid());
            assertThat(ref.getController()).isTrue();
        });
    }

    @Test
    void operatorHoldsTheLeaderElectionLease() {
        // Two replicas are safe because only the holder of this Lease reconciles.
        await().atMost(PATIENCE).untilAsserted(() -> {
            var lease = client().leases()
                    .inNamespace(server.getClient().getNamespace())
                    .withName("kubedyn-operator-leader")
                    .get();
            assertThat(lease).isNotNull();
            assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
        });
    }

    @Test
    void musicTableWithThreeShardsGetsAStatefulSetServiceAndBudgetPerShard() throws IOException {
        String ns = "shards";
        Table music = apply(musicTable(ns));

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(client().apps().statefulSets().inNamespace(ns).list().getItems())
                    .hasSize(3);
            assertThat(client().services().inNamespace(ns).list().getItems()).hasSize(3);
            assertThat(client().policy()
                            .v1()
                            .podDisruptionBudget()
                            .inNamespace(ns)
                            .list()
                            .getItems())
                    .hasSize(3);
        });

        for (int shard = 0; shard < 3; shard++) {
            String name = "music-shard-" + shard;
            Map<String, String> selector =
                    Map.of("kubedyn.io/table", "music", "kubedyn.io/shard", Integer.toString(shard));

            StatefulSet sts = client().apps()
                    .statefulSets()
                    .inNamespace(ns)
                    .withName(name)
                    .get();
            assertOwnedBy(sts, music);
            assertThat(sts.getSpec().getReplicas()).isEqualTo(1);
            assertThat(sts.getSpec().getServiceName()).isEqualTo(name);
            assertThat(sts.getSpec().getSelector().getMatchLabels()).isEqualTo(selector);
            assertThat(sts.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector);
            assertThat(sts.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
                assertThat(claim.getMetadata().getName()).isEqualTo("data");
                assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
                assertThat(claim.getSpec()
                                .getResources()
                                .getRequests()
                                .get("storage")
                                .toString())
                        .isEqualTo("1Gi");
            });
            Container storage =
                    sts.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(storage.getImage()).isEqualTo("kubedyn/storage-pod:test");
            assertThat(storage.getVolumeMounts())
                    .extracting(m -> m.getName() + ":" + m.getMountPath())
                    .containsExactlyInAnyOrder("data:/data", "tmp:/tmp", "internal-tls:/etc/kubedyn/internal-tls");
            assertThat(sts.getSpec().getTemplate().getSpec().getVolumes())
                    .filteredOn(v -> v.getName().equals("internal-tls"))
                    .singleElement()
                    .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("music-internal-tls"));
            assertThat(storage.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
            assertThat(storage.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
            assertThat(storage.getPorts())
                    .extracting(p -> p.getContainerPort())
                    .as("unreplicated: no mutual-TLS port")
                    .containsExactlyInAnyOrder(9090, 8080);

            Service service = client().services().inNamespace(ns).withName(name).get();
            assertOwnedBy(service, music);
            assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
            assertThat(service.getSpec().getSelector()).isEqualTo(selector);
            assertThat(service.getSpec().getPorts())
                    .extracting(p -> p.getPort())
                    .containsExactlyInAnyOrder(9090, 8080);

            PodDisruptionBudget budget = client().policy()
                    .v1()
                    .podDisruptionBudget()
                    .inNamespace(ns)
                    .withName(name)
                    .get();
            assertOwnedBy(budget, music);
            assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(selector);
            assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);

            NetworkPolicy policy = client().network()
                    .v1()
                    .networkPolicies()
                    .inNamespace(ns)
                    .withName(name)
                    .get();
            assertOwnedBy(policy, music);
            assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(selector);
            assertThat(policy.getSpec().getIngress())
                    .extracting(r -> r.getPorts().get(0).getPort().getIntVal())
                    .containsExactlyInAnyOrder(9090, 8080);
        }

        // Internal TLS (on in the tests, as the chart turns it on): the pods' certificate, from the
        // operator's authority, naming every shard's Service and its pods; and the gateway's.
        var authority = InternalAuthority.fromSecretData(client().secrets()
                .inNamespace("kubedyn")
                .withName("kubedyn-internal-ca")
                .get()
                .getData());
        var pods = client().secrets()
                .inNamespace(ns)
                .withName("music-internal-tls")
                .get();
        assertOwnedBy(pods, music);
        assertThat(authority.current(
                        pods.getData(),
                        List.of(
                                "music-shard-0.shards.svc.cluster.local", "*.music-shard-0.shards.svc.cluster.local",
                                "music-shard-1.shards.svc.cluster.local", "*.music-shard-1.shards.svc.cluster.local",
                                "music-shard-2.shards.svc.cluster.local", "*.music-shard-2.shards.svc.cluster.local"),
                        java.time.Instant.now().plus(java.time.Duration.ofDays(60))))
                .isTrue();
        assertThat(authority.current(
                        client().secrets()
                                .inNamespace("kubedyn")
                                .withName("kubedyn-gateway-internal-tls")
                                .get()
                                .getData(),
                        List.of(),
                        java.time.Instant.now()))
                .isTrue();

        Table provisioning = awaitPhase(ns, "music", TableStatus.PHASE_PROVISIONING);
        assertThat(provisioning.getStatus().getReadyShards()).isZero();
        assertThat(condition(provisioning, TableConditions.READY).getStatus()).isEqualTo("False");
        assertThat(condition(provisioning, TableConditions.PROGRESSING).getStatus())
                .isEqualTo("True");
    }

    @Test
    void tableBecomesReadyWithAShardMapCoveringTheHashSpaceOnce() throws IOException {
        String ns = "ready";
        startStatefulSetController(ns);
        Table music = apply(musicTable(ns));

        Table ready = awaitPhase(ns, "music", TableStatus.PHASE_READY);

        assertThat(ready.getStatus().getObservedGeneration())
                .isEqualTo(music.getMetadata().getGeneration());
        assertThat(ready.getStatus().getReadyShards()).isEqualTo(3);
        assertThat(ready.getStatus().getEndpoint()).isEqualTo("http://kubedyn-gateway.kubedyn.svc:8000");
        assertThat(condition(ready, TableConditions.READY).getStatus()).isEqualTo("True");
        assertThat(condition(ready, TableConditions.READY).getReason()).isEqualTo("AllShardsReady");
        assertThat(condition(ready, TableConditions.PROGRESSING).getStatus()).isEqualTo("False");
        assertThat(condition(ready, TableConditions.DEGRADED).getStatus()).isEqualTo("False");

        List<ShardRange> shardMap = ready.getStatus().getShardMap();
        assertThat(shardMap)
                .extracting(ShardRange::getService)
                .containsExactly(
                        "music-shard-0.ready.svc.cluster.local",
                        "music-shard-1.ready.svc.cluster.local",
                        "music-shard-2.ready.svc.cluster.local");
        assertThat(shardMap).extracting(ShardRange::getPort).containsOnly(9090);
        BigInteger next = BigInteger.ZERO;
        for (ShardRange range : shardMap) {
            assertThat(range.getFirstHash()).matches("0x[0-9a-f]{16}");
            assertThat(range.getLastHash()).matches("0x[0-9a-f]{16}");
            BigInteger first = new BigInteger(range.getFirstHash().substring(2), 16);
            BigInteger last = new BigInteger(range.getLastHash().substring(2), 16);
            assertThat(first)
                    .as("range of shard %d starts where the previous ended", range.getShard())
                    .isEqualTo(next);
            assertThat(last).isGreaterThanOrEqualTo(first);
            next = last.add(BigInteger.ONE);
        }
        assertThat(next).as("the last range ends at 2^64 - 1").isEqualTo(HASH_SPACE);
        for (ShardRange range : shardMap) {
            assertThat(ownedRangesOf(ns, "music-shard-" + range.getShard()))
                    .as("the pods of shard %d own its published range", range.getShard())
                    .isEqualTo(range.getFirstHash() + "-" + range.getLastHash());
        }

        assertThat(events(ns, "music")).extracting(Event::getReason).contains("ShardsApplied", "TableReady");
    }

    @Test
    void tableWhoseShardLosesItsPodsIsDegraded() throws IOException {
        String ns = "degraded";
        startStatefulSetController(ns);
        apply(musicTable(ns));
        awaitPhase(ns, "music", TableStatus.PHASE_READY);

        statefulSetController.podsDown("music-shard-1");

        Table degraded = awaitPhase(ns, "music", TableStatus.PHASE_DEGRADED);
        assertThat(degraded.getStatus().getReadyShards()).isEqualTo(2);
        assertThat(condition(degraded, TableConditions.READY).getStatus()).isEqualTo("False");
        assertThat(condition(degraded, TableConditions.DEGRADED).getStatus()).isEqualTo("True");
        assertThat(condition(degraded, TableConditions.DEGRADED).getMessage()).contains("shard [1]");
        assertThat(events(ns, "music")).extracting(Event::getReason).contains("ShardsUnavailable");
    }

    @Test
    void raisingShardsAddsShardsWhichReceiveHalfAMappedShardsRangeEach() throws IOException {
        String ns = "grow";
        startStatefulSetController(ns);
        apply(musicTable(ns));
        awaitPhase(ns, "music", TableStatus.PHASE_READY);

        client().resources(Table.class).inNamespace(ns).withName("music").edit(t -> {
            t.getSpec().setShards(4);
            return t;
        });

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(client().apps()
                            .statefulSets()
                            .inNamespace(ns)
                            .withName("music-shard-3")
                            .get())
                    .isNotNull();
            Table grown = current(ns, "music");
            assertThat(grown.getStatus().getObservedGeneration()).isEqualTo(2L);
            assertThat(grown.getStatus().getReadyShards()).isEqualTo(4);
        });
        Table grown = current(ns, "music");
        assertThat(client().services().inNamespace(ns).withName("music-shard-3").get())
                .isNotNull();
        assertThat(client().policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace(ns)
                        .withName("music-shard-3")
                        .get())
                .isNotNull();
        Condition progressing = condition(grown, TableConditions.PROGRESSING);
        assertThat(progressing.getStatus()).isEqualTo("True");
        assertThat(progressing.getReason()).isEqualTo("Splitting");
        assertThat(progressing.getMessage())
                .contains("from 3 to 4")
                .contains("shard 2 hands hash range 0xd555555555555555-0xffffffffffffffff to shard 3");
        // Keys keep their shard until the new shard's pods serve the range (none answer here).
        assertThat(grown.getStatus().getShardMap()).hasSize(3);
        assertThat(ownedRangesOf(ns, "music-shard-3")).isEqualTo("none");
        StatefulSet receiving = client().apps()
                .statefulSets()
                .inNamespace(ns)
                .withName("music-shard-3")
                .get();
        assertThat(ShardStatefulSet.envOf(receiving, ShardStatefulSet.RECEIVE_RANGE_ENV))
                .hasValue("0xd555555555555555-0xffffffffffffffff");
        assertThat(ShardStatefulSet.envOf(receiving, ShardStatefulSet.RECEIVE_FROM_ENV))
                .hasValue("music-shard-2." + ns + ".svc.cluster.local:9090");
        assertThat(receiving.getMetadata().getAnnotations())
                .containsEntry(ShardStatefulSet.OWNED_RANGES_ANNOTATION, "none");
        assertThat(ownedRangesOf(ns, "music-shard-2"))
                .isEqualTo(grown.getStatus().getShardMap().get(2).getFirstHash() + "-"
                        + grown.getStatus().getShardMap().get(2).getLastHash());
        assertThat(grown.getStatus().getPhase()).isEqualTo(TableStatus.PHASE_READY);
        assertThat(events(ns, "music")).extracting(Event::getReason).contains("SplitStarted");
    }

    @Test
    void lostStatusGetsBackTheShardMapTheStatefulSetsHave() throws IOException {
        // A restore from a backup of the resources brings the Table back without its status, after
        // shards were raised: the map must be the one the shards' data follows, not a new split.
        String ns = "lost-status";
        startStatefulSetController(ns);
        Table music = musicTable(ns);
        music.getSpec().setShards(2);
        apply(music);
        List<String> published = describe(
                awaitPhase(ns, "music", TableStatus.PHASE_READY).getStatus().getShardMap());
        client().resources(Table.class).inNamespace(ns).withName("music").edit(t -> {
            t.getSpec().setShards(3);
            return t;
        });
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(condition(current(ns, "music"), TableConditions.PROGRESSING)
                            .getReason())
                    .isEqualTo("Splitting");
            assertThat(ownedRangesOf(ns, "music-shard-2")).isEqualTo("none");
        });
        Map<String, String> ownedBefore = Map.of(
                "music-shard-0", ownedRangesOf(ns, "music-shard-0"),
                "music-shard-1", ownedRangesOf(ns, "music-shard-1"),
                "music-shard-2", ownedRangesOf(ns, "music-shard-2"));

        // As a user's client would: the operator may patch the status meanwhile (409), so re-read and retry.
        await().atMost(PATIENCE)
                .ignoreException(KubernetesClientException.class)
                .until(() -> {
                    client().resources(Table.class)
                            .inNamespace(ns)
                            .withName("music")
                            .editStatus(t -> {
                                t.setStatus(new TableStatus());
                                return t;
                            });
                    return true;
                });

        await().atMost(PATIENCE).untilAsserted(() -> {
            Table table = current(ns, "music");
            assertThat(table.getStatus().getShardMap()).isNotEmpty();
            assertThat(table.getStatus().getPhase()).isEqualTo(TableStatus.PHASE_READY);
        });
        assertThat(describe(current(ns, "music").getStatus().getShardMap())).isEqualTo(published);
        assertThat(condition(current(ns, "music"), TableConditions.PROGRESSING).getReason())
                .isEqualTo("Splitting");
        for (var entry : ownedBefore.entrySet()) {
            assertThat(ownedRangesOf(ns, entry.getKey()))
                    .as("owned ranges of %s", entry.getKey())
                    .isEqualTo(entry.getValue());
        }
    }

    private static List<String> describe(List<ShardRange> shardMap) {
        return shardMap.stream()
                .map(r -> r.getShard() + ":" + r.getFirstHash() + "-" + r.getLastHash() + "@" + r.getService() + ":"
                        + r.getPort())
                .toList();
    }

    @Test
    void storeThatRefusesToStartFailsTheTableWithThePodsOwnWords() throws IOException {
        String ns = "refused-store";
        startStatefulSetController(ns);
        apply(musicTable(ns));
        awaitPhase(ns, "music", TableStatus.PHASE_READY);
        String refusal = "kubedyn storage refused to start: the store owns hash range"
                + " 0x0000000000000000-0x7fffffffffffffff, the pod was given"
                + " 0x5555555555555555-0xaaaaaaaaaaaaaaa9";

        // What the kubelet reports of a pod that wrote its refusal and exited, restarted with
        // back-off. Nothing starts pods here, so the test writes the Pod as the kubelet would.
        Pod pod = StoreRefusalTest.pod("music", 1, StoreRefusalTest.crashLooping(refusal));
        pod.getMetadata().setNamespace(ns);
        pod.setSpec(new PodSpecBuilder()
                .addNewContainer()
                .withName("storage")
                .withImage("kubedyn/storage-pod:test")
                .endContainer()
                .build());
        var status = pod.getStatus();
        pod.setStatus(null);
        client().pods().inNamespace(ns).resource(pod).create();
        client().pods().inNamespace(ns).withName(pod.getMetadata().getName()).editStatus(p -> {
            p.setStatus(status);
            return p;
        });

        Table failed = awaitPhase(ns, "music", TableStatus.PHASE_FAILED);
        Condition ready = condition(failed, TableConditions.READY);
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("StoreRefused");
        assertThat(ready.getMessage()).isEqualTo("shard 1 (pod music-shard-1-0) refused to start: \"" + refusal + "\"");
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(events(ns, "music")).anySatisfy(event -> {
                    assertThat(event.getType()).isEqualTo("Warning");
                    assertThat(event.getReason()).isEqualTo("StoreRefused");
                    assertThat(event.getMessage()).contains("music-shard-1-0", refusal);
                }));

        // Once the pod runs (its volume and the Table agree again), the table is served again.
        client().pods().inNamespace(ns).withName(pod.getMetadata().getName()).editStatus(p -> {
            p.getStatus()
                    .getContainerStatuses()
                    .get(0)
                    .setState(new ContainerStateBuilder()
                            .withNewRunning()
                            .endRunning()
                            .build());
            return p;
        });
        awaitPhase(ns, "music", TableStatus.PHASE_READY);
    }

    @Test
    void shrinkingShardsIsRefusedAndLeavesRunningShardsAlone() throws IOException {
        // A real API server refuses this edit through the CRD's CEL rule; the mock server does not
        // validate, so this is what the operator does when an edit gets through anyway.
        String ns = "shrink";
        startStatefulSetController(ns);
        apply(musicTable(ns));
        awaitPhase(ns, "music", TableStatus.PHASE_READY);

        client().resources(Table.class).inNamespace(ns).withName("music").edit(t -> {
            t.getSpec().setShards(2);
            return t;
        });

        Table refused = awaitPhase(ns, "music", TableStatus.PHASE_FAILED);
        assertThat(condition(refused, TableConditions.READY).getMessage())
                .contains("shards cannot shrink: the table has 3 shards holding data, the spec asks for 2");
        assertThat(refused.getStatus().getShardMap()).hasSize(3);
        assertThat(client().apps().statefulSets().inNamespace(ns).list().getItems())
                .extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("music-shard-0", "music-shard-1", "music-shard-2");
    }

    @Test
    void tableWhoseShardsTheApiServerRejectsSaysWhy() throws IOException {
        String ns = "quota";
        server.expect()
                .post()
                .withPath("/apis/apps/v1/namespaces/" + ns + "/statefulsets")
                .andReturn(
                        403,
                        new StatusBuilder()
                                .withStatus("Failure")
                                .withCode(403)
                                .withReason("Forbidden")
                                .withMessage("exceeded quota: storage, requested: requests.storage=1Gi")
                                .build())
                .always();
        apply(musicTable(ns));

        await().atMost(PATIENCE).untilAsserted(() -> {
            Table table = current(ns, "music");
            assertThat(table.getStatus()).isNotNull();
            Condition degraded = condition(table, TableConditions.DEGRADED);
            assertThat(degraded.getStatus()).isEqualTo("True");
            assertThat(degraded.getReason()).isEqualTo("ApplyFailed");
            assertThat(degraded.getMessage()).contains("exceeded quota");
            assertThat(events(ns, "music")).extracting(Event::getReason).contains("ApplyFailed");
        });
    }

    @Test
    void deletingATableWithDeletionPolicyDeleteDeletesItsVolumeClaims() throws IOException {
        String ns = "delete-data";
        startStatefulSetController(ns);
        Table music = musicTable(ns);
        music.getSpec().setDeletionPolicy("Delete");
        apply(music);
        awaitPhase(ns, "music", TableStatus.PHASE_READY);
        assertThat(current(ns, "music").getMetadata().getFinalizers()).isNotEmpty();
        assertThat(client().persistentVolumeClaims().inNamespace(ns).list().getItems())
                .hasSize(3);

        client().resources(Table.class).inNamespace(ns).withName("music").delete();

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(current(ns, "music")).isNull();
            assertThat(client().persistentVolumeClaims().inNamespace(ns).list().getItems())
                    .isEmpty();
        });
        assertThat(events(ns, "music")).extracting(Event::getReason).contains("VolumeClaimsDeleted");
    }

    @Test
    void deletingATableWithDeletionPolicyRetainKeepsItsVolumeClaims() throws IOException {
        String ns = "retain-data";
        startStatefulSetController(ns);
        apply(musicTable(ns));
        awaitPhase(ns, "music", TableStatus.PHASE_READY);

        client().resources(Table.class).inNamespace(ns).withName("music").delete();

        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(current(ns, "music")).isNull());
        assertThat(client().persistentVolumeClaims().inNamespace(ns).list().getItems())
                .extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("data-music-shard-0-0", "data-music-shard-1-0", "data-music-shard-2-0");
        assertThat(events(ns, "music")).extracting(Event::getReason).contains("VolumeClaimsRetained");
    }

    @Test
    void tableWithoutHashKeyFailsWithAClearMessage() throws IOException {
        assertRefused(
                "no-hash",
                t -> t.getSpec().setKeySchema(List.of(new KeySchemaElement("SongTitle", "RANGE"))),
                "needs exactly one HASH");
    }

    @Test
    void tableWithBoolSortKeyFailsWithAClearMessage() throws IOException {
        assertRefused(
                "bool-sk",
                t -> t.getSpec()
                        .setAttributeDefinitions(List.of(
                                new AttributeDefinition("Artist", "S"), new AttributeDefinition("SongTitle", "BOOL"))),
                "sort key SongTitle of the table has type BOOL");
    }

    @Test
    void tableWithZeroShardsFailsWithAClearMessage() throws IOException {
        assertRefused("zero-shards", t -> t.getSpec().setShards(0), "shards must be at least 1");
    }

    @Test
    void tableNamingAnImageTheOperatorMayNotRunIsRefused() throws IOException {
        assertRefused(
                "foreign-image",
                t -> t.getSpec().setImage("evil.example/miner:latest"),
                "ImageNotAllowed",
                "spec.image evil.example/miner:latest is not an image this operator"
                        + " may run: it runs only its default, kubedyn/storage-pod:test");
    }

    @Test
    void tableWithAGlobalIndexIsServedWithItAndItsPodsGetTheShardMap() throws IOException {
        String ns = "gsi";
        startStatefulSetController(ns);
        Table music = musicTable(ns);
        music.getSpec().getAttributeDefinitions().add(new AttributeDefinition("Genre", "S"));
        GlobalSecondaryIndex byGenre = new GlobalSecondaryIndex();
        byGenre.setIndexName("ByGenre");
        byGenre.setKeySchema(List.of(new KeySchemaElement("Genre", "HASH")));
        Projection all = new Projection();
        all.setProjectionType("ALL");
        byGenre.setProjection(all);
        music.getSpec().setGlobalSecondaryIndexes(List.of(byGenre));
        apply(music);

        Table ready = awaitPhase(ns, "music", TableStatus.PHASE_READY);
        Condition served = condition(ready, TableConditions.SPEC_SERVED);
        assertThat(served.getStatus()).isEqualTo("True");
        assertThat(ready.getStatus().getTableName()).isEqualTo("music");
        assertThat(ready.getStatus().getShardsByReplicas()).isEqualTo("3x1");
        // Every shard's pods get the index in their table definition, and the map by which they
        // send each index entry to the shard owning its hash: the one the status publishes.
        String published =
                ShardRange.toShardMap(ready.getStatus().getShardMap()).toString();
        for (int shard = 0; shard < 3; shard++) {
            var env = client().apps()
                    .statefulSets()
                    .inNamespace(ns)
                    .withName("music-shard-" + shard)
                    .get()
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getEnv();
            assertThat(env).anySatisfy(e -> {
                assertThat(e.getName()).isEqualTo(ShardStatefulSet.SHARD_MAP_ENV);
                assertThat(e.getValue()).isEqualTo(published);
            });
            assertThat(env).anySatisfy(e -> {
                assertThat(e.getName()).isEqualTo(ShardStatefulSet.TABLE_DEFINITION_ENV);
                assertThat(e.getValue()).contains("\"ByGenre\"");
            });
        }
    }

    @Test
    void laterTableClaimingAHeldNameFailsUntilTheHolderIsGone() throws IOException {
        String ns = "name-claims";
        startStatefulSetController(ns);
        Table holder = musicTable(ns);
        holder.getSpec().setTableName("Music");
        apply(holder);
        awaitPhase(ns, "music", TableStatus.PHASE_READY);
        Table later = musicTable(ns);
        later.getMetadata().setName("music-again");
        later.getSpec().setTableName("Music");
        apply(later);

        Table failed = awaitPhase(ns, "music-again", TableStatus.PHASE_FAILED);
        Condition ready = condition(failed, TableConditions.READY);
        assertThat(ready.getReason()).isEqualTo("TableNameInUse");
        assertThat(ready.getMessage()).contains("table name Music is held by Table music of this" + " namespace");
        assertThat(client().apps().statefulSets().inNamespace(ns).list().getItems())
                .extracting(s -> s.getMetadata().getName())
                .as("only the holder has shards")
                .allMatch(name -> name.startsWith("music-shard-"));

        client().resources(Table.class).inNamespace(ns).withName("music").delete();
        await().atMost(PATIENCE.plus(TableReconciler.NAME_RECHECK))
                .untilAsserted(
                        () -> assertThat(current(ns, "music-again").getStatus().getPhase())
                                .isEqualTo(TableStatus.PHASE_READY));
    }

    @Test
    void protectedTableKeepsItsDataWhenDeletedUntilProtectionIsTurnedOff() throws IOException {
        String ns = "protected";
        startStatefulSetController(ns);
        Table music = musicTable(ns);
        music.getSpec().setDeletionPolicy("Delete");
        music.getSpec().setDeletionProtectionEnabled(true);
        apply(music);
        awaitPhase(ns, "music", TableStatus.PHASE_READY);

        // Without the chart's admission policy (the mock API server runs none) the delete is
        // accepted; the finalizer then holds the table and its volumes.
        client().resources(Table.class).inNamespace(ns).withName("music").delete();
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(events(ns, "music"))
                        .extracting(Event::getReason)
                        .contains("DeletionProtected"));
        await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).untilAsserted(() -> {
            assertThat(current(ns, "music")).isNotNull();
            assertThat(client().persistentVolumeClaims().inNamespace(ns).list().getItems())
                    .hasSize(3);
        });

        client().resources(Table.class).inNamespace(ns).withName("music").edit(t -> {
            t.getSpec().setDeletionProtectionEnabled(false);
            return t;
        });
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(current(ns, "music")).isNull();
            assertThat(client().persistentVolumeClaims().inNamespace(ns).list().getItems())
                    .isEmpty();
        });
    }

    private void assertRefused(String ns, Consumer<Table> breakIt, String expectedMessage) throws IOException {
        assertRefused(ns, breakIt, "InvalidSpec", expectedMessage);
    }

    private void assertRefused(String ns, Consumer<Table> breakIt, String reason, String expectedMessage)
            throws IOException {
        Table music = musicTable(ns);
        breakIt.accept(music);
        apply(music);

        Table failed = awaitPhase(ns, "music", TableStatus.PHASE_FAILED);
        Condition ready = condition(failed, TableConditions.READY);
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo(reason);
        assertThat(ready.getMessage()).contains(expectedMessage);
        assertThat(condition(failed, TableConditions.DEGRADED).getStatus()).isEqualTo("True");
        assertThat(failed.getStatus().getObservedGeneration()).isEqualTo(1L);

        // Refused, not retried: no shard is created, one Warning is recorded, and nothing more
        // happens while the spec stays as it is.
        String resourceVersion = failed.getMetadata().getResourceVersion();
        await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).untilAsserted(() -> {
            assertThat(current(ns, "music").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
            assertThat(events(ns, "music")).singleElement().satisfies(event -> {
                assertThat(event.getType()).isEqualTo("Warning");
                assertThat(event.getReason()).isEqualTo(reason);
                assertThat(event.getMessage()).contains(expectedMessage);
            });
        });
        assertThat(client().apps().statefulSets().inNamespace(ns).list().getItems())
                .isEmpty();
    }

    /**
     * Runs after the other tests: every request the operator sent to the API server while they ran
     * must be allowed by the RBAC rules the Helm chart gives it, or it would fail on a real cluster.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void chartRbacAllowsEveryRequestTheOperatorMade() throws InterruptedException {
        Set<String> used = new TreeSet<>();
        RecordedRequest request;
        while ((request = server.getKubernetesMockServer().takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            if (!TEST_USER_AGENT.equals(request.getHeader("User-Agent"))) {
                String permission = permissionFor(request.getMethod(), request.getPath());
                if (permission != null) {
                    used.add(permission);
                }
            }
        }
        List<PolicyRule> rules = RenderedChart.operatorRules(RenderedChart.parse(RenderedChart.template()
                .withName("kubedyn")
                .withNamespace("kubedyn")
                .set("internalTls.enabled", "true")
                .call()));

        assertThat(used)
                .as("what the operator did")
                .contains(
                        "kubedyn.io/tables:watch",
                        "/pods:watch",
                        "coordination.k8s.io/leases:patch",
                        "apps/statefulsets:create",
                        "kubedyn.io/tables/status:patch",
                        "/persistentvolumeclaims:delete",
                        "/events:create",
                        "/secrets:create",
                        "/secrets:get");
        // Kubernetes lets every authenticated user review its own rights (system:basic-user).
        used.remove("authorization.k8s.io/selfsubjectrulesreviews:create");
        assertThat(used).allSatisfy(permission -> {
            String[] parts = permission.split("[/:]");
            assertThat(RenderedChart.permits(
                            rules,
                            parts[0],
                            parts[1] + (parts.length == 4 ? "/" + parts[2] : ""),
                            parts[parts.length - 1]))
                    .as("chart grants %s", permission)
                    .isTrue();
        });
    }

    /**
     * "group/resource[/subresource]:verb" of an API request, as RBAC sees it; null for discovery
     * and other non-resource paths.
     */
    static String permissionFor(String method, String pathAndQuery) {
        String path = pathAndQuery.split("\\?")[0];
        String query = pathAndQuery.contains("?") ? pathAndQuery.substring(pathAndQuery.indexOf('?')) : "";
        List<String> parts = List.of(path.substring(1).split("/"));
        String group;
        int rest;
        if (parts.get(0).equals("api") && parts.size() > 2) {
            group = "";
            rest = 2;
        } else if (parts.get(0).equals("apis") && parts.size() > 3) {
            group = parts.get(1);
            rest = 3;
        } else {
            return null;
        }
        List<String> resourcePath = parts.subList(rest, parts.size());
        if (resourcePath.get(0).equals("namespaces") && resourcePath.size() > 2) {
            resourcePath = resourcePath.subList(2, resourcePath.size());
        }
        String resource = resourcePath.get(0) + (resourcePath.size() > 2 ? "/" + resourcePath.get(2) : "");
        boolean named = resourcePath.size() > 1;
        String verb = switch (method) {
            case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase();
        };
        return group + "/" + resource + ":" + verb;
    }
}
