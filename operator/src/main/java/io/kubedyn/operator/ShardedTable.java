package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.kubedyn.core.TableDefinitionCodec;
import io.kubedyn.crd.DeletionPolicy;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.StorageSpec;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableDefinitions;
import io.kubedyn.crd.TableNames;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * A Table as the operator lays it out on the cluster: validated, every default resolved and the
 * shard assignment decided once per reconciliation (Strimzi's {@code KafkaCluster.fromCrd}). The
 * shard objects are pure functions of it, so they never re-derive a default from the raw
 * resource and cannot disagree on one.
 *
 * @param name the Table's name, also the DynamoDB table name
 * @param owner the Table as controller of every shard object
 * @param image storage-pod image: {@code spec.image} when the operator may run it, else the
 *     operator's default
 * @param storageSize size of each pod's data volume
 * @param storageClassName storage class of the data volumes, null for the cluster default
 * @param resources CPU and memory of each storage pod: {@code spec.resources}, else the
 *     operator's default
 * @param replicasPerShard pods per shard
 * @param deleteData whether the data volumes go with the Table ({@code deletionPolicy: Delete})
 * @param shards shards provisioned, at least those of the assignment: {@code spec.shards}, or
 *     with {@code autoSplit} as many as the table has grown to by itself if more
 * @param assignment which shard owns which hash range (see {@link ShardAssignment#inEffect})
 * @param clusterDomain DNS suffix of the shard Services named in the shard map
 * @param tableDefinition the DynamoDB table the pods provision in their store, as core's
 *     {@code TableDefinitionCodec} writes it (JSON), with the Table's uid as table id
 * @param antiAffinityRequired whether a shard's pods must run on distinct nodes (else preferred)
 * @param membership where each replicated shard's group stands on its way to
 *     {@code replicasPerShard} replicas
 * @param ingress who may reach the storage pods, when the operator makes NetworkPolicies
 * @param internalTls whether the pods speak mutual TLS, with the certificate of Secret
 *     {@link #internalTlsSecret}
 * @param given what the existing StatefulSets hand their pods at start, kept as it is
 * @param splits the splits under way: shards beyond the map receiving half a mapped shard's range
 * @param splitBytesPerSecond how fast a new shard's pods copy their range (0: unlimited)
 * @param autoSplit {@code spec.autoSplit}: when a shard splits by itself, if it does
 */
public record ShardedTable(
        String name,
        String namespace,
        OwnerReference owner,
        String image,
        String storageSize,
        String storageClassName,
        ResourceRequirements resources,
        int replicasPerShard,
        boolean deleteData,
        int shards,
        ShardAssignment assignment,
        String clusterDomain,
        String tableDefinition,
        boolean antiAffinityRequired,
        ShardMembership membership,
        Optional<StorageIngress> ingress,
        boolean internalTls,
        Map<Integer, ShardGiven> given,
        List<ShardSplit> splits,
        long splitBytesPerSecond,
        Optional<AutoSplitPolicy> autoSplit) {

    private static final TableDefinitionCodec DEFINITIONS = new TableDefinitionCodec();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /**
     * The model of a Table, or why there is none.
     *
     * @param statefulSets the Table's existing shard StatefulSets: their volume claim templates
     *     cannot change, and what they hand their pods is the record of the shard assignment
     * @param namespaceTables the Tables of the Table's namespace: only the one holding a table
     *     name ({@link TableNames#holder}) is laid out
     */
    public static ShardedTable from(
            Table table,
            OperatorSettings settings,
            Collection<StatefulSet> statefulSets,
            Collection<Table> namespaceTables)
            throws TableRefused {
        ShardAssignment recorded = ShardAssignment.published(table);
        int recordedShards =
                Math.max(recorded.ranges().size(), (int) ShardAssignment.handedOut(statefulSets).values().stream()
                        .filter(v -> !ShardAssignment.NONE.equals(v))
                        .count());
        List<String> problems = TableSpecValidation.problems(table, recordedShards);
        if (problems.isEmpty()) {
            problems = TableSpecValidation.storageChanges(table, statefulSets);
        }
        if (!problems.isEmpty()) {
            throw new TableRefused(TableStatusReport.REASON_INVALID_SPEC, problems);
        }
        checkNameHeld(table, namespaceTables);
        ShardAssignment.Decision decision = ShardAssignment.inEffect(table, statefulSets);
        if (!decision.conflicts().isEmpty()) {
            throw new TableRefused(TableStatusReport.REASON_ASSIGNMENT_CONFLICT, decision.conflicts());
        }

        var spec = table.getSpec();
        String image = new StorageImages(
                        settings.storageImage(), settings.storageAllowedImages().orElse(List.of()))
                .resolve(spec.getImage());
        StorageSpec storage = spec.getStorage() == null ? new StorageSpec() : spec.getStorage();
        var definition = TableDefinitions.of(table);
        Map<Integer, ShardGiven> given = ShardGiven.of(statefulSets);
        List<ShardSplit> started = ShardSplit.started(decision.assignment(), given);
        Optional<AutoSplitPolicy> autoSplit = AutoSplitPolicy.of(spec);
        // What the spec asks for, and never fewer than the table has: its map, and its StatefulSets
        // (a split's new shard receiving its range included, and the shards it split into by itself).
        // The shards' bulk dependents delete what the model leaves out, and a StatefulSet may hold
        // data: autoSplit taken out of the spec in the middle of a split must not end the split.
        int shards = Math.max(
                spec.getShards(),
                Math.max(
                        recordedShards,
                        given.keySet().stream().mapToInt(s -> s + 1).max().orElse(0)));
        List<ShardSplit> splits = ShardSplit.plan(decision.assignment(), shards, started);
        return new ShardedTable(
                table.getMetadata().getName(),
                table.getMetadata().getNamespace(),
                ShardIdentity.controlledBy(table),
                image,
                storage.getSize(),
                storage.getStorageClassName(),
                spec.getResources() == null ? defaultResources(settings) : spec.getResources(),
                spec.getReplicasPerShard(),
                DeletionPolicy.DELETE.equals(spec.getDeletionPolicy()),
                shards,
                decision.assignment(),
                settings.clusterDomain(),
                // Without its tags: the pods have no use for them, and a TagResource must not roll them.
                new String(DEFINITIONS.encode(definition.withTags(Map.of())), StandardCharsets.UTF_8),
                settings.storageAntiAffinityRequired(),
                ShardMembership.of(table, spec.getReplicasPerShard(), statefulSets),
                StorageIngress.parse(settings.storageIngress()),
                settings.internalTls().enabled(),
                given,
                splits,
                settings.splitBytesPerSecond(),
                autoSplit);
    }

    /**
     * The model once the splits whose new shards serve their range ({@code done}, by target) are
     * in the shard map: what the StatefulSets record and the status publishes from now on.
     */
    public ShardedTable afterSplits(java.util.Set<Integer> done) {
        ShardAssignment after = assignment;
        List<ShardSplit> left = new java.util.ArrayList<>();
        for (ShardSplit split : splits) {
            if (done.contains(split.target())) {
                after = after.after(split);
            } else {
                left.add(split);
            }
        }
        return new ShardedTable(
                name,
                namespace,
                owner,
                image,
                storageSize,
                storageClassName,
                resources,
                replicasPerShard,
                deleteData,
                shards,
                after,
                clusterDomain,
                tableDefinition,
                antiAffinityRequired,
                membership,
                ingress,
                internalTls,
                given,
                List.copyOf(left),
                splitBytesPerSecond,
                autoSplit);
    }

    /**
     * The model with {@code started} splits begun besides its own (a shard past
     * {@code autoSplit.maxShardSize}): their new shards are provisioned from now on.
     */
    public ShardedTable withSplits(List<ShardSplit> started) {
        if (started.isEmpty()) {
            return this;
        }
        List<ShardSplit> all = new java.util.ArrayList<>(splits);
        all.addAll(started);
        int provisioned = Math.max(
                shards, started.stream().mapToInt(s -> s.target() + 1).max().orElse(0));
        return new ShardedTable(
                name,
                namespace,
                owner,
                image,
                storageSize,
                storageClassName,
                resources,
                replicasPerShard,
                deleteData,
                provisioned,
                assignment,
                clusterDomain,
                tableDefinition,
                antiAffinityRequired,
                membership,
                ingress,
                internalTls,
                given,
                List.copyOf(all),
                splitBytesPerSecond,
                autoSplit);
    }

    /**
     * What one shard's pods are started with as their owned ranges: what its StatefulSet gave them
     * when it was made, else its range in the assignment ({@code none} beyond the map).
     */
    public String givenOwnedRanges(int shard) {
        ShardGiven existing = given.get(shard);
        return existing != null && existing.ownedRanges() != null ? existing.ownedRanges() : ownedRanges(shard);
    }

    /**
     * The table definition the pods are started with: the table's, except while a split is under
     * way, when every shard keeps, and a new shard is given, the one the split's source was
     * started with. A changed definition restarts the pods, and a global index added while a range
     * moves would be backfilled on both sides of the move; it reaches the pods once the splits are
     * in the map.
     */
    public String podDefinition() {
        java.util.Set<String> held = new java.util.HashSet<>();
        for (ShardSplit split : splits) {
            ShardGiven source = given.get(split.source());
            held.add(source == null ? null : source.tableDefinition());
        }
        // Sources started with different definitions (a change half applied): none to hold.
        return held.size() == 1 && !held.contains(null) ? held.iterator().next() : tableDefinition;
    }

    /**
     * The shard map one shard's pods are started with: the one they have while the table's
     * definition is unchanged (a new map alone must not restart them), else the current one.
     */
    public String givenShardMap(int shard) {
        ShardGiven existing = given.get(shard);
        if (existing != null && existing.shardMap() != null && podDefinition().equals(existing.tableDefinition())) {
            return existing.shardMap();
        }
        return ShardRange.toShardMap(podShardMap()).toString();
    }

    /** The range a shard's pods receive from another shard, and from where, if they do. */
    public Optional<ShardStatefulSet.Receiving> receiving(int shard) {
        for (ShardSplit split : splits) {
            if (split.target() == shard) {
                return Optional.of(new ShardStatefulSet.Receiving(
                        split.moving().toString(), sourceAddress(split.source()), splitBytesPerSecond));
            }
        }
        ShardGiven existing = given.get(shard);
        return existing == null ? Optional.empty() : existing.receiving();
    }

    /**
     * Where a split's new shard reaches its source: the source shard's Service, or a replicated
     * one's replicas, each by its pod's name (the receiver follows the log of one of them, and
     * has the group's leader seal).
     */
    private String sourceAddress(int source) {
        return String.join(",", io.kubedyn.core.ShardMap.replicas(address(source)));
    }

    /**
     * Where the gateway reaches a shard, as the published map has it ({@link ShardRange#address}):
     * its Service, or a replicated shard's replicas joined by {@code |}. A new shard's pods name it
     * in the source's refusals once the range is sealed, so the gateway dials the new owner as it
     * will by the map.
     */
    public String address(int shard) {
        return ShardRange.address(shard(shard).serviceDns(clusterDomain), ShardIdentity.GRPC_PORT, replicasPerShard);
    }

    /** The Secret of the pods' certificate, key and authority, with {@link #internalTls}. */
    public String internalTlsSecret() {
        return name + "-internal-tls";
    }

    /**
     * The names the pods' certificate must carry: each provisioned shard's Service (an unreplicated
     * shard is dialled by it) and every pod under it (a replicated shard's pods, Raft peers
     * included). Shards beyond the map too: a split dials the new shard's pods by these names once
     * they serve their range, before a renewed certificate would reach them.
     */
    public List<String> internalTlsNames() {
        return java.util.stream.IntStream.range(0, shards)
                .mapToObj(shard -> shard(shard).serviceDns(clusterDomain))
                .flatMap(service -> java.util.stream.Stream.of(service, "*." + service))
                .toList();
    }

    /** The chart's storage-pod resources, for a Table that names none. */
    private static ResourceRequirements defaultResources(OperatorSettings settings) {
        return SERIALIZATION.unmarshal(settings.storageResources(), ResourceRequirements.class);
    }

    /**
     * Refuses a Table whose table name another Table of the namespace holds: two resources must
     * not serve one DynamoDB table, and the older keeps it.
     */
    private static void checkNameHeld(Table table, Collection<Table> namespaceTables) throws TableRefused {
        String name = TableNames.of(table);
        List<Table> claimants = new java.util.ArrayList<>(namespaceTables.stream()
                .filter(t ->
                        !t.getMetadata().getName().equals(table.getMetadata().getName()))
                .filter(t -> t.getSpec() != null && name.equals(TableNames.of(t)))
                .toList());
        if (claimants.isEmpty()) {
            return;
        }
        claimants.add(table);
        Table holder = TableNames.holder(claimants).orElseThrow();
        if (holder != table) {
            throw new TableRefused(
                    TableStatusReport.REASON_NAME_IN_USE,
                    List.of("table name " + name
                            + " is held by Table " + holder.getMetadata().getName() + " of this namespace (the"
                            + " older claim); this Table is not served until that one is deleted (spec.tableName"
                            + " cannot change: to serve another table, delete this Table and create it anew)"));
        }
    }

    /** The model the reconciler built for this reconciliation, as the dependents read it. */
    public static ShardedTable of(Context<Table> context) {
        return context.managedWorkflowAndDependentResourceContext()
                .getMandatory(ShardedTable.class, ShardedTable.class);
    }

    /** Hands the model to the dependents of this reconciliation. */
    public void handTo(Context<Table> context) {
        context.managedWorkflowAndDependentResourceContext().put(ShardedTable.class, this);
    }

    public ShardIdentity shard(int shard) {
        return new ShardIdentity(name, namespace, shard);
    }

    /** Name, namespace, labels and controller of one shard's objects, which all share them. */
    public ObjectMeta metadata(int shard) {
        ShardIdentity id = shard(shard);
        return new ObjectMetaBuilder()
                .withName(id.name())
                .withNamespace(namespace)
                .withLabels(id.labels())
                .withOwnerReferences(owner)
                .build();
    }

    /**
     * One desired object per shard, keyed as a bulk dependent keys them: what every shard
     * dependent's {@code desiredResources} returns.
     */
    public <R extends HasMetadata> Map<ResourceID, R> perShard(IntFunction<R> desiredForShard) {
        Map<ResourceID, R> desired = new LinkedHashMap<>();
        for (int shard = 0; shard < shards; shard++) {
            R resource = desiredForShard.apply(shard);
            desired.put(ResourceID.fromResource(resource), resource);
        }
        return desired;
    }

    /** What one shard's pods own ({@link ShardAssignment#ownedRanges}). */
    public String ownedRanges(int shard) {
        return assignment.ownedRanges(shard);
    }

    /** The DNS names of the shards of the shard map, where their pods answer. */
    public List<String> shardHosts() {
        return assignment.shards().stream()
                .map(shard -> shard(shard).serviceDns(clusterDomain))
                .toList();
    }

    /** The shard map to publish: each range with its shard's Service (and replicas, if more than 1). */
    public List<ShardRange> shardMap() {
        return shardMap(shard -> membership.routedOf(shard, replicasPerShard));
    }

    /**
     * The shard map the pods are given (their own index routing): each replicated shard as the
     * replicas that formed its group, so a change of replicas never changes the pods' template.
     * A pod sends to whichever of them takes a write.
     */
    public List<ShardRange> podShardMap() {
        return shardMap(shard -> membership.founders());
    }

    /** The shard map, each replicated shard listing {@code replicasOf} its pods. */
    private List<ShardRange> shardMap(IntUnaryOperator replicasOf) {
        List<ShardRange> map = assignment.shardMap(shard -> shard(shard).serviceDns(clusterDomain));
        if (replicated()) {
            map.forEach(entry -> entry.setReplicas(replicasOf.applyAsInt(entry.getShard())));
        }
        return map;
    }

    /** The pods of a shard's StatefulSet (more than the voters while a group shrinks). */
    public int podsOf(int shard) {
        return membership.podsOf(shard, replicasPerShard);
    }

    /** Whether each shard is a Raft group of several pods. */
    public boolean replicated() {
        return replicasPerShard > 1;
    }

    /**
     * The replicas that formed a shard's Raft group, as its pods'
     * {@code kubedyn.storage.replication.peers} lists them: each pod's stable DNS name with its
     * gRPC and Raft ports. Pods beyond them join when the leader adds them.
     */
    public String replicationPeers(int shard) {
        return peers(shard, membership.founders());
    }

    /** The first {@code count} pods of a shard, as {@link #replicationPeers} lists them. */
    public String peers(int shard, int count) {
        ShardIdentity id = shard(shard);
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < count; i++) {
            peers.append(i == 0 ? "" : ",")
                    .append(id.podDns(i, clusterDomain))
                    .append(':')
                    .append(ShardIdentity.GRPC_PORT)
                    .append(':')
                    .append(ShardIdentity.RAFT_PORT);
        }
        return peers.toString();
    }

    /** The name of a shard's Raft group: its Table's incarnation (uid) and its shard. */
    public String replicationGroup(int shard) {
        return namespace + "/" + name + "/" + owner.getUid() + "/shard-" + shard;
    }
}
