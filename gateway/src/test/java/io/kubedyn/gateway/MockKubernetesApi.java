package io.kubedyn.gateway;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * fabric8's Kubernetes mock API server in CRUD mode for a gateway under test in Kubernetes mode.
 * The gateway builds its client the plain fabric8 way ({@code new KubernetesClientBuilder()}),
 * which reads fabric8's {@code kubernetes.*} system properties: they point it at this server
 * while the test runs and are removed afterwards.
 */
public class MockKubernetesApi implements QuarkusTestResourceLifecycleManager {
    static final String NAMESPACE = "kubedyn";
    private static final List<String> CLIENT_PROPERTIES = List.of(
            Config.KUBERNETES_MASTER_SYSTEM_PROPERTY,
            Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY,
            Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY,
            Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY);

    private KubernetesMockServer server;

    @Override
    public Map<String, String> start() {
        server = new KubernetesMockServer(
                new io.fabric8.mockwebserver.Context(),
                new MockWebServer(),
                new HashMap<>(),
                new KubernetesCrudDispatcher(),
                false);
        server.init();
        System.setProperty(
                Config.KUBERNETES_MASTER_SYSTEM_PROPERTY, "http://" + server.getHostName() + ":" + server.getPort());
        System.setProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
        System.setProperty(Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY, "false");
        System.setProperty(Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY, NAMESPACE);
        return Map.of(
                "kubedyn.backend",
                "cluster",
                "kubedyn.cluster.discovery",
                "kubernetes",
                "kubedyn.cluster.namespace",
                NAMESPACE,
                "kubedyn.cluster.table-shards",
                "3");
    }

    @Override
    public void stop() {
        CLIENT_PROPERTIES.forEach(System::clearProperty);
        if (server != null) {
            server.destroy();
        }
    }
}
