package io.kubedyn.gateway;

import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.expression.LegacyParameters;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ExpressionAttributes;
import io.kubedyn.core.expression.ParsedExpressions;
import io.kubedyn.core.expression.ProjectionExpression;
import io.kubedyn.core.expression.UpdateExpression;
import java.util.List;

/**
 * The expressions of one request, from the expression parameters or, for older clients, from
 * the legacy parameters rewritten as expressions. A request may use one generation or the
 * other, never both, as DynamoDB insists. Call {@link #verifyAllUsed()} once every expression
 * the operation takes has been asked for.
 */
final class RequestExpressions {
    private static final List<String> EXPRESSION_PARAMETERS = List.of("ConditionExpression", "UpdateExpression",
            "FilterExpression", "ProjectionExpression", "KeyConditionExpression");
    private static final List<String> LEGACY_PARAMETERS = List.of("Expected", "AttributeUpdates", "QueryFilter",
            "ScanFilter", "AttributesToGet", "KeyConditions", "ConditionalOperator");

    private final Request request;
    private final ParsedExpressions parsed;
    private final boolean legacy;

    /** {@code parsed} keeps the parse of expression texts seen before, shared by every request. */
    RequestExpressions(Request request, ParsedExpressions parsed) {
        this.request = request;
        this.parsed = parsed;
        List<String> expressions = EXPRESSION_PARAMETERS.stream().filter(request::has).toList();
        List<String> legacyUsed = LEGACY_PARAMETERS.stream().filter(request::has).toList();
        if (!expressions.isEmpty() && !legacyUsed.isEmpty()) {
            throw DynamoDbException.validation("Can not use both expression and non-expression parameters in the same "
                    + "request: Non-expression parameters: {" + String.join(", ", legacyUsed)
                    + "} Expression parameters: {" + String.join(", ", expressions) + "}");
        }
        legacy = !legacyUsed.isEmpty();
        if (legacy) {
            if (request.has("ExpressionAttributeNames")) {
                throw DynamoDbException.validation("ExpressionAttributeNames can only be specified when using expressions");
            }
            if (request.has("ExpressionAttributeValues")) {
                throw DynamoDbException.validation("ExpressionAttributeValues can only be specified when using expressions");
            }
        }
    }

    /** KeyConditionExpression or KeyConditions (Query). */
    KeyCondition keyCondition(KeySchema schema) {
        if (request.has("KeyConditions")) {
            return LegacyParameters.keyConditions(
                    LegacyRequest.conditions(request.node("KeyConditions"), "KeyConditions"), schema);
        }
        String text = request.string("KeyConditionExpression");
        if (text == null) {
            throw DynamoDbException.validation(
                    "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
        }
        return parsed.keyCondition(text, request.expressionAttributes(), schema);
    }

    /** ConditionExpression or Expected (with ConditionalOperator); null when the write is unconditional. */
    ConditionExpression condition() {
        if (request.has("Expected")) {
            return LegacyParameters.expected(LegacyRequest.expected(request.node("Expected")),
                    request.string("ConditionalOperator"));
        }
        String text = request.string("ConditionExpression");
        return text == null ? null : parsed.condition(text, request.expressionAttributes());
    }

    /** FilterExpression, or the legacy QueryFilter / ScanFilter named {@code legacyMember}; null if none. */
    ConditionExpression filter(String legacyMember) {
        if (request.has(legacyMember)) {
            return LegacyParameters.filter(legacyMember, LegacyRequest.conditions(request.node(legacyMember), legacyMember),
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
            return LegacyParameters.attributesToGet(LegacyRequest.names(request.node("AttributesToGet"), "AttributesToGet"));
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
