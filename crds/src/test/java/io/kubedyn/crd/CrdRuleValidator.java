package io.kubedyn.crd;

import dev.cel.runtime.CelEvaluationException;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.kubedyn.crd.CrdSchemaCel.CompiledRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Evaluates every x-kubernetes-validations rule of a CRD on an object being created or updated,
 * the way the API server's CEL validator (apiextensions-apiserver schema/cel) does:
 *
 * <ul>
 *   <li>both objects are defaulted from the schema first, as the API server defaults a request
 *       and a stored object;
 *   <li>a rule is evaluated on every value at its path: every item of a list, every value of a
 *       map; never on an absent or null value;
 *   <li>a transition rule (one that uses oldSelf) is not evaluated on create, nor on an update
 *       where the old object has no value at that path, unless it sets optionalOldSelf (then
 *       oldSelf is an optional, empty there); the old value of an object property or map value
 *       is the one under the same name, of a list item the item with the same keys in an
 *       x-kubernetes-list-type: map list, and list items have none otherwise;
 *   <li>a rule refuses when it evaluates to false or fails to evaluate (no such key, ...); the
 *       message is the messageExpression's value, else message, else "failed rule: " and the
 *       rule;
 *   <li>validation ratcheting (on by default since Kubernetes 1.30): a rule that does not use
 *       oldSelf and evaluates to false on an update only warns when its value is unchanged from
 *       the old object's (or, where the value cannot be correlated, its nearest correlatable
 *       parent is).
 * </ul>
 *
 * <p>Not reproduced: the runtime cost budget, status-subresource handling, and the OpenAPI
 * checks (type, pattern, minimum, required, ...) that run beside the rules.
 */
final class CrdRuleValidator {

    /** What became of one rule at one value. */
    enum Outcome {
        /** Evaluated to true. */
        ALLOWED,
        /** Evaluated to false or failed: the API server refuses the request. */
        REFUSED,
        /** Evaluated to false on an unchanged value: the API server only warns (ratcheting). */
        RATCHETED,
        /** Not evaluated: a transition rule with no old value at its path. */
        SKIPPED
    }

    /**
     * One rule's outcome at one value.
     *
     * @param at the field path of the value, e.g. {@code spec.keySchema[1]}
     * @param detail the message the API server would give, for refusals and warnings
     */
    record Verdict(CrdRule rule, String at, Outcome outcome, String detail) {
        @Override
        public String toString() {
            return outcome + " at " + (at.isEmpty() ? "(root)" : at) + " by the rule at " + rule.key()
                    + (detail == null ? "" : " -- " + detail);
        }
    }

    private final JSONSchemaProps root;
    private final Map<JSONSchemaProps, List<CompiledRule>> rulesByNode = new IdentityHashMap<>();

    /**
     * Compiles every rule of the schema; throws {@link CrdSchemaCel.RuleDoesNotCompile} for the
     * first that does not compile.
     */
    CrdRuleValidator(JSONSchemaProps openApiV3Schema, CrdSchemaCel cel) {
        this.root = openApiV3Schema;
        for (CrdRule rule : CrdRule.in(openApiV3Schema)) {
            rulesByNode.computeIfAbsent(rule.node(), n -> new ArrayList<>()).add(cel.compile(rule));
        }
    }

    /** The verdicts of every rule on an object being created. */
    List<Verdict> create(Map<String, Object> object) {
        List<Verdict> verdicts = new ArrayList<>();
        validate(root, true, "", CrdSchemaCel.withDefaults(object, root), null, Ratchet.NONE, verdicts);
        return verdicts;
    }

    /** The verdicts of every rule on an object being updated from {@code old}. */
    List<Verdict> update(Map<String, Object> old, Map<String, Object> object) {
        List<Verdict> verdicts = new ArrayList<>();
        Object oldObject = CrdSchemaCel.withDefaults(old, root);
        validate(
                root,
                true,
                "",
                CrdSchemaCel.withDefaults(object, root),
                oldObject,
                new Ratchet(true, oldObject, false),
                verdicts);
        return verdicts;
    }

