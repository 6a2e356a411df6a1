package io.kubedyn.core.expression;

import static io.kubedyn.core.expression.Av.attrs;
import static io.kubedyn.core.expression.Av.b;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpdateExpressionTest {
    private static final Object[] VALUES = {
        ":one",
        n(1),
        ":five",
        n(5),
        ":x",
        s("x"),
        ":y",
        s("y"),
        ":list",
        l(s("c"), s("d")),
        ":empty",
        l(),
        ":red",
        ss("red"),
        ":redGreen",
        ss("red", "green"),
        ":blue",
        ss("blue"),
        ":n12",
        ns(1, 2),
        ":n2",
        ns(2),
        ":map",
        m("k", s("v")),
        ":bs",
        new AttributeValue.BS(java.util.Set.of(((AttributeValue.B) b(1)).value()))
    };

    private static UpdateExpression parse(String expression) {
        return UpdateExpression.parse(expression, attrs(Map.of("#n", "name_", "#k", "k"), VALUES));
    }

    private static Map<String, AttributeValue> apply(String expression, Map<String, AttributeValue> item) {
        return parse(expression).apply(item);
    }

    @Test
    void setWritesTopLevelAttributesAndLeavesTheOldItemUnchanged() {
        Map<String, AttributeValue> old = item("id", s("1"), "a", n(1));
        Map<String, AttributeValue> updated = apply("SET a = :five, b = :x, #n = :y", old);
        assertThat(updated).isEqualTo(item("id", s("1"), "a", n(5), "b", s("x"), "name_", s("y")));
        assertThat(old).isEqualTo(item("id", s("1"), "a", n(1)));
    }

    @Test
    void setOnAnAbsentItemCreatesIt() {
        assertThat(apply("SET a = :x", null)).isEqualTo(item("a", s("x")));
    }

    @Test
    void setWithArithmeticAddsAndSubtracts() {
        Map<String, AttributeValue> old = item("a", n(10), "b", n(3));
        assertThat(apply("SET a = a + :five", old)).containsEntry("a", n(15));
        assertThat(apply("SET a = a - :one", old)).containsEntry("a", n(9));
        assertThat(apply("SET c = a - b", old)).containsEntry("c", n(7));
        assertThat(apply("SET a = :five - a", old)).containsEntry("a", n(-5));
    }

    @Test
    void aSetValueAndItsOperandsMayBeParenthesized() {
        Map<String, AttributeValue> old = item("a", n(10), "b", m("x", n(3)), "c", l(n(1), n(4)));
        assertThat(apply("SET d = ((c[1]) + (b.x))", old)).containsEntry("d", n(7));
        assertThat(apply("SET d = (a)", old)).containsEntry("d", n(10));
        assertThatThrownBy(() -> parse("SET d = (b).x"))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Invalid UpdateExpression: Syntax error");
    }

    @Test
    void writesPastTheEndOfAListAppendInIndexOrderAfterTheOtherWrites() {
        Map<String, AttributeValue> old = item("c", l(n(1), n(3)), "b", m("x", n(5)));
        assertThat(apply("SET c[1] = :x, c[4] = :one, c[2] = b.x ADD c[8] :red, c[6] :five", old))
                .containsEntry("c", l(n(1), s("x"), n(5), n(1), n(5), ss("red")));
        assertThat(apply("SET c[84] = :x, c[17] = :y", old)).containsEntry("c", l(n(1), n(3), s("y"), s("x")));
    }

    @Test
    void setComputesEveryValueFromTheOldItem() {
        Map<String, AttributeValue> old = item("a", n(1), "b", n(2));
        assertThat(apply("SET a = b, b = a", old)).isEqualTo(item("a", n(2), "b", n(1)));
    }

    @Test
    void arithmeticOnAMissingAttributeIsRefused() {
        assertThatThrownBy(() -> apply("SET a = a + :one", item()))
                .isInstanceOf(DynamoDbException.class)
                .hasMessage("The provided expression refers to an attribute that does not exist in the item");
    }

    @Test
    void arithmeticOnANonNumberIsRefused() {
        assertThatThrownBy(() -> apply("SET a = a + :one", item("a", s("x"))))
                .hasMessage("An operand in the update expression has an incorrect data type");
    }

    @Test
    void atomicCounterWithIfNotExists() {
        UpdateExpression counter = parse("SET hits = if_not_exists(hits, :one) + :one");
        Map<String, AttributeValue> first = counter.apply(item());
        assertThat(first).containsEntry("hits", n(2));
        assertThat(counter.apply(first)).containsEntry("hits", n(3));
    }

    @Test
    void setWithIfNotExistsKeepsExistingValue() {
        assertThat(apply("SET a = if_not_exists(a, :x)", item("a", s("old")))).containsEntry("a", s("old"));
        assertThat(apply("SET a = if_not_exists(a, :x)", item())).containsEntry("a", s("x"));
        assertThat(apply("SET a = if_not_exists(b, :x)", item("b", s("b")))).containsEntry("a", s("b"));
    }

    @Test
    void listAppendJoinsListsInEitherOrder() {
        Map<String, AttributeValue> old = item("l", l(s("a"), s("b")));
        assertThat(apply("SET l = list_append(l, :list)", old)).containsEntry("l", l(s("a"), s("b"), s("c"), s("d")));
        assertThat(apply("SET l = list_append(:list, l)", old)).containsEntry("l", l(s("c"), s("d"), s("a"), s("b")));
        assertThat(apply("SET l = list_append(if_not_exists(l, :empty), :list)", item()))
                .containsEntry("l", l(s("c"), s("d")));
    }

    @Test
    void listAppendOnANonListIsRefused() {
        assertThatThrownBy(() -> apply("SET l = list_append(l, :list)", item("l", s("x"))))
                .hasMessage("An operand in the update expression has an incorrect data type");
    }

    @Test
    void setWritesNestedMapMembersAndListElements() {
        Map<String, AttributeValue> old = item("a", m("b", l(n(0), m("c", n(1)), n(2))));
        assertThat(apply("SET a.b[1].c = :five", old)).isEqualTo(item("a", m("b", l(n(0), m("c", n(5)), n(2)))));
        assertThat(apply("SET a.b[1].d = :x", old))
                .isEqualTo(item("a", m("b", l(n(0), m("c", n(1), "d", s("x")), n(2)))));
        assertThat(apply("SET a.#k = :map", old))
                .isEqualTo(item("a", m("b", l(n(0), m("c", n(1)), n(2)), "k", m("k", s("v")))));
    }

    @Test
    void setBeyondTheEndOfAListAppends() {
        assertThat(apply("SET l[10] = :x", item("l", l(s("a"))))).containsEntry("l", l(s("a"), s("x")));
    }

    @Test
    void setThroughAMissingMapIsRefused() {
        assertThatThrownBy(() -> apply("SET a.b.c = :x", item("a", m())))
                .hasMessage("The document path provided in the update expression is invalid for update");
        assertThatThrownBy(() -> apply("SET a.b = :x", item()))
                .hasMessage("The document path provided in the update expression is invalid for update");
        assertThatThrownBy(() -> apply("SET a[0] = :x", item("a", m())))
                .hasMessage("The document path provided in the update expression is invalid for update");
    }

    @Test
    void removeDeletesAttributesAndIgnoresMissingOnes() {
        Map<String, AttributeValue> old = item("a", n(1), "b", n(2), "c", m("d", n(3), "e", n(4)));
        assertThat(apply("REMOVE a, c.d, zz, c.zz", old)).isEqualTo(item("b", n(2), "c", m("e", n(4))));
    }

    @Test
    void removeListElementShiftsLaterElements() {
        Map<String, AttributeValue> old = item("l", l(s("a"), s("b"), s("c"), s("d")));
        assertThat(apply("REMOVE l[1]", old)).containsEntry("l", l(s("a"), s("c"), s("d")));
        assertThat(apply("REMOVE l[1], l[2]", old))
                .as("indexes of the old list")
                .containsEntry("l", l(s("a"), s("d")));
        assertThat(apply("REMOVE l[2], l[0]", old)).containsEntry("l", l(s("b"), s("d")));
        assertThat(apply("REMOVE l[9]", old)).isEqualTo(old);
    }

    @Test
    void addIncrementsNumbersAndCreatesMissingOnes() {
        assertThat(apply("ADD hits :five", item("hits", n(1)))).containsEntry("hits", n(6));
        assertThat(apply("ADD hits :five", item())).containsEntry("hits", n(5));
        assertThat(apply("ADD a.hits :one", item("a", m()))).containsEntry("a", m("hits", n(1)));
    }

    @Test
    void addUnitesSets() {
        assertThat(apply("ADD tags :redGreen", item("tags", ss("blue", "red"))))
                .containsEntry("tags", ss("blue", "red", "green"));
        assertThat(apply("ADD tags :red", item())).containsEntry("tags", ss("red"));
        assertThat(apply("ADD ids :n2", item("ids", ns(1)))).containsEntry("ids", ns(1, 2));
    }

    @Test
    void addOfTheWrongTypeIsRefused() {
        assertThatThrownBy(() -> apply("ADD tags :n2", item("tags", ss("red"))))
                .hasMessage("An operand in the update expression has an incorrect data type");
        assertThatThrownBy(() -> apply("ADD hits :one", item("hits", s("x"))))
                .hasMessage("An operand in the update expression has an incorrect data type");
    }

    @Test
    void deleteRemovesSetMembersAndTheAttributeWhenNoneRemain() {
        assertThat(apply("DELETE tags :red", item("tags", ss("red", "blue")))).containsEntry("tags", ss("blue"));
        assertThat(apply("DELETE tags :redGreen", item("id", s("1"), "tags", ss("red"))))
                .isEqualTo(item("id", s("1")));
        assertThat(apply("DELETE tags :red", item("id", s("1")))).isEqualTo(item("id", s("1")));
        assertThat(apply("DELETE ids :n2", item("ids", ns(1, 2, 3)))).containsEntry("ids", ns(1, 3));
    }

    @Test
    void deleteFromAnotherTypeIsRefused() {
        assertThatThrownBy(() -> apply("DELETE tags :red", item("tags", ns(1))))
                .hasMessage("An operand in the update expression has an incorrect data type");
    }

    @Test
    void severalClausesInAnyOrder() {
        Map<String, AttributeValue> old = item("a", n(1), "b", n(2), "tags", ss("red", "blue"), "l", l(s("x"), s("y")));
        Map<String, AttributeValue> updated = apply("REMOVE b, l[0] ADD a :five SET c = :x DELETE tags :red", old);
        assertThat(updated).isEqualTo(item("a", n(6), "tags", ss("blue"), "l", l(s("y")), "c", s("x")));
        assertThat(apply("set c = :x remove b", old)).doesNotContainKey("b").containsEntry("c", s("x"));
    }

    @Test
    void setAndRemoveOnTheSameListUseOldIndexes() {
        Map<String, AttributeValue> old = item("l", l(s("a"), s("b"), s("c")));
        assertThat(apply("SET l[2] = :x REMOVE l[0]", old)).containsEntry("l", l(s("b"), s("x")));
    }

    @Test
    void reportsTheAttributesAndPathsItUpdates() {
        UpdateExpression update = parse("SET a.b = :x, #n = :y REMOVE c[1] ADD d :one");
        assertThat(update.updatedAttributeNames()).containsExactly("a", "name_", "c", "d");
        assertThat(update.updatedPaths())
                .extracting(DocumentPath::toString)
                .containsExactly("a.b", "name_", "c[1]", "d");
    }

    @Test
    void projectsUpdatedPathsForUpdatedOldAndUpdatedNew() {
        Map<String, AttributeValue> old = item("id", s("1"), "a", m("b", n(1), "keep", n(0)), "c", l(s("x"), s("y")));
        UpdateExpression update = parse("SET a.b = :five, e = :x REMOVE c[1]");
        Map<String, AttributeValue> updated = update.apply(old);
        assertThat(update.projectUpdated(old)).isEqualTo(item("a", m("b", n(1)), "c", l(s("y"))));
        assertThat(update.projectUpdated(updated)).isEqualTo(item("a", m("b", n(5)), "e", s("x")));
    }

    @Test
    void expressionsAreReusableAndThreadSafeBecauseTheyHoldNoState() {
        UpdateExpression update = parse("ADD n :one");
        Map<String, AttributeValue> item = item();
        for (int i = 0; i < 3; i++) {
            item = update.apply(item);
        }
        assertThat(item).containsEntry("n", n(3));
        assertThat(List.of(update.toString())).containsExactly("ADD n :one");
    }
}
