package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart linted and rendered by Helm itself (helm-java bundles it as a native library,
 * so no helm binary is needed), then read back as Kubernetes objects.
 */
class HelmChartTest {

    private static final Path CHART = RenderedChart.CHART;
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private static List<HasMetadata> rendered;

    @BeforeAll
    static void renderChart() {
        rendered =
                render(template().withName("kubedyn").withNamespace("kubedyn").call());
    }

    private static TemplateCommand template() {
        return RenderedChart.template();
    }

    private static List<HasMetadata> render(String manifests) {
        return RenderedChart.parse(manifests);
    }

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> kind, String name) {
        return RenderedChart.only(objects, kind, name);
    }

    private static Set<String> grants(List<PolicyRule> rules) {
        Set<String> grants = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        String names = rule.getResourceNames() == null
                                        || rule.getResourceNames().isEmpty()
                                ? ""
                                : rule.getResourceNames().toString();
                        grants.add(group + "/" + resource + names + ":" + verb);
                    }
                }
            }
        }
        return grants;
    }

    private static Map<String, String> env(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    @Test
    void helmLintIsCleanInStrictMode() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
        assertThat(lint.isFailed())
                .as("helm lint --strict: %s", lint.getMessages())
                .isFalse();
    }

    @Test
    void chartInstallsTheCrdGeneratedFromTheJavaClasses() throws Exception {
        CustomResourceDefinition crd = only(rendered, CustomResourceDefinition.class, "tables.kubedyn.io");
        CustomResourceDefinition generated = YAML.unmarshal(
                Files.readString(
                        Path.of("..", "crds", "target", "classes", "META-INF", "fabric8", "tables.kubedyn.io-v1.yml")),
                CustomResourceDefinition.class);
        assertThat(crd.getSpec()).isEqualTo(generated.getSpec());
    }

    @Test
    void crdSurvivesHelmUninstallSoTablesAndTheirDataDoToo() {
        CustomResourceDefinition crd = only(rendered, CustomResourceDefinition.class, "tables.kubedyn.io");
        assertThat(crd.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
    }

    @Test
    void deletingAProtectedTableIsRefusedByAnAdmissionPolicyThatCanBeTurnedOff() {
        ValidatingAdmissionPolicy policy =
                only(rendered, ValidatingAdmissionPolicy.class, "kubedyn-table-deletion-protection");
        assertThat(policy.getSpec().getFailurePolicy()).isEqualTo("Fail");
        assertThat(policy.getSpec().getMatchConstraints().getResourceRules())
                .singleElement()
                .satisfies(rule -> {
                    assertThat(rule.getApiGroups()).containsExactly("kubedyn.io");
                    assertThat(rule.getResources()).containsExactly("tables");
                    assertThat(rule.getOperations()).containsExactly("DELETE");
                });
        // The expression itself is compiled and evaluated in crds' DeletionProtectionPolicyTest.
        assertThat(policy.getSpec().getValidations())
                .singleElement()
                .satisfies(v -> assertThat(v.getExpression()).contains("oldObject.spec.deletionProtectionEnabled"));
        ValidatingAdmissionPolicyBinding binding =
                only(rendered, ValidatingAdmissionPolicyBinding.class, "kubedyn-table-deletion-protection");
        assertThat(binding.getSpec().getPolicyName())
                .isEqualTo(policy.getMetadata().getName());
        assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");

        List<HasMetadata> without = render(template()
                .withName("kubedyn")
                .set("deletionProtection.admissionPolicy", "false")
                .call());
        assertThat(without)
                .noneMatch(
                        o -> o instanceof ValidatingAdmissionPolicy || o instanceof ValidatingAdmissionPolicyBinding);
    }

    @Test
    void crdCanBeLeftToAnotherTool() {
        List<HasMetadata> objects = render(
                template().withName("kubedyn").set("crds.install", "false").call());
        assertThat(objects).noneMatch(CustomResourceDefinition.class::isInstance);
    }

    @Test
    void operatorMayDoExactlyWhatItDoesAndNoMore() {
        ClusterRole role = only(rendered, ClusterRole.class, "kubedyn-operator");
        assertThat(grants(role.getRules()))
                .containsExactlyInAnyOrder(
                        // informer on Tables, finalizer added and removed (re-read on conflict)
                        "kubedyn.io/tables:get",
                        "kubedyn.io/tables:list",
                        "kubedyn.io/tables:watch",
                        "kubedyn.io/tables:patch",
                        // status written
                        "kubedyn.io/tables/status:patch",
                        // owner references with blockOwnerDeletion
                        "kubedyn.io/tables/finalizers:update",
                        // the three dependents: watched, created and updated, never deleted
                        "apps/statefulsets:get",
                        "apps/statefulsets:list",
                        "apps/statefulsets:watch",
                        "apps/statefulsets:create",
                        "apps/statefulsets:patch",
                        "apps/statefulsets:update",
                        "/services:get",
                        "/services:list",
                        "/services:watch",
                        "/services:create",
                        "/services:patch",
                        "/services:update",
                        "policy/poddisruptionbudgets:get",
                        "policy/poddisruptionbudgets:list",
                        "policy/poddisruptionbudgets:watch",
                        "policy/poddisruptionbudgets:create",
                        "policy/poddisruptionbudgets:patch",
                        "policy/poddisruptionbudgets:update",
                        // one NetworkPolicy per shard, deleted when networkPolicy.enabled is turned off
                        "networking.k8s.io/networkpolicies:get",
                        "networking.k8s.io/networkpolicies:list",
                        "networking.k8s.io/networkpolicies:watch",
                        "networking.k8s.io/networkpolicies:create",
                        "networking.k8s.io/networkpolicies:patch",
                        "networking.k8s.io/networkpolicies:update",
                        "networking.k8s.io/networkpolicies:delete",
                        // the shards' pods, watched for a store that refuses to start
                        "/pods:get",
                        "/pods:list",
                        "/pods:watch",
                        // the finalizer under deletionPolicy Delete
                        "/persistentvolumeclaims:list",
                        "/persistentvolumeclaims:delete",
                        // Events on Tables
                        "/events:create",
                        // internalTls: the pods' certificate Secret of each Table, issued and renewed
                        "/secrets:get",
                        "/secrets:create",
                        "/secrets:update");

        Role leaderElection = only(rendered, Role.class, "kubedyn-operator-leader-election");
        assertThat(leaderElection.getMetadata().getNamespace()).isEqualTo("kubedyn");
        assertThat(grants(leaderElection.getRules()))
                .containsExactlyInAnyOrder(
                        "coordination.k8s.io/leases:create",
                        "coordination.k8s.io/leases[kubedyn-operator-leader]:get",
                        "coordination.k8s.io/leases[kubedyn-operator-leader]:update",
                        "coordination.k8s.io/leases[kubedyn-operator-leader]:patch");
    }

    @Test
    void operatorCanServeNamedNamespacesWithRolesThereAndNoClusterRole() {
        List<HasMetadata> objects = render(template()
                .withName("kubedyn")
                .withNamespace("kubedyn")
                .set("operator.watchNamespaces[0]", "music")
                .set("operator.watchNamespaces[1]", "kubedyn")
                .call());
        assertThat(objects)
                .as("no cluster-wide grant")
                .noneMatch(o -> o instanceof ClusterRole
                        || o instanceof io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding);
        Set<String> clusterWide =
                grants(only(rendered, ClusterRole.class, "kubedyn-operator").getRules());
        for (String namespace : List.of("music", "kubedyn")) {
            Role role = objects.stream()
                    .filter(Role.class::isInstance)
                    .map(Role.class::cast)
                    .filter(r -> r.getMetadata().getName().equals("kubedyn-operator")
                            && r.getMetadata().getNamespace().equals(namespace))
                    .findFirst()
                    .orElseThrow();
            assertThat(grants(role.getRules()))
                    .as("the same grants, in " + namespace)
                    .isEqualTo(clusterWide);
            RoleBinding binding = objects.stream()
                    .filter(RoleBinding.class::isInstance)
                    .map(RoleBinding.class::cast)
                    .filter(b -> b.getMetadata().getName().equals("kubedyn-operator")
                            && b.getMetadata().getNamespace().equals(namespace))
                    .findFirst()
                    .orElseThrow();
            assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
                assertThat(subject.getName()).isEqualTo("kubedyn-operator");
                assertThat(subject.getNamespace()).isEqualTo("kubedyn");
            });
        }
        assertThat(env(only(objects, Deployment.class, "kubedyn-operator")))
                .containsEntry("QUARKUS_OPERATOR_SDK_CONTROLLERS_TABLE_NAMESPACES", "music,kubedyn");
        assertThat(env(only(rendered, Deployment.class, "kubedyn-operator")))
                .as("every namespace by default")
                .doesNotContainKey("QUARKUS_OPERATOR_SDK_CONTROLLERS_TABLE_NAMESPACES");

        assertThatThrownBy(() -> template()
                        .withName("kubedyn")
                        .withNamespace("kubedyn")
                        .set("operator.watchNamespaces[0]", "music")
                        .call())
                .hasMessageContaining(
                        "operator.watchNamespaces [music] leaves out the gateway's" + " tableNamespace kubedyn");
    }

    @Test
    void gatewayMayOnlyReadCreateAndDeleteTablesOfItsNamespace() {
        Role role = only(rendered, Role.class, "kubedyn-gateway");
        assertThat(role.getMetadata().getNamespace()).isEqualTo("kubedyn");
        assertThat(grants(role.getRules()))
                .containsExactlyInAnyOrder(
                        // the shard-map informer, DescribeTable, ListTables
                        "kubedyn.io/tables:get",
                        "kubedyn.io/tables:list",
                        "kubedyn.io/tables:watch",
                        // CreateTable, DeleteTable
                        "kubedyn.io/tables:create",
                        "kubedyn.io/tables:delete");
        RoleBinding binding = only(rendered, RoleBinding.class, "kubedyn-gateway");
        assertThat(binding.getMetadata().getNamespace()).isEqualTo("kubedyn");
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo("kubedyn-gateway");
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getName()).isEqualTo("kubedyn-gateway");
            assertThat(subject.getNamespace()).isEqualTo("kubedyn");
        });
        assertThat(rendered)
                .noneMatch(o ->
                        o instanceof ClusterRole && o.getMetadata().getName().equals("kubedyn-gateway"));
    }

    @Test
    void gatewayRunsTheClusterBackendOnTheTablesOfItsNamespace() {
        Deployment gateway = only(rendered, Deployment.class, "kubedyn-gateway");
        assertThat(gateway.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("kubedyn-gateway");
        assertThat(env(gateway))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "KUBEDYN_BACKEND", "cluster",
                        "KUBEDYN_CLUSTER_DISCOVERY", "kubernetes",
                        "KUBEDYN_CLUSTER_NAMESPACE", "kubedyn",
                        "KUBEDYN_CLUSTER_TABLE_SHARDS", "1",
                        "KUBEDYN_AUTH_ACCESS_KEYS_FILE", "/etc/kubedyn/access-keys/access-keys.properties",
                        "KUBEDYN_AUTH_POLICY_FILE", "/etc/kubedyn/access-keys/access-policy.json",
                        "KUBEDYN_INTERNAL_TLS_DIRECTORY", "/etc/kubedyn/internal-tls"));
        var container =
                gateway.getSpec().getTemplate().getSpec().getContainers().get(0);
        // The gateway's health checks, on the DynamoDB port.
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        for (var probe : List.of(container.getReadinessProbe(), container.getLivenessProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("dynamodb");
        }
    }

    @Test
    void gatewayChecksSignaturesAgainstAGeneratedKeyOrTheUsersSecret() throws Exception {
        Deployment gateway = only(rendered, Deployment.class, "kubedyn-gateway");
        var pod = gateway.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getName().equals("access-keys"))
                .singleElement()
                .satisfies(volume ->
                        assertThat(volume.getSecret().getSecretName()).isEqualTo("kubedyn-gateway-access-keys"));
        assertThat(pod.getContainers().get(0).getVolumeMounts())
                .filteredOn(m -> m.getName().equals("access-keys"))
                .singleElement()
                .satisfies(mount -> {
                    assertThat(mount.getMountPath()).isEqualTo("/etc/kubedyn/access-keys");
                    assertThat(mount.getSubPath())
                            .as("a subPath mount is never updated")
                            .isNull();
                });
        assertThat(env(gateway))
                .containsEntry("KUBEDYN_AUTH_POLICY_FILE", "/etc/kubedyn/access-keys/access-policy.json");
        // The Secret is a pre-install hook (made once, never regenerated by an upgrade), and helm-java's
        // template leaves hooks out: rendered from a copy of the chart without the hook annotation.
        String template = java.nio.file.Files.readString(CHART.resolve("templates/gateway.yaml"));
        assertThat(template).contains("helm.sh/hook: pre-install").contains("helm.sh/resource-policy: keep");
        Path copy = java.nio.file.Files.createTempDirectory("chart");
        copyChart(CHART, copy);
        java.nio.file.Files.writeString(
                copy.resolve("templates/gateway.yaml"),
                template.replace("helm.sh/hook: pre-install", "kubedyn.io/was-hook: pre-install"));
        io.fabric8.kubernetes.api.model.Secret keys = only(
                render(new com.marcnuri.helm.Helm(copy)
                        .template()
                        .withKubeVersion("v1.31.0")
                        .withName("kubedyn")
                        .withNamespace("kubedyn")
                        .call()),
                io.fabric8.kubernetes.api.model.Secret.class,
                "kubedyn-gateway-access-keys");
        String file = new String(
                java.util.Base64.getDecoder().decode(keys.getData().get("access-keys.properties")),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(file).matches("AKIDKUBEDYN[A-Z0-9]{9}=[A-Za-z0-9]{40}\n");

        List<HasMetadata> own = render(template()
                .withName("kubedyn")
                .withNamespace("kubedyn")
                .set("gateway.auth.existingSecret", "team-keys")
                .call());
        assertThat(own).noneMatch(o -> o instanceof io.fabric8.kubernetes.api.model.Secret);
        assertThat(only(own, Deployment.class, "kubedyn-gateway")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getVolumes())
                .filteredOn(v -> v.getName().equals("access-keys"))
                .singleElement()
                .satisfies(
                        volume -> assertThat(volume.getSecret().getSecretName()).isEqualTo("team-keys"));

        List<HasMetadata> open = render(template()
                .withName("kubedyn")
                .withNamespace("kubedyn")
                .set("gateway.auth.enabled", "false")
                .call());
        assertThat(open).noneMatch(o -> o instanceof io.fabric8.kubernetes.api.model.Secret);
        assertThat(env(only(open, Deployment.class, "kubedyn-gateway")))
                .doesNotContainKey("KUBEDYN_AUTH_ACCESS_KEYS_FILE");
        assertThat(RestrictedPodSecurity.violations(only(open, Deployment.class, "kubedyn-gateway")
                        .getSpec()
                        .getTemplate()
                        .getSpec()))
                .isEmpty();
    }

    private static void copyChart(Path from, Path to) throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (java.nio.file.Files.isDirectory(file)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(file, target);
                }
            }
        }
    }

    @Test
    void internalTlsHasTheOperatorIssueCertificatesAndTheGatewayMountItsOwn() {
        List<HasMetadata> off = render(template()
                .withName("kubedyn")
                .withNamespace("kubedyn")
                .set("internalTls.enabled", "false")
                .call());
        assertThat(env(only(off, Deployment.class, "kubedyn-operator")))
                .doesNotContainKey("KUBEDYN_OPERATOR_INTERNAL_TLS_ENABLED");
        assertThat(env(only(off, Deployment.class, "kubedyn-gateway")))
                .doesNotContainKey("KUBEDYN_INTERNAL_TLS_DIRECTORY");
        assertThat(RenderedChart.permits(RenderedChart.operatorRules(off), "", "secrets", "get"))
                .as("no Secrets without internalTls")
                .isFalse();

        // On by default.
        List<HasMetadata> objects = rendered;
        assertThat(env(only(objects, Deployment.class, "kubedyn-operator")))
                .containsAllEntriesOf(Map.of(
                        "KUBEDYN_OPERATOR_INTERNAL_TLS_ENABLED", "true",
                        "KUBEDYN_OPERATOR_INTERNAL_TLS_AUTHORITY_SECRET", "kubedyn/kubedyn-internal-ca",
                        "KUBEDYN_OPERATOR_INTERNAL_TLS_GATEWAY_SECRET", "kubedyn/kubedyn-gateway-internal-tls"));
        List<PolicyRule> rules = RenderedChart.operatorRules(objects);
        for (String verb : List.of("get", "create", "update")) {
            assertThat(RenderedChart.permits(rules, "", "secrets", verb))
                    .as(verb)
                    .isTrue();
        }
        assertThat(only(objects, Role.class, "kubedyn-operator-internal-tls").getRules())
                .filteredOn(rule -> rule.getResourceNames() != null
                        && !rule.getResourceNames().isEmpty())
                .singleElement()
                .satisfies(rule -> assertThat(rule.getResourceNames())
                        .containsExactlyInAnyOrder("kubedyn-internal-ca", "kubedyn-gateway-internal-tls"));

        Deployment gateway = only(objects, Deployment.class, "kubedyn-gateway");
        var pod = gateway.getSpec().getTemplate().getSpec();
        assertThat(env(gateway)).containsEntry("KUBEDYN_INTERNAL_TLS_DIRECTORY", "/etc/kubedyn/internal-tls");
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getName().equals("internal-tls"))
                .singleElement()
                .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("kubedyn-gateway-internal-tls"));
        assertThat(pod.getContainers().get(0).getVolumeMounts())
                .filteredOn(m -> m.getName().equals("internal-tls"))
                .singleElement()
                .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/etc/kubedyn/internal-tls"));
        assertThat(RestrictedPodSecurity.violations(pod)).isEmpty();

        // Confined to named namespaces, the operator gets Secrets there and its own two at home.
        List<HasMetadata> confined = render(template()
                .withName("kubedyn")
                .withNamespace("kubedyn")
                .set("internalTls.enabled", "true")
                .set("operator.watchNamespaces[0]", "music")
                .set("operator.watchNamespaces[1]", "kubedyn")
                .call());
        assertThat(confined)
                .filteredOn(o -> o instanceof Role && o.getMetadata().getName().equals("kubedyn-operator"))
                .allSatisfy(role -> assertThat(RenderedChart.permits(((Role) role).getRules(), "", "secrets", "create"))
                        .isTrue());
    }

    @Test
    void gatewayServesHttpsOnlyWithTheNamedSecretWhichCertManagerCanIssue() {
        Deployment plain = only(rendered, Deployment.class, "kubedyn-gateway");
        assertThat(env(plain)).doesNotContainKey("QUARKUS_PROFILE");
        assertThat(rendered).noneMatch(o -> o.getKind().equals("Certificate"));

        List<HasMetadata> objects = render(template()
                .withName("kubedyn")
                .withNamespace("kubedyn")
                .set("gateway.tls.secretName", "gateway-tls")
                .set("gateway.tls.certManager.issuerRef.name", "cluster-ca")
                .set("gateway.tls.certManager.issuerRef.kind", "ClusterIssuer")
                .call());
        Deployment gateway = only(objects, Deployment.class, "kubedyn-gateway");
        var pod = gateway.getSpec().getTemplate().getSpec();
        var container = pod.getContainers().get(0);
        assertThat(env(gateway)).containsEntry("QUARKUS_PROFILE", "prod,tls");
        assertThat(container.getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getName()).isEqualTo("dynamodb");
            assertThat(port.getContainerPort()).isEqualTo(8443);
        });
        assertThat(container.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
        assertThat(container.getLivenessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
        assertThat(container.getVolumeMounts())
                .filteredOn(m -> m.getName().equals("tls"))
                .singleElement()
                .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/etc/kubedyn/tls"));
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getName().equals("tls"))
                .singleElement()
                .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("gateway-tls"));
        assertThat(RestrictedPodSecurity.violations(pod)).isEmpty();
        assertThat(env(only(objects, Deployment.class, "kubedyn-operator")))
                .containsEntry("KUBEDYN_OPERATOR_GATEWAY_ENDPOINT", "https://kubedyn-gateway.kubedyn.svc:8000");
        io.fabric8.kubernetes.api.model.GenericKubernetesResource certificate = objects.stream()
                .filter(o -> o.getKind().equals("Certificate"))
                .map(io.fabric8.kubernetes.api.model.GenericKubernetesResource.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(certificate.getApiVersion()).isEqualTo("cert-manager.io/v1");
        Map<String, Object> spec = certificate.get("spec");
        assertThat(spec)
                .containsEntry("secretName", "gateway-tls")
                .containsEntry("issuerRef", Map.of("name", "cluster-ca", "kind", "ClusterIssuer"));
        assertThat(certificate.<List<String>>get("spec", "dnsNames"))
                .contains("kubedyn-gateway.kubedyn.svc", "kubedyn-gateway.kubedyn.svc.cluster.local");
    }

    @Test
    void tablesCreatedThroughTheDynamoDbApiGetTheConfiguredShardCount() {
        List<HasMetadata> objects = render(template()
                .withName("kubedyn")
                .withNamespace("kubedyn")
                .set("gateway.tableShards", "4")
                .call());
        assertThat(env(only(objects, Deployment.class, "kubedyn-gateway")))
                .containsEntry("KUBEDYN_CLUSTER_TABLE_SHARDS", "4");
        assertThatThrownBy(() -> template()
                        .withName("kubedyn")
                        .set("gateway.tableShards", "0")
                        .call())
                .as("a table needs a shard")
                .hasMessageContaining("tableShards");
    }

    @Test
    void gatewayCanServeTablesOfAnotherNamespace() {
        List<HasMetadata> objects = render(template()
                .withName("kubedyn")
                .withNamespace("kubedyn")
                .set("gateway.tableNamespace", "music-prod")
                .call());
        assertThat(env(only(objects, Deployment.class, "kubedyn-gateway")))
                .containsEntry("KUBEDYN_CLUSTER_NAMESPACE", "music-prod");
        assertThat(only(objects, Role.class, "kubedyn-gateway").getMetadata().getNamespace())
                .isEqualTo("music-prod");
        RoleBinding binding = only(objects, RoleBinding.class, "kubedyn-gateway");
        assertThat(binding.getMetadata().getNamespace()).isEqualTo("music-prod");
        assertThat(binding.getSubjects().get(0).getNamespace()).isEqualTo("kubedyn");
    }

    @Test
    void everyPodOfTheChartMeetsTheRestrictedPodSecurityStandard() {
        List<Deployment> deployments = rendered.stream()
                .filter(Deployment.class::isInstance)
                .map(Deployment.class::cast)
                .toList();
        assertThat(deployments)
                .extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("kubedyn-operator", "kubedyn-gateway");
        for (Deployment deployment : deployments) {
            assertThat(RestrictedPodSecurity.violations(
                            deployment.getSpec().getTemplate().getSpec()))
                    .as(deployment.getMetadata().getName())
                    .isEmpty();
        }
        assertThat(rendered)
                .as("the chart runs no other kind of workload")
                .noneMatch(o -> o instanceof io.fabric8.kubernetes.api.model.Pod
                        || o instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet
                        || o instanceof io.fabric8.kubernetes.api.model.apps.DaemonSet
                        || o instanceof io.fabric8.kubernetes.api.model.batch.v1.Job);
    }

    @Test
    void networkPoliciesAdmitOnlyKubedynsOwnPartsToItsPods() {
        NetworkPolicy gateway = only(rendered, NetworkPolicy.class, "kubedyn-gateway");
        assertThat(gateway.getSpec().getPodSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/name", "kubedyn-gateway");
        assertThat(gateway.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getPorts()).extracting(p -> p.getPort().getStrVal()).containsExactly("dynamodb");
            assertThat(rule.getFrom()).as("every client, by default").isNullOrEmpty();
        });
        NetworkPolicy operator = only(rendered, NetworkPolicy.class, "kubedyn-operator");
        assertThat(operator.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(operator.getSpec().getIngress())
                .as("nobody calls the operator")
                .isEmpty();
        StorageIngress storage = StorageIngress.parse(
                        java.util.Optional.of(env(only(rendered, Deployment.class, "kubedyn-operator"))
                                .get("KUBEDYN_OPERATOR_STORAGE_INGRESS")))
                .orElseThrow();
        assertThat(storage.grpc()).singleElement().satisfies(peer -> {
            assertThat(peer.getNamespaceSelector().getMatchLabels())
                    .containsExactly(Map.entry("kubernetes.io/metadata.name", "kubedyn"));
            assertThat(peer.getPodSelector().getMatchLabels())
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "app.kubernetes.io/name", "kubedyn-gateway", "app.kubernetes.io/instance", "kubedyn"));
        });
        assertThat(storage.http())
                .singleElement()
                .satisfies(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                        .containsEntry("app.kubernetes.io/name", "kubedyn-operator"));

        List<HasMetadata> scraped = render(template()
                .withName("kubedyn")
                .withNamespace("kubedyn")
                .set("networkPolicy.metricsNamespaces[0]", "monitoring")
                .set("networkPolicy.gatewayFrom[0].namespaceSelector.matchLabels.team", "music")
                .call());
        assertThat(only(scraped, NetworkPolicy.class, "kubedyn-gateway")
                        .getSpec()
                        .getIngress()
                        .get(0)
                        .getFrom())
                .extracting(p -> p.getNamespaceSelector().getMatchLabels().toString())
                .containsExactly("{team=music}", "{kubernetes.io/metadata.name=monitoring}");
        assertThat(only(scraped, NetworkPolicy.class, "kubedyn-operator")
                        .getSpec()
                        .getIngress())
                .singleElement()
                .satisfies(rule -> assertThat(rule.getFrom())
                        .extracting(
                                p -> p.getNamespaceSelector().getMatchLabels().toString())
                        .containsExactly("{kubernetes.io/metadata.name=monitoring}"));
        assertThat(StorageIngress.parse(java.util.Optional.of(env(only(scraped, Deployment.class, "kubedyn-operator"))
                                .get("KUBEDYN_OPERATOR_STORAGE_INGRESS")))
                        .orElseThrow()
                        .http())
                .extracting(p -> p.getNamespaceSelector().getMatchLabels().toString())
                .containsExactly("{kubernetes.io/metadata.name=kubedyn}", "{kubernetes.io/metadata.name=monitoring}");

        List<HasMetadata> off = render(template()
                .withName("kubedyn")
                .withNamespace("kubedyn")
                .set("networkPolicy.enabled", "false")
                .call());
        assertThat(off).noneMatch(NetworkPolicy.class::isInstance);
        assertThat(env(only(off, Deployment.class, "kubedyn-operator")))
                .doesNotContainKey("KUBEDYN_OPERATOR_STORAGE_INGRESS");
    }

    @Test
    void operatorRunsTwoReplicasWithImagesOfTheChartVersion() {
        Deployment operator = only(rendered, Deployment.class, "kubedyn-operator");
        assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
        assertThat(operator.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("kubedyn-operator");
        assertThat(operator.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("kubedyn/operator:0.1.0");
        assertThat(env(operator))
                .containsEntry("KUBEDYN_OPERATOR_STORAGE_IMAGE", "kubedyn/storage-pod:0.1.0")
                .containsEntry("KUBEDYN_OPERATOR_LEASE_NAME", "kubedyn-operator-leader");
        var storage = YAML.unmarshal(
                env(operator).get("KUBEDYN_OPERATOR_STORAGE_RESOURCES"),
                io.fabric8.kubernetes.api.model.ResourceRequirements.class);
        assertThat(storage.getLimits())
                .as("storage pods' default resources, memory limited")
                .containsEntry("memory", new io.fabric8.kubernetes.api.model.Quantity("1Gi"));
    }

    @Test
    void tablesPublishTheGatewayServiceAsTheirEndpoint() {
        Deployment operator = only(rendered, Deployment.class, "kubedyn-operator");
        Service gateway = only(rendered, Service.class, "kubedyn-gateway");
        Deployment gatewayPods = only(rendered, Deployment.class, "kubedyn-gateway");

        assertThat(env(operator))
                .containsEntry("KUBEDYN_OPERATOR_GATEWAY_ENDPOINT", "http://kubedyn-gateway.kubedyn.svc:8000");
        assertThat(gateway.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPort()).isEqualTo(8000));
        assertThat(gatewayPods.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(gateway.getSpec().getSelector());
        assertThat(gatewayPods
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8000));
    }

    @Test
    void replicatedShardsPodsAreSpreadOverNodesPreferablyOrAsRequired() {
        assertThat(env(only(rendered, Deployment.class, "kubedyn-operator")))
                .containsEntry("KUBEDYN_OPERATOR_STORAGE_ANTI_AFFINITY_REQUIRED", "false");
        List<HasMetadata> objects = render(template()
                .withName("kubedyn")
                .withNamespace("kubedyn")
                .set("storage.antiAffinity", "required")
                .call());
        assertThat(env(only(objects, Deployment.class, "kubedyn-operator")))
                .containsEntry("KUBEDYN_OPERATOR_STORAGE_ANTI_AFFINITY_REQUIRED", "true");
        assertThatThrownBy(() -> template()
                        .withName("kubedyn")
                        .set("storage.antiAffinity", "always")
                        .call())
                .hasMessageContaining("antiAffinity");
    }

    @Test
    void tablesMayNameOnlyTheImagesTheChartAllows() {
        assertThat(env(only(rendered, Deployment.class, "kubedyn-operator")))
                .as("only the default image")
                .doesNotContainKey("KUBEDYN_OPERATOR_STORAGE_ALLOWED_IMAGES");
        List<HasMetadata> allowing = render(template()
                .withName("kubedyn")
                .withNamespace("kubedyn")
                .set("storage.allowedImages[0]", "registry.example/kubedyn/*")
                .set("storage.allowedImages[1]", "kubedyn/storage-pod:*")
                .call());
        assertThat(env(only(allowing, Deployment.class, "kubedyn-operator")))
                .containsEntry(
                        "KUBEDYN_OPERATOR_STORAGE_ALLOWED_IMAGES", "registry.example/kubedyn/*,kubedyn/storage-pod:*");
    }

    @Test
    void imageTagsAndGatewayCanBeChangedThroughValues() {
        List<HasMetadata> objects = render(template()
                .withName("kubedyn")
                .withNamespace("db")
                .set("storage.image.tag", "dev")
                .set("gateway.enabled", "false")
                .call());
        assertThat(env(only(objects, Deployment.class, "kubedyn-operator")))
                .containsEntry("KUBEDYN_OPERATOR_STORAGE_IMAGE", "kubedyn/storage-pod:dev");
        assertThat(objects).noneMatch(o -> o.getMetadata().getName().equals("kubedyn-gateway"));
    }

    @Test
    void valuesSchemaRefusesAMistypedValue() {
        assertThatThrownBy(() -> template()
                        .withName("kubedyn")
                        .set("operator.replica", "3")
                        .call())
                .hasMessageContaining("replica");
    }
}
