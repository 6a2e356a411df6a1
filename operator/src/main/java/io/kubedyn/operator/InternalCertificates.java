package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.jboss.logging.Logger;

/**
 * Keeps the internal certificates' Secrets current (with internal TLS on): each Table's pods'
 * ({@code <table>-internal-tls}, owned by the Table, naming its shards' DNS names) and the
 * gateway's, issued by the operator's {@link InternalAuthority}. A certificate is issued again
 * when it is missing, names other hosts, came from another authority, or has less than
 * {@link #RENEW_BEFORE} left; the kubelet then updates the mounted files and the processes read
 * them again within a minute, so nothing restarts.
 *
 * <p>The gateway's is made when the operator starts (the gateway's pod waits for it) and looked
 * at again twice a day and with every Table's reconciliation. Several operator replicas may make
 * one at once: the first one written stays.
 */
@jakarta.inject.Singleton
public class InternalCertificates {
    static final Duration VALIDITY = Duration.ofDays(90);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final Logger LOG = Logger.getLogger(InternalCertificates.class);

    private final KubernetesClient client;
    private final OperatorSettings.InternalTlsSettings settings;
    private volatile InternalAuthority authority;

    @jakarta.inject.Inject
    InternalCertificates(KubernetesClient client, OperatorSettings settings) {
        this(client, settings.internalTls());
    }

    InternalCertificates(KubernetesClient client, OperatorSettings.InternalTlsSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    void onStart(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent started) {
        if (!settings.enabled()) {
            return;
        }
        ensureGateway(Instant.now());
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "kubedyn-internal-certificates");
                    thread.setDaemon(true);
                    return thread;
                })
                .scheduleWithFixedDelay(this::renewGateway, 12, 12, java.util.concurrent.TimeUnit.HOURS);
    }

    private void renewGateway() {
        try {
            ensureGateway(Instant.now());
        } catch (RuntimeException e) {
            LOG.warnf(e, "renewing the gateway's internal certificate failed; retrying in 12 hours");
        }
    }

    /** The gateway's certificate, current from {@code now}. */
    void ensureGateway(Instant now) {
        String[] gateway = namespaced(settings.gatewaySecret());
        ensure(gateway[0], gateway[1], "kubedyn gateway", List.of(), null, now);
    }

    /** The pods' certificate of {@code table}, and the gateway's, current from {@code now}. */
    void ensure(ShardedTable table, Instant now) {
        if (!table.internalTls()) {
            return;
        }
        ensure(
                table.namespace(),
                table.internalTlsSecret(),
                table.name() + " storage pods",
                table.internalTlsNames(),
                table.owner(),
                now);
        ensureGateway(now);
    }

    private void ensure(
            String namespace,
            String name,
            String commonName,
            List<String> dnsNames,
            OwnerReference owner,
            Instant now) {
        InternalAuthority issuer = authority(now);
        Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
        if (existing != null && issuer.current(existing.getData(), dnsNames, now.plus(RENEW_BEFORE))) {
            return;
        }
        SecretBuilder secret = new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(Map.of(ShardIdentity.MANAGED_BY_LABEL, ShardIdentity.MANAGED_BY))
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(issuer.issue(commonName, dnsNames, now, VALIDITY));
        if (owner != null) {
            secret.editMetadata().withOwnerReferences(owner).endMetadata();
        }
        try {
            if (existing == null) {
                client.secrets().inNamespace(namespace).resource(secret.build()).create();
            } else {
                secret.editMetadata()
                        .withResourceVersion(existing.getMetadata().getResourceVersion())
                        .endMetadata();
                client.secrets().inNamespace(namespace).resource(secret.build()).update();
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // Written meanwhile by another operator process: theirs stands, and is looked at next time.
            return;
        }
        LOG.infof(
                "issued the internal certificate %s/%s (%s), valid for %d days",
                namespace, name, commonName, VALIDITY.toDays());
    }

    /** An HTTPS client and when its certificate is to be issued again. */
    private record PodClient(HttpClient client, Instant renewAt) {}

    private volatile PodClient podClient;

    /**
     * An HTTPS client for the storage pods' mutual-TLS port ({@link ShardIdentity#ADMIN_PORT}):
     * it holds the operator's own certificate of the authority, kept in memory only and issued
     * again when less than {@link #RENEW_BEFORE} of it is left.
     */
    HttpClient podClient(Instant now) {
        PodClient current = podClient;
        if (current == null || !now.isBefore(current.renewAt())) {
            synchronized (this) {
                current = podClient;
                if (current == null || !now.isBefore(current.renewAt())) {
                    SSLContext context = InternalAuthority.clientContext(authority(now)
                            .issue(io.kubedyn.core.OperatorCertificate.COMMON_NAME, List.of(), now, VALIDITY));
                    current = new PodClient(
                            HttpClient.newBuilder()
                                    .sslContext(context)
                                    .connectTimeout(Duration.ofSeconds(2))
                                    .build(),
                            now.plus(VALIDITY).minus(RENEW_BEFORE));
                    podClient = current;
                }
            }
        }
        return current.client();
    }

    /** The authority from its Secret, which is made (once, by whoever is first) when missing. */
    private InternalAuthority authority(Instant now) {
        InternalAuthority known = authority;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (authority != null) {
                return authority;
            }
            String[] at = namespaced(settings.authoritySecret());
            Secret stored = client.secrets().inNamespace(at[0]).withName(at[1]).get();
            if (stored == null) {
                InternalAuthority made = InternalAuthority.create("kubedyn internal authority", now);
                try {
                    client.secrets()
                            .inNamespace(at[0])
                            .resource(new SecretBuilder()
                                    .withNewMetadata()
                                    .withName(at[1])
                                    .withNamespace(at[0])
                                    .withLabels(Map.of(ShardIdentity.MANAGED_BY_LABEL, ShardIdentity.MANAGED_BY))
                                    .endMetadata()
                                    .withType("Opaque")
                                    .withData(made.secretData())
                                    .build())
                            .create();
                    LOG.infof("made the internal certificate authority in Secret %s/%s", at[0], at[1]);
                    authority = made;
                    return made;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                    // Made meanwhile by another: use that one.
                    stored = client.secrets().inNamespace(at[0]).withName(at[1]).get();
                }
            }
            authority = InternalAuthority.fromSecretData(stored.getData());
            return authority;
        }
    }

    private static String[] namespaced(String reference) {
        int slash = reference.indexOf('/');
        if (slash <= 0 || slash == reference.length() - 1) {
            throw new IllegalArgumentException("expected namespace/name, got '" + reference + "'");
        }
        return new String[] {reference.substring(0, slash), reference.substring(slash + 1)};
    }
}
