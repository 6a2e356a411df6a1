package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plays the part of Kubernetes' StatefulSet controller, which the mock API server lacks (the idea
 * of Strimzi's MockKube2): for every StatefulSet it creates the PersistentVolumeClaims of its
 * volumeClaimTemplates, named and labelled as Kubernetes does, and reports its replicas ready,
 * unless told that a StatefulSet's pods are down.
 */
final class FakeStatefulSetController implements AutoCloseable {

    private final KubernetesClient client;
    private final Set<String> down = ConcurrentHashMap.newKeySet();
    private final SharedIndexInformer<StatefulSet> informer;

    FakeStatefulSetController(KubernetesClient client, String namespace) {
        this.client = client;
        this.informer = client.apps().statefulSets().inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(StatefulSet statefulSet) {
                act(statefulSet);
            }

            @Override
            public void onUpdate(StatefulSet before, StatefulSet after) {
                act(after);
            }

            @Override
            public void onDelete(StatefulSet statefulSet, boolean unknownFinalState) {}
        });
    }

    /** From now on the pods of this StatefulSet are not ready. */
    void podsDown(String statefulSet) {
        down.add(statefulSet);
        client.apps()
                .statefulSets()
                .inNamespace(informer.getStore().list().stream()
                        .filter(s -> s.getMetadata().getName().equals(statefulSet))
                        .findFirst()
                        .orElseThrow()
                        .getMetadata()
                        .getNamespace())
                .withName(statefulSet)
                .editStatus(s -> {
                    s.getStatus().setReadyReplicas(0);
                    return s;
                });
    }

    private synchronized void act(StatefulSet statefulSet) {
        int replicas = statefulSet.getSpec().getReplicas() == null
                ? 1
                : statefulSet.getSpec().getReplicas();
        for (int ordinal = 0; ordinal < replicas; ordinal++) {
            for (PersistentVolumeClaim template : statefulSet.getSpec().getVolumeClaimTemplates()) {
                createClaim(statefulSet, template, ordinal);
            }
        }
        int ready = down.contains(statefulSet.getMetadata().getName()) ? 0 : replicas;
        Integer reported =
                statefulSet.getStatus() == null ? null : statefulSet.getStatus().getReadyReplicas();
        if (reported == null || reported != ready) {
            client.apps()
                    .statefulSets()
                    .inNamespace(statefulSet.getMetadata().getNamespace())
                    .withName(statefulSet.getMetadata().getName())
                    .editStatus(s -> {
                        s.setStatus(new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder()
                                .withReplicas(replicas)
                                .withReadyReplicas(ready)
                                .withAvailableReplicas(ready)
                                .build());
                        return s;
                    });
        }
    }

    private void createClaim(StatefulSet statefulSet, PersistentVolumeClaim template, int ordinal) {
        String name = template.getMetadata().getName() + "-"
                + statefulSet.getMetadata().getName() + "-" + ordinal;
        String namespace = statefulSet.getMetadata().getNamespace();
        if (client.persistentVolumeClaims()
                        .inNamespace(namespace)
                        .withName(name)
                        .get()
                != null) {
            return;
        }
        // Kubernetes labels such claims with the template's labels plus the StatefulSet selector.
        Map<String, String> labels = new HashMap<>();
        if (template.getMetadata().getLabels() != null) {
            labels.putAll(template.getMetadata().getLabels());
        }
        labels.putAll(statefulSet.getSpec().getSelector().getMatchLabels());
        client.persistentVolumeClaims()
                .inNamespace(namespace)
                .resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(namespace)
                        .withLabels(labels)
                        .endMetadata()
                        .withSpec(template.getSpec())
                        .build())
                .create();
    }

    @Override
    public void close() {
        informer.close();
    }
}
