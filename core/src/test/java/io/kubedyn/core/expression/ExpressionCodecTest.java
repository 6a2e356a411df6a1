package io.kubedyn.core.expression;

import static io.kubedyn.core.expression.Av.attrs;
import static io.kubedyn.core.expression.Av.item;
import static io.kubedyn.core.expression.Av.l;
import static io.kubedyn.core.expression.Av.m;
import static io.kubedyn.core.expression.Av.n;
import static io.kubedyn.core.expression.Av.s;
import static io.kubedyn.core.expression.Av.ss;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.write.ConditionalCheckFailedException;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.core.write.ItemChangeCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A change sent to a storage pod decides exactly as it would have in the gateway. */
class ExpressionCodecTest {
    private static final ExpressionAttributes ATTRS = attrs(
            Map.of("#s", "status", "#d", "a.b"),
            ":one",
            n(1),
            ":five",
            n(5),
            ":x",
            s("x"),
            ":t",
            s("S"),
            ":tags",
            ss("red"),
            ":list",
            l(s("z")));
    private static final List<Map<String, AttributeValue>> ITEMS = List.of(
            item("id", s("1")),
            item("id", s("2"), "a", n(1), "status", s("x"), "tags", ss("red", "blue")),
            item("id", s("3"), "a", n(7), "m", m("k", l(n(1), s("x"))), "a.b", s("xyz"), "lst", l(s("y"))));

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a = :one",
                "a <> :one",
                "a < :five",
                "a <= :five",
                "a > :one",
                "a >= :five",
                "a BETWEEN :one AND :five",
                "#s IN (:x, :one)",
                "attribute_exists(m.k[1])",
                "attribute_not_exists(a)",
                "attribute_type(#s, :t)",
                "begins_with(#d, :x)",
                "contains(tags, :x) OR contains(m.k, :x)",
                "NOT (a = :one AND #s = :x)",
                "size(tags) > :one"
            })
    void conditionsDecideTheSameAfterTheTrip(String text) {
        ConditionExpression condition = ConditionExpression.parse(text, ATTRS);
        ItemChange change =
                ItemChangeCodec.decode(ItemChangeCodec.encode(ItemChange.put(item("id", s("1")), condition, ATTRS)));
        for (Map<String, AttributeValue> item : ITEMS) {
            assertThat(change.condition().test(item)).as(text + " on " + item).isEqualTo(condition.test(item));
        }
        assertThat(change.condition()).hasToString(text);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SET a = a + :one, #s = if_not_exists(#s, :x), lst = list_append(:list, if_not_exists(lst, :list))",
                "SET m.k[0] = :five REMOVE #d",
                "ADD tags :tags, a :five",
                "DELETE tags :tags",
                "SET a = :five - a"
            })
    void updatesComputeTheSameItemAfterTheTrip(String text) {
        UpdateExpression update = UpdateExpression.parse(text, ATTRS);
        ItemChange change = ItemChangeCodec.decode(
                ItemChangeCodec.encode(ItemChange.update(item("id", s("3")), update, null, ATTRS)));
        for (Map<String, AttributeValue> item : ITEMS.subList(1, 3)) {
            Map<String, AttributeValue> expected;
            try {
                expected = update.apply(item);
            } catch (RuntimeException e) {
                assertThatThrownBy(() -> change.apply(item)).hasMessage(e.getMessage());
                continue;
            }
            assertThat(change.apply(item)).as(text).isEqualTo(expected);
        }
    }

    @Test
    void legacyExpectedAndAttributeUpdatesTravelToo() {
        Map<String, LegacyParameters.ExpectedAttribute> expected = new LinkedHashMap<>();
        expected.put(
                "a",
                new LegacyParameters.ExpectedAttribute(
                        null, null, LegacyParameters.ComparisonOperator.GT, List.of(n(5))));
        expected.put("gone", new LegacyParameters.ExpectedAttribute(null, false, null, null));
        Map<String, LegacyParameters.AttributeUpdate> updates = new LinkedHashMap<>();
        updates.put("lst", new LegacyParameters.AttributeUpdate("ADD", l(s("q"))));
        updates.put("status", new LegacyParameters.AttributeUpdate("DELETE", null));
        ItemChange original = ItemChange.update(
                item("id", s("3")),
                LegacyParameters.attributeUpdates(updates),
                LegacyParameters.expected(expected, null),
                null);
        ItemChange change = ItemChangeCodec.decode(ItemChangeCodec.encode(original));

        assertThat(change.apply(ITEMS.get(2)))
                .isEqualTo(original.apply(ITEMS.get(2)))
                .containsEntry("lst", l(s("y"), s("q")));
        assertThatThrownBy(() -> change.apply(ITEMS.get(1))).isInstanceOf(ConditionalCheckFailedException.class);
    }

    @Test
    void deleteWithoutConditionKeepsItsKey() {
        ItemChange change =
                ItemChangeCodec.decode(ItemChangeCodec.encode(ItemChange.delete(item("id", s("9")), null, null)));
        assertThat(change.kind()).isEqualTo(ItemChange.Kind.DELETE);
        assertThat(change.item()).isEqualTo(item("id", s("9")));
        assertThat(change.apply(ITEMS.get(0))).isNull();
    }
}
