package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator's internal certificates against a Kubernetes API (fabric8's mock server). */
@EnableKubernetesMockClient(crud = true)
class InternalCertificatesTest {
    private static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");
    static KubernetesClient client;

    private Secret secret(String namespace, String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
    }

    @Test
    void eachTablesPodsAndTheGatewayGetACertificateFromOneAuthorityRenewedBeforeItsEnd() {
        ShardedTable music = Tables.model(Tables.music());
        InternalCertificates certificates = new InternalCertificates(client, Tables.INTERNAL_TLS);

        certificates.ensure(music, NOW);
        Secret authoritySecret = secret("kubedyn", "kubedyn-internal-ca");
        InternalAuthority authority = InternalAuthority.fromSecretData(authoritySecret.getData());
        Secret pods = secret("prod", "music-internal-tls");
        assertThat(pods.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(pods.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(owner -> assertThat(owner.getName()).isEqualTo("music"));
        assertThat(music.internalTlsNames())
                .containsExactly(
                        "music-shard-0.prod.svc.cluster.local", "*.music-shard-0.prod.svc.cluster.local",
                        "music-shard-1.prod.svc.cluster.local", "*.music-shard-1.prod.svc.cluster.local",
                        "music-shard-2.prod.svc.cluster.local", "*.music-shard-2.prod.svc.cluster.local");
        assertThat(authority.current(pods.getData(), music.internalTlsNames(), NOW.plus(Duration.ofDays(89))))
                .isTrue();
        Secret gateway = secret("kubedyn", "kubedyn-gateway-internal-tls");
        assertThat(authority.current(gateway.getData(), List.of(), NOW.plus(Duration.ofDays(89))))
                .isTrue();

        // Current: left alone, the same key and certificate.
        certificates.ensure(music, NOW.plus(Duration.ofDays(59)));
        assertThat(secret("prod", "music-internal-tls").getData()).isEqualTo(pods.getData());

        // Within 30 days of its end: issued again, by the same authority, which another operator
        // process (a new leader) reads back from its Secret rather than making its own.
        new InternalCertificates(client, Tables.INTERNAL_TLS).ensure(music, NOW.plus(Duration.ofDays(61)));
        Secret renewed = secret("prod", "music-internal-tls");
        assertThat(renewed.getData()).isNotEqualTo(pods.getData());
        assertThat(secret("kubedyn", "kubedyn-internal-ca").getData()).isEqualTo(authoritySecret.getData());
        assertThat(authority.current(renewed.getData(), music.internalTlsNames(), NOW.plus(Duration.ofDays(150))))
                .isTrue();
    }

    @Test
    void aTableWithMoreShardsGetsACertificateNamingThemToo() {
        InternalCertificates certificates = new InternalCertificates(client, Tables.INTERNAL_TLS);
        var table = Tables.music();
        table.getMetadata().setNamespace("growing");
        certificates.ensure(Tables.model(table), NOW);
        Secret before = secret("growing", "music-internal-tls");

        table.getSpec().setShards(4);
        ShardedTable grown = Tables.model(table);
        certificates.ensure(grown, NOW.plus(Duration.ofMinutes(1)));
        Secret after = secret("growing", "music-internal-tls");
        assertThat(after.getData()).isNotEqualTo(before.getData());
        assertThat(InternalAuthority.fromSecretData(
                                secret("kubedyn", "kubedyn-internal-ca").getData())
                        .current(after.getData(), grown.internalTlsNames(), NOW))
                .isTrue();
        assertThat(grown.internalTlsNames()).contains("*.music-shard-3.growing.svc.cluster.local");
    }

    /**
     * The operator's own client certificate, for the pods' mutual-TLS port: a server requiring a
     * certificate of the authority (as a storage pod's is) answers the operator's client, and
     * refuses a client that trusts the same authority but holds no certificate.
     */
    @Test
    void theOperatorsClientHoldsACertificateOfTheAuthorityThatAPodRequiringOneAccepts() throws Exception {
        InternalCertificates certificates = new InternalCertificates(client, Tables.INTERNAL_TLS);
        Instant now = Instant.now();
        HttpClient operator = certificates.podClient(now);
        assertThat(certificates.podClient(now.plus(Duration.ofDays(59))))
                .as("kept while current")
                .isSameAs(operator);
        assertThat(certificates.podClient(now.plus(Duration.ofDays(61))))
                .as("issued again near its end")
                .isNotSameAs(operator);

        InternalAuthority authority = InternalAuthority.fromSecretData(
                secret("kubedyn", "kubedyn-internal-ca").getData());
        java.util.Map<String, String> podCertificate =
                authority.issue("pod", List.of("localhost"), now, Duration.ofDays(1));
        HttpsServer pod = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pod.setHttpsConfigurator(new HttpsConfigurator(InternalAuthority.clientContext(podCertificate)) {
            @Override
            public void configure(HttpsParameters parameters) {
                javax.net.ssl.SSLParameters required = getSSLContext().getDefaultSSLParameters();
                required.setNeedClientAuth(true);
                parameters.setSSLParameters(required);
            }
        });
        java.util.List<String> callers = new java.util.concurrent.CopyOnWriteArrayList<>();
        pod.createContext("/", exchange -> {
            try {
                callers.add(((com.sun.net.httpserver.HttpsExchange) exchange)
                        .getSSLSession()
                        .getPeerPrincipal()
                        .getName());
            } catch (Throwable e) {
                callers.add(e.toString());
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        pod.start();
        try {
            URI uri = URI.create("https://localhost:" + pod.getAddress().getPort() + "/");
            assertThat(operator.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(200);
            assertThat(callers).containsExactly("CN=kubedyn operator");

            javax.net.ssl.SSLContext trustOnly = javax.net.ssl.SSLContext.getInstance("TLS");
            java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry(
                    "authority",
                    java.security.cert.CertificateFactory.getInstance("X.509")
                            .generateCertificate(new java.io.ByteArrayInputStream(
                                    authority.certificatePem().getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            trustOnly.init(null, trust.getTrustManagers(), null);
            HttpClient stranger = HttpClient.newBuilder().sslContext(trustOnly).build();
            assertThatThrownBy(() ->
                            stranger.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()))
                    .as("no certificate")
                    .isInstanceOf(IOException.class);
            assertThat(callers).hasSize(1);
        } finally {
            pod.stop(0);
        }
    }
}
