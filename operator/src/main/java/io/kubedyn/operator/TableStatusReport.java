package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubedyn.core.ResourceArns;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableDefinitions;
import io.kubedyn.crd.TableNames;
import io.kubedyn.crd.TableStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Builds a Table's status from what the cluster reports: the StatefulSets of its shards and the
 * status the operator published before. A pure function, so every phase and condition can be
 * checked without an API server.
 */
public final class TableStatusReport {

    public static final String REASON_INVALID_SPEC = "InvalidSpec";
    /** Shards beyond the map are receiving their ranges (see {@link ShardSplit}). */
    public static final String REASON_SPLITTING = "Splitting";

    public static final String REASON_APPLY_FAILED = "ApplyFailed";
    /** The shard map would move a hash range away from the shard whose StatefulSet has it. */
    public static final String REASON_ASSIGNMENT_CONFLICT = "ShardAssignmentConflict";
    /** The spec asks for what this release accepts without serving it (indexes, TTL, ...). */
    public static final String REASON_NOT_SERVED = "NotServedYet";
    /** Another Table of the namespace holds the table name (see {@link TableNames#holder}). */
    public static final String REASON_NAME_IN_USE = "TableNameInUse";
    /** A shard's pod refused to open its store (see {@link StoreRefusal}). */
    public static final String REASON_STORE_REFUSED = "StoreRefused";
    /** A Table names a {@code spec.image} the operator is not allowed to run. */
    public static final String REASON_IMAGE_NOT_ALLOWED = "ImageNotAllowed";

    private TableStatusReport() {}

    /** Status of a Table whose spec was refused: nothing is changed on the cluster. */
    public static TableStatus invalid(Table table, List<String> problems, String now) {
        return refused(table, new TableRefused(REASON_INVALID_SPEC, problems), now);
    }

    /** Status of a Table the operator will not lay out: nothing is changed on the cluster. */
    public static TableStatus refused(Table table, TableRefused refusal, String now) {
        TableStatus previous = previousOf(table);
        long generation = generationOf(table);
        String reason = refusal.reason();
        String message = (REASON_ASSIGNMENT_CONFLICT.equals(reason)
                        ? "shard map not published: "
                        : REASON_NAME_IN_USE.equals(reason) ? "not served: " : "spec refused: ")
                + String.join("; ", refusal.problems());
        TableStatus status = new TableStatus();
        status.setObservedGeneration(generation);
        status.setPhase(TableStatus.PHASE_FAILED);
        status.setReadyShards(previous.getReadyShards() == null ? 0 : previous.getReadyShards());
        status.setShardMap(previous.getShardMap());
        status.setEndpoint(previous.getEndpoint());
        describeLayout(table, previous, status);
        List<Condition> before = previous.getConditions();
        status.setConditions(List.of(
                TableConditions.condition(before, TableConditions.READY, false, reason, message, generation, now),
                TableConditions.condition(
                        before,
                        TableConditions.PROGRESSING,
                        false,
                        reason,
                        "waiting for a corrected spec; existing shards are left as they are",
                        generation,
                        now),
                TableConditions.condition(before, TableConditions.DEGRADED, true, reason, message, generation, now),
                specServed(table, before, generation, now)));
        return status;
    }

    /** Each split under way and where it stands, for a person: one clause per split. */
    private static String splitsProgress(ShardedTable model, Map<Integer, ShardHandOffs.Progress> handOffs) {
        List<String> clauses = new ArrayList<>();
        for (ShardSplit split : model.splits()) {
            ShardHandOffs.Progress progress = handOffs.get(split.target());
            String where = progress == null
                    ? "Starting"
                    : progress.phase() + (progress.message().isEmpty() ? "" : ", " + progress.message());
            clauses.add("shard " + split.source() + " hands hash range " + split.moving() + " to shard "
                    + split.target() + " (" + where + ")");
        }
        return String.join("; ", clauses);
    }

