package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.kubedyn.crd.Table;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One StatefulSet per shard running the storage pod, with its RocksDB data on a
 * PersistentVolumeClaim mounted at {@code /data}.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ShardIdentity.MANAGED_SELECTOR))
public class ShardStatefulSet extends KubernetesDependentResource<StatefulSet, Table>
        implements CRUDKubernetesBulkDependentResource<StatefulSet, Table>,
                KubernetesBulkDependentResource<StatefulSet, Table>,
                GarbageCollected<Table> {

    public static final String DATA_VOLUME = "data";
    public static final String DATA_PATH = "/data";
    public static final String TMP_VOLUME = "tmp";
    public static final String TMP_PATH = "/tmp";
    /** With internal TLS, the pods' certificate, key and authority (a Secret) are mounted here. */
    public static final String INTERNAL_TLS_VOLUME = "internal-tls";

    public static final String INTERNAL_TLS_PATH = "/etc/kubedyn/internal-tls";
    public static final String INTERNAL_TLS_ENV = "KUBEDYN_INTERNAL_TLS_DIRECTORY";
    /** RocksDB's native library (15 MB) and the JVM's own files, with room to spare. */
    private static final String TMP_SIZE = "256Mi";

    public static final String CONTAINER = "storage";
    /** storage-pod's {@code kubedyn.storage.owned-ranges}. */
    public static final String OWNED_RANGES_ENV = "KUBEDYN_STORAGE_OWNED_RANGES";
    /** storage-pod's {@code kubedyn.storage.memory-limit}. */
    public static final String MEMORY_LIMIT_ENV = "KUBEDYN_STORAGE_MEMORY_LIMIT";
    /** storage-pod's {@code kubedyn.storage.shard-map}. */
    public static final String SHARD_MAP_ENV = "KUBEDYN_STORAGE_SHARD_MAP";
    /** The table the pod provisions in its store (JSON of core's {@code TableDefinitionCodec}). */
    public static final String TABLE_DEFINITION_ENV = "KUBEDYN_STORAGE_TABLE_DEFINITION";
    /**
     * What the shard's pods own now, on the StatefulSet itself (not its pod template, so a split
     * changes it without restarting a pod): the durable record of the shard assignment.
     */
    public static final String OWNED_RANGES_ANNOTATION = "kubedyn.io/owned-ranges";
    /** storage-pod's {@code kubedyn.storage.receive-range}, {@code -from} and {@code -holder}. */
    public static final String RECEIVE_RANGE_ENV = "KUBEDYN_STORAGE_RECEIVE_RANGE";

    public static final String RECEIVE_FROM_ENV = "KUBEDYN_STORAGE_RECEIVE_FROM";
    public static final String RECEIVE_HOLDER_ENV = "KUBEDYN_STORAGE_RECEIVE_HOLDER";
    /** storage-pod's {@code kubedyn.storage.receive-address}: the new shard's Service, as the source names it. */
    public static final String RECEIVE_ADDRESS_ENV = "KUBEDYN_STORAGE_RECEIVE_ADDRESS";
    /** storage-pod's {@code kubedyn.storage.hand-off.bytes-per-second}. */
    public static final String HAND_OFF_RATE_ENV = "KUBEDYN_STORAGE_HAND_OFF_BYTES_PER_SECOND";

    /**
     * A new shard's pods receive {@code range} from the shard at {@code from} (host:port; a
     * replicated shard's replicas, comma-separated), at most {@code bytesPerSecond} (0: unlimited).
     */
    public record Receiving(String range, String from, long bytesPerSecond) {}
    /** storage-pod's {@code kubedyn.storage.replication.group}, {@code .peers} and {@code .self}. */
    public static final String REPLICATION_GROUP_ENV = "KUBEDYN_STORAGE_REPLICATION_GROUP";

    public static final String REPLICATION_PEERS_ENV = "KUBEDYN_STORAGE_REPLICATION_PEERS";
    public static final String REPLICATION_SELF_ENV = "KUBEDYN_STORAGE_REPLICATION_SELF";
    /**
     * Where a storage pod that refuses to start writes why; Kubernetes copies it into the
     * container's terminated state, where the operator reads it ({@link StoreRefusal}).
     */
    public static final String TERMINATION_MESSAGE_PATH = "/dev/termination-log";

    public ShardStatefulSet() {
        super(StatefulSet.class);
    }

    @Override
    public Map<ResourceID, StatefulSet> desiredResources(Table table, Context<Table> context) {
        ShardedTable model = ShardedTable.of(context);
        return model.perShard(shard -> desired(model, shard));
    }

    /** The StatefulSet of one shard, from the model alone. */
    public static StatefulSet desired(ShardedTable table, int shard) {
        ShardIdentity id = table.shard(shard);
        // Retain is the default because a table's data outliving a mistaken `kubectl delete` is
        // cheaper than losing it. A replicated shard scaled down has removed the pods from its
        // group first, so their volumes hold nothing the voters lack, and a pod added again later
        // must start empty, not from a log of a group it has left.
        String whenDeleted = table.deleteData() ? "Delete" : "Retain";

        return new StatefulSetBuilder()
                .withMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(table.metadata(shard))
                        .addToAnnotations(OWNED_RANGES_ANNOTATION, table.ownedRanges(shard))
                        .build())
                .withNewSpec()
                .withReplicas(table.podsOf(shard))
                .withServiceName(id.name())
                .withNewSelector()
                .withMatchLabels(id.selector())
                .endSelector()
                .withNewPersistentVolumeClaimRetentionPolicy()
                .withWhenDeleted(whenDeleted)
                .withWhenScaled(table.replicated() ? "Delete" : "Retain")
                .endPersistentVolumeClaimRetentionPolicy()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(id.labels())
                .endMetadata()
                .withNewSpec()
                // Kubernetes' restricted Pod Security Standard: a namespace enforcing it runs the
                // shards as it runs anything else.
                .withNewSecurityContext()
                // The Quarkus base image runs as uid 185: let it write the volume.
                .withFsGroup(185L)
                .withRunAsNonRoot(true)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .withNewAffinity()
                .withPodAntiAffinity(antiAffinity(table, id))
                .endAffinity()
                .withContainers(new ContainerBuilder()
                        .withName(CONTAINER)
                        .withImage(table.image())
                        .addNewPort()
                        .withName("grpc")
                        .withContainerPort(ShardIdentity.GRPC_PORT)
                        .endPort()
                        .addNewPort()
                        .withName("http")
                        .withContainerPort(ShardIdentity.HTTP_PORT)
                        .endPort()
                        .addAllToPorts(
                                table.replicated()
                                        ? List.of(new ContainerPortBuilder()
                                                .withName("raft")
                                                .withContainerPort(ShardIdentity.RAFT_PORT)
                                                .build())
                                        : List.of())
                        // Replicated, with internal TLS: the operator's voter changes, mutual TLS only.
                        .addAllToPorts(
                                table.replicated() && table.internalTls()
                                        ? List.of(new ContainerPortBuilder()
                                                .withName("admin")
                                                .withContainerPort(ShardIdentity.ADMIN_PORT)
                                                .build())
                                        : List.of())
                        .addAllToEnv(replicationEnv(table, shard))
                        .addAllToEnv(memoryEnv(table))
                        .addAllToEnv(receivingEnv(table, shard))
                        .addToEnv(
                                new EnvVarBuilder()
                                        .withName("KUBEDYN_DATA_DIR")
                                        .withValue(DATA_PATH)
                                        .build(),
                                // The pod creates this table in its store, or adopts it when the store has
                                // it with the same key schema, and refuses to start otherwise: the operator
                                // and the pods own the data, the gateway only routes.
                                new EnvVarBuilder()
                                        .withName(TABLE_DEFINITION_ENV)
                                        .withValue(table.podDefinition())
                                        .build(),
                                // The pods refuse keys outside their shard-map entry (NOT_OWNED), so a
                                // gateway routing by a stale map never reads or writes the wrong shard;
                                // they persist it and refuse to start with another one. What they were
                                // first given stays (see ShardGiven): a split changes what the store owns.
                                new EnvVarBuilder()
                                        .withName(OWNED_RANGES_ENV)
                                        .withValue(table.givenOwnedRanges(shard))
                                        .build(),
                                // Where the pods send global secondary index entries: to the shard owning
                                // each entry's hash, by the map the gateway routes by.
                                new EnvVarBuilder()
                                        .withName(SHARD_MAP_ENV)
                                        .withValue(table.givenShardMap(shard))
                                        .build())
                        // Set, not left to defaults, because the operator reads the refusal from there.
                        .withTerminationMessagePath(TERMINATION_MESSAGE_PATH)
                        .withTerminationMessagePolicy("FallbackToLogsOnError")
                        .withReadinessProbe(httpProbe("/q/health/ready", 5, 3))
                        .withLivenessProbe(httpProbe("/q/health/live", 10, 3))
                        // Opening a large RocksDB can take a while; keep liveness from killing it.
                        .withStartupProbe(httpProbe("/q/health/live", 5, 60))
                        .withResources(table.resources())
                        .withNewSecurityContext()
                        .withAllowPrivilegeEscalation(false)
                        .withReadOnlyRootFilesystem(true)
                        .withNewCapabilities()
                        .withDrop("ALL")
                        .endCapabilities()
                        .endSecurityContext()
                        .addNewVolumeMount()
                        .withName(DATA_VOLUME)
                        .withMountPath(DATA_PATH)
                        .endVolumeMount()
                        // The root filesystem is read-only: the JVM's temporary files (RocksDB's
                        // native library, Vert.x's cache) go here, and go with the pod.
                        .addNewVolumeMount()
                        .withName(TMP_VOLUME)
                        .withMountPath(TMP_PATH)
                        .endVolumeMount()
                        .addAllToVolumeMounts(internalTlsMounts(table))
                        .addAllToEnv(internalTlsEnv(table))
                        .build())
                .addNewVolume()
                .withName(TMP_VOLUME)
                .withNewEmptyDir()
                .withSizeLimit(new Quantity(TMP_SIZE))
                .endEmptyDir()
                .endVolume()
                .addAllToVolumes(internalTlsVolumes(table))
                .endSpec()
                .endTemplate()
                .withVolumeClaimTemplates(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName(DATA_VOLUME)
                        .withLabels(id.labels())
                        .endMetadata()
                        .withNewSpec()
                        .withAccessModes("ReadWriteOnce")
                        .withStorageClassName(table.storageClassName())
                        .withNewResources()
                        .addToRequests("storage", new Quantity(table.storageSize()))
                        .endResources()
                        .endSpec()
                        .build())
                .endSpec()
                .build();
    }

    /**
     * A new shard's pods, while (and after) they receive their range from another shard: the
     * range, the source shard's address, and who they are to the source (the pod's name).
     */
    private static List<EnvVar> receivingEnv(ShardedTable table, int shard) {
        return table.receiving(shard)
                .map(receiving -> List.of(
                        new EnvVarBuilder()
                                .withName(HAND_OFF_RATE_ENV)
                                .withValue(Long.toString(receiving.bytesPerSecond()))
                                .build(),
                        new EnvVarBuilder()
                                .withName(RECEIVE_RANGE_ENV)
                                .withValue(receiving.range())
                                .build(),
                        new EnvVarBuilder()
                                .withName(RECEIVE_FROM_ENV)
                                .withValue(receiving.from())
                                .build(),
                        new EnvVarBuilder()
                                .withName(RECEIVE_ADDRESS_ENV)
                                .withValue(table.address(shard))
                                .build(),
                        holderEnv(table, shard)))
                .orElse(List.of());
    }

    /**
     * Who the source keeps its log for: the pod; for a replicated shard, its group (whichever
     * replica leads receives, and goes on where another left off).
     */
    private static EnvVar holderEnv(ShardedTable table, int shard) {
        EnvVarBuilder holder = new EnvVarBuilder().withName(RECEIVE_HOLDER_ENV);
        if (table.replicated()) {
            return holder.withValue(table.shard(shard).name()).build();
        }
        return holder.withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.name")
                .endFieldRef()
                .endValueFrom()
                .build();
    }

    /** What an existing StatefulSet records its pods own: its annotation, else its pods' setting. */
    static Optional<String> ownedRangesOf(StatefulSet statefulSet) {
        Map<String, String> annotations = statefulSet.getMetadata().getAnnotations();
        String annotated = annotations == null ? null : annotations.get(OWNED_RANGES_ANNOTATION);
        return annotated != null ? Optional.of(annotated) : envOf(statefulSet, OWNED_RANGES_ENV);
    }

    /** The shard an existing StatefulSet serves, by its shard label; empty for another one. */
    static Optional<Integer> shardOf(StatefulSet statefulSet) {
        Map<String, String> labels = statefulSet.getMetadata().getLabels();
        String shard = labels == null ? null : labels.get(ShardIdentity.SHARD_LABEL);
        return shard == null ? Optional.empty() : Optional.of(Integer.parseInt(shard));
    }

    /** What an existing StatefulSet hands its storage container as {@code variable}, if anything. */
    static Optional<String> envOf(StatefulSet statefulSet, String variable) {
        if (statefulSet.getSpec() == null
                || statefulSet.getSpec().getTemplate() == null
                || statefulSet.getSpec().getTemplate().getSpec() == null) {
            return Optional.empty();
        }
        return statefulSet.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> CONTAINER.equals(c.getName()))
                .map(Container::getEnv)
                .filter(Objects::nonNull)
                .flatMap(List::stream)
                .filter(e -> variable.equals(e.getName()))
                .map(EnvVar::getValue)
                .filter(Objects::nonNull)
                .findFirst();
    }

    /**
     * A replicated shard's pods: its Raft group (named by the Table's uid, so a Table re-created
     * over retained volumes never joins the old group), its peers' stable names, and the pod's own
     * name, by which it finds itself among them. None for an unreplicated shard.
     */
    /**
     * With internal TLS: the pods' certificate Secret, mounted where the pod reads it (the kubelet
     * updates the files when the operator renews it, and the pod reads them again).
     */
    private static List<io.fabric8.kubernetes.api.model.Volume> internalTlsVolumes(ShardedTable table) {
        return !table.internalTls()
                ? List.of()
                : List.of(new io.fabric8.kubernetes.api.model.VolumeBuilder()
                        .withName(INTERNAL_TLS_VOLUME)
                        .withNewSecret()
                        .withSecretName(table.internalTlsSecret())
                        .endSecret()
                        .build());
    }

    private static List<io.fabric8.kubernetes.api.model.VolumeMount> internalTlsMounts(ShardedTable table) {
        return !table.internalTls()
                ? List.of()
                : List.of(new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                        .withName(INTERNAL_TLS_VOLUME)
                        .withMountPath(INTERNAL_TLS_PATH)
                        .withReadOnly(true)
                        .build());
    }

    private static List<EnvVar> internalTlsEnv(ShardedTable table) {
        return !table.internalTls()
                ? List.of()
                : List.of(new EnvVarBuilder()
                        .withName(INTERNAL_TLS_ENV)
                        .withValue(INTERNAL_TLS_PATH)
                        .build());
    }

    private static List<EnvVar> replicationEnv(ShardedTable table, int shard) {
        if (!table.replicated()) {
            return List.of();
        }
        return List.of(
                new EnvVarBuilder()
                        .withName(REPLICATION_GROUP_ENV)
                        .withValue(table.replicationGroup(shard))
                        .build(),
                new EnvVarBuilder()
                        .withName(REPLICATION_PEERS_ENV)
                        .withValue(table.replicationPeers(shard))
                        .build(),
                new EnvVarBuilder()
                        .withName(REPLICATION_SELF_ENV)
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("metadata.name")
                        .endFieldRef()
                        .endValueFrom()
                        .build());
    }

    /**
     * The memory RocksDB sizes itself by ({@code StoreMemory}): the container's limit, so it never
     * pushes the pod past it; its request when it has no limit (the downward API would give the
     * node's whole memory); nothing, and the store's default, when it has neither.
     */
    private static List<EnvVar> memoryEnv(ShardedTable table) {
        var resources = table.resources();
        String resource = resources.getLimits() != null && resources.getLimits().containsKey("memory")
                ? "limits.memory"
                : resources.getRequests() != null && resources.getRequests().containsKey("memory")
                        ? "requests.memory"
                        : null;
        if (resource == null) {
            return List.of();
        }
        return List.of(new EnvVarBuilder()
                .withName(MEMORY_LIMIT_ENV)
                .withNewValueFrom()
                .withNewResourceFieldRef()
                .withContainerName(CONTAINER)
                .withResource(resource)
                .withDivisor(new Quantity("1"))
                .endResourceFieldRef()
                .endValueFrom()
                .build());
    }

    /**
     * A shard's pods on distinct nodes, so one node's loss takes one replica: preferred by default
     * (a one-node cluster, k3s or kind, must still run every replica), required when the operator
     * is told so (a pod then waits unscheduled rather than share a node).
     */
    private static io.fabric8.kubernetes.api.model.PodAntiAffinity antiAffinity(ShardedTable table, ShardIdentity id) {
        var term = new PodAffinityTermBuilder()
                .withTopologyKey("kubernetes.io/hostname")
                .withNewLabelSelector()
                .withMatchLabels(id.selector())
                .endLabelSelector()
                .build();
        var antiAffinity = new io.fabric8.kubernetes.api.model.PodAntiAffinityBuilder();
        if (table.antiAffinityRequired()) {
            antiAffinity.withRequiredDuringSchedulingIgnoredDuringExecution(term);
        } else {
            antiAffinity.withPreferredDuringSchedulingIgnoredDuringExecution(new WeightedPodAffinityTermBuilder()
                    .withWeight(100)
                    .withPodAffinityTerm(term)
                    .build());
        }
        return antiAffinity.build();
    }

    private static Probe httpProbe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath(path)
                .withPort(new IntOrString("http"))
                .endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withFailureThreshold(failureThreshold)
                .build();
    }
}
