package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubedyn.crd.AttributeDefinition;
import io.kubedyn.crd.KeySchemaElement;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableSpec;
import java.util.ArrayList;
import java.util.List;

/** Table objects for tests that need no API server. */
final class Tables {

    private Tables() {}

    static final String DEFAULT_IMAGE = "kubedyn/storage-pod:0.1.0";

    /** The gateway and the operator in namespace kubedyn, as the chart describes them. */
    static final String INGRESS = "{\"grpc\":[{\"namespaceSelector\":{\"matchLabels\":"
            + "{\"kubernetes.io/metadata.name\":\"kubedyn\"}},\"podSelector\":{\"matchLabels\":"
            + "{\"app.kubernetes.io/name\":\"kubedyn-gateway\"}}}],\"http\":[{\"namespaceSelector\":"
            + "{\"matchLabels\":{\"kubernetes.io/metadata.name\":\"kubedyn\"}},\"podSelector\":"
            + "{\"matchLabels\":{\"app.kubernetes.io/name\":\"kubedyn-operator\"}}}]}";

    /** What the Helm chart would give the operator. */
    /** Internal TLS on, as the chart sets it. */
    static final OperatorSettings.InternalTlsSettings INTERNAL_TLS = new OperatorSettings.InternalTlsSettings() {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public String authoritySecret() {
            return "kubedyn/kubedyn-internal-ca";
        }

        @Override
        public String gatewaySecret() {
            return "kubedyn/kubedyn-gateway-internal-tls";
        }
    };

    static final OperatorSettings SETTINGS = new OperatorSettings() {
        @Override
        public String storageImage() {
            return DEFAULT_IMAGE;
        }

        @Override
        public String storageResources() {
            return "{\"requests\":{\"cpu\":\"250m\",\"memory\":\"1Gi\"},\"limits\":{\"memory\":\"1Gi\"}}";
        }

        @Override
        public java.util.Optional<String> storageIngress() {
            return java.util.Optional.of(INGRESS);
        }

        @Override
        public java.util.Optional<List<String>> storageAllowedImages() {
            return java.util.Optional.of(List.of("registry.example/*"));
        }

        @Override
        public String gatewayEndpoint() {
            return "http://kubedyn-gateway.kubedyn.svc:8000";
        }

        @Override
        public InternalTlsSettings internalTls() {
            return INTERNAL_TLS;
        }

        @Override
        public String clusterDomain() {
            return "cluster.local";
        }

        @Override
        public boolean storageAntiAffinityRequired() {
            return false;
        }

        @Override
        public long splitBytesPerSecond() {
            return 0;
        }

        @Override
        public java.time.Duration itemCountInterval() {
            return java.time.Duration.ofMinutes(5);
        }

        @Override
        public String leaseName() {
            return "kubedyn-operator-leader";
        }

        @Override
        public boolean exitOnLostLeadership() {
            return false;
        }
    };

    /** The model of a Table that is valid and has no shards yet. */
    static ShardedTable model(Table table) {
        return model(table, List.of());
    }

    /** The model of a valid Table whose shards' StatefulSets are these. */
    static ShardedTable model(Table table, List<StatefulSet> statefulSets) {
        try {
            return ShardedTable.from(table, SETTINGS, statefulSets, List.of());
        } catch (TableRefused refused) {
            throw new AssertionError("refused: " + refused.getMessage(), refused);
        }
    }

    /** The seed's music table: Artist (S) HASH, SongTitle (S) RANGE, 3 shards. */
    static Table music() {
        Table table = new Table();
        table.setMetadata(new ObjectMetaBuilder()
                .withName("music")
                .withNamespace("prod")
                .withUid("6f1c7a52-0000-4000-8000-000000000001")
                .withGeneration(1L)
                .build());
        TableSpec spec = new TableSpec();
        spec.setAttributeDefinitions(new ArrayList<>(
                List.of(new AttributeDefinition("Artist", "S"), new AttributeDefinition("SongTitle", "S"))));
        spec.setKeySchema(new ArrayList<>(
                List.of(new KeySchemaElement("Artist", "HASH"), new KeySchemaElement("SongTitle", "RANGE"))));
        spec.setShards(3);
        table.setSpec(spec);
        return table;
    }

    /** A global secondary index on {@code partitionKey}, projecting everything. */
    static io.kubedyn.crd.GlobalSecondaryIndex globalIndex(String name, String partitionKey) {
        io.kubedyn.crd.GlobalSecondaryIndex index = new io.kubedyn.crd.GlobalSecondaryIndex();
        index.setIndexName(name);
        index.setKeySchema(List.of(new io.kubedyn.crd.KeySchemaElement(partitionKey, "HASH")));
        io.kubedyn.crd.Projection all = new io.kubedyn.crd.Projection();
        all.setProjectionType("ALL");
        index.setProjection(all);
        return index;
    }
}
