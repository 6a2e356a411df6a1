package io.kubedyn.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-only stand-in for Kubernetes' garbage collector, which the mock API server lacks: an object
 * whose every owner reference names an owner that no longer exists (same kind, name and uid) is
 * deleted, as background cascading deletion does. It looks after the kinds the operator creates
 * with owner references: StatefulSets, Services, PodDisruptionBudgets and PersistentVolumeClaims.
 */
final class OwnerGarbageCollector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OwnerGarbageCollector.class);

    private final KubernetesClient client;
    private final String namespace;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "garbage-collector");
        thread.setDaemon(true);
        return thread;
    });

    OwnerGarbageCollector(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        loop.scheduleWithFixedDelay(this::collectQuietly, 500, 500, TimeUnit.MILLISECONDS);
    }

    private void collectQuietly() {
        try {
            collect();
        } catch (RuntimeException e) {
            LOG.warn("garbage collection failed; retrying", e);
        }
    }

    private void collect() {
        List<HasMetadata> dependents = new ArrayList<>();
        dependents.addAll(
                client.apps().statefulSets().inNamespace(namespace).list().getItems());
        dependents.addAll(client.services().inNamespace(namespace).list().getItems());
        dependents.addAll(client.policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(namespace)
                .list()
                .getItems());
        dependents.addAll(
                client.persistentVolumeClaims().inNamespace(namespace).list().getItems());
        for (HasMetadata dependent : dependents) {
            List<OwnerReference> owners = dependent.getMetadata().getOwnerReferences();
            if (owners != null && !owners.isEmpty() && owners.stream().noneMatch(this::exists)) {
                LOG.info(
                        "deleting {} {}: its owners are gone",
                        dependent.getKind(),
                        dependent.getMetadata().getName());
                client.resource(dependent).delete();
            }
        }
    }

    private boolean exists(OwnerReference owner) {
        HasMetadata found = client.genericKubernetesResources(owner.getApiVersion(), owner.getKind())
                .inNamespace(namespace)
                .withName(owner.getName())
                .get();
        return found != null && Objects.equals(found.getMetadata().getUid(), owner.getUid());
    }

    @Override
    public void close() throws InterruptedException {
        loop.shutdownNow();
        loop.awaitTermination(10, TimeUnit.SECONDS);
    }
}
