package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A storage pod that would not open its store: the table in it, or the hash range it persisted,
 * disagrees with what its StatefulSet hands it. The pod says why in its termination message and
 * exits; Kubernetes restarts it with back-off (CrashLoopBackOff) and keeps the message in the
 * container's state, where this reads it, so the Table can say it instead of sitting silently
 * not ready.
 *
 * @param shard the pod's shard
 * @param pod the pod's name
 * @param message the pod's termination message, as it wrote it
 */
public record StoreRefusal(int shard, String pod, String message) {

    /** How every refusal's message begins (the storage pod's side of the contract). */
    public static final String PREFIX = "kubedyn storage refused to start: ";
    /** Conditions and Events are read by people and stored in etcd: quote at most this much. */
    private static final int MAX_QUOTED = 1000;

    /** The refusals among a table's pods, by shard and pod name. */
    public static List<StoreRefusal> among(String table, Collection<Pod> pods) {
        List<StoreRefusal> refusals = new ArrayList<>();
        for (Pod pod : pods) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            if (labels == null
                    || !table.equals(labels.get(ShardIdentity.TABLE_LABEL))
                    || pod.getStatus() == null
                    || pod.getStatus().getContainerStatuses() == null) {
                continue;
            }
            int shard;
            try {
                shard = Integer.parseInt(labels.get(ShardIdentity.SHARD_LABEL));
            } catch (NumberFormatException e) {
                continue;
            }
            pod.getStatus().getContainerStatuses().stream()
                    .filter(c -> ShardStatefulSet.CONTAINER.equals(c.getName()))
                    .map(StoreRefusal::refusalOf)
                    .flatMap(Optional::stream)
                    .findFirst()
                    .ifPresent(message -> refusals.add(
                            new StoreRefusal(shard, pod.getMetadata().getName(), message)));
        }
        refusals.sort(Comparator.comparingInt(StoreRefusal::shard).thenComparing(StoreRefusal::pod));
        return refusals;
    }

    /**
     * The refusal a container reports: its termination message if it is terminated now, or if it
     * waits to be restarted (CrashLoopBackOff) after terminating so. A running container opened
     * its store this time, whatever its previous run said.
     */
    static Optional<String> refusalOf(ContainerStatus container) {
        ContainerState state = container.getState();
        ContainerState last = container.getLastState();
        String message;
        if (state != null && state.getTerminated() != null) {
            message = state.getTerminated().getMessage();
        } else if (state != null && state.getRunning() != null) {
            return Optional.empty();
        } else {
            message = last == null || last.getTerminated() == null
                    ? null
                    : last.getTerminated().getMessage();
        }
        if (message == null) {
            return Optional.empty();
        }
        // Only the pod's own refusal: a crash of another kind (FallbackToLogsOnError leaves the
        // log's tail there) is the StatefulSet's readiness to report, not a refused store.
        String quoted = message.strip();
        if (!quoted.startsWith(PREFIX)) {
            return Optional.empty();
        }
        return Optional.of(quoted.length() > MAX_QUOTED ? quoted.substring(0, MAX_QUOTED) + "..." : quoted);
    }

    /** The sentence the Table's conditions and Events carry. */
    public String describe() {
        return "shard " + shard + " (pod " + pod + ") refused to start: \"" + message + "\"";
    }
}
