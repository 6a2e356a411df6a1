package io.kubedyn.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubedyn.crd.CrdRuleValidator.Outcome;
import io.kubedyn.crd.CrdRuleValidator.Verdict;
import io.kubedyn.crd.CrdSchemaCel.RuleDoesNotCompile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CEL types, values and evaluation semantics {@link CrdValidationRulesTest} relies on: that
 * they are the API server's, on the Table schema and on small schemas made up here.
 */
class CrdSchemaCelTest {

    private static final String TABLE_SCHEMA = """
      type: object
      properties:
        spec:
          type: object
          required: [keySchema]
          properties:
            keySchema:
              type: array
              items:
                type: object
                properties:
                  attributeName: {type: string}
                  keyType: {type: string}
            shards: {type: integer, default: 1}
            ratio: {type: number}
            paused: {type: boolean}
            storage:
              type: object
              properties:
                size: {type: string, default: 1Gi}
            resources:
              type: object
              properties:
                limits:
                  type: object
                  additionalProperties:
                    anyOf: [{type: integer}, {type: string}]
                    x-kubernetes-int-or-string: true
            extra:
              type: object
              x-kubernetes-preserve-unknown-fields: true
              properties:
                known: {type: string}
            anything:
              x-kubernetes-preserve-unknown-fields: true
            odd-names:
              type: object
              properties:
                x-y: {type: string}
                namespace: {type: string}
                a.b/c: {type: string}
                a__b: {type: string}
                9lives: {type: string}
      """;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final CrdSchemaCel cel = new CrdSchemaCel();

    @Test
    void anObjectIsAStructWhoseFieldsHaveTheTypesOfItsProperties() {
        compiles("spec", "self.shards >= oldSelf.shards");
        compiles("spec", "self.keySchema[0].keyType == 'HASH'");
        compiles("spec", "self.storage.size.startsWith('1')");
        compiles("spec", "has(self.storage) && !self.paused && self.ratio < 0.5");
        refused("spec", "self.noSuchField == 1", "undefined field 'noSuchField'");
        refused("spec", "self.shards == 'three'", "found no matching overload for '_==_'");
        refused("spec", "self.ratio == 'half'", "(double, string)");
        refused("spec", "self.paused == 1", "(bool, int)");
        refused("spec", "self.keySchema[0].keyType == 1", "(string, int)");
        refused("spec", "self.storage.sizes == '1Gi'", "undefined field 'sizes'");
    }

    @Test
    void integerIsIntAndAListIsAListOfItsItems() {
        compiles("spec.shards", "self + 1 > oldSelf");
        refused("spec.shards", "self.size() > 0", "found no matching overload for 'size'");
        compiles("spec.keySchema", "self.all(k, k.attributeName.size() > 0)");
        refused("spec.keySchema", "self.all(k, k.name != '')", "undefined field 'name'");
    }

    @Test
    void additionalPropertiesAreAMapAndIntOrStringIsDyn() {
        compiles(
                "spec.resources",
                "!('cpu' in self.limits) || self.limits['cpu'] == '1'" + " || self.limits['cpu'] == 1");
        compiles("spec.resources.limits", "self.all(k, k.size() < 64)");
        refused("spec.resources.limits", "self.all(k, k > 1)", "found no matching overload");
    }

    @Test
    void preserveUnknownFieldsHidesUnknownFieldsAndAnUntypedNodeIsNotAField() {
        compiles("spec.extra", "self.known == 'x'");
        refused("spec.extra", "self.unknown == 'x'", "undefined field 'unknown'");
        refused("spec", "has(self.anything)", "undefined field 'anything'");
        assertThatThrownBy(() -> cel.compile(rule("spec.anything", "true")))
                .isInstanceOf(RuleDoesNotCompile.class)
                .hasMessageContaining("has no CEL type");
    }

    @Test
    void propertyNamesAreEscapedAsTheApiServerEscapesThem() {
        assertThat(CrdSchemaCel.escape("shards")).contains("shards");
        assertThat(CrdSchemaCel.escape("x-y")).contains("x__dash__y");
        assertThat(CrdSchemaCel.escape("namespace")).contains("__namespace__");
        assertThat(CrdSchemaCel.escape("a.b/c")).contains("a__dot__b__slash__c");
        assertThat(CrdSchemaCel.escape("a__b")).contains("a__underscores__b");
        assertThat(CrdSchemaCel.escape("9lives")).isEmpty();
        assertThat(CrdSchemaCel.escape("caf\u00e9")).isEmpty();
        compiles(
                "spec.odd-names",
                "self.x__dash__y == self.__namespace__" + " && self.a__dot__b__slash__c == self.a__underscores__b");
        refused("spec.odd-names", "self.x_y == ''", "undefined field 'x_y'");
        List<Verdict> verdicts = validator("spec.odd-names", "self.x__dash__y == 'v'")
                .create(table("{spec: {keySchema: [], odd-names: {x-y: v}}}"));
        assertThat(verdicts).extracting(Verdict::outcome).containsExactly(Outcome.ALLOWED);
    }

