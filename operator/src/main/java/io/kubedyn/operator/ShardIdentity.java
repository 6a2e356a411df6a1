package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.kubedyn.crd.ShardNames;
import io.kubedyn.crd.Table;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names and labels of the objects that make up one shard of one table. Every dependent derives
 * its names from here, so the StatefulSet, its headless Service and its PodDisruptionBudget always
 * agree on the pods they mean.
 */
public record ShardIdentity(String table, String namespace, int shard) {

    public static final String TABLE_LABEL = "kubedyn.io/table";
    public static final String SHARD_LABEL = "kubedyn.io/shard";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "kubedyn-operator";
    /** Label selector of every object the operator owns, so its informers ignore the rest. */
    public static final String MANAGED_SELECTOR = MANAGED_BY_LABEL + "=" + MANAGED_BY;

    /** gRPC port of the storage pod. */
    public static final int GRPC_PORT = 9090;
    /** Raft port of the storage pod (replicated shards: its Raft group's traffic). */
    public static final int RAFT_PORT = 9091;
    /** HTTP port of the storage pod's health endpoints. */
    public static final int HTTP_PORT = 8080;
    /**
     * The pods' mutual-TLS HTTP port, with internal TLS: what the operator changes on a running pod
     * (a replicated shard group's voters) is taken there only, from the operator's own certificate
     * (storage-pod's {@code kubedyn.storage.admin-port}).
     */
    public static final int ADMIN_PORT = 9092;

    public static ShardIdentity of(Table table, int shard) {
        return new ShardIdentity(
                table.getMetadata().getName(), table.getMetadata().getNamespace(), shard);
    }

    /**
     * The Table as controller of a shard object: Kubernetes deletes the object with the Table, and
     * {@code kubectl describe} shows who controls it.
     */
    public static OwnerReference controlledBy(Table table) {
        return new OwnerReferenceBuilder()
                .withApiVersion(table.getApiVersion())
                .withKind(table.getKind())
                .withName(table.getMetadata().getName())
                .withUid(table.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    /** StatefulSet, headless Service and PodDisruptionBudget all share this name. */
    public String name() {
        return ShardNames.statefulSet(table, shard);
    }

    /**
     * Only the labels that never change: a StatefulSet's selector is immutable, and it must not
     * select pods of another shard or another table.
     */
    public Map<String, String> selector() {
        return Map.of(TABLE_LABEL, table, SHARD_LABEL, Integer.toString(shard));
    }

    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>(storagePodLabels());
        labels.put("app.kubernetes.io/instance", table);
        labels.put("app.kubernetes.io/component", "shard");
        labels.putAll(selector());
        return labels;
    }

    /** The labels every storage pod the operator makes carries, whatever its table. */
    public static Map<String, String> storagePodLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "kubedyn-storage");
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        return labels;
    }

    /** Stable DNS name of the shard's pod {@code replica} (StatefulSet pod under its Service). */
    public String podDns(int replica, String clusterDomain) {
        return podDns(name() + "-" + replica, clusterDomain);
    }

    /** Stable DNS name of the shard's pod named {@code pod}. */
    public String podDns(String pod, String clusterDomain) {
        return pod + "." + serviceDns(clusterDomain);
    }

    /** DNS name of the shard's headless Service, which resolves to its ready pods. */
    public String serviceDns(String clusterDomain) {
        return name() + "." + namespace + ".svc." + clusterDomain;
    }
}
