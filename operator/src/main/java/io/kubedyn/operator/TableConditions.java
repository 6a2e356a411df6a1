package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The conditions of a Table, in the Kubernetes condition format: Ready, Progressing and Degraded,
 * and SpecServed (whether every field the spec sets is honoured).
 */
public final class TableConditions {

    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";
    public static final String SPEC_SERVED = "SpecServed";
    /** A replicated table: some shard has fewer than a majority of its pods ready. */
    public static final String MAJORITY_LOST = "MajorityLost";

    private TableConditions() {}

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null
                ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /**
     * A condition whose lastTransitionTime moves only when its status does, as Kubernetes
     * conventions ask, so that "since when" stays meaningful across reconciliations.
     */
    public static Condition condition(
            List<Condition> previous,
            String type,
            boolean status,
            String reason,
            String message,
            long generation,
            String now) {
        String statusText = status ? "True" : "False";
        String since = find(previous, type)
                .filter(c -> Objects.equals(c.getStatus(), statusText))
                .map(Condition::getLastTransitionTime)
                .orElse(now);
        return new ConditionBuilder()
                .withType(type)
                .withStatus(statusText)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build();
    }
}
