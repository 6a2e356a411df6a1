package io.kubedyn.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ExpressionAttributes;
import io.kubedyn.core.expression.KeyConditionExpression;
import io.kubedyn.core.expression.LegacyParameters;
import io.kubedyn.core.expression.ParsedExpressions;
import io.kubedyn.core.expression.ProjectionExpression;
import io.kubedyn.core.expression.UpdateExpression;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The expressions of one request, from the expression parameters or, for older clients, from
 * the legacy parameters rewritten as expressions. A request may use one generation or the
 * other, never both, as DynamoDB insists. Call {@link #verifyAllUsed()} once every expression
 * the operation takes has been asked for.
 */
final class RequestExpressions {
    /**
     * The expression parameters an operation takes and the legacy parameters they replace, in
     * the order DynamoDB's messages name them.
     */
    record Parameters(List<String> expressions, List<String> legacy) {}

    static final Parameters GET = new Parameters(List.of("ProjectionExpression"), List.of("AttributesToGet"));
    static final Parameters PUT_OR_DELETE =
            new Parameters(List.of("ConditionExpression"), List.of("Expected", "ConditionalOperator"));
    static final Parameters UPDATE = new Parameters(
            List.of("UpdateExpression", "ConditionExpression"),
            List.of("AttributeUpdates", "Expected", "ConditionalOperator"));
    /** A transaction's Put, Delete and ConditionCheck, and its Update: expressions only. */
    static final Parameters TRANSACT_CONDITION = new Parameters(List.of("ConditionExpression"), List.of());

    static final Parameters TRANSACT_UPDATE =
            new Parameters(List.of("UpdateExpression", "ConditionExpression"), List.of());
    static final Parameters TRANSACT_GET = new Parameters(List.of("ProjectionExpression"), List.of());
    static final Parameters QUERY = new Parameters(
            List.of("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
            List.of("AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"));
    static final Parameters SCAN = new Parameters(
            List.of("ProjectionExpression", "FilterExpression"),
            List.of("AttributesToGet", "ScanFilter", "ConditionalOperator"));

    private final Request request;
    private final ParsedExpressions parsed;
    private final boolean legacy;

    /** {@code parsed} keeps the parse of expression texts seen before, shared by every request. */
    RequestExpressions(Request request, ParsedExpressions parsed, Parameters parameters) {
        this.request = request;
        this.parsed = parsed;
        List<String> expressions =
                parameters.expressions().stream().filter(request::has).toList();
        List<String> legacyUsed = parameters.legacy().stream()
                // KeyConditions may go with the other expressions when there is no KeyConditionExpression.
                .filter(p -> !(p.equals("KeyConditions") && !request.has("KeyConditionExpression")))
                .filter(request::has)
                .toList();
        if (!expressions.isEmpty() && !legacyUsed.isEmpty()) {
            throw DynamoDbException.validation("Can not use both expression and non-expression parameters in the same "
                    + "request: Non-expression parameters: {" + String.join(", ", legacyUsed)
                    + "} Expression parameters: {" + String.join(", ", expressions) + "}");
        }
        if (request.has("ConditionalOperator")) {
            checkConditionalOperator(request, parameters);
        }
        if (request.has("ExpressionAttributeNames") && expressions.isEmpty()) {
            throw DynamoDbException.validation("ExpressionAttributeNames can only be specified when using expressions");
        }
        List<String> valueExpressions = parameters.expressions().stream()
                .filter(p -> !p.equals("ProjectionExpression"))
                .toList();
        if (request.has("ExpressionAttributeValues")
                && valueExpressions.stream().noneMatch(request::has)) {
            throw DynamoDbException.validation(
                    "ExpressionAttributeValues can only be specified when using expressions: "
                            + String.join(" and ", valueExpressions)
                            + (valueExpressions.size() > 1 ? " are null" : " is null"));
        }
        legacy = expressions.isEmpty();
    }

    /** The legacy conditions ConditionalOperator joins: an operation's Expected, QueryFilter or ScanFilter. */
    private static final List<String> JOINED_CONDITIONS = List.of("Expected", "QueryFilter", "ScanFilter");

    /** ConditionalOperator joins two or more legacy conditions, as DynamoDB insists, or it is refused. */
    private static void checkConditionalOperator(Request request, Parameters parameters) {
        int conditions = parameters.legacy().stream()
                .filter(JOINED_CONDITIONS::contains)
                .map(request::node)
                .filter(java.util.Objects::nonNull)
                .mapToInt(JsonNode::size)
                .sum();
        if (conditions == 0) {
            throw DynamoDbException.validation("ConditionalOperator cannot be used without Filter or Expected");
        }
        if (conditions == 1) {
            throw DynamoDbException.validation(
                    "ConditionalOperator can only be used when Filter or Expected has two or more elements");
        }
    }

    /**
     * A Query's key condition, checked as far as it can be before the table's key schema is known:
     * each attribute's condition, and how to hold them against the schema.
     */
    record KeyConditionTerms(
            Supplier<Map<String, LegacyParameters.AttributeCondition>> terms,
            Function<KeySchema, KeyCondition> binding) {
        /** Each attribute's condition; checks their form (DynamoDB does once every expression is parsed). */
        Map<String, LegacyParameters.AttributeCondition> conditions() {
            return terms.get();
        }

        KeyCondition on(KeySchema schema) {
            return binding.apply(schema);
        }
    }

    /** KeyConditionExpression or KeyConditions (Query). */
    KeyConditionTerms keyCondition() {
        if (request.has("KeyConditions")) {
            var conditions = LegacyRequest.conditions(request.node("KeyConditions"), "KeyConditions");
            LegacyParameters.checkKeyConditions(conditions);
            return new KeyConditionTerms(
                    () -> conditions, schema -> LegacyParameters.keyConditions(conditions, schema));
        }
        String text = request.string("KeyConditionExpression");
        if (text == null) {
            throw DynamoDbException.validation(
                    "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
        }
        KeyConditionExpression.Terms terms = parsed.keyConditionTerms(text, request.expressionAttributes());
        return new KeyConditionTerms(terms::conditions, terms::on);
    }

    /** ConditionExpression or Expected (with ConditionalOperator); null when the write is unconditional. */
    ConditionExpression condition() {
        if (request.has("Expected")) {
            return LegacyParameters.expected(
                    LegacyRequest.expected(request.node("Expected")), request.string("ConditionalOperator"));
        }
        String text = request.string("ConditionExpression");
        return text == null ? null : parsed.condition(text, request.expressionAttributes());
    }

    /** FilterExpression, or the legacy QueryFilter / ScanFilter named {@code legacyMember}; null if none. */
    ConditionExpression filter(String legacyMember) {
        if (request.has(legacyMember)) {
            return LegacyParameters.filter(
                    legacyMember,
                    LegacyRequest.conditions(request.node(legacyMember), legacyMember),
                    request.string("ConditionalOperator"));
        }
        String text = request.string("FilterExpression");
        return text == null ? null : parsed.filter(text, request.expressionAttributes());
    }

    /** UpdateExpression or AttributeUpdates; null if neither. */
    UpdateExpression update() {
        if (request.has("AttributeUpdates")) {
            return LegacyParameters.attributeUpdates(LegacyRequest.attributeUpdates(request.node("AttributeUpdates")));
        }
        String text = request.string("UpdateExpression");
        return text == null ? null : parsed.update(text, request.expressionAttributes());
    }

    /** ProjectionExpression or AttributesToGet; null when the whole item is wanted. */
    ProjectionExpression projection() {
        if (request.has("AttributesToGet")) {
            return LegacyParameters.attributesToGet(
                    LegacyRequest.names(request.node("AttributesToGet"), "AttributesToGet"));
        }
        String text = request.string("ProjectionExpression");
        return text == null ? null : parsed.projection(text, request.expressionAttributes());
    }

    /** The names and values the expressions were parsed with (none for legacy parameters). */
    ExpressionAttributes attributes() {
        return legacy ? ExpressionAttributes.none() : request.expressionAttributes();
    }

    void verifyAllUsed() {
        if (!legacy) {
            request.expressionAttributes().verifyAllUsed();
        }
    }
}
