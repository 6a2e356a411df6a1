package io.kubedyn.gateway.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;

/**
 * fabric8's mock API server (CRUD mode) whose watches never report a change: an informer on it
 * lists the resources once and then hears nothing more. That is the extreme of an informer
 * trailing the API server, as every gateway's does for a moment after a change made elsewhere,
 * made deterministic: with the real watch, whether the informer has caught up when the next line
 * of a test runs is a race.
 */
final class SilentWatchApi implements AutoCloseable {
    private final KubernetesMockServer server;
    final KubernetesClient client;

    SilentWatchApi() {
        KubernetesCrudDispatcher resources = new KubernetesCrudDispatcher();
        // Watches are served from a second, empty store: established, and silent for good.
        KubernetesCrudDispatcher silent = new KubernetesCrudDispatcher();
        server = new KubernetesMockServer(
                new Context(),
                new MockWebServer(),
                new HashMap<>(),
                new Dispatcher() {
                    @Override
                    public MockResponse dispatch(RecordedRequest request) {
                        return (request.getPath().contains("watch=true") ? silent : resources).dispatch(request);
                    }
                },
                false);
        server.init();
        client = server.createClient();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
