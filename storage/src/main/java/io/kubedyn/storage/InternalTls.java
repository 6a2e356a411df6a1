package io.kubedyn.storage;

import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * How kubedyn's processes reach each other over gRPC (the gateway and the storage pods, the
 * pods among themselves, a shard's Raft peers): in plain text, or with mutual TLS.
 *
 * <p>With mutual TLS every process holds a certificate and its key, and trusts one authority:
 * a server refuses any peer without a certificate that authority signed, and a client checks
 * the server's certificate names the address it dialled (a pod's DNS name). The three files
 * are a directory's {@code tls.crt}, {@code tls.key} (PKCS#8) and {@code ca.crt}, the layout of
 * a {@code kubernetes.io/tls} Secret as cert-manager writes it, and they are read again every
 * minute, so a renewed certificate is used by every new connection without a restart.
 */
public final class InternalTls implements AutoCloseable {
    /**
     * The largest gRPC message between kubedyn's processes (a storage pod's server takes as much,
     * {@code quarkus.grpc.server.max-inbound-message-size}): a batch's share and its answer fit.
     */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    /** Plain text: no certificates. */
    public static final InternalTls PLAINTEXT = new InternalTls(null, null, null, null, null);

    private final Path directory;
    private final AdvancedTlsX509KeyManager keys;
    private final AdvancedTlsX509TrustManager trust;
    /** Every channel's: the managers under it reload, so one context serves for good. */
    private final SslContext clientContext;

    private final ScheduledExecutorService reloads;

    private InternalTls(
            Path directory,
            AdvancedTlsX509KeyManager keys,
            AdvancedTlsX509TrustManager trust,
            SslContext clientContext,
            ScheduledExecutorService reloads) {
        this.directory = directory;
        this.keys = keys;
        this.trust = trust;
        this.clientContext = clientContext;
        this.reloads = reloads;
    }

    /** Mutual TLS from {@code directory} if given, plain text otherwise. */
    public static InternalTls of(Optional<Path> directory) {
        return directory.map(InternalTls::fromDirectory).orElse(PLAINTEXT);
    }

    /**
     * Mutual TLS from {@code directory}'s {@code tls.crt}, {@code tls.key} and {@code ca.crt};
     * refused at once (not at the first connection) when one is missing or does not parse.
     */
    public static InternalTls fromDirectory(Path directory) {
        for (String name : new String[] {"tls.crt", "tls.key", "ca.crt"}) {
            if (!Files.isReadable(directory.resolve(name))) {
                throw new IllegalArgumentException("internal TLS: " + directory.resolve(name)
                        + " is missing or unreadable (the directory needs tls.crt, tls.key and ca.crt)");
            }
        }
        ScheduledExecutorService reloads = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kubedyn-internal-tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        try {
            AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
            keys.updateIdentityCredentials(
                    file(directory, "tls.crt"), file(directory, "tls.key"), 1, TimeUnit.MINUTES, reloads);
            AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder()
                    .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION)
                    .build();
            trust.updateTrustCredentials(file(directory, "ca.crt"), 1, TimeUnit.MINUTES, reloads);
            return new InternalTls(
                    directory,
                    keys,
                    trust,
                    GrpcSslContexts.forClient()
                            .keyManager(keys)
                            .trustManager(trust)
                            .build(),
                    reloads);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            reloads.shutdownNow();
            throw new IllegalArgumentException(
                    "internal TLS: cannot read the certificate, key (PKCS#8) and " + "authority in " + directory + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static File file(Path directory, String name) {
        return directory.resolve(name).toFile();
    }

    public boolean enabled() {
        return keys != null;
    }

    /** Where the certificates are read from; empty in plain text. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** This process's certificate and key (reloaded), for a server or Raft; null in plain text. */
    public AdvancedTlsX509KeyManager keys() {
        return keys;
    }

    /** The authority peers' certificates must come from (reloaded); null in plain text. */
    public AdvancedTlsX509TrustManager trust() {
        return trust;
    }

    /**
     * A channel builder to a storage pod's gRPC {@code address} ({@code host:port}), taking
     * answers as large as a pod sends ({@link #MAX_MESSAGE_BYTES}).
     */
    public NettyChannelBuilder channel(String address) {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(address).maxInboundMessageSize(MAX_MESSAGE_BYTES);
        return enabled() ? builder.sslContext(clientContext) : builder.usePlaintext();
    }

    /** The server side: this certificate, and a client certificate from the authority required. */
    public SslContext serverContext() {
        if (!enabled()) {
            throw new IllegalStateException("internal TLS is not configured");
        }
        try {
            return GrpcSslContexts.configure(io.netty.handler.ssl.SslContextBuilder.forServer(keys)
                            .trustManager(trust)
                            .clientAuth(ClientAuth.REQUIRE))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("internal TLS: cannot make a server context", e);
        }
    }

    @Override
    public void close() {
        if (reloads != null) {
            reloads.shutdownNow();
        }
    }
}