    /**
     * Status of a Table whose shard objects the API server would not take (quota, admission
     * webhook, ...): what was published stays, and the conditions say what failed.
     */
    public static TableStatus applyFailed(Table table, String error, String now) {
        TableStatus previous = previousOf(table);
        long generation = generationOf(table);
        String message = "could not apply the shards' StatefulSets, Services or" + " PodDisruptionBudgets: " + error;
        List<Condition> before = previous.getConditions();
        TableStatus status = new TableStatus();
        status.setObservedGeneration(generation);
        status.setPhase(previous.getPhase() == null ? TableStatus.PHASE_PROVISIONING : previous.getPhase());
        status.setReadyShards(previous.getReadyShards() == null ? 0 : previous.getReadyShards());
        status.setShardMap(previous.getShardMap());
        status.setEndpoint(previous.getEndpoint());
        describeLayout(table, previous, status);
        status.setConditions(List.of(
                TableConditions.find(before, TableConditions.READY)
                        .orElse(TableConditions.condition(
                                before,
                                TableConditions.READY,
                                false,
                                "ShardsNotReady",
                                "no shard is ready yet",
                                generation,
                                now)),
                TableConditions.condition(
                        before,
                        TableConditions.PROGRESSING,
                        false,
                        REASON_APPLY_FAILED,
                        message + "; retrying with backoff",
                        generation,
                        now),
                TableConditions.condition(
                        before, TableConditions.DEGRADED, true, REASON_APPLY_FAILED, message, generation, now),
                specServed(table, before, generation, now)));
        return status;
    }

    /**
     * Status of a laid-out Table from the StatefulSets of its shards, keyed by shard number. The
     * shard map is the model's assignment: a key's shard is where its data is, so the map changes
     * only as a split hands a range over.
     */
    public static TableStatus observed(
            Table table,
            ShardedTable model,
            Map<Integer, StatefulSet> statefulSets,
            List<StoreRefusal> refusals,
            String endpoint,
            String now) {
        return observed(table, model, statefulSets, refusals, endpoint, now, Map.of());
    }

