package io.kubedyn.storage.pod;

import io.kubedyn.storage.InternalTls;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The pod's mutual-TLS HTTP port, with internal TLS on: what the operator changes on a running
 * pod (a shard group's voters, {@link GroupMembership}) is served here only, to callers holding a
 * certificate of the internal authority, the one the gRPC and Raft ports require
 * ({@link InternalTls}, its files read again as they are renewed). The plain HTTP port keeps
 * what the kubelet and Prometheus read. Without internal TLS there is no such port.
 */
@ApplicationScoped
public class InternalHttpsServer {
    private final InternalTls tls;
    private final GroupMembership membership;
    private final Vertx vertx;
    private final String host;
    private final int port;
    private HttpServer server;

    InternalHttpsServer(
            InternalTls tls,
            GroupMembership membership,
            Vertx vertx,
            @ConfigProperty(name = "quarkus.http.host", defaultValue = "0.0.0.0") String host,
            // The operator's Kubernetes manifests name the same port (ShardIdentity.ADMIN_PORT).
            @ConfigProperty(name = "kubedyn.storage.admin-port", defaultValue = "9092") int port) {
        this.tls = tls;
        this.membership = membership;
        this.vertx = vertx;
        this.host = host;
        this.port = port;
    }

    void start(@Observes StartupEvent event) throws Exception {
        if (!tls.enabled()) {
            return;
        }
        Router router = Router.router(vertx);
        membership.serveOperatorChanges(router);
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setSsl(true)
                .setClientAuth(ClientAuth.REQUIRED)
                .setKeyCertOptions(KeyCertOptions.wrap(tls.keys()))
                .setTrustOptions(TrustOptions.wrap(tls.trust()));
        server = vertx.createHttpServer(options)
                .requestHandler(router)
                .listen()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        Log.infof("kubedyn storage pod: changes by the operator on %s:%d, mutual TLS", host, server.actualPort());
    }

    void stop(@Observes ShutdownEvent event) throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
