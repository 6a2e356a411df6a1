package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubedyn.crd.Table;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The whole control plane on a real Kubernetes: k3s in a container, the chart installed by
 * Helm, the music Table applied, and the wait for it to become Ready (which needs the
 * storage pods' readiness probes to pass).
 *
 * <p>Needs a Docker engine and the operator and storage-pod images built locally
 * ({@code ./mvnw package -Dquarkus.container-image.build=true}); it is skipped, saying which is
 * missing, otherwise.
 */
class K3sEndToEndTest {

    private static final String K3S_IMAGE = "rancher/k3s:v1.31.4-k3s1";
    private static final String NAMESPACE = "kubedyn";

    private static K3sContainer k3s;
    private static String tag;

    /** Surefire counts a skip but does not print why; this says it on the console too. */
    private static void skipUnless(boolean condition, String reason) {
        if (!condition) {
            System.out.println("SKIPPED " + K3sEndToEndTest.class.getSimpleName() + ": " + reason);
        }
        assumeTrue(condition, reason);
    }

    /** In the test, not in a BeforeAll, so that a skip is reported as a skipped test. */
    private static void startK3sWithOurImages() throws Exception {
        skipUnless(
                DockerClientFactory.instance().isDockerAvailable(),
                "no Docker engine on this machine; the k3s end-to-end test runs k3s in a container" + " and needs one");
        tag = System.getProperty("kubedyn.version", "0.1.0-SNAPSHOT");
        DockerClient docker = DockerClientFactory.instance().client();
        for (String image : new String[] {"kubedyn/operator:" + tag, "kubedyn/storage-pod:" + tag}) {
            skipUnless(
                    !docker.listImagesCmd().withImageNameFilter(image).exec().isEmpty(),
                    "image " + image + " is not built; run ./mvnw package"
                            + " -Dquarkus.container-image.build=true first");
        }
        k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE));
        k3s.start();
        for (String image : new String[] {"kubedyn/operator:" + tag, "kubedyn/storage-pod:" + tag}) {
            // k3s runs its own containerd: hand it the locally built images instead of a registry.
            Path tar = Files.createTempFile("image", ".tar");
            try (InputStream saved = docker.saveImageCmd(image).exec()) {
                Files.copy(saved, tar, StandardCopyOption.REPLACE_EXISTING);
            }
            k3s.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/image.tar");
            var imported = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/image.tar");
            assertThat(imported.getExitCode()).as(imported.getStderr()).isZero();
            Files.delete(tar);
        }
    }

    @AfterAll
    static void stopK3s() {
        if (k3s != null) {
            k3s.stop();
        }
    }

    @Test
    void musicTableInstalledWithTheChartBecomesReadyOnK3s() throws Exception {
        startK3sWithOurImages();
        String kubeconfig = k3s.getKubeConfigYaml();
        new Helm(RenderedChart.CHART)
                .install()
                .withName("kubedyn")
                .withNamespace(NAMESPACE)
                .createNamespace()
                .withKubeConfigContents(kubeconfig)
                .set("operator.image.tag", tag)
                .set("operator.image.pullPolicy", "Never")
                .set("storage.image.tag", tag)
                .set("gateway.enabled", "false")
                .waitReady()
                .withTimeout(300)
                .call();

        try (KubernetesClient client = new KubernetesClientBuilder()
                        .withConfig(Config.fromKubeconfig(kubeconfig))
                        .build();
                InputStream yaml = new FileInputStream("../docs/examples/music-table.yaml")) {
            Table music = client.resources(Table.class).load(yaml).item();
            client.resources(Table.class).inNamespace("default").resource(music).create();

            await().atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> {
                        Table table = client.resources(Table.class)
                                .inNamespace("default")
                                .withName("music")
                                .get();
                        assertThat(table.getStatus()).isNotNull();
                        assertThat(table.getStatus().getPhase()).isEqualTo("Ready");
                    });
            assertThat(client.apps()
                            .statefulSets()
                            .inNamespace("default")
                            .list()
                            .getItems())
                    .hasSize(3);
        }
    }
}
