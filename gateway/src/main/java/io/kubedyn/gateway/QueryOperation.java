package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.ConditionExpression;
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
        TableDefinition table = plane.catalog().requireTable(request.tableName());
        ReadTarget target = ReadTarget.of(request, table).requireReadable(plane.router());
        Integer limit = request.integer("Limit", "limit", 1, Integer.MAX_VALUE);
        PagedRead.Select select = PagedRead.select(request, target);
        boolean forward = request.bool("ScanIndexForward", true);
        RequestExpressions expressions = new RequestExpressions(request, parsedExpressions);
        KeyCondition condition = expressions.keyCondition(target.keySchema());
        ConditionExpression filter = expressions.filter("QueryFilter");
        ProjectionExpression projection = expressions.projection();
        expressions.verifyAllUsed();
        refuseKeyAttributesInFilter(filter, target.keySchema());
        ReadTarget.Start start = exclusiveStart(request, target, condition);
        UnaryOperator<Map<String, AttributeValue>> fetch = target.fetchesItems(select, projection, filter)
                ? entry -> plane.router().get(table, table.keySchema().keyOf(entry, false)) : null;
        Page page = plane.router().query(table, target.indexName(), condition.partitionKey(),
                condition.sortKey().orElse(null), forward, limit == null ? Integer.MAX_VALUE : limit,
                start == null ? null : start.storageKey());
        PagedRead.write(out, request, target, page, filter, projection, select, fetch);
    }

    /** DynamoDB refuses a Query filter on key attributes: the key condition is the place for them. */
    private static void refuseKeyAttributesInFilter(ConditionExpression filter, KeySchema schema) {
        if (filter == null) {
            return;
        }
        for (String name : filter.attributeNames()) {
            if (schema.isKeyAttribute(name)) {
                throw DynamoDbException.validation("Filter Expression can only contain non-primary key attributes: "
                        + "Primary key attribute: " + name);
            }
        }
    }

    private static ReadTarget.Start exclusiveStart(Request request, ReadTarget target, KeyCondition condition) {
        ReadTarget.Start start = target.exclusiveStart(request);
        if (start != null && !start.key().partitionKey().equals(condition.partitionKey())) {
            throw DynamoDbException.validation("The provided starting key is invalid: "
                    + "The provided starting key does not match the partition key of the query");
        }
        return start;
    }
}
