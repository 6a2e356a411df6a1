package io.kubedyn.core.expression;

import static io.kubedyn.core.expression.Av.l;
import static io.kubedyn.core.expression.Av.n;
import static io.kubedyn.core.expression.Av.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.ScalarType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DynamoDB's expression error cases: each malformed or invalid expression is refused with a
 * ValidationException whose message names the problem, before anything is evaluated.
 */
class InvalidExpressionTest {
    static final KeySchema SCHEMA =
            KeySchema.of(new KeyAttribute("pk", ScalarType.S), new KeyAttribute("sk", ScalarType.N));

    static ExpressionAttributes attributes() {
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        values.put(":v", s("v"));
        values.put(":w", s("w"));
        values.put(":num", n(1));
        values.put(":lo", n(1));
        values.put(":hi", n(9));
        values.put(":bad", s("STRING"));
        values.put(":list", l(s("x")));
        return new ExpressionAttributes(Map.of("#a", "a"), values);
    }

    private static final String IN_101 =
            "a IN (" + IntStream.range(0, 101).mapToObj(i -> ":v").collect(Collectors.joining(", ")) + ")";
    private static final String DEPTH_33 = "a" + ".b".repeat(32) + " = :v";
    private static final String SIZE_4097 = "a = :v AND b = :v" + " ".repeat(4097 - 17);

