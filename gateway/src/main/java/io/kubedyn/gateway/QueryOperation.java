package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ProjectionExpression;
import io.kubedyn.storage.Page;
import io.kubedyn.core.expression.ParsedExpressions;
import java.io.IOException;

/** Query: one partition, in sort-key order, paginated. */
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
        PagedRead.refuseIndexName(request);
        Integer limit = request.integer("Limit", "limit", 1, Integer.MAX_VALUE);
        boolean countOnly = PagedRead.countOnly(request);
        boolean forward = request.bool("ScanIndexForward", true);
        RequestExpressions expressions = new RequestExpressions(request, parsedExpressions);
        KeyCondition condition = expressions.keyCondition(table.keySchema());
        ConditionExpression filter = expressions.filter("QueryFilter");
        ProjectionExpression projection = expressions.projection();
        expressions.verifyAllUsed();
        refuseKeyAttributesInFilter(filter, table);
        PrimaryKey start = exclusiveStartKey(request, table, condition);
        Page page = plane.router().query(table, condition.partitionKey(), condition.sortKey().orElse(null), forward,
                limit == null ? Integer.MAX_VALUE : limit, start);
        PagedRead.write(out, request, table, page, filter, projection, countOnly);
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
        PrimaryKey key = PagedRead.exclusiveStartKey(request, table);
        if (key != null && !key.partitionKey().equals(condition.partitionKey())) {
            throw DynamoDbException.validation("The provided starting key is invalid: "
                    + "The provided starting key does not match the partition key of the query");
        }
        return key;
    }
}
