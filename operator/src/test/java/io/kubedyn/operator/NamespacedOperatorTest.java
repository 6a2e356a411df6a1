package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubedyn.crd.Table;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.FileInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator told to serve one namespace (the chart's operator.watchNamespaces, which sets
 * this same property): it lays out the Tables there and leaves every other namespace's alone,
 * so Roles in the named namespaces are all it needs.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = LeaseAccessReview.class)
@TestProfile(NamespacedOperatorTest.WatchingOneNamespace.class)
class NamespacedOperatorTest {

    public static class WatchingOneNamespace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.operator-sdk.controllers.table.namespaces", "watched");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    private Table music(KubernetesClient client, String namespace) throws Exception {
        try (InputStream yaml = new FileInputStream("../docs/examples/music-table.yaml")) {
            Table table = client.resources(Table.class).load(yaml).item();
            table.getMetadata().setNamespace(namespace);
            return client.resources(Table.class)
                    .inNamespace(namespace)
                    .resource(table)
                    .create();
        }
    }

    @Test
    void onlyTheTablesOfTheWatchedNamespaceAreLaidOut() throws Exception {
        KubernetesClient client = server.getClient();
        music(client, "elsewhere");
        music(client, "watched");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(client.apps()
                            .statefulSets()
                            .inNamespace("watched")
                            .list()
                            .getItems())
                    .hasSize(3);
            assertThat(client.resources(Table.class)
                            .inNamespace("watched")
                            .withName("music")
                            .get()
                            .getStatus()
                            .getPhase())
                    .isNotNull();
        });
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(client.apps()
                            .statefulSets()
                            .inNamespace("elsewhere")
                            .list()
                            .getItems())
                    .isEmpty();
            var untouched = client.resources(Table.class)
                    .inNamespace("elsewhere")
                    .withName("music")
                    .get()
                    .getStatus();
            assertThat(untouched.getPhase()).as("no phase reported").isNull();
            assertThat(untouched.getConditions()).isEmpty();
        });
    }
}
