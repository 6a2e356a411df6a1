package io.kubedyn.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings the Helm chart passes to the operator (as environment variables). */
@ConfigMapping(prefix = "kubedyn.operator")
public interface OperatorSettings {

    /** Storage-pod image used when a Table does not set {@code spec.image}. */
    String storageImage();

    /**
     * The other images a Table's {@code spec.image} may name, as patterns in which {@code *} stands
     * for any run of characters ({@code registry.example/kubedyn/*}); none: only
     * {@link #storageImage}. A Table naming another is refused ({@link StorageImages}).
     */
    java.util.Optional<java.util.List<String>> storageAllowedImages();

    /**
     * CPU and memory of each storage pod of a Table that sets no {@code spec.resources}: a
     * ResourceRequirements as JSON (the chart's {@code storage.resources}). A pod's memory limit
     * also sizes its RocksDB memory.
     */
    @WithDefault("{\"requests\":{\"cpu\":\"250m\",\"memory\":\"1Gi\"},\"limits\":{\"memory\":\"1Gi\"}}")
    String storageResources();

    /**
     * Who may reach the storage pods (the chart's gateway, operator and metrics scrapers), as
     * {@code {"grpc": [peers], "http": [peers]}} in NetworkPolicy's peer shape: each shard then
     * gets a NetworkPolicy admitting only them and the storage pods ({@link StorageIngress}).
     * Unset, the operator makes none.
     */
    java.util.Optional<String> storageIngress();

    /** Mutual TLS between the gateway and the storage pods, with certificates the operator issues. */
    InternalTlsSettings internalTls();

    /**
     * The operator's own certificate authority ({@link InternalAuthority}) issues every storage
     * pod's certificate (one Secret per Table) and the gateway's, and renews them before expiry.
     */
    interface InternalTlsSettings {
        /** Whether the gateway and the storage pods speak mutual TLS. */
        @WithDefault("false")
        boolean enabled();

        /** {@code namespace/name} of the Secret holding the authority; made when missing. */
        @WithDefault("kubedyn/kubedyn-internal-ca")
        String authoritySecret();

        /** {@code namespace/name} of the gateway's certificate Secret, which the chart mounts. */
        @WithDefault("kubedyn/kubedyn-gateway-internal-tls")
        String gatewaySecret();
    }

    /** URL of the gateway Service, published in every Table's {@code status.endpoint}. */
    String gatewayEndpoint();

    /** DNS suffix of the cluster, used to write fully qualified shard Service names. */
    @WithDefault("cluster.local")
    String clusterDomain();

    /**
     * How often a Ready table's item count ({@code status.itemCount}) is read from its shards; it is
     * also read whenever the table is reconciled for another reason.
     */
    @WithDefault("5m")
    java.time.Duration itemCountInterval();

    /**
     * Whether a replicated shard's pods must run on distinct nodes (pod anti-affinity required:
     * a pod waits unscheduled rather than share a node with another of its shard); otherwise it is
     * preferred, so a one-node cluster still runs every replica.
     */
    @WithDefault("false")
    boolean storageAntiAffinityRequired();

    /**
     * How fast a new shard's pods copy their range in a split, in bytes per second (0:
     * unlimited): handed to them as {@value ShardStatefulSet#HAND_OFF_RATE_ENV}.
     */
    @WithDefault("0")
    long splitBytesPerSecond();

    /** Name of the Lease that operator replicas compete for. */
    @WithDefault("kubedyn-operator-leader")
    String leaseName();

    /**
     * Whether losing the Lease ends the process (the safe choice in a cluster). Off in tests, where
     * the operator's shutdown at the end of the run also gives the Lease up.
     */
    @WithDefault("true")
    boolean exitOnLostLeadership();
}
