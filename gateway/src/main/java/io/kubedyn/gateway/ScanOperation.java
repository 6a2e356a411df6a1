package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.KeyAttributePaths;
import io.kubedyn.core.expression.ParsedExpressions;
import io.kubedyn.core.expression.ProjectionExpression;
import io.kubedyn.storage.Page;
import java.io.IOException;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Scan: the whole table (or secondary index), or one of TotalSegments hash-range segments of it, in hash order. */
final class ScanOperation implements Operation {
    private final StoragePlane plane;
    private final ParsedExpressions parsedExpressions;

    ScanOperation(StoragePlane plane, ParsedExpressions parsedExpressions) {
        this.plane = plane;
        this.parsedExpressions = parsedExpressions;
    }

    @Override
    public void execute(Request request, JsonGenerator out) throws IOException {
        // DynamoDB's order: the legacy attribute list and filter, the start key's values, the segments,
        // then the expressions.
        RequestExpressions expressions = new RequestExpressions(request, parsedExpressions, RequestExpressions.SCAN);
        ProjectionExpression projection = request.has("AttributesToGet") ? expressions.projection() : null;
        ConditionExpression filter = request.has("ScanFilter") ? expressions.filter("ScanFilter") : null;
        Map<String, AttributeValue> startValues = ReadTarget.exclusiveStartValues(request);
        Integer limit = request.integer("Limit");
        Integer segment = request.integer("Segment");
        Integer totalSegments = request.integer("TotalSegments");
        if (segment != null && totalSegments == null) {
            throw DynamoDbException.validation("The TotalSegments parameter is required but was not present in the "
                    + "request when Segment parameter is present");
        }
        if (totalSegments != null && segment == null) {
            throw DynamoDbException.validation("The Segment parameter is required but was not present in the request "
                    + "when parameter TotalSegments is present");
        }
        if (segment != null && segment >= totalSegments) {
            throw DynamoDbException.validation("The Segment parameter is zero-based and must be less than parameter "
                    + "TotalSegments: Segment: " + segment + " is not less than TotalSegments: " + totalSegments);
        }
        int seg = segment == null ? 0 : segment;
        int total = totalSegments == null ? 1 : totalSegments;
        filter = filter == null ? expressions.filter("ScanFilter") : filter;
        projection = projection == null ? expressions.projection() : projection;
        expressions.verifyAllUsed();
        TableDefinition table = plane.catalog().requireTable(request.tableName());
        ReadTarget target = ReadTarget.of(request, table).requireReadable(plane.router());
        PagedRead.Select select = PagedRead.select(request, target);
        // DynamoDB's order: the index's start key, the index's projection, then the table's start key.
        target.checkIndexStart(startValues);
        boolean consistent = request.bool("ConsistentRead", false);
        UnaryOperator<Map<String, AttributeValue>> fetch = target.fetchesItems(select, projection, filter)
                ? entry -> plane.router().get(table, table.keySchema().keyOf(entry, false), consistent)
                : null;
        ReadTarget.Start start = exclusiveStart(startValues, target, seg, total);
        if (projection != null) {
            KeyAttributePaths.requireScalar(table, projection.paths());
        }
        if (filter != null) {
            KeyAttributePaths.requireScalar(table, filter.paths());
        }
        Page page = plane.router()
                .scan(
                        table,
                        target.indexName(),
                        seg,
                        total,
                        limit == null ? Integer.MAX_VALUE : limit,
                        start == null ? null : start.storageKey(),
                        consistent);
        PagedRead.write(out, request, target, page, filter, projection, select, fetch);
    }

    private static ReadTarget.Start exclusiveStart(
            Map<String, AttributeValue> startValues, ReadTarget target, int segment, int total) {
        ReadTarget.Start key = target.exclusiveStart(startValues);
        if (key != null && !HashRange.segment(segment, total).contains(key.hash())) {
            throw DynamoDbException.validation("The provided starting key is invalid: Invalid ExclusiveStartKey. "
                    + "Please use ExclusiveStartKey with correct Segment. TotalSegments: " + total + " Segment: "
                    + segment);
        }
        return key;
    }
}
