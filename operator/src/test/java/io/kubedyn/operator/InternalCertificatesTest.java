package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
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
    assertThat(pods.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getName()).isEqualTo("music"));
    assertThat(music.internalTlsNames()).containsExactly(
        "music-shard-0.prod.svc.cluster.local", "*.music-shard-0.prod.svc.cluster.local",
        "music-shard-1.prod.svc.cluster.local", "*.music-shard-1.prod.svc.cluster.local",
        "music-shard-2.prod.svc.cluster.local", "*.music-shard-2.prod.svc.cluster.local");
    assertThat(authority.current(pods.getData(), music.internalTlsNames(), NOW.plus(Duration.ofDays(89))))
        .isTrue();
    Secret gateway = secret("kubedyn", "kubedyn-gateway-internal-tls");
    assertThat(authority.current(gateway.getData(), List.of(), NOW.plus(Duration.ofDays(89)))).isTrue();

    // Current: left alone, the same key and certificate.
    certificates.ensure(music, NOW.plus(Duration.ofDays(59)));
    assertThat(secret("prod", "music-internal-tls").getData()).isEqualTo(pods.getData());

    // Within 30 days of its end: issued again, by the same authority, which another operator
    // process (a new leader) reads back from its Secret rather than making its own.
    new InternalCertificates(client, Tables.INTERNAL_TLS).ensure(music, NOW.plus(Duration.ofDays(61)));
    Secret renewed = secret("prod", "music-internal-tls");
    assertThat(renewed.getData()).isNotEqualTo(pods.getData());
    assertThat(secret("kubedyn", "kubedyn-internal-ca").getData()).isEqualTo(authoritySecret.getData());
    assertThat(authority.current(renewed.getData(), music.internalTlsNames(),
        NOW.plus(Duration.ofDays(150)))).isTrue();
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
    assertThat(InternalAuthority.fromSecretData(secret("kubedyn", "kubedyn-internal-ca").getData())
        .current(after.getData(), grown.internalTlsNames(), NOW)).isTrue();
    assertThat(grown.internalTlsNames()).contains("*.music-shard-3.growing.svc.cluster.local");
  }
}