    /**
     * {@link #observed}, with where each split under way stands ({@code handOffs}, by its new
     * shard), for the Progressing condition.
     */
    public static TableStatus observed(
            Table table,
            ShardedTable model,
            Map<Integer, StatefulSet> statefulSets,
            List<StoreRefusal> refusals,
            String endpoint,
            String now,
            Map<Integer, ShardHandOffs.Progress> handOffs) {
        TableStatus previous = previousOf(table);
        long generation = generationOf(table);
        int shards = model.shards();

        List<ShardRange> shardMap = model.shardMap();
        List<Integer> mapped = model.assignment().shards();
        int mappedShards = mapped.size();

        // A shard serves while all its pods are ready, or, replicated, a majority of them.
        List<Integer> ready = IntStream.range(0, shards)
                .filter(shard -> isServing(statefulSets.get(shard)))
                .boxed()
                .toList();
        List<Integer> complete = IntStream.range(0, shards)
                .filter(shard -> isReady(statefulSets.get(shard)))
                .boxed()
                .toList();
        boolean serving = ready.containsAll(mapped);
        boolean wasServing = TableConditions.isTrue(previous.getConditions(), TableConditions.READY)
                || TableStatus.PHASE_DEGRADED.equals(previous.getPhase());
        List<Condition> before = previous.getConditions();

        List<Condition> conditions = new ArrayList<>();
        conditions.add(
                serving
                        ? TableConditions.condition(
                                before,
                                TableConditions.READY,
                                true,
                                "AllShardsReady",
                                "all " + mappedShards + " shards of the shard map are ready",
                                generation,
                                now)
                        : TableConditions.condition(
                                before,
                                TableConditions.READY,
                                false,
                                "ShardsNotReady",
                                ready.stream().filter(mapped::contains).count() + " of " + mappedShards
                                        + " shards ready; waiting for " + notReady(mapped, ready),
                                generation,
                                now));
        if (!model.splits().isEmpty()) {
            conditions.add(TableConditions.condition(
                    before,
                    TableConditions.PROGRESSING,
                    true,
                    REASON_SPLITTING,
                    (shards > table.getSpec().getShards() && model.autoSplit().isPresent()
                                    ? "splitting by itself (autoSplit, shards past "
                                            + model.autoSplit().get().maxShardSize() + ") from " + mappedShards + " to "
                                            + shards + " shards: "
                                    : "shards raised from " + mappedShards + " to " + shards + ": ")
                            + splitsProgress(model, handOffs),
                    generation,
                    now));
        } else if (complete.size() < shards) {
            conditions.add(TableConditions.condition(
                    before,
                    TableConditions.PROGRESSING,
                    true,
                    "ShardsStarting",
                    "waiting for " + notReady(IntStream.range(0, shards).boxed().toList(), complete),
                    generation,
                    now));
        } else {
            conditions.add(TableConditions.condition(
                    before,
                    TableConditions.PROGRESSING,
                    false,
                    "Reconciled",
                    "every shard matches generation " + generation,
                    generation,
                    now));
        }
        List<Integer> underReplicated = mapped.stream()
                .filter(ready::contains)
                .filter(shard -> !complete.contains(shard))
                .toList();
        conditions.add(
                wasServing && !serving
                        ? TableConditions.condition(
                                before,
                                TableConditions.DEGRADED,
                                true,
                                "ShardsUnavailable",
                                "the table was ready and lost " + notReady(mapped, ready),
                                generation,
                                now)
                        : wasServing && !underReplicated.isEmpty()
                                ? TableConditions.condition(
                                        before,
                                        TableConditions.DEGRADED,
                                        true,
                                        "ReplicasUnavailable",
                                        replicasMissing(underReplicated, statefulSets)
                                                + ": the shards serve, with fewer copies",
                                        generation,
                                        now)
                                : TableConditions.condition(
                                        before,
                                        TableConditions.DEGRADED,
                                        false,
                                        "AsExpected",
                                        "no shard lost its readiness",
                                        generation,
                                        now));
        if (model.replicated()) {
            List<Integer> withoutMajority =
                    mapped.stream().filter(shard -> !ready.contains(shard)).toList();
            conditions.add(
                    wasServing && !withoutMajority.isEmpty()
                            ? TableConditions.condition(
                                    before,
                                    TableConditions.MAJORITY_LOST,
                                    true,
                                    "NoMajority",
                                    replicasMissing(withoutMajority, statefulSets) + ": a shard needs a majority of its"
                                            + " pods to write and to read consistently; eventually consistent reads are"
                                            + " still served by the pods that are up",
                                    generation,
                                    now)
                            : TableConditions.condition(
                                    before,
                                    TableConditions.MAJORITY_LOST,
                                    false,
                                    "MajoritiesReady",
                                    "every shard has a majority of its pods ready",
                                    generation,
                                    now));
        }

        String phase = serving
                ? TableStatus.PHASE_READY
                : wasServing ? TableStatus.PHASE_DEGRADED : TableStatus.PHASE_PROVISIONING;
        if (!refusals.isEmpty()) {
            // Not ready, whatever the other shards say: a store that disagrees with the Table will
            // not start by waiting, and its keys cannot be served. Failed, so the gateway stops
            // routing to the table and the user is told what to fix.
            phase = TableStatus.PHASE_FAILED;
            String message = String.join(
                    "; ", refusals.stream().map(StoreRefusal::describe).toList());
            conditions = List.of(
                    TableConditions.condition(
                            before, TableConditions.READY, false, REASON_STORE_REFUSED, message, generation, now),
                    TableConditions.condition(
                            before,
                            TableConditions.PROGRESSING,
                            false,
                            REASON_STORE_REFUSED,
                            "the refusing pods restart with back-off and refuse again"
                                    + " until their volume and the Table agree",
                            generation,
                            now),
                    TableConditions.condition(
                            before, TableConditions.DEGRADED, true, REASON_STORE_REFUSED, message, generation, now));
        }

        conditions = new ArrayList<>(conditions);
        conditions.add(specServed(table, before, generation, now));
        TableStatus status = new TableStatus();
        status.setObservedGeneration(generation);
        status.setPhase(phase);
        status.setConditions(conditions);
        describeLayout(table, previous, status);
        // What the table has, past spec.shards once it split by itself.
        status.setShardsByReplicas(shards + "x" + model.replicasPerShard());
        status.setReadyShards(ready.size());
        status.setShardMap(shardMap);
        status.setEndpoint(endpoint);
        return status;
    }