    private void validate(
            JSONSchemaProps node,
            boolean resourceRoot,
            String at,
            Object value,
            Object oldValue,
            Ratchet ratchet,
            List<Verdict> verdicts) {
        if (value == null || node == null) {
            return;
        }
        evaluate(node, resourceRoot, at, value, oldValue, ratchet, verdicts);
        if (value instanceof List<?> list && node.getItems() != null) {
            JSONSchemaProps items = node.getItems().getSchema();
            List<?> oldList = oldValue instanceof List<?> l ? l : null;
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                validate(
                        items,
                        CrdRule.embedded(items),
                        at + "[" + i + "]",
                        item,
                        correlatedItem(node, oldList, item, true),
                        ratchet.item(node, value, item, oldList),
                        verdicts);
            }
        }
        if (value instanceof Map<?, ?> map) {
            Map<?, ?> oldMap =
                    oldValue instanceof Map<?, ?> m && CrdRule.mapIsCorrelatable(node.getXKubernetesMapType())
                            ? m
                            : Map.of();
            if (node.getAdditionalProperties() != null
                    && node.getAdditionalProperties().getSchema() != null) {
                JSONSchemaProps values = node.getAdditionalProperties().getSchema();
                map.forEach((k, v) -> validate(
                        values,
                        CrdRule.embedded(values),
                        at + "[" + k + "]",
                        v,
                        oldMap.get(k),
                        ratchet.field(resourceRoot, (String) k, value),
                        verdicts));
            }
            Map<String, JSONSchemaProps> properties = node.getProperties() == null ? Map.of() : node.getProperties();
            map.forEach((k, v) -> {
                JSONSchemaProps property = properties.get(k);
                if (property != null) {
                    validate(
                            property,
                            CrdRule.embedded(property),
                            at.isEmpty() ? (String) k : at + "." + k,
                            v,
                            oldMap.get(k),
                            ratchet.field(resourceRoot, (String) k, value),
                            verdicts);
                }
            });
        }
    }

    private void evaluate(
            JSONSchemaProps node,
            boolean resourceRoot,
            String at,
            Object value,
            Object oldValue,
            Ratchet ratchet,
            List<Verdict> verdicts) {
        for (CompiledRule compiled : rulesByNode.getOrDefault(node, List.of())) {
            CrdRule rule = compiled.rule();
            if (compiled.usesOldSelf() && oldValue == null && !compiled.optionalOldSelf()) {
                verdicts.add(new Verdict(rule, at, Outcome.SKIPPED, null));
                continue;
            }
            Map<String, Object> activation = new HashMap<>();
            activation.put(CrdSchemaCel.SELF, CrdSchemaCel.value(value, node, resourceRoot));
            Object oldSelf = CrdSchemaCel.value(oldValue, node, resourceRoot);
            if (compiled.optionalOldSelf()) {
                activation.put(CrdSchemaCel.OLD_SELF, Optional.ofNullable(oldSelf));
            } else if (oldSelf != null) {
                activation.put(CrdSchemaCel.OLD_SELF, oldSelf);
            }
            Object result;
            try {
                result = compiled.program().eval(activation);
            } catch (CelEvaluationException e) {
                verdicts.add(new Verdict(
                        rule, at, Outcome.REFUSED, e.getMessage() + " evaluating rule: " + errorString(rule)));
                continue;
            }
            if (Boolean.TRUE.equals(result)) {
                verdicts.add(new Verdict(rule, at, Outcome.ALLOWED, null));
                continue;
            }
            String detail = message(compiled, activation);
            boolean ratcheted = !compiled.usesOldSelf() && ratchet.unchanged(value);
            verdicts.add(new Verdict(rule, at, ratcheted ? Outcome.RATCHETED : Outcome.REFUSED, detail));
        }
    }

    private static String message(CompiledRule compiled, Map<String, Object> activation) {
        if (compiled.messageExpression().isPresent()) {
            try {
                Object message = compiled.messageExpression().get().eval(activation);
                if (message instanceof String s && !s.isBlank() && !s.contains("\n")) {
                    return s.trim();
                }
            } catch (CelEvaluationException e) {
                // The API server logs it and falls back to message, as here.
            }
        }
        String message = compiled.rule().rule().getMessage();
        return message == null || message.isEmpty() ? "failed rule: " + errorString(compiled.rule()) : message.trim();
    }

    private static String errorString(CrdRule rule) {
        String message = rule.rule().getMessage();
        return message == null || message.isEmpty() ? rule.rule().getRule().trim() : message.trim();
    }

    /**
     * The old item a new list item is compared with: the item with the same key values in an
     * x-kubernetes-list-type: map list; for ratcheting only (not oldSelf), also the equal item of a
     * set.
     */
    private static Object correlatedItem(JSONSchemaProps list, List<?> oldList, Object item, boolean forOldSelf) {
        if (oldList == null) {
            return null;
        }
        String listType = list.getXKubernetesListType();
        if ("map".equals(listType) && item instanceof Map<?, ?> newItem) {
            List<String> keys = list.getXKubernetesListMapKeys() == null ? List.of() : list.getXKubernetesListMapKeys();
            for (Object old : oldList) {
                if (old instanceof Map<?, ?> oldItem
                        && keys.stream().allMatch(k -> Objects.equals(oldItem.get(k), newItem.get(k)))) {
                    return old;
                }
            }
        } else if ("set".equals(listType) && !forOldSelf) {
            return oldList.stream().filter(item::equals).findFirst().orElse(null);
        }
        return null;
    }

    /**
     * Where validation ratcheting stands at a value: whether it is correlated with an old value
     * (and which), else whether its nearest correlated parent is unchanged.
     */
    private record Ratchet(boolean correlated, Object oldValue, boolean parentUnchanged) {

        static final Ratchet NONE = new Ratchet(false, null, false);

        boolean unchanged(Object value) {
            return correlated ? Objects.equals(oldValue, value) : parentUnchanged;
        }

        Ratchet field(boolean resourceRoot, String name, Object value) {
            if (!correlated) {
                return this;
            }
            if (resourceRoot && (name.equals("apiVersion") || name.equals("kind"))) {
                return NONE;
            }
            boolean unchanged = unchanged(value);
            if (oldValue instanceof Map<?, ?> old
                    && value instanceof Map<?, ?> map
                    && old.containsKey(name)
                    && map.containsKey(name)) {
                return new Ratchet(true, old.get(name), unchanged);
            }
            return new Ratchet(false, null, unchanged);
        }

        Ratchet item(JSONSchemaProps list, Object value, Object item, List<?> oldList) {
            if (!correlated) {
                return this;
            }
            Object old = correlatedItem(list, oldList, item, false);
            return new Ratchet(old != null, old, unchanged(value));
        }
    }
}
