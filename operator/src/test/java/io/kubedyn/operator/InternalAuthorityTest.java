package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InternalAuthorityTest {
    private static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");
    private static final List<String> NAMES =
            List.of("music-shard-0.prod.svc.cluster.local", "*.music-shard-0.prod.svc.cluster.local");

    private static X509Certificate certificate(Map<String, String> data, String name) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(
                        new ByteArrayInputStream(Base64.getDecoder().decode(data.get(name))));
    }

    @Test
    void issuesACertificateItSignedForBothEndsNamingTheHosts() throws Exception {
        InternalAuthority authority = InternalAuthority.create("test authority", NOW);
        Map<String, String> issued = authority.issue("music storage pods", NAMES, NOW, Duration.ofDays(90));

        X509Certificate leaf = certificate(issued, "tls.crt");
        X509Certificate ca = certificate(issued, "ca.crt");
        leaf.verify(ca.getPublicKey());
        assertThat(leaf.getSubjectAlternativeNames().stream()
                        .map(n -> (String) n.get(1))
                        .toList())
                .containsExactlyInAnyOrderElementsOf(NAMES);
        assertThat(leaf.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(90)));
        // PKCS#8, which the pods' key managers read.
        assertThat(new String(Base64.getDecoder().decode(issued.get("tls.key")), StandardCharsets.US_ASCII))
                .startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void aCertificateIsCurrentOnlyFromThisAuthorityForTheseNamesAndNotNearItsEnd() {
        InternalAuthority authority = InternalAuthority.create("test authority", NOW);
        Map<String, String> issued = authority.issue("pods", NAMES, NOW, Duration.ofDays(90));

        assertThat(authority.current(issued, NAMES, NOW.plus(Duration.ofDays(30))))
                .isTrue();
        assertThat(authority.current(issued, List.of(NAMES.get(1), NAMES.get(0)), NOW.plus(Duration.ofDays(30))))
                .as("in another order")
                .isTrue();
        assertThat(authority.current(issued, NAMES, NOW.plus(Duration.ofDays(91))))
                .as("expiring before the day asked for")
                .isFalse();
        assertThat(authority.current(issued, List.of(NAMES.get(0)), NOW))
                .as("other names")
                .isFalse();
        assertThat(InternalAuthority.create("another", NOW).current(issued, NAMES, NOW))
                .as("another authority's")
                .isFalse();
        assertThat(authority.current(null, NAMES, NOW)).isFalse();
        assertThat(authority.current(Map.of("tls.crt", "bm90IGEgY2VydGlmaWNhdGU="), NAMES, NOW))
                .isFalse();
    }

    @Test
    void theAuthorityIsTheSameOnceReadBackFromItsSecret() {
        InternalAuthority authority = InternalAuthority.create("test authority", NOW);
        InternalAuthority read = InternalAuthority.fromSecretData(authority.secretData());
        Map<String, String> issued = read.issue("pods", NAMES, NOW, Duration.ofDays(90));

        assertThat(read.certificatePem()).isEqualTo(authority.certificatePem());
        assertThat(authority.current(issued, NAMES, NOW)).isTrue();
    }
}