    static Stream<Arguments> invalidExpressions() {
        return Stream.of(
                // ---- syntax ----
                Arguments.of(
                        "Condition",
                        "a = ",
                        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"= \""),
                Arguments.of(
                        "Condition",
                        "a == :v",
                        "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"== :v\""),
                Arguments.of(
                        "Condition",
                        "a = :v AND",
                        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\""),
                Arguments.of(
                        "Condition",
                        "a ! :v",
                        "Invalid ConditionExpression: Syntax error; token: \"!\", near: \"a ! :v\""),
                Arguments.of(
                        "Filter", "(a = :v", "Invalid FilterExpression: Syntax error; token: \"<EOF>\", near: \":v\""),
                Arguments.of(
                        "Condition",
                        "a[99999999999] = :v",
                        "Invalid ConditionExpression: Syntax error; token: \"99999999999\", near: \"[99999999999]\""),
                Arguments.of(
                        "Update",
                        "SET a = :v + :w + :num",
                        "Invalid UpdateExpression: Syntax error; token: \"+\", near: \":w + :num\""),
                Arguments.of(
                        "Update",
                        "REMOVE",
                        "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"REMOVE\""),
                Arguments.of(
                        "Update",
                        "UPDATE a = :v",
                        "Invalid UpdateExpression: Syntax error; token: \"UPDATE\", near: \"UPDATE a\""),
                Arguments.of(
                        "Projection",
                        "a,,b",
                        "Invalid ProjectionExpression: Syntax error; token: \",\", near: \",,b\""),
                // ---- emptiness and limits ----
                Arguments.of("Condition", "  ", "Invalid ConditionExpression: The expression can not be empty;"),
                Arguments.of("Update", "", "Invalid UpdateExpression: The expression can not be empty;"),
                Arguments.of(
                        "Condition",
                        SIZE_4097,
                        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size"),
                Arguments.of(
                        "Condition",
                        DEPTH_33,
                        "Invalid ConditionExpression: The document path has too many nesting levels; nesting levels: 33"),
                Arguments.of(
                        "Condition",
                        IN_101,
                        "Invalid ConditionExpression: The IN operator is provided with too many operands; "
                                + "number of operands: 101"),
                // ---- names and values ----
                Arguments.of(
                        "Condition",
                        "name = :v",
                        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"),
                Arguments.of(
                        "Projection",
                        "a, b.Size",
                        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: Size"),
                Arguments.of(
                        "Condition",
                        "#x = :v",
                        "Invalid ConditionExpression: An expression attribute name used "
                                + "in the document path is not defined; attribute name: #x"),
                Arguments.of(
                        "Update",
                        "SET a = :nope",
                        "Invalid UpdateExpression: An expression attribute value used "
                                + "in expression is not defined; attribute value: :nope"),
                // ---- functions ----
                Arguments.of(
                        "Condition", "foo(a)", "Invalid ConditionExpression: Invalid function name; function: foo"),
                Arguments.of(
                        "Condition",
                        "ATTRIBUTE_EXISTS(a)",
                        "Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS"),
                Arguments.of(
                        "Condition",
                        "attribute_exists(a, b)",
                        "Invalid ConditionExpression: Incorrect number of "
                                + "operands for operator or function; operator or function: attribute_exists, number of operands: 2"),
                Arguments.of(
                        "Condition",
                        "begins_with(a, :num)",
                        "Invalid ConditionExpression: Incorrect operand type "
                                + "for operator or function; operator or function: begins_with, operand type: N"),
                Arguments.of(
                        "Condition",
                        "attribute_exists(:v)",
                        "Invalid ConditionExpression: Operator or function "
                                + "requires a document path; operator or function: attribute_exists"),
                Arguments.of(
                        "Condition",
                        "size(a)",
                        "Invalid ConditionExpression: The function is not allowed to be "
                                + "used this way in an expression; function: size"),
                Arguments.of(
                        "Filter",
                        "attribute_exists(a) = :v",
                        "Invalid FilterExpression: The function is not "
                                + "allowed to be used this way in an expression; function: attribute_exists"),
                Arguments.of(
                        "Condition",
                        "a = if_not_exists(a, :v)",
                        "Invalid ConditionExpression: The function is "
                                + "not allowed in a condition expression; function: if_not_exists"),
                Arguments.of(
                        "Condition",
                        "attribute_type(a, :num)",
                        "Invalid ConditionExpression: Incorrect operand "
                                + "type for operator or function; operator or function: attribute_type, operand type: N"),
                Arguments.of(
                        "Condition",
                        "attribute_type(a, :bad)",
                        "Invalid ConditionExpression: Invalid attribute "
                                + "type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
                Arguments.of(
                        "Condition",
                        "attribute_type(a, b)",
                        "Invalid ConditionExpression: Incorrect operand type "
                                + "for operator or function; operator or function: attribute_type, operand type: "
                                + "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"),
                Arguments.of(
                        "Condition",
                        "size(:num) > :lo",
                        "Invalid ConditionExpression: Incorrect operand type "
                                + "for operator or function; operator or function: size, operand type: N"),
                // ---- DynamoDB's order of kinds, whatever their order in the text ----
                Arguments.of(
                        "Filter",
                        "a = :v and a > ((b))",
                        "Invalid FilterExpression: The expression has redundant parentheses;"),
                Arguments.of(
                        "Filter",
                        "(a)between(((b.c)).d)and(c)",
                        "Invalid FilterExpression: The expression has redundant parentheses;"),
                Arguments.of(
                        "Filter",
                        "a > whatever((:v), ((a)))",
                        "Invalid FilterExpression: The expression has redundant parentheses;"),
                Arguments.of(
                        "Filter",
                        "a = :v and whatever((:nope)) > views",
                        "Invalid FilterExpression: Invalid function name; function: whatever"),
                Arguments.of(
                        "Filter",
                        "size(contains(a, b)) > views",
                        "Invalid FilterExpression: The function is not allowed to be used this way in an expression; "
                                + "function: contains"),
                Arguments.of(
                        "Filter",
                        "attribute_exists(views, #nope)",
                        "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: views"),
                Arguments.of(
                        "Filter",
                        "attribute_exists(#nope.b, :v) and a = :v",
                        "Invalid FilterExpression: An expression attribute name used in the document path is not "
                                + "defined; attribute name: #nope"),
                Arguments.of(
                        "Filter",
                        "(a) between (a) and (:v)",
                        "Invalid FilterExpression: The first operand must be distinct from the remaining operands "
                                + "for this operator or function; operator: BETWEEN, first operand: [a]"),
                Arguments.of(
                        "Filter",
                        "attribute_type(a, size(a))",
                        "Invalid FilterExpression: Incorrect operand type for operator or function; operator or "
                                + "function: attribute_type, operand type: N"),
                Arguments.of(
                        "Update",
                        "SET #nope = :v SET abOrt = :v",
                        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: abOrt"),
                Arguments.of(
                        "Update",
                        "SET a = #nope SET c = :nope",
                        "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;"),
                Arguments.of(
                        "Update",
                        "SET a = if_not_exists(:nope)",
                        "Invalid UpdateExpression: An expression attribute value used in expression is not defined; "
                                + "attribute value: :nope"),
                Arguments.of(
                        "Update",
                        "SET d[1] = a, d.b = a, c[1].a = a, c = if_not_exists(a)",
                        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
                                + "rewrite one of these paths; path one: [c, [1], a], path two: [c]"),
                Arguments.of(
                        "Filter",
                        "size(size(a)) > :num",
                        "Invalid FilterExpression: Incorrect operand type for operator or function; operator or "
                                + "function: size, operand type: N"),
                Arguments.of(
                        "Filter",
                        "attribute_type(ab.bc[1].#a, ab.bc[1].a)",
                        "Invalid FilterExpression: The first operand must be distinct from the remaining operands "
                                + "for this operator or function; operator: attribute_type, first operand: "
                                + "[ab, bc, [1], a]"),
                Arguments.of(
                        "Update",
                        "SET a = (b.c).d",
                        "Invalid UpdateExpression: Syntax error; token: \"(\", near: \"= (b\""),
                Arguments.of(
                        "Projection",
                        "(a.b).c",
                        "Invalid ProjectionExpression: Syntax error; token: \"(\", near: \"(a\""),
                Arguments.of(
                        "Projection",
                        "#nope, ABSoLUTE",
                        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: "
                                + "ABSoLUTE"),
                Arguments.of(
                        "Projection",
                        "b[1], b.a, #a.b, a",
                        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or "
                                + "rewrite one of these paths; path one: [a, b], path two: [a]"),
                // ---- operators ----
                Arguments.of(
                        "Condition",
                        "((a = :v))",
                        "Invalid ConditionExpression: The expression has redundant " + "parentheses;"),
                Arguments.of(
                        "Condition",
                        "a BETWEEN :hi AND :lo",
                        "Invalid ConditionExpression: The BETWEEN operator "
                                + "requires upper bound to be greater than or equal to lower bound; lower bound operand: "
                                + "AttributeValue: {N:9}, upper bound operand: AttributeValue: {N:1}"),
                Arguments.of(
                        "Condition",
                        "a < :list",
                        "Invalid ConditionExpression: Incorrect operand type for "
                                + "operator or function; operator or function: <, operand type: L"),
                Arguments.of(
                        "Filter",
                        "a BETWEEN :list AND :v",
                        "Invalid FilterExpression: Incorrect operand type for "
                                + "operator or function; operator or function: BETWEEN, operand type: L"),
                Arguments.of(
                        "Condition",
                        "a = a",
                        "Invalid ConditionExpression: The first operand must be distinct "
                                + "from the remaining operands for this operator or function; operator: =, first operand: [a]"),
                // ---- update clauses ----
                Arguments.of(
                        "Update",
                        "SET a = :v SET b = :w",
                        "Invalid UpdateExpression: The \"SET\" section can "
                                + "only be used once in an update expression;"),
                Arguments.of(
                        "Update",
                        "REMOVE a remove b",
                        "Invalid UpdateExpression: The \"REMOVE\" section can "
                                + "only be used once in an update expression;"),
                Arguments.of(
                        "Update",
                        "SET a = :v, a.b = :w",
                        "Invalid UpdateExpression: Two document paths overlap "
                                + "with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"),
                Arguments.of(
                        "Update",
                        "SET a.b = :v REMOVE a[1]",
                        "Invalid UpdateExpression: Two document paths "
                                + "conflict with each other; must remove or rewrite one of these paths; path one: [a, b], "
                                + "path two: [a, [1]]"),
                Arguments.of(
                        "Update",
                        "SET #a = :v ADD a :num",
                        "Invalid UpdateExpression: Two document paths "
                                + "overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"),
                Arguments.of(
                        "Update",
                        "ADD a :v",
                        "Invalid UpdateExpression: Incorrect operand type for operator or "
                                + "function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"),
                Arguments.of(
                        "Update",
                        "DELETE a :num",
                        "Invalid UpdateExpression: Incorrect operand type for operator "
                                + "or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"),
                Arguments.of(
                        "Update",
                        "SET a = b + :v",
                        "Invalid UpdateExpression: Incorrect operand type for "
                                + "operator or function; operator or function: +, operand type: S"),
                Arguments.of(
                        "Update",
                        "SET a = list_append(a, :v)",
                        "Invalid UpdateExpression: Incorrect operand "
                                + "type for operator or function; operator or function: list_append, operand type: S"),
                Arguments.of(
                        "Update",
                        "SET a = size(b)",
                        "Invalid UpdateExpression: The function is not allowed in "
                                + "an update expression; function: size"),
                Arguments.of(
                        "Update",
                        "SET a = if_not_exists(:v, :w)",
                        "Invalid UpdateExpression: Operator or "
                                + "function requires a document path; operator or function: if_not_exists"),
                // ---- projections ----
                Arguments.of(
                        "Projection",
                        "a, a.b",
                        "Invalid ProjectionExpression: Two document paths overlap with "
                                + "each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"),
                Arguments.of(
                        "Projection",
                        "a.b, a[0]",
                        "Invalid ProjectionExpression: Two document paths conflict "
                                + "with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]"),
                // ---- key conditions ----
                Arguments.of("KeyCondition", "sk = :num", "Query condition missed key schema element: pk"),
                Arguments.of(
                        "KeyCondition", "pk = :v OR sk = :num", "Invalid operator used in KeyConditionExpression: OR"),
                Arguments.of(
                        "KeyCondition",
                        "pk = :v AND sk = :v",
                        "One or more parameter values were invalid: "
                                + "Condition parameter type does not match schema type"));
    }

    @ParameterizedTest(name = "{0}Expression \"{1}\"")
    @MethodSource("invalidExpressions")
    void refusesWithAValidationExceptionNamingTheProblem(String kind, String expression, String message) {
        ExpressionAttributes attributes = attributes();
        assertThatThrownBy(() -> parse(kind, expression, attributes))
                .isInstanceOf(DynamoDbException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((DynamoDbException) e).error()).isEqualTo(DynamoDbError.VALIDATION));
    }

    private static Object parse(String kind, String expression, ExpressionAttributes attributes) {
        switch (kind) {
            case "Condition":
                return ConditionExpression.parse(expression, attributes);
            case "Filter":
                return ConditionExpression.parseFilter(expression, attributes);
            case "Update":
                return UpdateExpression.parse(expression, attributes);
            case "Projection":
                return ProjectionExpression.parse(expression, attributes);
            default:
                return KeyConditionExpression.parse(expression, attributes, SCHEMA);
        }
    }

    static Stream<Arguments> invalidAttributeMaps() {
        return Stream.of(
                Arguments.of(Map.of(), null, "ExpressionAttributeNames must not be empty"),
                Arguments.of(null, Map.of(), "ExpressionAttributeValues must not be empty"),
                Arguments.of(
                        Map.of("n", "a"),
                        null,
                        "ExpressionAttributeNames contains invalid key: Syntax error; key: \"n\""),
                Arguments.of(
                        null,
                        Map.of("v", s("x")),
                        "ExpressionAttributeValues contains invalid key: Syntax error; key: \"v\""),
                Arguments.of(
                        Map.of("#n", ""),
                        null,
                        "ExpressionAttributeNames contains invalid value: Empty attribute name; value for key: #n"));
    }

    @ParameterizedTest
    @MethodSource("invalidAttributeMaps")
    void refusesInvalidExpressionAttributeMaps(
            Map<String, String> names, Map<String, AttributeValue> values, String message) {
        assertThatThrownBy(() -> new ExpressionAttributes(names, values))
                .isInstanceOf(DynamoDbException.class)
                .hasMessage(message);
    }
}
