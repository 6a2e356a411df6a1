package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Large answers go with chunked transfer encoding, as DynamoDB sends them, and a client that
 * hangs up in the middle of one leaves the server serving everyone else. Read over a plain
 * socket, to see the encoding the SDK hides.
 */
@QuarkusTest
class ChunkedResponseTest extends EmbeddedServerTest {
    private static final int ITEMS = 40;

    @BeforeEach
    void bigItems() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        String padding = "x".repeat(30_000);
        for (int i = 0; i < ITEMS; i++) {
            String id = "item-" + i;
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of("id", AttributeValue.fromS(id), "padding", AttributeValue.fromS(padding))));
        }
    }

    /** An HTTP/1.1 Scan of the table, with an Authorization header of SigV4's form. */
    private byte[] scanRequest() {
        String body = "{\"TableName\":\"" + table + "\"}";
        return ("POST / HTTP/1.1\r\nHost: " + endpoint().getAuthority() + "\r\n"
                        + "Content-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.Scan\r\n"
                        + "X-Amz-Date: 20261130T000000Z\r\nAuthorization: AWS4-HMAC-SHA256 Credential=any/20261130/"
                        + "us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0\r\n"
                        + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** An answer as read off the socket: its headers and its body put back together from its chunks. */
    private record Answer(Map<String, String> headers, byte[] body, int chunks) {}

    /** Sends a Scan and reads the answer, pausing {@code pauseMillis} after every 16 KB read. */
    private Answer scan(int pauseMillis) throws IOException, InterruptedException {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress(
                    endpoint().getHost(), endpoint().getPort()));
            socket.getOutputStream().write(scanRequest());
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 16 * 1024);
            assertThat(RawHttp.line(in)).isEqualTo("HTTP/1.1 200 OK");
            Map<String, String> headers = RawHttp.headers(in);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int chunks = 0;
            for (int size = Integer.parseInt(RawHttp.line(in), 16);
                    size > 0;
                    size = Integer.parseInt(RawHttp.line(in), 16)) {
                for (int left = size; left > 0; ) {
                    byte[] part = in.readNBytes(Math.min(left, 16 * 1024));
                    body.write(part);
                    left -= part.length;
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                }
                assertThat(RawHttp.line(in)).isEmpty();
                chunks++;
            }
            return new Answer(headers, body.toByteArray(), chunks);
        }
    }

    private static void assertWhole(Answer answer) {
        assertThat(answer.headers())
                .containsEntry("transfer-encoding", "chunked")
                .doesNotContainKey("content-length");
        assertThat(answer.chunks()).isGreaterThan(1);
        CRC32 crc = new CRC32();
        crc.update(answer.body());
        assertThat(answer.headers().get("x-amz-crc32")).isEqualTo(Long.toString(crc.getValue()));
        assertThat(new String(answer.body(), StandardCharsets.UTF_8))
                .contains("\"Count\":")
                .contains("item-")
                .endsWith("}");
    }

    @Test
    void aLargeAnswerIsChunkedAndItsCrcIsThatOfTheWholeBody() throws Exception {
        assertWhole(scan(0));
        // The SDK reads the same answers (and checks their CRC32) as any other.
        assertThat(dynamo.scanPaginator(b -> b.tableName(table)).items().stream()
                        .count())
                .isEqualTo(ITEMS);
    }

    @Test
    void aSlowReaderIsFedAtItsPaceAndGetsTheWholeAnswer() throws Exception {
        // The connection's write queue fills long before the client has read the answer: the rest
        // of it waits for the queue to drain, then follows, to the last byte.
        Answer slow = scan(5);
        assertWhole(slow);
        assertThat(slow.body()).isEqualTo(scan(0).body());
    }

    @Test
    void clientsThatHangUpMidAnswerDoNotDisturbTheServer() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (Socket socket = new Socket(endpoint().getHost(), endpoint().getPort())) {
                socket.setReceiveBufferSize(4096);
                OutputStream out = socket.getOutputStream();
                out.write(scanRequest());
                assertThat(socket.getInputStream().readNBytes(2048)).hasSize(2048);
            }
        }
        assertThat(dynamo.scanPaginator(b -> b.tableName(table)).items().stream()
                        .count())
                .isEqualTo(ITEMS);
        assertThat(dynamo.getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS("item-7"))))
                        .item()
                        .get("padding")
                        .s())
                .hasSize(30_000);
    }
}
