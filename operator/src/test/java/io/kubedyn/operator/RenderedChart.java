package io.kubedyn.operator;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The kubedyn chart rendered by Helm (bundled by helm-java) and read back as objects. */
final class RenderedChart {

    static final Path CHART = Path.of("..", "helm", "kubedyn");
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private RenderedChart() {}

    /** Helm's own default Kubernetes version (1.20) is older than the chart supports. */
    static TemplateCommand template() {
        return new Helm(CHART).template().withKubeVersion("v1.31.0");
    }

    static List<HasMetadata> parse(String manifests) {
        return Arrays.stream(manifests.split("(?m)^---\\s*$"))
                .filter(doc -> doc.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#")))
                .map(doc -> (HasMetadata) YAML.unmarshal(doc))
                .toList();
    }

    static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> kind, String name) {
        return objects.stream()
                .filter(kind::isInstance)
                .map(kind::cast)
                .filter(o -> o.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no " + kind.getSimpleName() + " " + name + " in the rendered chart"));
    }

    /** Rules granted to the operator's ServiceAccount, cluster-wide and in its namespace. */
    static List<PolicyRule> operatorRules(List<HasMetadata> objects) {
        List<PolicyRule> rules = new ArrayList<>(
                only(objects, ClusterRole.class, "kubedyn-operator").getRules());
        rules.addAll(
                only(objects, Role.class, "kubedyn-operator-leader-election").getRules());
        return rules;
    }

    static boolean permits(List<PolicyRule> rules, String group, String resource, String verb) {
        return rules.stream()
                .anyMatch(rule -> rule.getApiGroups().contains(group)
                        && rule.getResources().contains(resource)
                        && rule.getVerbs().contains(verb));
    }
}