    /**
     * The SpecServed condition: True when every field the spec sets is honoured, else False
     * listing what is accepted but not served ({@link TableSpecValidation#notServed}).
     */
    private static Condition specServed(Table table, List<Condition> before, long generation, String now) {
        List<String> notServed = TableSpecValidation.notServed(table.getSpec());
        return notServed.isEmpty()
                ? TableConditions.condition(
                        before,
                        TableConditions.SPEC_SERVED,
                        true,
                        "AllFieldsServed",
                        "every field of the spec is served",
                        generation,
                        now)
                : TableConditions.condition(
                        before,
                        TableConditions.SPEC_SERVED,
                        false,
                        REASON_NOT_SERVED,
                        String.join("; ", notServed),
                        generation,
                        now);
    }

    /** What {@code kubectl get} shows: the table's name, its layout and its last item count. */
    private static void describeLayout(Table table, TableStatus previous, TableStatus status) {
        status.setTableName(TableNames.of(table));
        if (table.getSpec() != null) {
            status.setShardsByReplicas(
                    table.getSpec().getShards() + "x" + table.getSpec().getReplicasPerShard());
        }
        status.setItemCount(previous.getItemCount());
        if (table.getSpec() != null && table.getMetadata().getCreationTimestamp() != null) {
            try {
                TableDefinition definition = TableDefinitions.of(table);
                if (definition.stream() != null) {
                    status.setLatestStreamArn(ResourceArns.stream(
                            definition.name(), definition.stream().label()));
                }
            } catch (RuntimeException invalid) {
                // a spec too broken to map is reported by validation, not here
            }
        }
    }

    /**
     * A shard's StatefulSet serving: all its pods ready, or, with more than one (a Raft group), a
     * majority of them.
     */
    static boolean isServing(StatefulSet statefulSet) {
        if (statefulSet == null || statefulSet.getSpec() == null) {
            return false;
        }
        int wanted = statefulSet.getSpec().getReplicas() == null
                ? 1
                : statefulSet.getSpec().getReplicas();
        return readyReplicas(statefulSet) >= wanted / 2 + 1;
    }

    private static int readyReplicas(StatefulSet statefulSet) {
        Integer readyReplicas =
                statefulSet.getStatus() == null ? null : statefulSet.getStatus().getReadyReplicas();
        return readyReplicas == null ? 0 : readyReplicas;
    }

    private static String replicasMissing(List<Integer> shards, Map<Integer, StatefulSet> statefulSets) {
        return String.join(
                ", ",
                shards.stream()
                        .map(shard -> {
                            StatefulSet statefulSet = statefulSets.get(shard);
                            int wanted =
                                    statefulSet == null || statefulSet.getSpec().getReplicas() == null
                                            ? 1
                                            : statefulSet.getSpec().getReplicas();
                            return "shard " + shard + " has " + (statefulSet == null ? 0 : readyReplicas(statefulSet))
                                    + " of " + wanted + " pods ready";
                        })
                        .toList());
    }

    static boolean isReady(StatefulSet statefulSet) {
        if (statefulSet == null || statefulSet.getSpec() == null) {
            return false;
        }
        int wanted = statefulSet.getSpec().getReplicas() == null
                ? 1
                : statefulSet.getSpec().getReplicas();
        Integer readyReplicas =
                statefulSet.getStatus() == null ? null : statefulSet.getStatus().getReadyReplicas();
        return readyReplicas != null && readyReplicas >= wanted;
    }

    private static String notReady(List<Integer> shards, List<Integer> ready) {
        List<Integer> missing = shards.stream().filter(s -> !ready.contains(s)).toList();
        return (missing.size() == 1 ? "shard " : "shards ") + missing;
    }

    private static TableStatus previousOf(Table table) {
        return table.getStatus() == null ? new TableStatus() : table.getStatus();
    }

    private static long generationOf(Table table) {
        Long generation = table.getMetadata().getGeneration();
        return generation == null ? 0 : generation;
    }
}
