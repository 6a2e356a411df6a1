package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.kubedyn.crd.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One NetworkPolicy per shard, when the operator is told who its clients are
 * ({@link StorageIngress}): the shard's pods accept gRPC only from the gateway and from the
 * namespace's storage pods (global index entries and transaction resolution go from shard to
 * shard, and from table to table), Raft only from their own shard's pods, and HTTP (metrics,
 * membership; replicated with internal TLS, its mutual-TLS port too) only from the operator and the metrics
 * scrapers the chart names. Kubelet probes
 * come from the node, which NetworkPolicies never block.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ShardIdentity.MANAGED_SELECTOR))
public class ShardNetworkPolicy extends KubernetesDependentResource<NetworkPolicy, Table>
        implements CRUDKubernetesBulkDependentResource<NetworkPolicy, Table>,
                KubernetesBulkDependentResource<NetworkPolicy, Table>,
                GarbageCollected<Table> {

    public ShardNetworkPolicy() {
        super(NetworkPolicy.class);
    }

    @Override
    public Map<ResourceID, NetworkPolicy> desiredResources(Table table, Context<Table> context) {
        ShardedTable model = ShardedTable.of(context);
        if (model.ingress().isEmpty()) {
            return Map.of();
        }
        return model.perShard(shard -> desired(model, shard, model.ingress().get()));
    }

    /** The NetworkPolicy of one shard, from the model and who may reach its pods. */
    public static NetworkPolicy desired(ShardedTable table, int shard, StorageIngress ingress) {
        ShardIdentity id = table.shard(shard);
        List<NetworkPolicyPeer> grpcPeers = new ArrayList<>(ingress.grpc());
        grpcPeers.add(new NetworkPolicyPeerBuilder()
                .withNewPodSelector()
                .withMatchLabels(ShardIdentity.storagePodLabels())
                .endPodSelector()
                .build());
        List<NetworkPolicyIngressRule> rules = new ArrayList<>();
        rules.add(rule(ShardIdentity.GRPC_PORT, grpcPeers));
        // A port no rule names admits nobody; an empty "from" would admit everyone.
        if (!ingress.http().isEmpty()) {
            rules.add(rule(ShardIdentity.HTTP_PORT, ingress.http()));
            if (table.replicated() && table.internalTls()) {
                // The operator's voter changes; the pod also requires the operator's own certificate.
                rules.add(rule(ShardIdentity.ADMIN_PORT, ingress.http()));
            }
        }
        if (table.replicated()) {
            rules.add(rule(
                    ShardIdentity.RAFT_PORT,
                    List.of(new NetworkPolicyPeerBuilder()
                            .withNewPodSelector()
                            .withMatchLabels(id.selector())
                            .endPodSelector()
                            .build())));
        }
        return new NetworkPolicyBuilder()
                .withMetadata(table.metadata(shard))
                .withNewSpec()
                .withNewPodSelector()
                .withMatchLabels(id.selector())
                .endPodSelector()
                .withPolicyTypes("Ingress")
                .withIngress(rules)
                .endSpec()
                .build();
    }

    /** Admits {@code peers} to {@code port}. */
    private static NetworkPolicyIngressRule rule(int port, List<NetworkPolicyPeer> peers) {
        return new NetworkPolicyIngressRuleBuilder()
                .addNewPort()
                .withPort(new IntOrString(port))
                .withProtocol("TCP")
                .endPort()
                .withFrom(peers)
                .build();
    }
}
