package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The packaged server against clients that hold it: bodies sent slowly, connections left idle.
 * It keeps serving others while they hold it, refuses bodies past its memory budget with a
 * retryable ThrottlingException, and lets go of each after its deadline.
 */
class SlowClientsIT {
    private static final int DECLARED = 16_000_000;

    @TempDir
    Path data;

    /** A POST that declares a 16 MB PutItem body, then sends 1 KB of it and waits. */
    private static Socket slowPut(URI endpoint) throws IOException {
        Socket socket = new Socket(endpoint.getHost(), endpoint.getPort());
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST / HTTP/1.1\r\nHost: " + endpoint.getHost() + "\r\nContent-Type: application/x-amz-json-1.0\r\n"
                        + "X-Amz-Target: DynamoDB_20120810.PutItem\r\nContent-Length: " + DECLARED + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(("{\"TableName\": \"Music\", \"Item\": {\"id\": {\"S\": \"" + "x".repeat(1000))
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static String answer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        StringBuilder text = new StringBuilder();
        int read;
        while ((read = in.read(buffer)) >= 0) {
            text.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }

    @Test
    void slowBodiesAreBoundedInMemoryAndTimeWhileOthersAreServed() throws Exception {
        try (ServerProcess server = new ServerProcess(
                                data.resolve("server"),
                                List.of(
                                        "-Dkubedyn.http.body-budget=40M",
                                        "-Dkubedyn.http.body-timeout=2s",
                                        "-Dquarkus.http.idle-timeout=6s"))
                        .startWithoutWaitingForTables();
                DynamoDbClient dynamo = DynamoDbClients.at(server.endpoint())) {
            dynamo.createTable(b -> b.tableName("Music")
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
                    .keySchema(k -> k.attributeName("id").keyType("HASH")));
            DynamoDbClients.awaitActive(dynamo, "Music");
            List<Socket> slow = new ArrayList<>();
            try {
                // Two slow bodies hold 32 MB of the 40 MB budget; a third does not fit.
                slow.add(slowPut(server.endpoint()));
                slow.add(slowPut(server.endpoint()));
                Thread.sleep(300);
                try (Socket third = slowPut(server.endpoint())) {
                    String refused = answer(third);
                    assertThat(refused)
                            .startsWith("HTTP/1.1 400")
                            .contains("ThrottlingException")
                            .containsIgnoringCase("connection: close");
                }
                long started = System.nanoTime();
                dynamo.putItem(b -> b.tableName("Music").item(Map.of("id", AttributeValue.fromS("served"))));
                assertThat(dynamo.getItem(b -> b.tableName("Music").key(Map.of("id", AttributeValue.fromS("served"))))
                                .item())
                        .as("others are served while the slow bodies wait")
                        .isNotEmpty();
                assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2_000);

                // Past the deadline the slow clients are answered 408 and let go.
                for (Socket socket : slow) {
                    assertThat(answer(socket)).startsWith("HTTP/1.1 408");
                }
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
            // Their memory is given back: two more slow bodies fit again, then go the same way.
            try (Socket again = slowPut(server.endpoint());
                    Socket andAgain = slowPut(server.endpoint())) {
                assertThat(answer(again)).startsWith("HTTP/1.1 408");
                assertThat(answer(andAgain)).startsWith("HTTP/1.1 408");
            }
            // A connection that sends nothing is closed after the idle timeout.
            try (Socket idle =
                    new Socket(server.endpoint().getHost(), server.endpoint().getPort())) {
                idle.setSoTimeout(15_000);
                long opened = System.nanoTime();
                assertThat(idle.getInputStream().read()).isEqualTo(-1);
                assertThat((System.nanoTime() - opened) / 1_000_000).isBetween(5_000L, 9_500L);
            }
            assertThat(dynamo.getItem(b -> b.tableName("Music").key(Map.of("id", AttributeValue.fromS("served"))))
                            .item())
                    .as("the server is unharmed")
                    .isNotEmpty();
        }
    }
}
