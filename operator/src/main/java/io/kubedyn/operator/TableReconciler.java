package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.kubedyn.crd.DeletionPolicy;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableNames;
import io.kubedyn.crd.TableStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Turns a Table into its shards, and only orchestrates: the model ({@link ShardedTable}) is
 * built first, validated and with the shard assignment decided, and the dependents, pure
 * functions of it, are reconciled only when there is one (hence explicit invocation): a refused
 * edit must leave running shards alone, not delete or rewrite them.
 */
// Not generation-aware: a status that is lost or overwritten (only the status changes, not the
// generation) must be rebuilt at once from the shards, not at the next edit of the spec. The
// cost is one more reconciliation after each status patch, which finds nothing to change.
@ControllerConfiguration(name = TableReconciler.NAME, generationAwareEventProcessing = false)
@Workflow(
        explicitInvocation = true,
        dependents = {
            @Dependent(name = "statefulsets", type = ShardStatefulSet.class),
            @Dependent(name = "services", type = ShardService.class),
            @Dependent(name = "disruption-budgets", type = ShardDisruptionBudget.class),
            @Dependent(name = "network-policies", type = ShardNetworkPolicy.class)
        })
public class TableReconciler implements Reconciler<Table>, Cleaner<Table> {

    public static final String NAME = "table";
    /** The event source of the shards' pods, whose refusals to start the status reports. */
    static final String PODS = "pods";

    private static final Logger LOG = Logger.getLogger(TableReconciler.class);
    /** How often a Table whose name another Table holds looks whether it is free. */
    static final java.time.Duration NAME_RECHECK = java.time.Duration.ofSeconds(10);
    /** How soon a shard's group changing members is looked at again (its end sends no event). */
    static final java.time.Duration MEMBERSHIP_RECHECK = java.time.Duration.ofSeconds(2);
    /**
     * How soon a split under way is looked at again: requests to its range are refused from the
     * seal until the gateways route it to the new shard, so the map follows within a second.
     */
    static final java.time.Duration SPLIT_RECHECK = java.time.Duration.ofMillis(500);

    private final OperatorSettings settings;
    private final InternalCertificates certificates;

    public TableReconciler(OperatorSettings settings, InternalCertificates certificates) {
        this.settings = settings;
        this.certificates = certificates;
    }

