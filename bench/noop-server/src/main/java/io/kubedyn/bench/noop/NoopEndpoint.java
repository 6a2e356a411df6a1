package io.kubedyn.bench.noop;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The benchmark's ceiling: {@code POST /} on the gateway's HTTP stack (Quarkus vertx-http, the
 * same body handler and response headers) answering every DynamoDB request with {@code {}} and
 * doing nothing else. Measured with the same client as kubedyn, it is the most any server on this
 * stack could reach on this machine, so kubedyn's share of it says what its own work costs.
 *
 * <p>It answers on the event loop: a hop to a worker thread is a choice of the gateway (its writes
 * block on the WAL sync), and its cost belongs to kubedyn's side of the ratio, not to the ceiling.
 */
@ApplicationScoped
public class NoopEndpoint {
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final String CRC32_OF_EMPTY_OBJECT = crc32(EMPTY_OBJECT);

    void route(@Observes Router router) {
        router.post("/")
                .handler(BodyHandler.create().setBodyLimit(16 * 1024 * 1024).setHandleFileUploads(false))
                .handler(this::handle);
    }

    private void handle(RoutingContext context) {
        context.response()
                .setStatusCode(200)
                .putHeader("Content-Type", "application/x-amz-json-1.0")
                .putHeader("x-amzn-RequestId", UUID.randomUUID().toString())
                .putHeader("x-amz-crc32", CRC32_OF_EMPTY_OBJECT)
                // A fresh buffer per response, as the gateway makes one: a shared Netty buffer's indices
                // would be shared too.
                .end(Buffer.buffer(EMPTY_OBJECT));
    }

    private static String crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return Long.toString(crc.getValue());
    }
}
