package io.kubedyn.gateway;

import io.kubedyn.core.ShardMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The cluster path as processes, for failure tests: N packaged storage pods (pod i owning
 * {@code i/N} of the hash space) and the packaged gateway in cluster mode in front of them, with
 * a short request timeout so a dead pod is noticed quickly, and an SDK client without retries.
 */
final class PackagedCluster implements AutoCloseable {
    final List<StoragePodProcess> pods = new ArrayList<>();
    private final Path data;
    private final List<String> gatewaySettings;
    private volatile ServerProcess gateway;
    private int gateways;
    final DynamoDbClient dynamo;

    PackagedCluster(Path data, int shards) throws Exception {
        this(data, shards, List.of());
    }

    /** With extra {@code -Dname=value} settings for every storage pod. */
    PackagedCluster(Path data, int shards, List<String> podSettings) throws Exception {
        this(data, shards, podSettings, List.of());
    }

    /** With extra {@code -Dname=value} settings for every storage pod, and for the gateway. */
    PackagedCluster(Path data, int shards, List<String> podSettings, List<String> extraGatewaySettings)
            throws Exception {
        this.data = data;
        try {
            LoopbackPorts ports = new LoopbackPorts();
            for (int i = 0; i < shards; i++) {
                pods.add(new StoragePodProcess(data.resolve("shard-" + i), i, shards, ports));
            }
            String map = ShardMap.equalRanges(
                            pods.stream().map(StoragePodProcess::address).toList())
                    .toString();
            for (StoragePodProcess pod : pods) {
                pod.withShardMap(map).withProperties(podSettings).start();
            }
            String addresses = String.join(
                    ",", pods.stream().map(StoragePodProcess::address).toList());
            List<String> settings = new ArrayList<>(List.of(
                    "-Dkubedyn.backend=cluster",
                    "-Dkubedyn.cluster.shards=" + addresses,
                    "-Dkubedyn.cluster.request-timeout=2s"));
            settings.addAll(extraGatewaySettings);
            gatewaySettings = List.copyOf(settings);
            gateway = new ServerProcess(data.resolve("gateway"), gatewaySettings).start();
            dynamo = DynamoDbClients.at(gateway.endpoint());
        } catch (Exception e) {
            closePods();
            throw e;
        }
    }

    ServerProcess gateway() {
        return gateway;
    }

    /**
     * kill -9 of the gateway, and another gateway process started in its place (on another
     * port, as a new pod behind the Service): clients reach it at {@link #gateway()}'s endpoint.
     */
    void replaceGateway() throws Exception {
        gateway.kill();
        gateways++;
        gateway = new ServerProcess(data.resolve("gateway-" + gateways), gatewaySettings).start();
    }

    /** A table keyed by the string attribute {@code id}, on demand. */
    void createTable(String name) {
        dynamo.createTable(b -> b.tableName(name)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .billingMode("PAY_PER_REQUEST"));
    }

    private void closePods() throws InterruptedException {
        for (StoragePodProcess pod : pods) {
            pod.close();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            dynamo.close();
            gateway.close();
        } finally {
            closePods();
        }
    }
}
