package io.kubedyn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The run's one self-signed key pair for {@code localhost} (made by the JDK's keytool), which the
 * TLS target serves and every bench client trusts, so that HTTPS is measured as a client with a
 * real certificate chain would pay for it: the same handshake and record encryption.
 */
final class BenchTls {
    private static final String ALIAS = "bench";
    private static final char[] PASSWORD = "bench-password".toCharArray();
    private static KeyStore keys;

    private BenchTls() {}

    private static synchronized KeyStore keys() {
        if (keys == null) {
            try {
                Path dir = Files.createTempDirectory("kubedyn-bench-tls");
                Path store = dir.resolve("bench.p12");
                String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool")
                        .toString();
                Process process = new ProcessBuilder(
                                keytool,
                                "-genkeypair",
                                "-alias",
                                ALIAS,
                                "-keyalg",
                                "EC",
                                "-groupname",
                                "secp256r1",
                                "-dname",
                                "CN=localhost",
                                "-ext",
                                "SAN=dns:localhost,ip:127.0.0.1",
                                "-validity",
                                "7",
                                "-keystore",
                                store.toString(),
                                "-storetype",
                                "PKCS12",
                                "-storepass",
                                new String(PASSWORD))
                        .redirectErrorStream(true)
                        .start();
                String output = new String(process.getInputStream().readAllBytes());
                if (process.waitFor() != 0) {
                    throw new IllegalStateException("keytool failed: " + output);
                }
                KeyStore loaded = KeyStore.getInstance("PKCS12");
                try (var in = Files.newInputStream(store)) {
                    loaded.load(in, PASSWORD);
                }
                keys = loaded;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return keys;
    }

    /** Writes the pair where the gateway's tls profile reads it: tls.crt and tls.key in PEM. */
    static void writePem(Path directory) throws IOException {
        try {
            Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes());
            Files.createDirectories(directory);
            Files.writeString(
                    directory.resolve("tls.crt"),
                    "-----BEGIN CERTIFICATE-----\n"
                            + base64.encodeToString(keys().getCertificate(ALIAS).getEncoded())
                            + "\n-----END CERTIFICATE-----\n");
            Files.writeString(
                    directory.resolve("tls.key"),
                    "-----BEGIN PRIVATE KEY-----\n"
                            + base64.encodeToString(
                                    keys().getKey(ALIAS, PASSWORD).getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trust managers trusting the pair's certificate (and nothing else). */
    static TrustManager[] trustManagers() {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry(ALIAS, keys().getCertificate(ALIAS));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return factory.getTrustManagers();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
