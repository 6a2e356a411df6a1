package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.KeyAttributePaths;
import io.kubedyn.core.expression.LegacyParameters;
import io.kubedyn.core.expression.ParsedExpressions;
import io.kubedyn.core.expression.ProjectionExpression;
import io.kubedyn.storage.Page;
import java.io.IOException;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Query: one partition of a table or of a secondary index, in sort-key order, paginated. */
final class QueryOperation implements Operation {
    private final StoragePlane plane;
    private final ParsedExpressions parsedExpressions;

    QueryOperation(StoragePlane plane, ParsedExpressions parsedExpressions) {
        this.plane = plane;
        this.parsedExpressions = parsedExpressions;
    }

    @Override
    public void execute(Request request, JsonGenerator out) throws IOException {
        // DynamoDB's order: the legacy filter and attribute list, the start key's values, then the expressions.
        RequestExpressions expressions = new RequestExpressions(request, parsedExpressions, RequestExpressions.QUERY);
        Integer limit = request.integer("Limit");
        boolean forward = request.bool("ScanIndexForward", true);
        ConditionExpression filter = request.has("QueryFilter") ? expressions.filter("QueryFilter") : null;
        ProjectionExpression projection = request.has("AttributesToGet") ? expressions.projection() : null;
        Map<String, AttributeValue> startValues = ReadTarget.exclusiveStartValues(request);
        RequestExpressions.KeyConditionTerms keyCondition = expressions.keyCondition();
        filter = filter == null ? expressions.filter("QueryFilter") : filter;
        projection = projection == null ? expressions.projection() : projection;
        expressions.verifyAllUsed();
        Map<String, LegacyParameters.AttributeCondition> keyConditions = keyCondition.conditions();
        TableDefinition table = plane.catalog().requireTable(request.tableName());
        ReadTarget target = ReadTarget.of(request, table).requireReadable(plane.router());
        PagedRead.Select select = PagedRead.select(request, target);
        QueryKeyRules.check(target, keyConditions, startValues);
        KeyCondition condition = keyCondition.on(target.keySchema());
        target.checkIndexStart(startValues);
        ReadTarget.Start start = exclusiveStart(startValues, target, condition);
        // DynamoDB's order: the projection's key paths, key attributes in the filter, the index's
        // projection, the filter's key paths.
        if (projection != null) {
            KeyAttributePaths.requireScalar(table, projection.paths());
        }
        refuseKeyAttributesInFilter(
                filter, target.keySchema(), request.has("QueryFilter") ? "QueryFilter" : "Filter Expression");
        boolean consistent = request.bool("ConsistentRead", false);
        UnaryOperator<Map<String, AttributeValue>> fetch = target.fetchesItems(select, projection, filter)
                ? entry -> plane.router().get(table, table.keySchema().keyOf(entry, false), consistent)
                : null;
        if (filter != null) {
            KeyAttributePaths.requireScalar(table, filter.paths());
        }
        Page page = plane.router()
                .query(
                        table,
                        target.indexName(),
                        condition.partitionKey(),
                        condition.sortKey().orElse(null),
                        forward,
                        limit == null ? Integer.MAX_VALUE : limit,
                        start == null ? null : start.storageKey(),
                        consistent);
        PagedRead.write(out, request, target, page, filter, projection, select, fetch);
    }

    /** DynamoDB refuses a Query filter on key attributes: the key condition is the place for them. */
    private static void refuseKeyAttributesInFilter(ConditionExpression filter, KeySchema schema, String parameter) {
        if (filter == null) {
            return;
        }
        for (String name : filter.attributeNames()) {
            if (schema.isKeyAttribute(name)) {
                throw DynamoDbException.validation(parameter + " can only contain non-primary key attributes: "
                        + "Primary key attribute: " + name);
            }
        }
    }

    private static ReadTarget.Start exclusiveStart(
            Map<String, AttributeValue> startValues, ReadTarget target, KeyCondition condition) {
        ReadTarget.Start start = target.exclusiveStart(startValues);
        if (start != null) {
            QueryKeyRules.checkWithin(start, condition);
        }
        return start;
    }
}
