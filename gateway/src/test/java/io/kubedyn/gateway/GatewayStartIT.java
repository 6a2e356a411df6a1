package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** A gateway in cluster mode starts before its storage pods and answers retryably until they are up. */
class GatewayStartIT {
    @TempDir
    Path data;

    @Test
    void clusterGatewayStartsWhileItsStoragePodIsDown() throws Exception {
        int podPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            podPort = socket.getLocalPort();
        }
        try (ServerProcess gateway = new ServerProcess(
                                data,
                                List.of("-Dkubedyn.backend=cluster", "-Dkubedyn.cluster.shards=127.0.0.1:" + podPort))
                        .startWithoutWaitingForTables();
                DynamoDbClient dynamo = DynamoDbClients.at(gateway.endpoint())) {
            assertThatThrownBy(dynamo::listTables)
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(500));
            assertThat(gateway.isAlive()).isTrue();
        }
    }
}