    @Test
    void theRootAlwaysHasApiVersionKindAndMetadataNameButNoOtherMetadata() {
        compiles(
                "",
                "self.metadata.name.startsWith('o') && self.kind == 'Table'"
                        + " && self.apiVersion != '' && has(self.metadata.generateName)");
        refused("", "self.metadata.namespace == 'shop'", "undefined field 'namespace'");
        List<Verdict> verdicts = validator("", "self.metadata.name == 'orders'")
                .create(table("{metadata: {name: orders, namespace: shop}, spec: {keySchema: []}}"));
        assertThat(verdicts).extracting(Verdict::outcome).containsExactly(Outcome.ALLOWED);
    }

    @Test
    void aRuleMustBeBooleanAndMayOnlyUseCelJavasLibraries() {
        refused("spec.shards", "self", "must evaluate to a bool");
        refused("spec.storage", "quantity(self.size).isGreaterThan(quantity('1Gi'))", "Kubernetes' own CEL libraries");
        refused("spec.storage", "self.size.matches('[')", "Regex validation failed");
        compiles("spec.storage", "self.size.lowerAscii().matches('^[0-9]+gi$')");
        refused("spec.storage", "self.size.reverse() != ''", "undeclared reference to 'reverse'");
        compiles("spec.keySchema", "sets.contains(['HASH', 'RANGE'], self.map(k, k.keyType))");
        compiles("spec.keySchema", "self.all(i, k, i >= 0 && k.keyType != '')");
        compiles("spec", "self.?storage.?size.orValue('1Gi') != ''");
    }

    @Test
    void oldSelfIsRefusedBelowTheItemsOfAListThatIsNotAMapList() {
        refused("spec.keySchema[*]", "self == oldSelf", "uncorrelatable");
        compiles("spec.keySchema[*]", "self.keyType != ''");
        JSONSchemaProps mapList = schema("""
        type: object
        properties:
          keys:
            type: array
            x-kubernetes-list-type: map
            x-kubernetes-list-map-keys: [attributeName]
            items:
              type: object
              properties:
                attributeName: {type: string}
                size: {type: integer}
        """);
        CrdRule rule = withRule(mapList, "keys[*]", "self.size >= oldSelf.size");
        cel.compile(rule);
        CrdRuleValidator validator = new CrdRuleValidator(mapList, cel);
        Map<String, Object> old = table("{keys: [{attributeName: a, size: 2}, {attributeName: b," + " size: 5}]}");
        // Items are matched by key, not by position: reordering and growing is fine.
        assertThat(validator.update(
                        old,
                        table("{keys: [{attributeName: b, size: 6},"
                                + " {attributeName: a, size: 2}, {attributeName: c, size: 0}]}")))
                .extracting(Verdict::outcome)
                .containsExactly(Outcome.ALLOWED, Outcome.ALLOWED, Outcome.SKIPPED);
        assertThat(validator.update(old, table("{keys: [{attributeName: b, size: 4}]}")))
                .extracting(Verdict::outcome)
                .containsExactly(Outcome.REFUSED);
    }

    @Test
    void aTransitionRuleIsEvaluatedOnlyOnAnUpdateWhoseOldObjectHasAValueThere() {
        CrdRuleValidator validator = validator("spec.shards", "self >= oldSelf");
        Map<String, Object> three = table("{spec: {keySchema: [], shards: 3}}");
        Map<String, Object> two = table("{spec: {keySchema: [], shards: 2}}");
        assertThat(validator.create(two)).extracting(Verdict::outcome).containsExactly(Outcome.SKIPPED);
        assertThat(validator.update(three, two)).extracting(Verdict::outcome).containsExactly(Outcome.REFUSED);
        assertThat(validator.update(two, three)).extracting(Verdict::outcome).containsExactly(Outcome.ALLOWED);
        // Defaulted to 1 shard on both sides before the rule sees them.
        assertThat(validator.update(three, table("{spec: {keySchema: []}}")))
                .extracting(Verdict::outcome)
                .containsExactly(Outcome.REFUSED);
        CrdRuleValidator storage = validator("spec.storage", "self == oldSelf");
        assertThat(storage.update(
                        table("{spec: {keySchema: []}}"), table("{spec: {keySchema: [], storage: {size: 2Gi}}}")))
                .extracting(Verdict::outcome)
                .containsExactly(Outcome.SKIPPED);
    }

