package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The packaged server with its tls profile and a key pair in PEM files, as the chart mounts a
 * kubernetes.io/tls Secret: the AWS SDK is served over HTTPS, plain HTTP is not served at all,
 * and a renewed certificate written over the files is what new connections get.
 */
class GatewayTlsIT {
    @TempDir
    Path dir;

    /** A self-signed key pair for localhost, made by the JDK's keytool, in a PKCS12 store. */
    private KeyStore keyPair(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "gateway",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-keystore",
                        store.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor())
                .as(new String(process.getInputStream().readAllBytes()))
                .isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        return keys;
    }

    /**
     * Writes the pair as a kubernetes.io/tls Secret's volume holds it (tls.crt and tls.key in
     * PEM) and swaps it in as the kubelet does: both files in a new directory, then one atomic
     * rename of the link {@code tls} to it, so no reader ever sees one file new and one old.
     */
    private void mount(KeyStore keys, String version) throws Exception {
        Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes());
        Path directory = Files.createDirectories(dir.resolve("secret-" + version));
        Files.writeString(
                directory.resolve("tls.crt"),
                "-----BEGIN CERTIFICATE-----\n"
                        + base64.encodeToString(keys.getCertificate("gateway").getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        Files.writeString(
                directory.resolve("tls.key"),
                "-----BEGIN PRIVATE KEY-----\n"
                        + base64.encodeToString(
                                keys.getKey("gateway", "changeit".toCharArray()).getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        Path link = Files.createSymbolicLink(dir.resolve("tls-" + version), directory);
        Files.move(
                link,
                dir.resolve("tls"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static TrustManager[] trusting(KeyStore... pairs) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (int i = 0; i < pairs.length; i++) {
            trusted.setCertificateEntry("pair" + i, pairs[i].getCertificate("gateway"));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        return factory.getTrustManagers();
    }

    /**
     * The certificate a new TLS connection to the server is shown; tried again, as a client
     * would, when the server closes the connection as it swaps its certificate in (see below).
     */
    private static X509Certificate presented(int port, TrustManager[] trust) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust, null);
        // A deadline rather than a count: on a busy two-core machine a swap takes long enough for
        // three quick attempts in a row to meet it (seen in a CI run).
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
                socket.startHandshake();
                return (X509Certificate) socket.getSession().getPeerCertificates()[0];
            } catch (javax.net.ssl.SSLHandshakeException closedDuringSwap) {
                if (System.nanoTime() > deadline) {
                    throw closedDuringSwap;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void theSdkIsServedOverHttpsOnlyAndARenewedCertificateTakesOver() throws Exception {
        KeyStore first = keyPair("first");
        KeyStore renewed = keyPair("renewed");
        mount(first, "1");
        Path tls = dir.resolve("tls");
        TrustManager[] trust = trusting(first, renewed);
        try (ServerProcess server = new ServerProcess(
                                dir.resolve("data"),
                                List.of(
                                        "-Dquarkus.profile=prod,tls",
                                        "-Dkubedyn.tls.directory=" + tls,
                                        "-Dquarkus.tls.reload-period=3s"),
                                "https",
                                endpoint -> DynamoDbClients.atTls(endpoint, trust))
                        .start();
                // A user's client, which retries: the server re-reads its certificate every 3 s
                // here, and Vert.x 4.5 closes a connection it accepts while swapping it in (a
                // NullPointerException in TCPServerBase in the server's log; seen in CI runs, where
                // a busy machine made a swap last through three quick attempts).
                DynamoDbClient dynamo = DynamoDbClients.atTlsRetrying(server.endpoint(), trust)) {
            dynamo.createTable(b -> b.tableName("Music")
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
                    .keySchema(k -> k.attributeName("id").keyType("HASH")));
            DynamoDbClients.awaitActive(dynamo, "Music");
            dynamo.putItem(b -> b.tableName("Music").item(Map.of("id", AttributeValue.fromS("over-tls"))));
            assertThat(dynamo.getItem(b -> b.tableName("Music").key(Map.of("id", AttributeValue.fromS("over-tls"))))
                            .item())
                    .isNotEmpty();

            int port = server.endpoint().getPort();
            try (DynamoDbClient plain = DynamoDbClients.at(java.net.URI.create("http://127.0.0.1:" + port))) {
                assertThatThrownBy(plain::listTables)
                        .as("no plain HTTP on the port")
                        .isInstanceOf(SdkClientException.class);
            }
            try (DynamoDbClient untrusting = DynamoDbClients.atTls(server.endpoint(), trusting(renewed))) {
                assertThatThrownBy(untrusting::listTables)
                        .as("a client that does not trust the certificate")
                        .isInstanceOf(SdkClientException.class);
            }

            X509Certificate before = presented(port, trust);
            assertThat(before).isEqualTo(first.getCertificate("gateway"));
            mount(renewed, "2");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!presented(port, trust).equals(renewed.getCertificate("gateway")) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(presented(port, trust))
                    .as("the renewed certificate, without a restart")
                    .isEqualTo(renewed.getCertificate("gateway"));
            assertThat(dynamo.getItem(b -> b.tableName("Music").key(Map.of("id", AttributeValue.fromS("over-tls"))))
                            .item())
                    .isNotEmpty();
        }
    }
}
