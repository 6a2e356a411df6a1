package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ProjectionExpression;
import io.kubedyn.storage.Page;
import java.io.IOException;
import java.util.Map;

/** Query: one partition, in sort-key order, paginated. */
final class QueryOperation implements Operation {
    private final TableBackend backend;

    QueryOperation(TableBackend backend) {
        this.backend = backend;
    }

    @Override
    public void execute(Request request, JsonGenerator out) throws IOException {
        TableDefinition table = backend.requireTable(request.tableName());
        String index = request.string("IndexName");
        if (index != null) {
            throw DynamoDbException.validation("The table does not have the specified index: " + index);
        }
        Integer limit = request.integer("Limit", "limit", 1, Integer.MAX_VALUE);
        boolean countOnly = PageResponse.countOnly(request);
        boolean forward = request.bool("ScanIndexForward", true);
        RequestExpressions expressions = new RequestExpressions(request);
        KeyCondition condition = expressions.keyCondition(table.keySchema());
        ConditionExpression filter = expressions.filter("QueryFilter");
        ProjectionExpression projection = expressions.projection();
        expressions.verifyAllUsed();
        refuseKeyAttributesInFilter(filter, table);
        PrimaryKey start = exclusiveStartKey(request, table, condition);
        Page page = backend.query(table.name(), condition.partitionKey(), condition.sortKey().orElse(null), forward,
                limit == null ? Integer.MAX_VALUE : limit, start);
        PageResponse.write(out, request, table, page, filter, projection, countOnly);
    }

    /** DynamoDB refuses a Query filter on key attributes: the key condition is the place for them. */
    private static void refuseKeyAttributesInFilter(ConditionExpression filter, TableDefinition table) {
        if (filter == null) {
            return;
        }
        for (String name : filter.attributeNames()) {
            if (table.keySchema().isKeyAttribute(name)) {
                throw DynamoDbException.validation("Filter Expression can only contain non-primary key attributes: "
                        + "Primary key attribute: " + name);
            }
        }
    }

    private static PrimaryKey exclusiveStartKey(Request request, TableDefinition table, KeyCondition condition) {
        Map<String, AttributeValue> start = request.attributeMap("ExclusiveStartKey");
        if (start == null) {
            return null;
        }
        PrimaryKey key;
        try {
            key = table.keySchema().keyOf(start, true);
        } catch (DynamoDbException e) {
            throw DynamoDbException.validation("The provided starting key is invalid: " + e.getMessage());
        }
        if (!key.partitionKey().equals(condition.partitionKey())) {
            throw DynamoDbException.validation("The provided starting key is invalid: "
                    + "The provided starting key does not match the partition key of the query");
        }
        return key;
    }
}