    /**
     * The shards' pods, watched so that a pod refusing its store is reported when it happens. They
     * carry the StatefulSet's template labels, not an owner reference to the Table, so the Table
     * is found by its label.
     */
    @Override
    public List<EventSource<?, Table>> prepareEventSources(EventSourceContext<Table> context) {
        InformerEventSourceConfiguration<Pod> pods = InformerEventSourceConfiguration.from(Pod.class, Table.class)
                .withName(PODS)
                .withNamespacesInheritedFromController()
                .withLabelSelector(ShardIdentity.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(pod -> {
                    Map<String, String> labels = pod.getMetadata().getLabels();
                    String table = labels == null ? null : labels.get(ShardIdentity.TABLE_LABEL);
                    return table == null
                            ? Set.of()
                            : Set.of(new ResourceID(table, pod.getMetadata().getNamespace()));
                })
                .build();
        return List.of(new InformerEventSource<>(pods, context));
    }

    @Override
    public UpdateControl<Table> reconcile(Table table, Context<Table> context) {
        TableEvents events = new TableEvents(context.getClient());
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<StatefulSet> existing = context.getSecondaryResources(StatefulSet.class).stream()
                .filter(s -> s.getMetadata().getLabels() != null
                        && s.getMetadata().getLabels().containsKey(ShardIdentity.SHARD_LABEL))
                .toList();

        TableStatus status;
        try {
            ShardedTable model = ShardedTable.from(
                    table,
                    settings,
                    existing,
                    context.getPrimaryCache()
                            .list(table.getMetadata().getNamespace())
                            .toList());
            Map<Integer, ShardHandOffs.Progress> handOffs =
                    model.splits().isEmpty() ? Map.of() : ShardHandOffs.observe(model);
            Set<Integer> handedOff = handOffs.entrySet().stream()
                    .filter(e -> e.getValue().serving())
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            if (!handOffs.isEmpty()) {
                LOG.debugf(
                        "splits of %s/%s: %s",
                        table.getMetadata().getNamespace(), table.getMetadata().getName(), handOffs);
            }
            if (!handedOff.isEmpty()) {
                // The new shards serve their ranges: the StatefulSets record it, then the map says it.
                for (ShardSplit split : model.splits()) {
                    if (handedOff.contains(split.target())) {
                        String done = "shard " + split.source() + " handed hash range " + split.moving() + " to shard "
                                + split.target() + ", which serves it now";
                        LOG.infof(
                                "table %s/%s: %s",
                                table.getMetadata().getNamespace(),
                                table.getMetadata().getName(),
                                done);
                        events.normal(table, "ShardSplit", done);
                    }
                }
                model = model.afterSplits(handedOff);
            }
            model = splitBySize(table, model, events);
            model.handTo(context);
            // Before the StatefulSets, which mount the pods' certificate.
            certificates.ensure(model, Instant.now());
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
            Map<Integer, StatefulSet> statefulSets = context.getSecondaryResources(StatefulSet.class).stream()
                    .filter(s -> s.getMetadata().getLabels() != null
                            && s.getMetadata().getLabels().containsKey(ShardIdentity.SHARD_LABEL))
                    .collect(Collectors.toMap(
                            s -> Integer.parseInt(s.getMetadata().getLabels().get(ShardIdentity.SHARD_LABEL)),
                            s -> s,
                            (a, b) -> a));
            List<StoreRefusal> refusals =
                    StoreRefusal.among(table.getMetadata().getName(), context.getSecondaryResources(Pod.class));
            status = TableStatusReport.observed(
                    table, model, statefulSets, refusals, settings.gatewayEndpoint(), now, handOffs);
            boolean membershipChanging = false;
            if (model.replicated() && !TableStatus.PHASE_PROVISIONING.equals(status.getPhase())) {
                status.setReplication(ShardLeaders.observe(model));
                membershipChanging = ShardVoters.converge(
                        model, status.getReplication(), statefulSets, () -> certificates.podClient(Instant.now()));
            }
            // A split's end sends no event: look again soon while one is under way.
            boolean splitting = !model.splits().isEmpty();
            if (TableStatus.PHASE_READY.equals(status.getPhase())) {
                TableItemCount.of(model.shardHosts()).ifPresent(status::setItemCount);
                return withStatus(table, status, events)
                        .rescheduleAfter(
                                splitting
                                        ? SPLIT_RECHECK
                                        : membershipChanging ? MEMBERSHIP_RECHECK : settings.itemCountInterval());
            }
            if (membershipChanging || splitting) {
                return withStatus(table, status, events)
                        .rescheduleAfter(splitting ? SPLIT_RECHECK : MEMBERSHIP_RECHECK);
            }
        } catch (TableRefused refused) {
            // No exception and no reschedule: retrying cannot fix a spec, only an edit can, and the
            // edit triggers the next reconciliation.
            LOG.infof(
                    "table %s/%s refused: %s",
                    table.getMetadata().getNamespace(), table.getMetadata().getName(), refused.getMessage());
            status = TableStatusReport.refused(table, refused, now);
            if (TableStatusReport.REASON_NAME_IN_USE.equals(refused.reason())) {
                // The holder's deletion is an event of another Table, not of this one: look again.
                return withStatus(table, status, events).rescheduleAfter(NAME_RECHECK);
            }
        }
        return withStatus(table, status, events);
    }

    /**
     * A Ready table with {@code autoSplit} and no split under way: its shards past
     * {@code maxShardSize} start splitting, as their pods weigh them ({@link ShardWeights}).
     */
    private static ShardedTable splitBySize(Table table, ShardedTable model, TableEvents events) {
        if (model.autoSplit().isEmpty()
                || !model.splits().isEmpty()
                || table.getStatus() == null
                || !TableStatus.PHASE_READY.equals(table.getStatus().getPhase())) {
            return model;
        }
        AutoSplitPolicy policy = model.autoSplit().get();
        if (model.shards() >= policy.maxShards()) {
            return model;
        }
        Map<Integer, Long> bytes = ShardWeights.observe(model);
        List<ShardSplit> splits = ShardSplit.bySize(
                model.assignment(),
                model.shards(),
                policy,
                bytes,
                (shard, range) -> ShardWeights.median(model, shard, range));
        for (ShardSplit split : splits) {
            String message = "shard " + split.source() + " holds about " + bytes.get(split.source())
                    + " bytes, past autoSplit.maxShardSize " + policy.maxShardSize() + ": it hands hash range "
                    + split.moving() + " (its items after their median partition key) to new shard "
                    + split.target();
            LOG.infof(
                    "table %s/%s: %s",
                    table.getMetadata().getNamespace(), table.getMetadata().getName(), message);
            events.normal(table, "AutoSplit", message);
        }
        return model.withSplits(splits);
    }

    private static UpdateControl<Table> withStatus(Table table, TableStatus status, TableEvents events) {
        if (sameStatus(table.getStatus(), status)) {
            return UpdateControl.noUpdate();
        }
        events.recordTransition(table, table.getStatus(), status);
        return UpdateControl.patchStatus(statusOnly(table, status));
    }

    /**
     * The shard objects could not be applied: say so in the status and an Event, and let the
     * operator SDK retry with backoff (the cause may be transient, like a full quota).
     */
    @Override
    public ErrorStatusUpdateControl<Table> updateErrorStatus(Table table, Context<Table> context, Exception e) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        TableStatus status = TableStatusReport.applyFailed(table, rootMessage(e), now);
        if (sameStatus(table.getStatus(), status)) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        new TableEvents(context.getClient()).recordTransition(table, table.getStatus(), status);
        return ErrorStatusUpdateControl.patchStatus(statusOnly(table, status));
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        // Conditions and Events are read by people and stored in etcd: keep them short.
        return message.length() > 500 ? message.substring(0, 500) + "..." : message;
    }

