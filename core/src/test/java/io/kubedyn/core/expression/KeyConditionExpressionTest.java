package io.kubedyn.core.expression;

import static io.kubedyn.core.expression.Av.attrs;
import static io.kubedyn.core.expression.Av.b;
import static io.kubedyn.core.expression.Av.n;
import static io.kubedyn.core.expression.Av.s;
import static io.kubedyn.core.expression.Av.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.SortKeyCondition.Operator;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class KeyConditionExpressionTest {
    private static final KeySchema MUSIC =
            KeySchema.of(new KeyAttribute("Artist", ScalarType.S), new KeyAttribute("SongTitle", ScalarType.S));
    private static final KeySchema EVENTS =
            KeySchema.of(new KeyAttribute("pk", ScalarType.S), new KeyAttribute("ts", ScalarType.N));
    private static final KeySchema HASH_ONLY = KeySchema.of(new KeyAttribute("id", ScalarType.B), null);

    private static KeyCondition parse(String text, ExpressionAttributes attributes, KeySchema schema) {
        KeyCondition condition = KeyConditionExpression.parse(text, attributes, schema);
        attributes.verifyAllUsed();
        return condition;
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(
            String text, ExpressionAttributes attributes, KeySchema schema) {
        return assertThatThrownBy(() -> KeyConditionExpression.parse(text, attributes, schema))
                .isInstanceOf(DynamoDbException.class)
                .satisfies(e -> assertThat(((DynamoDbException) e).error()).isEqualTo(DynamoDbError.VALIDATION));
    }

    @Test
    void partitionKeyEqualityAloneSelectsTheWholePartition() {
        KeyCondition condition = parse("Artist = :a", values(":a", s("No One You Know")), MUSIC);
        assertThat(condition).isEqualTo(new KeyCondition(s("No One You Know"), Optional.empty()));
    }

    @Test
    void sortKeyComparatorsBecomeSortKeyConditions() {
        ExpressionAttributes attributes = values(":a", s("x"), ":t", s("M"));
        assertThat(parse("Artist = :a AND SongTitle < :t", attributes, MUSIC).sortKey())
                .contains(new SortKeyCondition(Operator.LT, s("M"), null));
        for (String[] op : new String[][] {{"=", "EQ"}, {"<=", "LE"}, {">", "GT"}, {">=", "GE"}}) {
            KeyCondition c = KeyConditionExpression.parse(
                    "Artist = :a and SongTitle " + op[0] + " :t", values(":a", s("x"), ":t", s("M")), MUSIC);
            assertThat(c.sortKey()).contains(new SortKeyCondition(Operator.valueOf(op[1]), s("M"), null));
        }
    }

    @Test
    void sortKeyConditionMayComeFirstAndValueMayBeOnTheLeft() {
        KeyCondition c = parse(":t < SongTitle AND Artist = :a", values(":a", s("x"), ":t", s("M")), MUSIC);
        assertThat(c.partitionKey()).isEqualTo(s("x"));
        assertThat(c.sortKey()).contains(new SortKeyCondition(Operator.GT, s("M"), null));
    }

    @Test
    void betweenAndBeginsWithOnTheSortKey() {
        KeyCondition between =
                parse("pk = :p AND ts BETWEEN :lo AND :hi", values(":p", s("p"), ":lo", n(1), ":hi", n(9)), EVENTS);
        assertThat(between.sortKey()).contains(new SortKeyCondition(Operator.BETWEEN, n(1), n(9)));
        KeyCondition prefix =
                parse("Artist = :a AND begins_with(SongTitle, :p)", values(":a", s("x"), ":p", s("Ca")), MUSIC);
        assertThat(prefix.sortKey()).contains(new SortKeyCondition(Operator.BEGINS_WITH, s("Ca"), null));
    }

    @Test
    void namesMayComeFromExpressionAttributeNamesAndParenthesesAreAllowed() {
        KeyCondition c = parse(
                "(#a = :a) AND (#t >= :t)",
                attrs(Map.of("#a", "Artist", "#t", "SongTitle"), ":a", s("x"), ":t", s("A")),
                MUSIC);
        assertThat(c.sortKey()).contains(new SortKeyCondition(Operator.GE, s("A"), null));
    }

    @Test
    void binaryPartitionKey() {
        assertThat(parse("id = :id", values(":id", b(1, 2)), HASH_ONLY).partitionKey())
                .isEqualTo(b(1, 2));
    }

    @Test
    void refusesAQueryWithoutThePartitionKey() {
        assertInvalid("SongTitle = :t", values(":t", s("x")), MUSIC)
                .hasMessage("Query condition missed key schema element: Artist");
    }

    @Test
    void refusesOtherOperatorsThanEqualityOnThePartitionKey() {
        assertInvalid("Artist > :a", values(":a", s("x")), MUSIC).hasMessage("Query key condition not supported");
    }

    @Test
    void refusesOrNotInAndNotEqual() {
        ExpressionAttributes a = values(":a", s("x"), ":t", s("y"));
        assertInvalid("Artist = :a OR SongTitle = :t", a, MUSIC)
                .hasMessage("Invalid operator used in KeyConditionExpression: OR");
        assertInvalid("Artist = :a AND NOT SongTitle = :t", values(":a", s("x"), ":t", s("y")), MUSIC)
                .hasMessage("Invalid operator used in KeyConditionExpression: NOT");
        assertInvalid("Artist IN (:a, :t)", values(":a", s("x"), ":t", s("y")), MUSIC)
                .hasMessage("Invalid operator used in KeyConditionExpression: IN");
        assertInvalid("Artist = :a AND SongTitle <> :t", values(":a", s("x"), ":t", s("y")), MUSIC)
                .hasMessage("Invalid operator used in KeyConditionExpression: <>");
        assertInvalid("Artist = :a AND attribute_exists(SongTitle)", values(":a", s("x")), MUSIC)
                .hasMessage("Invalid operator used in KeyConditionExpression: attribute_exists");
        assertInvalid("Artist = :a AND contains(SongTitle, :t)", values(":a", s("x"), ":t", s("y")), MUSIC)
                .hasMessage("Invalid operator used in KeyConditionExpression: contains");
    }

    @Test
    void refusesMalformedTermsInDynamoDbsOrder() {
        ExpressionAttributes a = values(":a", s("x"), ":t", s("y"));
        assertInvalid(":a BETWEEN size(SongTitle) AND :t", a, MUSIC)
                .hasMessage(
                        "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its "
                                + "first operand");
        assertInvalid("begins_with(:a, SongTitle)", a, MUSIC)
                .hasMessage(
                        "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its "
                                + "first operand");
        // Operand by operand: the second name is found before the nested path after it.
        assertInvalid("Artist BETWEEN SongTitle AND size(Artist)", a, MUSIC)
                .hasMessage(
                        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
        assertInvalid("Artist.x = :a", a, MUSIC)
                .hasMessage("KeyConditionExpressions cannot have conditions on nested attributes");
        assertInvalid("Artist = size(SongTitle)", a, MUSIC)
                .hasMessage("KeyConditionExpressions cannot contain nested operations");
        assertInvalid(":a = :t", a, MUSIC)
                .hasMessage("Invalid condition in KeyConditionExpression: No key attribute specified");
    }

    @Test
    void refusesTwoConditionsOnOneKey() {
        assertInvalid(
                        "Artist = :a AND SongTitle > :t AND SongTitle < :u",
                        values(":a", s("x"), ":t", s("a"), ":u", s("z")),
                        MUSIC)
                .hasMessage("KeyConditionExpressions must only contain one condition per key");
    }

    @Test
    void refusesConditionsOnNonKeyAttributes() {
        assertInvalid("Artist = :a AND Year = :y", values(":a", s("x"), ":y", n(2000)), MUSIC)
                .hasMessageContaining("reserved keyword: Year");
        assertInvalid("Artist = :a AND Genre = :g", values(":a", s("x"), ":g", s("rock")), MUSIC)
                .hasMessage("Query condition missed key schema element: SongTitle");
        assertInvalid("id = :id AND Genre = :g", values(":id", b(1), ":g", s("rock")), HASH_ONLY)
                .hasMessage("Query key condition not supported");
    }

    @Test
    void refusesValuesOfTheWrongType() {
        assertInvalid("Artist = :a", values(":a", n(1)), MUSIC)
                .hasMessage(
                        "One or more parameter values were invalid: Condition parameter type does not match schema type");
        assertInvalid("pk = :p AND ts > :t", values(":p", s("x"), ":t", s("1")), EVENTS)
                .hasMessage(
                        "One or more parameter values were invalid: Condition parameter type does not match schema type");
    }

    @Test
    void refusesBeginsWithOnNumbers() {
        assertInvalid("pk = :p AND begins_with(ts, :t)", values(":p", s("x"), ":t", n(1)), EVENTS)
                .hasMessage("Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
                        + "operator or function: begins_with, operand type: N");
    }

    @Test
    void refusesBetweenWithBoundsInTheWrongOrder() {
        assertInvalid("pk = :p AND ts BETWEEN :hi AND :lo", values(":p", s("x"), ":lo", n(1), ":hi", n(9)), EVENTS)
                .hasMessage("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater "
                        + "than or equal to lower bound; lower bound operand: AttributeValue: {N:9}, "
                        + "upper bound operand: AttributeValue: {N:1}");
    }

    @Test
    void refusesAnEmptyPartitionKeyValue() {
        assertInvalid("Artist = :a", values(":a", s("")), MUSIC).hasMessageContaining("cannot contain an empty string");
    }

    @Test
    void refusesSyntaxErrorsWithTheOffendingToken() {
        assertInvalid("Artist == :a", values(":a", s("x")), MUSIC)
                .hasMessage("Invalid KeyConditionExpression: Syntax error; token: \"=\", near: \"== :a\"");
        assertInvalid("Artist = :a AND", values(":a", s("x")), MUSIC)
                .hasMessage("Invalid KeyConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
    }

    @Test
    void refusesUndefinedValuesAndNames() {
        assertInvalid("Artist = :b", values(":a", s("x")), MUSIC)
                .hasMessage("Invalid KeyConditionExpression: "
                        + "An expression attribute value used in expression is not defined; attribute value: :b");
        assertInvalid("#x = :a", values(":a", s("x")), MUSIC)
                .hasMessage("Invalid KeyConditionExpression: "
                        + "An expression attribute name used in the document path is not defined; attribute name: #x");
    }

    @Test
    void reportsUnusedValuesAfterParsing() {
        ExpressionAttributes attributes = values(":a", s("x"), ":unused", s("y"));
        KeyConditionExpression.parse("Artist = :a", attributes, MUSIC);
        assertThatThrownBy(attributes::verifyAllUsed)
                .hasMessage("Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}");
    }

    @Test
    void refusesNestedKeyPaths() {
        assertInvalid("Artist.x = :a", values(":a", s("x")), MUSIC)
                .hasMessage("KeyConditionExpressions cannot have conditions on nested attributes");
    }
}
