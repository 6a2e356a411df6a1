package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.kubedyn.crd.Table;
import java.util.Map;

/**
 * One PodDisruptionBudget per shard allowing one voluntary disruption at a time. One, not zero:
 * with a single replica per shard, zero would block every node drain forever; the pod comes back
 * on its PersistentVolumeClaim. With replicated shards, one keeps a majority up.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ShardIdentity.MANAGED_SELECTOR))
public class ShardDisruptionBudget extends KubernetesDependentResource<PodDisruptionBudget, Table>
        implements CRUDKubernetesBulkDependentResource<PodDisruptionBudget, Table>,
                KubernetesBulkDependentResource<PodDisruptionBudget, Table>,
                GarbageCollected<Table> {

    public ShardDisruptionBudget() {
        super(PodDisruptionBudget.class);
    }

    @Override
    public Map<ResourceID, PodDisruptionBudget> desiredResources(Table table, Context<Table> context) {
        ShardedTable model = ShardedTable.of(context);
        return model.perShard(shard -> desired(model, shard));
    }

    /** The PodDisruptionBudget of one shard, from the model alone. */
    public static PodDisruptionBudget desired(ShardedTable table, int shard) {
        ShardIdentity id = table.shard(shard);
        return new PodDisruptionBudgetBuilder()
                .withMetadata(table.metadata(shard))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector()
                .withMatchLabels(id.selector())
                .endSelector()
                .endSpec()
                .build();
    }
}
