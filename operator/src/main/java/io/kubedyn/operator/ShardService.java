package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
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
 * One headless Service per shard: its DNS name resolves to the shard's ready pods and gives each
 * StatefulSet pod a stable name; the shard map points the gateway at it.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ShardIdentity.MANAGED_SELECTOR))
public class ShardService extends KubernetesDependentResource<Service, Table>
        implements CRUDKubernetesBulkDependentResource<Service, Table>,
                KubernetesBulkDependentResource<Service, Table>,
                GarbageCollected<Table> {

    public ShardService() {
        super(Service.class);
    }

    @Override
    public Map<ResourceID, Service> desiredResources(Table table, Context<Table> context) {
        ShardedTable model = ShardedTable.of(context);
        return model.perShard(shard -> desired(model, shard));
    }

    /** The headless Service of one shard, from the model alone. */
    public static Service desired(ShardedTable table, int shard) {
        ShardIdentity id = table.shard(shard);
        return new ServiceBuilder()
                .withMetadata(table.metadata(shard))
                .withNewSpec()
                .withClusterIP("None")
                .withSelector(id.selector())
                // A Raft group's peers must find each other before they are ready: a pod is ready
                // once its store is open, and its group elects a leader only when peers answer.
                .withPublishNotReadyAddresses(table.replicated() ? true : null)
                .addNewPort()
                .withName("grpc")
                .withPort(ShardIdentity.GRPC_PORT)
                .withTargetPort(new IntOrString("grpc"))
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withName("http")
                .withPort(ShardIdentity.HTTP_PORT)
                .withTargetPort(new IntOrString("http"))
                .withProtocol("TCP")
                .endPort()
                .addAllToPorts(
                        table.replicated()
                                ? java.util.List.of(new io.fabric8.kubernetes.api.model.ServicePortBuilder()
                                        .withName("raft")
                                        .withPort(ShardIdentity.RAFT_PORT)
                                        .withTargetPort(new IntOrString("raft"))
                                        .withProtocol("TCP")
                                        .build())
                                : java.util.List.of())
                .endSpec()
                .build();
    }
}
