package io.kubedyn.core.expression;

import static io.kubedyn.core.expression.Av.item;
import static io.kubedyn.core.expression.Av.l;
import static io.kubedyn.core.expression.Av.m;
import static io.kubedyn.core.expression.Av.n;
import static io.kubedyn.core.expression.Av.ns;
import static io.kubedyn.core.expression.Av.s;
import static io.kubedyn.core.expression.Av.ss;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.expression.LegacyParameters.AttributeCondition;
import io.kubedyn.core.expression.LegacyParameters.AttributeUpdate;
import io.kubedyn.core.expression.LegacyParameters.ComparisonOperator;
import io.kubedyn.core.expression.LegacyParameters.ExpectedAttribute;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LegacyParametersTest {
    private static final Map<String, AttributeValue> ITEM =
            item("id", s("1"), "n", n(5), "tags", ss("red", "blue"), "title", s("Dune"));

    private static AttributeCondition cond(ComparisonOperator op, AttributeValue... values) {
        return new AttributeCondition(op, List.of(values));
    }

    private static boolean filter(String name, AttributeCondition condition) {
        return LegacyParameters.filter("ScanFilter", Map.of(name, condition), null)
                .test(ITEM);
    }

    @Test
    void scanFilterOperatorsEvaluateLikeTheirExpressionCounterparts() {
        assertThat(filter("n", cond(ComparisonOperator.EQ, n(5)))).isTrue();
        assertThat(filter("n", cond(ComparisonOperator.NE, n(5)))).isFalse();
        assertThat(filter("absent", cond(ComparisonOperator.NE, n(5)))).isTrue();
        assertThat(filter("n", cond(ComparisonOperator.LT, n(6)))).isTrue();
        assertThat(filter("n", cond(ComparisonOperator.LE, n(5)))).isTrue();
        assertThat(filter("n", cond(ComparisonOperator.GT, n(5)))).isFalse();
        assertThat(filter("n", cond(ComparisonOperator.GE, n(5)))).isTrue();
        assertThat(filter("n", cond(ComparisonOperator.BETWEEN, n(1), n(5)))).isTrue();
        assertThat(filter("n", cond(ComparisonOperator.IN, n(1), n(5)))).isTrue();
        assertThat(filter("n", cond(ComparisonOperator.NOT_NULL))).isTrue();
        assertThat(filter("absent", cond(ComparisonOperator.NULL))).isTrue();
        assertThat(filter("tags", cond(ComparisonOperator.CONTAINS, s("red")))).isTrue();
        assertThat(filter("tags", cond(ComparisonOperator.NOT_CONTAINS, s("red"))))
                .isFalse();
        assertThat(filter("title", cond(ComparisonOperator.BEGINS_WITH, s("Du"))))
                .isTrue();
        assertThat(filter("absent", cond(ComparisonOperator.NOT_CONTAINS, s("red"))))
                .as("missing")
                .isFalse();
        assertThat(filter("tags", cond(ComparisonOperator.NOT_CONTAINS, s("green"))))
                .isTrue();
    }

    @Test
    void conditionalOperatorCombinesConditions() {
        Map<String, AttributeCondition> filter = new LinkedHashMap<>();
        filter.put("n", cond(ComparisonOperator.EQ, n(1)));
        filter.put("id", cond(ComparisonOperator.EQ, s("1")));
        assertThat(LegacyParameters.filter("QueryFilter", filter, null).test(ITEM))
                .isFalse();
        assertThat(LegacyParameters.filter("QueryFilter", filter, "AND").test(ITEM))
                .isFalse();
        assertThat(LegacyParameters.filter("QueryFilter", filter, "OR").test(ITEM))
                .isTrue();
        assertThatThrownBy(() -> LegacyParameters.filter("QueryFilter", filter, "XOR"))
                .hasMessageContaining("Member must satisfy enum value set: [OR, AND]");
    }

    @Test
    void expectedWithValueAndExists() {
        assertThat(LegacyParameters.expected(Map.of("id", new ExpectedAttribute(s("1"), null, null, null)), null)
                        .test(ITEM))
                .isTrue();
        assertThat(LegacyParameters.expected(Map.of("id", new ExpectedAttribute(s("1"), true, null, null)), null)
                        .test(ITEM))
                .isTrue();
        assertThat(LegacyParameters.expected(Map.of("id", new ExpectedAttribute(null, false, null, null)), null)
                        .test(ITEM))
                .isFalse();
        assertThat(LegacyParameters.expected(Map.of("id", new ExpectedAttribute(null, false, null, null)), null)
                        .test(Map.of()))
                .as("put if absent")
                .isTrue();
        assertThat(LegacyParameters.expected(
                                Map.of("n", new ExpectedAttribute(n(9), null, ComparisonOperator.LT, null)), null)
                        .test(ITEM))
                .as("Value as the single argument of a ComparisonOperator")
                .isTrue();
    }

    @Test
    void expectedRefusesInconsistentEntries() {
        assertThatThrownBy(() ->
                        LegacyParameters.expected(Map.of("a", new ExpectedAttribute(null, true, null, null)), null))
                .isInstanceOf(DynamoDbException.class)
                .hasMessage("One or more parameter values were invalid: Value must be provided when Exists is true for "
                        + "Attribute: a");
        assertThatThrownBy(() ->
                        LegacyParameters.expected(Map.of("a", new ExpectedAttribute(s("x"), false, null, null)), null))
                .hasMessage("One or more parameter values were invalid: Value cannot be used when Exists is false "
                        + "for Attribute: a");
        assertThatThrownBy(() -> LegacyParameters.expected(
                        Map.of("a", new ExpectedAttribute(null, true, ComparisonOperator.NULL, null)), null))
                .hasMessage("One or more parameter values were invalid: Exists and ComparisonOperator cannot be used "
                        + "together for Attribute: a");
    }

    @Test
    void refusesWrongArgumentCountsAndTypes() {
        assertThatThrownBy(() -> filter("n", cond(ComparisonOperator.BETWEEN, n(1))))
                .hasMessage("One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN "
                        + "ComparisonOperator");
        assertThatThrownBy(() -> filter("n", cond(ComparisonOperator.NULL, n(1))))
                .hasMessage("One or more parameter values were invalid: Invalid number of argument(s) for the NULL "
                        + "ComparisonOperator");
        assertThatThrownBy(() -> filter("n", cond(ComparisonOperator.LT, ss("a"))))
                .hasMessage("One or more parameter values were invalid: ComparisonOperator LT is not valid for SS "
                        + "AttributeValue type");
        assertThatThrownBy(() -> filter("n", cond(ComparisonOperator.BEGINS_WITH, n(1))))
                .hasMessage("One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid "
                        + "for N AttributeValue type");
        assertThatThrownBy(() -> filter("n", cond(ComparisonOperator.IN, n(1), s("1"))))
                .hasMessage("One or more parameter values were invalid: AttributeValues inside AttributeValueList must "
                        + "be of same type");
        assertThatThrownBy(() -> ComparisonOperator.parse("LIKE", "scanFilter"))
                .hasMessageContaining("Value 'LIKE' at 'scanFilter.member.comparisonOperator'");
    }

    @Test
    void keyConditionsBecomeAKeyCondition() {
        KeySchema schema = KeySchema.of(new KeyAttribute("pk", ScalarType.S), new KeyAttribute("sk", ScalarType.N));
        Map<String, AttributeCondition> conditions = new LinkedHashMap<>();
        conditions.put("pk", cond(ComparisonOperator.EQ, s("p")));
        assertThat(LegacyParameters.keyConditions(conditions, schema))
                .isEqualTo(new KeyCondition(s("p"), Optional.empty()));
        conditions.put("sk", cond(ComparisonOperator.BETWEEN, n(1), n(2)));
        assertThat(LegacyParameters.keyConditions(conditions, schema).sortKey())
                .contains(new SortKeyCondition(SortKeyCondition.Operator.BETWEEN, n(1), n(2)));
        conditions.put("sk", cond(ComparisonOperator.NE, n(1)));
        assertThatThrownBy(() -> LegacyParameters.keyConditions(conditions, schema))
                .hasMessage("Attempted conditional constraint is not an indexable operation");
        assertThatThrownBy(() ->
                        LegacyParameters.keyConditions(Map.of("sk", cond(ComparisonOperator.EQ, n(1))), schema))
                .hasMessage("Query condition missed key schema element: pk");
        assertThatThrownBy(() ->
                        LegacyParameters.keyConditions(Map.of("pk", cond(ComparisonOperator.EQ, n(1))), schema))
                .hasMessage(
                        "One or more parameter values were invalid: Condition parameter type does not match schema type");
    }

    @Test
    void attributeUpdatesPutAddAndDelete() {
        Map<String, AttributeUpdate> updates = new LinkedHashMap<>();
        updates.put("title", new AttributeUpdate("PUT", s("Dune Messiah")));
        updates.put("n", new AttributeUpdate("ADD", n(2)));
        updates.put("tags", new AttributeUpdate("DELETE", ss("red")));
        updates.put("id", new AttributeUpdate("DELETE", null));
        updates.put("hist", new AttributeUpdate("ADD", l(s("x"))));
        updates.put("nums", new AttributeUpdate(null, ns(1)));
        UpdateExpression update = LegacyParameters.attributeUpdates(updates);
        assertThat(update.apply(ITEM))
                .isEqualTo(item(
                        "n", n(7), "tags", ss("blue"), "title", s("Dune Messiah"), "hist", l(s("x")), "nums", ns(1)));
        assertThat(update.updatedAttributeNames()).containsExactly("title", "n", "tags", "id", "hist", "nums");
        Map<String, AttributeValue> twice = LegacyParameters.attributeUpdates(
                        Map.of("hist", new AttributeUpdate("ADD", l(s("y")))))
                .apply(item("hist", l(s("x"))));
        assertThat(twice).containsEntry("hist", l(s("x"), s("y")));
    }

    @Test
    void attributeUpdatesRefuseActionsWithoutOrWithTheWrongValue() {
        assertThatThrownBy(() -> LegacyParameters.attributeUpdates(Map.of("a", new AttributeUpdate("PUT", null))))
                .hasMessage(
                        "One or more parameter values were invalid: Only DELETE action is allowed when no attribute "
                                + "value is specified");
        assertThatThrownBy(() -> LegacyParameters.attributeUpdates(Map.of("a", new AttributeUpdate("ADD", s("x")))))
                .hasMessage("One or more parameter values were invalid: ADD action is not supported for the type S");
        assertThatThrownBy(() -> LegacyParameters.attributeUpdates(Map.of("a", new AttributeUpdate("DELETE", m()))))
                .hasMessage("One or more parameter values were invalid: DELETE action with value is not supported for "
                        + "the type M");
    }

    @Test
    void attributesToGetProjectsTopLevelAttributesVerbatim() {
        Map<String, AttributeValue> item = item("a.b", s("flat"), "name", s("n"), "x", n(1));
        assertThat(LegacyParameters.attributesToGet(List.of("a.b", "name")).apply(item))
                .isEqualTo(item("a.b", s("flat"), "name", s("n")));
        assertThatThrownBy(() -> LegacyParameters.attributesToGet(List.of("a", "a")))
                .hasMessage("One or more parameter values were invalid: Duplicate value in attribute name: a");
    }
}
