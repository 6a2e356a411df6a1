package io.kubedyn.core.expression;

import static io.kubedyn.core.expression.Av.attrs;
import static io.kubedyn.core.expression.Av.b;
import static io.kubedyn.core.expression.Av.bool;
import static io.kubedyn.core.expression.Av.item;
import static io.kubedyn.core.expression.Av.l;
import static io.kubedyn.core.expression.Av.m;
import static io.kubedyn.core.expression.Av.n;
import static io.kubedyn.core.expression.Av.ns;
import static io.kubedyn.core.expression.Av.nul;
import static io.kubedyn.core.expression.Av.s;
import static io.kubedyn.core.expression.Av.ss;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionExpressionTest {
    /** An item with one attribute of every type, and nesting. */
    private static final Map<String, AttributeValue> ITEM = item(
            "id", s("item-1"),
            "price", n("9.5"),
            "qty", n(3),
            "name_", s("Widget"),
            "bin", b(1, 2, 3),
            "active", bool(true),
            "nothing", nul(),
            "tags", ss("red", "blue"),
            "sizes", ns(1, 2, 3),
            "things", l(s("a"), n(1), m("k", s("v"))),
            "info", m("dims", m("w", n(10), "h", n(20)), "colors", l(s("red"), s("green"))));

    /** Values used by the tests; each test uses a subset, so verifyAllUsed is not called here. */
    private static final Object[] VALUES = {
        ":id",
        s("item-1"),
        ":other",
        s("item-2"),
        ":p",
        n("9.50"),
        ":cheap",
        n(5),
        ":dear",
        n(20),
        ":three",
        n(3),
        ":two",
        n(2),
        ":W",
        s("W"),
        ":w",
        s("w"),
        ":red",
        s("red"),
        ":one",
        n(1),
        ":b12",
        b(1, 2),
        ":b3",
        b(3),
        ":S",
        s("S"),
        ":N",
        s("N"),
        ":SS",
        s("SS"),
        ":M",
        s("M"),
        ":L",
        s("L"),
        ":NULL",
        s("NULL"),
        ":BOOL",
        s("BOOL"),
        ":B",
        s("B"),
        ":NS",
        s("NS"),
        ":true",
        bool(true),
        ":ten",
        n(10),
        ":a",
        s("a"),
        ":tags",
        ss("blue", "red"),
        ":kv",
        m("k", s("v")),
        ":str3",
        s("3")
    };

    private static boolean test(String expression) {
        return test(expression, ITEM);
    }

    private static boolean test(String expression, Map<String, AttributeValue> item) {
        return ConditionExpression.parse(
                        expression, attrs(Map.of("#n", "name_", "#dims", "dims", "#dotted", "a.b"), VALUES))
                .test(item);
    }

    @Test
    void equalityComparesTypeAndValue() {
        assertThat(test("id = :id")).isTrue();
        assertThat(test("id = :other")).isFalse();
        assertThat(test("price = :p")).as("9.5 equals 9.50").isTrue();
        assertThat(test("qty = :str3")).as("N 3 is not S \"3\"").isFalse();
        assertThat(test("tags = :tags")).as("sets are equal in any order").isTrue();
        assertThat(test("things[2] = :kv")).isTrue();
    }

    @Test
    void notEqualIsTrueForAMissingAttribute() {
        assertThat(test("absent <> :id")).isTrue();
        assertThat(test("absent = :id")).isFalse();
        assertThat(test("id <> :id")).isFalse();
        assertThat(test("qty <> :str3")).isTrue();
    }

    @Test
    void orderingComparesNumbersStringsAndBinaries() {
        assertThat(test("price < :dear")).isTrue();
        assertThat(test("price > :cheap AND price >= :p AND price <= :p")).isTrue();
        assertThat(test("#n > :W")).as("Widget > W").isTrue();
        assertThat(test("#n < :w")).as("upper case sorts before lower case").isTrue();
        assertThat(test("bin > :b12")).isTrue();
    }

    @Test
    void orderingValuesOfDifferentTypesIsFalseNotAnError() {
        assertThat(test("qty < :W")).isFalse();
        assertThat(test("qty > :W")).isFalse();
        assertThat(test("tags > :one")).isFalse();
        assertThat(test("absent < :one")).isFalse();
    }

    @Test
    void betweenIsInclusive() {
        assertThat(test("qty BETWEEN :two AND :three")).isTrue();
        assertThat(test("qty BETWEEN :one AND :two")).isFalse();
        assertThat(test("qty between :three and :ten")).isTrue();
        assertThat(test("#n BETWEEN :one AND :two")).as("type mismatch").isFalse();
    }

    @Test
    void inMatchesAnyOperand() {
        assertThat(test("id IN (:other, :id)")).isTrue();
        assertThat(test("id IN (:other)")).isFalse();
        assertThat(test("absent IN (:id)")).isFalse();
    }

    @Test
    void attributeExistsAndNotExistsFollowNestedPaths() {
        assertThat(test("attribute_exists(id)")).isTrue();
        assertThat(test("attribute_exists(info.#dims.w)")).isTrue();
        assertThat(test("attribute_exists(info.colors[1])")).isTrue();
        assertThat(test("attribute_exists(info.colors[2])")).isFalse();
        assertThat(test("attribute_not_exists(absent)")).isTrue();
        assertThat(test("attribute_not_exists(id)")).isFalse();
        assertThat(test("attribute_exists(nothing)"))
                .as("a NULL attribute exists")
                .isTrue();
    }

    @Test
    void putIfAbsentConditionHoldsOnAnAbsentItem() {
        assertThat(test("attribute_not_exists(id)", Map.of())).isTrue();
        assertThat(ConditionExpression.parse("attribute_not_exists(id)", ExpressionAttributes.none())
                        .test(null))
                .isTrue();
    }

    @Test
    void attributeTypeChecksTheTypeDescriptor() {
        assertThat(test("attribute_type(id, :S)")).isTrue();
        assertThat(test("attribute_type(price, :N)")).isTrue();
        assertThat(test("attribute_type(tags, :SS)")).isTrue();
        assertThat(test("attribute_type(sizes, :NS)")).isTrue();
        assertThat(test("attribute_type(info, :M)")).isTrue();
        assertThat(test("attribute_type(things, :L)")).isTrue();
        assertThat(test("attribute_type(nothing, :NULL)")).isTrue();
        assertThat(test("attribute_type(active, :BOOL)")).isTrue();
        assertThat(test("attribute_type(bin, :B)")).isTrue();
        assertThat(test("attribute_type(id, :N)")).isFalse();
        assertThat(test("attribute_type(absent, :S)")).isFalse();
    }

    @Test
    void beginsWithOnStringsAndBinaries() {
        assertThat(test("begins_with(#n, :W)")).isTrue();
        assertThat(test("begins_with(#n, :w)")).isFalse();
        assertThat(test("begins_with(bin, :b12)")).isTrue();
        assertThat(test("begins_with(qty, :W)")).isFalse();
    }

    @Test
    void containsOnStringsSetsAndLists() {
        assertThat(test("contains(#n, :a)")).isFalse();
        assertThat(test("contains(tags, :red)")).isTrue();
        assertThat(test("contains(sizes, :two)")).isTrue();
        assertThat(test("contains(sizes, :ten)")).isFalse();
        assertThat(test("contains(info.colors, :red)")).isTrue();
        assertThat(test("contains(things, :kv)")).isTrue();
        assertThat(test("contains(bin, :b3)")).isTrue();
        assertThat(test("contains(id, :one)")).isFalse();
    }

    @Test
    void sizeMeasuresStringsBinariesSetsListsAndMaps() {
        assertThat(test("size(#n) = :three")).isFalse();
        assertThat(test("size(id) > :three")).isTrue();
        assertThat(test("size(bin) = :three")).isTrue();
        assertThat(test("size(tags) = :two")).isTrue();
        assertThat(test("size(things) = :three")).isTrue();
        assertThat(test("size(info) = :two")).isTrue();
        assertThat(test("size(info.colors) = :two")).isTrue();
        assertThat(test("size(qty) = :one")).as("numbers have no size").isFalse();
        assertThat(test("size(absent) <> :one")).isTrue();
        assertThat(test(":three = size(things)")).isTrue();
        assertThat(test("size(:a) = :one"))
                .as("size of an expression attribute value")
                .isTrue();
    }

    @Test
    void notAndOrFollowDynamoDbPrecedence() {
        // NOT binds tighter than AND, which binds tighter than OR.
        assertThat(test("id = :other AND qty = :three OR active = :true")).isTrue();
        assertThat(test("id = :other AND (qty = :three OR active = :true)")).isFalse();
        assertThat(test("NOT id = :other AND qty = :three")).isTrue();
        assertThat(test("NOT (id = :id AND qty = :one)")).isTrue();
        assertThat(test("NOT id = :id OR qty = :three")).isTrue();
        assertThat(test("not attribute_exists(absent) and id = :id")).isTrue();
    }

    @Test
    void expressionAttributeNameMayHoldADotWithoutNesting() {
        Map<String, AttributeValue> dotted = item("a.b", s("flat"), "a", m("b", s("nested")));
        assertThat(ConditionExpression.parse("#dotted = :v", attrs(Map.of("#dotted", "a.b"), ":v", s("flat")))
                        .test(dotted))
                .isTrue();
        assertThat(ConditionExpression.parse("a.b = :v", attrs(null, ":v", s("nested")))
                        .test(dotted))
                .isTrue();
    }

    @Test
    void reportsTheTopLevelAttributesItReads() {
        ConditionExpression c = ConditionExpression.parseFilter(
                "#n = :a AND (size(info.colors) > :one OR NOT contains(tags, :red)) AND qty BETWEEN :one AND :ten",
                attrs(Map.of("#n", "name_"), VALUES));
        assertThat(c.attributeNames()).containsExactly("name_", "info", "tags", "qty");
    }

    @Test
    void whitespaceIsOptionalAndMayBeAnyBlank() {
        assertThat(test("qty>=:two AND qty<=:three AND qty<>:one")).isTrue();
        assertThat(test("info.#dims.w=:ten\tand\n\r(id=:id)")).isTrue();
        assertThat(test("attribute_exists( info . colors [ 1 ] )")).isTrue();
    }

    @Test
    void filterExpressionNamesItselfInErrors() {
        assertThatThrownBy(() -> ConditionExpression.parseFilter("a = ", ExpressionAttributes.none()))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Invalid FilterExpression: Syntax error; token: \"<EOF>\"");
    }

    @Test
    void recordsWhichNamesAndValuesWereUsed() {
        ExpressionAttributes attributes = attrs(Map.of("#a", "a", "#b", "b"), ":x", n(1), ":y", n(2));
        ConditionExpression.parse("#a = :x", attributes);
        assertThatThrownBy(attributes::verifyAllUsed)
                .hasMessage("Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}");
        ConditionExpression.parseFilter("#b = :x", attributes);
        assertThatThrownBy(attributes::verifyAllUsed)
                .hasMessage("Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}");
        ConditionExpression.parseFilter("#b = :y", attributes);
        attributes.verifyAllUsed();
    }
}