    /**
     * The finalizer: StatefulSets, Services and PodDisruptionBudgets go with the Table through
     * their owner references, but the PersistentVolumeClaims a StatefulSet creates from its
     * volumeClaimTemplates have no owner, so deletionPolicy is honoured here.
     */
    @Override
    public DeleteControl cleanup(Table table, Context<Table> context) {
        TableEvents events = new TableEvents(context.getClient());
        String namespace = table.getMetadata().getNamespace();
        String name = table.getMetadata().getName();
        if (table.getSpec() != null && Boolean.TRUE.equals(table.getSpec().getDeletionProtectionEnabled())) {
            // The chart's admission policy refuses the deletion itself; without it (a cluster older
            // than Kubernetes 1.30, or the policy not installed) the finalizer holds the data until
            // the user turns protection off, which is an edit, hence the next call here.
            events.warning(
                    table,
                    "DeletionProtected",
                    "table " + TableNames.of(table)
                            + " has deletionProtectionEnabled: its shards and data are kept until"
                            + " spec.deletionProtectionEnabled is set to false");
            return DeleteControl.noFinalizerRemoval();
        }
        List<PersistentVolumeClaim> claims = context.getClient()
                .persistentVolumeClaims()
                .inNamespace(namespace)
                .withLabel(ShardIdentity.TABLE_LABEL, name)
                .list()
                .getItems();
        boolean delete = table.getSpec() != null
                && DeletionPolicy.DELETE.equals(table.getSpec().getDeletionPolicy());
        if (delete) {
            context.getClient().resourceList(claims).delete();
            events.normal(
                    table,
                    "VolumeClaimsDeleted",
                    "deletionPolicy Delete: deleted " + claims.size() + " PersistentVolumeClaims of table " + name);
        } else if (!claims.isEmpty()) {
            events.normal(
                    table,
                    "VolumeClaimsRetained",
                    "deletionPolicy Retain: kept "
                            + claims.size() + " PersistentVolumeClaims of table " + name
                            + "; a Table of the same name finds its data again, or delete them by label "
                            + ShardIdentity.TABLE_LABEL + "=" + name);
        }
        return DeleteControl.defaultDelete();
    }

    private static Table statusOnly(Table table, TableStatus status) {
        Table patch = new Table();
        patch.setMetadata(new ObjectMetaBuilder()
                .withName(table.getMetadata().getName())
                .withNamespace(table.getMetadata().getNamespace())
                .build());
        patch.setStatus(status);
        return patch;
    }

    private static boolean sameStatus(TableStatus before, TableStatus after) {
        if (before == null) {
            return false;
        }
        return Objects.equals(before.getObservedGeneration(), after.getObservedGeneration())
                && Objects.equals(before.getPhase(), after.getPhase())
                && Objects.equals(before.getReadyShards(), after.getReadyShards())
                && Objects.equals(before.getEndpoint(), after.getEndpoint())
                && Objects.equals(before.getConditions(), after.getConditions())
                && Objects.equals(before.getTableName(), after.getTableName())
                && Objects.equals(before.getShardsByReplicas(), after.getShardsByReplicas())
                && Objects.equals(before.getItemCount(), after.getItemCount())
                && Objects.equals(before.getLatestStreamArn(), after.getLatestStreamArn())
                && Objects.equals(before.getReplication(), after.getReplication())
                && sameShardMap(before, after);
    }

    private static boolean sameShardMap(TableStatus before, TableStatus after) {
        // ShardRange is a plain bean without equals; compare what it says.
        return Objects.equals(describe(before), describe(after));
    }

    private static List<String> describe(TableStatus status) {
        return status.getShardMap() == null
                ? List.of()
                : status.getShardMap().stream()
                        .map(r -> r.getShard() + ":" + r.getFirstHash() + ":" + r.getLastHash() + ":" + r.getService()
                                + ":" + r.getPort() + ":" + r.getReplicas())
                        .toList();
    }
}
