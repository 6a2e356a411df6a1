package io.kubedyn.core.expression;

import static io.kubedyn.core.expression.Av.l;
import static io.kubedyn.core.expression.Av.n;
import static io.kubedyn.core.expression.Av.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.SortKeyCondition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ParsedExpressionsTest {
    private static final KeySchema SCHEMA =
            KeySchema.of(new KeyAttribute("p", ScalarType.S), new KeyAttribute("s", ScalarType.N));

    private final ParsedExpressions parsed = new ParsedExpressions(ParsedExpressions.DEFAULT_MAXIMUM_TOKENS);

    private static ExpressionAttributes values(Map<String, AttributeValue> values) {
        return new ExpressionAttributes(null, values);
    }

    @Test
    void aKeptTextGivesWhatParsingItGives() {
        ExpressionAttributes attrs = new ExpressionAttributes(Map.of("#a", "a"), Map.of(":v", n(1), ":s", s("x")));
        for (int round = 0; round < 2; round++) {
            assertThat(parsed.condition("#a = :v AND attribute_exists(b.c[1])", attrs)
                            .condition())
                    .isEqualTo(ConditionExpression.parse("#a = :v AND attribute_exists(b.c[1])", attrs)
                            .condition());
            assertThat(parsed.filter("begins_with(#a, :s) OR size(b) > :v", attrs)
                            .condition())
                    .isEqualTo(ConditionExpression.parseFilter("begins_with(#a, :s) OR size(b) > :v", attrs)
                            .condition());
            assertThat(parsed.update("SET #a = #a + :v, b = :s REMOVE c[2]", attrs)
                            .actions())
                    .isEqualTo(UpdateExpression.parse("SET #a = #a + :v, b = :s REMOVE c[2]", attrs)
                            .actions());
            assertThat(parsed.projection("#a, b.c[0]", attrs).paths())
                    .isEqualTo(ProjectionExpression.parse("#a, b.c[0]", attrs).paths());
        }
        assertThat(parsed.size()).isEqualTo(4);
    }

    @Test
    void theSameTextIsParsedOnceAndBuiltWithEachRequestsValues() {
        String text = "p = :p AND s >= :s";
        KeyCondition first = parsed.keyCondition(text, values(Map.of(":p", s("a"), ":s", n(1))), SCHEMA);
        KeyCondition second = parsed.keyCondition(text, values(Map.of(":p", s("b"), ":s", n(7))), SCHEMA);

        assertThat(first)
                .isEqualTo(new KeyCondition(
                        s("a"), Optional.of(new SortKeyCondition(SortKeyCondition.Operator.GE, n(1), null))));
        assertThat(second)
                .isEqualTo(new KeyCondition(
                        s("b"), Optional.of(new SortKeyCondition(SortKeyCondition.Operator.GE, n(7), null))));
        assertThat(parsed.size()).isEqualTo(1);
    }

    @Test
    void threadsSharingAKeptTreeEachGetTheirOwnValues() throws Exception {
        String text = "SET a = if_not_exists(a, :zero) + :inc, b = list_append(b, :l) REMOVE c[1]";
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            tasks.add(() -> {
                for (int i = 0; i < 500; i++) {
                    ExpressionAttributes attrs =
                            values(Map.of(":zero", n(0), ":inc", n(thread * 1000 + i), ":l", l(s("x" + thread))));
                    UpdateExpression update = parsed.update(text, attrs);
                    attrs.verifyAllUsed();
                    if (!update.actions()
                            .equals(UpdateExpression.parse(text, attrs).actions())) {
                        return false;
                    }
                }
                return true;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<Boolean> result : pool.invokeAll(tasks)) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(parsed.size()).isEqualTo(1);
    }

    @Test
    void aConditionAndAFilterOfOneTextShareATreeButKeepTheirOwnNamesInMessages() {
        ExpressionAttributes attrs = values(Map.of(":v", n(1)));
        parsed.condition("a = :v", attrs);
        assertThatThrownBy(() -> parsed.filter("a = :v", ExpressionAttributes.none()))
                .hasMessage("Invalid FilterExpression: An expression attribute value used in expression is not "
                        + "defined; attribute value: :v");
        assertThatThrownBy(() -> parsed.keyCondition("a = :v", ExpressionAttributes.none(), SCHEMA))
                .hasMessage("Invalid KeyConditionExpression: An expression attribute value used in expression is not "
                        + "defined; attribute value: :v");
        assertThat(parsed.size()).isEqualTo(1);
    }

    @Test
    void unusedValuesAreStillRefusedWhenTheTextIsKept() {
        String text = "SET a = :v";
        ExpressionAttributes exact = values(Map.of(":v", n(1)));
        parsed.update(text, exact);
        exact.verifyAllUsed();

        ExpressionAttributes extra = values(Map.of(":v", n(1), ":unused", n(2)));
        parsed.update(text, extra);
        assertThatThrownBy(extra::verifyAllUsed)
                .isInstanceOf(DynamoDbException.class)
                .hasMessage("Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}");

        ExpressionAttributes extraName = new ExpressionAttributes(Map.of("#n", "n"), Map.of(":v", n(1)));
        parsed.update(text, extraName);
        assertThatThrownBy(extraName::verifyAllUsed)
                .hasMessage("Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}");
        assertThat(parsed.size()).isEqualTo(1);
    }

    @Test
    void aReservedWordIsRefusedEveryTimeNotOnlyWhenFirstParsed() {
        // The syntax is valid, so the tree is kept; the check runs again on every request.
        for (int round = 0; round < 3; round++) {
            assertThatThrownBy(() -> parsed.projection("a, size", ExpressionAttributes.none()))
                    .hasMessage("Invalid ProjectionExpression: Attribute name is a reserved keyword; "
                            + "reserved keyword: size");
        }
    }

    @Test
    void aSyntaxErrorIsNotKeptAndFailsTheSameWayAgain() {
        for (int round = 0; round < 2; round++) {
            assertThatThrownBy(() -> parsed.condition("a == :v", values(Map.of(":v", n(1)))))
                    .hasMessage("Invalid ConditionExpression: Syntax error; token: \"=\", near: \"== :v\"");
            assertThatThrownBy(() -> parsed.update("", ExpressionAttributes.none()))
                    .hasMessage("Invalid UpdateExpression: The expression can not be empty;");
            assertThatThrownBy(() -> parsed.filter(null, ExpressionAttributes.none()))
                    .hasMessage("Invalid FilterExpression: The expression can not be empty;");
        }
        assertThat(parsed.size()).isZero();
    }

    @Test
    void keepsNoMoreTokensThanItsBound() {
        // "a0 = :v" is 3 tokens and EOF: a bound of 40 tokens keeps at most 10 such texts.
        ParsedExpressions small = new ParsedExpressions(40);
        ExpressionAttributes attrs = values(Map.of(":v", n(1)));
        for (int i = 0; i < 200; i++) {
            small.condition("a" + i + " = :v", values(Map.of(":v", n(1))));
        }
        assertThat(small.size()).isBetween(1L, 10L);
        // An evicted text is parsed again, to the same result.
        assertThat(small.condition("a0 = :v", attrs).condition())
                .isEqualTo(ConditionExpression.parse("a0 = :v", attrs).condition());
    }

    @ParameterizedTest(name = "{0}Expression \"{1}\"")
    @MethodSource("io.kubedyn.core.expression.InvalidExpressionTest#invalidExpressions")
    void refusesEveryInvalidExpressionWithTheMessageParsingGives(String kind, String expression, String message) {
        for (int round = 0; round < 2; round++) {
            Throwable thrown = catchThrowable(() -> parse(kind, expression, InvalidExpressionTest.attributes()));
            assertThat(thrown).isInstanceOf(DynamoDbException.class).hasMessage(message);
        }
    }

    private Object parse(String kind, String expression, ExpressionAttributes attributes) {
        switch (kind) {
            case "Condition":
                return parsed.condition(expression, attributes);
            case "Filter":
                return parsed.filter(expression, attributes);
            case "Update":
                return parsed.update(expression, attributes);
            case "Projection":
                return parsed.projection(expression, attributes);
            default:
                return parsed.keyCondition(expression, attributes, InvalidExpressionTest.SCHEMA);
        }
    }
}
