package io.kubedyn.storage.pod;

import io.kubedyn.storage.InternalTls;
import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.quarkus.logging.Log;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The pod's gRPC server with mutual TLS when {@code kubedyn.internal-tls.directory} names the
 * pod's certificate, key and authority ({@link InternalTls}): every caller, the gateway and the
 * other pods, must present a certificate from that authority, or its connection is refused.
 * Quarkus's own {@code quarkus.grpc.server.ssl.*} settings cannot take a PEM authority nor reload
 * their files, so the server's TLS context is set here, from reloading key and trust managers.
 */
@Singleton
public class InternalTlsServer implements ServerBuilderCustomizer<VertxServerBuilder> {
    private final InternalTls tls;

    InternalTlsServer(InternalTls tls) {
        this.tls = tls;
    }

    @Produces
    @Singleton
    static InternalTls internalTls(@ConfigProperty(name = "kubedyn.internal-tls.directory") Optional<Path> directory) {
        return InternalTls.of(directory);
    }

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        if (tls.enabled()) {
            Log.infof(
                    "kubedyn storage pod: gRPC with mutual TLS (certificates from %s)",
                    tls.directory().orElseThrow());
            builder.nettyBuilder().sslContext(tls.serverContext());
        }
    }
}
