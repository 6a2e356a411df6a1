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
    private final ServerProcess gateway;
    final DynamoDbClient dynamo;

    PackagedCluster(Path data, int shards) throws Exception {
        try {
            LoopbackPorts ports = new LoopbackPorts();
            for (int i = 0; i < shards; i++) {
                pods.add(new StoragePodProcess(data.resolve("shard-" + i), i, shards, ports));
            }
            String map = ShardMap.equalRanges(pods.stream().map(StoragePodProcess::address).toList()).toString();
            for (StoragePodProcess pod : pods) {
                pod.withShardMap(map).start();
            }
            String addresses = String.join(",", pods.stream().map(StoragePodProcess::address).toList());
            gateway = new ServerProcess(data.resolve("gateway"), List.of("-Dkubedyn.backend=cluster",
                    "-Dkubedyn.cluster.shards=" + addresses, "-Dkubedyn.cluster.request-timeout=2s")).start();
            dynamo = DynamoDbClients.at(gateway.endpoint());
        } catch (Exception e) {
            closePods();
            throw e;
        }
    }

    ServerProcess gateway() {
        return gateway;
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
