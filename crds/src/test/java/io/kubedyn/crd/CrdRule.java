package io.kubedyn.crd;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One {@code x-kubernetes-validations} rule of a CRD's openAPIV3Schema, with where it sits: its
 * path in the object ({@code spec.shards}, {@code spec.keySchema[*]} for every item of a list or
 * every value of a map, {@code ""} for the root) and the schema node whose value is {@code self}.
 *
 * @param path where the rule sits, the key of its cases together with the rule text
 * @param rule the rule as the CRD declares it (rule, message, messageExpression, ...)
 * @param node the schema node the rule sits on
 * @param resourceRoot whether the node is the root of a resource (the CRD's root or an
 *     x-kubernetes-embedded-resource), whose CEL type always has apiVersion, kind and
 *     metadata.name/generateName
 * @param correlatable whether an old value can be correlated with the new one at this path, so
 *     that oldSelf means something: not below the items of a list that is not
 *     x-kubernetes-list-type: map
 */
record CrdRule(String path, ValidationRule rule, JSONSchemaProps node, boolean resourceRoot, boolean correlatable) {

    /** Path and rule text, e.g. {@code spec.shards: self >= oldSelf}: names a rule in messages. */
    String key() {
        return key(path, rule.getRule());
    }

    static String key(String path, String rule) {
        return (path.isEmpty() ? "(root)" : path) + ": " + rule;
    }

    /** Every rule in the schema, depth first, properties in name order. */
    static List<CrdRule> in(JSONSchemaProps openApiV3Schema) {
        List<CrdRule> rules = new ArrayList<>();
        collect(openApiV3Schema, "", true, true, rules);
        return rules;
    }

    private static void collect(
            JSONSchemaProps node, String path, boolean resourceRoot, boolean correlatable, List<CrdRule> into) {
        if (node == null) {
            return;
        }
        for (ValidationRule rule : nonNull(node.getXKubernetesValidations())) {
            into.add(new CrdRule(path, rule, node, resourceRoot, correlatable));
        }
        refuseRulesOutsideTheStructuralSpine(node, path);
        Map<String, JSONSchemaProps> properties = new TreeMap<>(nonNull(node.getProperties()));
        boolean mapCorrelatable = correlatable && mapIsCorrelatable(node.getXKubernetesMapType());
        properties.forEach((name, property) -> collect(
                property, path.isEmpty() ? name : path + "." + name, embedded(property), mapCorrelatable, into));
        if (node.getItems() != null) {
            JSONSchemaProps items = node.getItems().getSchema();
            collect(
                    items,
                    path + "[*]",
                    embedded(items),
                    correlatable && "map".equals(node.getXKubernetesListType()),
                    into);
        }
        if (node.getAdditionalProperties() != null) {
            JSONSchemaProps values = node.getAdditionalProperties().getSchema();
            collect(values, path + "[*]", embedded(values), mapCorrelatable, into);
        }
    }

    /**
     * The API server also evaluates rules nested in allOf; nothing here does, so a CRD that has
     * one fails loudly rather than having a rule silently left out.
     */
    private static void refuseRulesOutsideTheStructuralSpine(JSONSchemaProps node, String path) {
        List<JSONSchemaProps> nested = new ArrayList<>();
        nested.addAll(nonNull(node.getAllOf()));
        nested.addAll(nonNull(node.getAnyOf()));
        nested.addAll(nonNull(node.getOneOf()));
        if (node.getNot() != null) {
            nested.add(node.getNot());
        }
        for (JSONSchemaProps n : nested) {
            if (!CrdRule.in(n).isEmpty()) {
                throw new IllegalStateException("x-kubernetes-validations inside allOf/anyOf/oneOf/not at "
                        + (path.isEmpty() ? "(root)" : path) + ": CrdRule does not collect those yet");
            }
        }
    }

    /** As the API server's MapIsCorrelatable: granular (the default) and atomic maps correlate. */
    static boolean mapIsCorrelatable(String mapType) {
        return mapType == null || mapType.equals("granular") || mapType.equals("atomic");
    }

    static boolean embedded(JSONSchemaProps node) {
        return node != null && Boolean.TRUE.equals(node.getXKubernetesEmbeddedResource());
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> nonNull(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
