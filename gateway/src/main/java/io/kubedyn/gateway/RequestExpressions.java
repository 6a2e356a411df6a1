package io.kubedyn.gateway;

import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ExpressionAttributes;
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
    private final boolean legacy;
    private final LegacyExpression rewritten = new LegacyExpression();
    private ExpressionAttributes legacyAttributes;

    RequestExpressions(Request request) {
        this.request = request;
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

    /** ConditionExpression or Expected (with ConditionalOperator); null when the write is unconditional. */
    ConditionExpression condition() {
        if (legacy) {
            String text = request.has("Expected")
                    ? rewritten.expected(request.node("Expected"), request.string("ConditionalOperator")) : null;
            return text == null ? null : ConditionExpression.parse(text, legacyAttributes());
        }
        String text = request.string("ConditionExpression");
        return text == null ? null : ConditionExpression.parse(text, request.expressionAttributes());
    }

    /** FilterExpression, or the legacy QueryFilter / ScanFilter named {@code legacyMember}; null if none. */
    ConditionExpression filter(String legacyMember) {
        if (legacy) {
            String text = request.has(legacyMember)
                    ? rewritten.filter(request.node(legacyMember), legacyMember, request.string("ConditionalOperator"))
                    : null;
            return text == null ? null : ConditionExpression.parseFilter(text, legacyAttributes());
        }
        String text = request.string("FilterExpression");
        return text == null ? null : ConditionExpression.parseFilter(text, request.expressionAttributes());
    }

    /** UpdateExpression or AttributeUpdates; null if neither. */
    UpdateExpression update() {
        if (legacy) {
            String text = request.has("AttributeUpdates") ? rewritten.attributeUpdates(request.node("AttributeUpdates")) : "";
            return text.isEmpty() ? null : UpdateExpression.parse(text, legacyAttributes());
        }
        String text = request.string("UpdateExpression");
        return text == null ? null : UpdateExpression.parse(text, request.expressionAttributes());
    }

    /** ProjectionExpression or AttributesToGet; null when the whole item is wanted. */
    ProjectionExpression projection() {
        if (legacy) {
            return request.has("AttributesToGet")
                    ? ProjectionExpression.parse(rewritten.attributesToGet(request.node("AttributesToGet")), legacyAttributes())
                    : null;
        }
        String text = request.string("ProjectionExpression");
        return text == null ? null : ProjectionExpression.parse(text, request.expressionAttributes());
    }

    /** The names and values the expressions were parsed with. */
    ExpressionAttributes attributes() {
        return legacy ? legacyAttributes() : request.expressionAttributes();
    }

    void verifyAllUsed() {
        if (!legacy) {
            request.expressionAttributes().verifyAllUsed();
        }
    }

    /**
     * The legacy rewrite's names and values, fixed once every legacy parameter has been
     * rewritten: callers ask for all the expressions of a request before any is evaluated.
     */
    private ExpressionAttributes legacyAttributes() {
        legacyAttributes = new ExpressionAttributes(rewritten.names(), rewritten.values());
        return legacyAttributes;
    }
}
