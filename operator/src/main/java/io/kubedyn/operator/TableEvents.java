package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableStatus;
import java.time.Instant;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on a Table (what {@code kubectl describe ddbtable} lists). One per change of
 * what the operator did or refused, never one per reconciliation, so a refused spec cannot flood
 * the namespace.
 */
public final class TableEvents {

    private static final Logger LOG = Logger.getLogger(TableEvents.class);
    static final String COMPONENT = "kubedyn-operator";

    private final KubernetesClient client;

    public TableEvents(KubernetesClient client) {
        this.client = client;
    }

    /** Events for the differences between the status published before and the new one. */
    public void recordTransition(Table table, TableStatus before, TableStatus after) {
        String previousPhase = before == null ? null : before.getPhase();
        Long previousGeneration = before == null ? null : before.getObservedGeneration();
        String readyMessage = TableConditions.find(after.getConditions(), TableConditions.READY)
                .map(c -> c.getMessage())
                .orElse("");
        String degraded = TableConditions.find(after.getConditions(), TableConditions.DEGRADED)
                .filter(c -> TableStatusReport.REASON_APPLY_FAILED.equals(c.getReason()))
                .map(c -> c.getMessage())
                .orElse(null);
        if (degraded != null) {
            String previousMessage = before == null
                    ? null
                    : TableConditions.find(before.getConditions(), TableConditions.DEGRADED)
                            .map(c -> c.getMessage())
                            .orElse(null);
            if (!Objects.equals(previousMessage, degraded)) {
                warning(table, TableStatusReport.REASON_APPLY_FAILED, degraded);
            }
            return;
        }
        if (TableStatus.PHASE_FAILED.equals(after.getPhase())) {
            String previousMessage = before == null
                    ? null
                    : TableConditions.find(before.getConditions(), TableConditions.READY)
                            .map(c -> c.getMessage())
                            .orElse(null);
            if (!Objects.equals(previousMessage, readyMessage)) {
                warning(
                        table,
                        TableConditions.find(after.getConditions(), TableConditions.READY)
                                .map(c -> c.getReason())
                                .orElse(TableStatusReport.REASON_INVALID_SPEC),
                        readyMessage);
            }
            return;
        }
        if (!Objects.equals(previousGeneration, after.getObservedGeneration())) {
            int shards = table.getSpec().getShards();
            normal(
                    table,
                    "ShardsApplied",
                    "applied generation " + after.getObservedGeneration() + ": " + shards
                            + " StatefulSets, headless Services and PodDisruptionBudgets");
        }
        boolean splittingNow = TableConditions.find(after.getConditions(), TableConditions.PROGRESSING)
                .map(c -> TableStatusReport.REASON_SPLITTING.equals(c.getReason()))
                .orElse(false);
        boolean splittingBefore = before != null
                && TableConditions.find(before.getConditions(), TableConditions.PROGRESSING)
                        .map(c -> TableStatusReport.REASON_SPLITTING.equals(c.getReason()))
                        .orElse(false);
        if (splittingNow && !splittingBefore) {
            normal(
                    table,
                    "SplitStarted",
                    TableConditions.find(after.getConditions(), TableConditions.PROGRESSING)
                            .orElseThrow()
                            .getMessage());
        }
        if (!Objects.equals(previousPhase, after.getPhase())) {
            if (TableStatus.PHASE_READY.equals(after.getPhase())) {
                normal(table, "TableReady", readyMessage + "; serving at " + after.getEndpoint());
            } else if (TableStatus.PHASE_DEGRADED.equals(after.getPhase())) {
                warning(table, "ShardsUnavailable", readyMessage);
            }
        }
    }

    public void normal(Table table, String reason, String message) {
        emit(table, "Normal", reason, message);
    }

    public void warning(Table table, String reason, String message) {
        emit(table, "Warning", reason, message);
    }

    private void emit(Table table, String type, String reason, String message) {
        String now = Instant.now().toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withGenerateName(table.getMetadata().getName() + ".")
                .withNamespace(table.getMetadata().getNamespace())
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(table.getApiVersion())
                        .withKind(table.getKind())
                        .withName(table.getMetadata().getName())
                        .withNamespace(table.getMetadata().getNamespace())
                        .withUid(table.getMetadata().getUid())
                        .withResourceVersion(table.getMetadata().getResourceVersion())
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1()
                    .events()
                    .inNamespace(table.getMetadata().getNamespace())
                    .resource(event)
                    .create();
        } catch (KubernetesClientException e) {
            // An Event is a courtesy to the user; failing to write one must not fail the reconcile.
            LOG.warnf(
                    "could not record event %s on table %s/%s: %s",
                    reason,
                    table.getMetadata().getNamespace(),
                    table.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
