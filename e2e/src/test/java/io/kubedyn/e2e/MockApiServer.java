package io.kubedyn.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Kubernetes API: fabric8's mock server in CRUD mode over plain HTTP on loopback, with the
 * {@code Table} CRD installed from the Helm chart, as {@code helm install} would, and the
 * namespace the system runs in.
 */
final class MockApiServer implements AutoCloseable {
    private static final Path CHART_CRD = Path.of("..", "helm", "kubedyn", "files", "crds", "tables.kubedyn.io-v1.yml");

    private final Logger mockServerLog = Logger.getLogger("io.fabric8.mockwebserver");
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final String namespace;

    MockApiServer(String namespace) throws IOException {
        this.namespace = namespace;
        // The mock server logs every request it answers; the processes' own logs say more.
        mockServerLog.setLevel(Level.WARNING);
        // CRUD for every resource, server-side apply approximated, plus the one canned answer below.
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        server = new KubernetesMockServer(
                new Context(),
                new MockWebServer(),
                expectations,
                new ServerSideApplyAsMergePatch(new KubernetesMixedDispatcher(expectations)),
                false);
        server.init();
        answerLeaseAccessReviews();
        client = new KubernetesClientBuilder().withConfig(clientConfig()).build();
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(namespace)
                        .endMetadata()
                        .build())
                .create();
        try (InputStream crd = Files.newInputStream(CHART_CRD)) {
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .resource(client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class))
                    .create();
        }
    }

    /**
     * Before taking part in leader election the operator asks, through a SelfSubjectRulesReview,
     * whether it may use Leases. The mock server stores objects but cannot evaluate RBAC, so it
     * answers with the Lease rules the Helm chart's Role grants the operator.
     */
    private void answerLeaseAccessReviews() {
        server.expect()
                .post()
                .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(
                        201,
                        new SelfSubjectRulesReviewBuilder()
                                .withNewStatus()
                                .withIncomplete(false)
                                .addNewResourceRule()
                                .withApiGroups("coordination.k8s.io")
                                .withResources("leases")
                                .withVerbs("create")
                                .endResourceRule()
                                .addNewResourceRule()
                                .withApiGroups("coordination.k8s.io")
                                .withResources("leases")
                                .withResourceNames("kubedyn-operator-leader")
                                .withVerbs("get", "update", "patch")
                                .endResourceRule()
                                .endStatus()
                                .build())
                .always();
    }

    /** The API server's address, as a kubeconfig's {@code server} would hold it. */
    String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** What {@code kubectl} would be: a client of this API server in the system's namespace. */
    KubernetesClient client() {
        return client;
    }

    /**
     * The JVM options that point a process's plain fabric8 client at this server
     * instead of a kubeconfig or a service account.
     */
    List<String> clientOptions() {
        return List.of(
                "-D" + Config.KUBERNETES_MASTER_SYSTEM_PROPERTY + "=" + url(),
                "-D" + Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY + "=" + namespace,
                "-D" + Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY + "=false",
                "-D" + Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY + "=false");
    }

    /** The same for a process whose client comes from Quarkus' kubernetes-client extension. */
    List<String> quarkusClientOptions() {
        List<String> options = new ArrayList<>(clientOptions());
        options.add("-Dquarkus.kubernetes-client.api-server-url=" + url());
        options.add("-Dquarkus.kubernetes-client.namespace=" + namespace);
        return options;
    }

    private Config clientConfig() {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withNamespace(namespace)
                .build();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