    @Test
    void anOptionalOldSelfRuleIsEvaluatedOnCreateToo() {
        JSONSchemaProps schema = schema(TABLE_SCHEMA);
        CrdRule rule = withRule(schema, "spec.shards", "!oldSelf.hasValue() ? self <= 8 : self >= oldSelf.value()");
        rule.rule().setOptionalOldSelf(true);
        CrdRuleValidator validator = new CrdRuleValidator(schema, cel);
        assertThat(validator.create(table("{spec: {keySchema: [], shards: 9}}")))
                .extracting(Verdict::outcome)
                .containsExactly(Outcome.REFUSED);
        assertThat(validator.create(table("{spec: {keySchema: [], shards: 8}}")))
                .extracting(Verdict::outcome)
                .containsExactly(Outcome.ALLOWED);
        assertThat(validator.update(
                        table("{spec: {keySchema: [], shards: 9}}"), table("{spec: {keySchema: [], shards: 10}}")))
                .extracting(Verdict::outcome)
                .containsExactly(Outcome.ALLOWED);
    }

    @Test
    void aRuleThatFailsToEvaluateRefusesAndMessagesComeFromMessageExpressionFirst() {
        JSONSchemaProps schema = schema(TABLE_SCHEMA);
        CrdRule failing = withRule(schema, "spec", "self.storage.size == '1Gi'");
        CrdRule message = withRule(schema, "spec.shards", "self <= 8");
        message.rule().setMessageExpression("'at most 8 shards, not ' + string(self)");
        CrdRuleValidator validator = new CrdRuleValidator(schema, cel);
        List<Verdict> verdicts = validator.create(table("{spec: {keySchema: [], shards: 9}}"));
        assertThat(verdicts).extracting(Verdict::rule).containsExactly(failing, message);
        assertThat(verdicts).extracting(Verdict::outcome).containsExactly(Outcome.REFUSED, Outcome.REFUSED);
        assertThat(verdicts.get(0).detail())
                .contains("storage")
                .endsWith("evaluating rule: self.storage.size == '1Gi'");
        assertThat(verdicts.get(1).detail()).isEqualTo("at most 8 shards, not 9");
    }

    @Test
    void aFalseRuleOnAnUnchangedValueOnlyWarnsOnUpdate() {
        CrdRuleValidator validator = validator("spec.keySchema[*]", "self.keyType == 'HASH'");
        Map<String, Object> range = table("{spec: {keySchema: [{attributeName: a, keyType: RANGE}]," + " shards: 1}}");
        assertThat(validator.create(range)).extracting(Verdict::outcome).containsExactly(Outcome.REFUSED);
        assertThat(validator.update(
                        range, table("{spec: {keySchema: [{attributeName: a," + " keyType: RANGE}], shards: 2}}")))
                .extracting(Verdict::outcome)
                .containsExactly(Outcome.RATCHETED);
        assertThat(validator.update(range, table("{spec: {keySchema: [{attributeName: b," + " keyType: RANGE}]}}")))
                .extracting(Verdict::outcome)
                .containsExactly(Outcome.REFUSED);
    }

    private void compiles(String path, String rule) {
        cel.compile(rule(path, rule));
    }

    private void refused(String path, String rule, String because) {
        assertThatThrownBy(() -> cel.compile(rule(path, rule)))
                .isInstanceOf(RuleDoesNotCompile.class)
                .hasMessageContaining(because);
    }

    private static CrdRule rule(String path, String rule) {
        return withRule(schema(TABLE_SCHEMA), path, rule);
    }

    private CrdRuleValidator validator(String path, String rule) {
        JSONSchemaProps schema = schema(TABLE_SCHEMA);
        withRule(schema, path, rule);
        return new CrdRuleValidator(schema, cel);
    }

    /** Adds a rule to the node at {@code path} of {@code schema}, and returns it as collected. */
    private static CrdRule withRule(JSONSchemaProps schema, String path, String rule) {
        JSONSchemaProps node = schema;
        for (String step : path.isEmpty() ? new String[0] : path.split("\\.")) {
            String name = step.endsWith("[*]") ? step.substring(0, step.length() - 3) : step;
            node = node.getProperties().get(name);
            if (step.endsWith("[*]")) {
                node = node.getItems() != null
                        ? node.getItems().getSchema()
                        : node.getAdditionalProperties().getSchema();
            }
        }
        ValidationRule validationRule = new ValidationRule();
        validationRule.setRule(rule);
        if (node.getXKubernetesValidations() == null) {
            node.setXKubernetesValidations(new ArrayList<>());
        }
        node.getXKubernetesValidations().add(validationRule);
        return CrdRule.in(schema).stream()
                .filter(r -> r.path().equals(path) && r.rule() == validationRule)
                .findFirst()
                .orElseThrow();
    }

    private static JSONSchemaProps schema(String yaml) {
        return Serialization.unmarshal(yaml, JSONSchemaProps.class);
    }

    private static Map<String, Object> table(String yaml) {
        try {
            return YAML.readValue(yaml, new TypeReference<>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(yaml, e);
        }
    }
}
