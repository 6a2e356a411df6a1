package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ProjectionExpression;
import io.kubedyn.storage.Page;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Query and Scan share: their common parameters (IndexName, Select, ExclusiveStartKey) and
 * their response (Items unless Select is COUNT, Count, ScannedCount, LastEvaluatedKey).
 */
final class PagedRead {
    private PagedRead() {
    }

    /**
     * Writes the page's items that pass {@code filter} (null: all), each cut down to
     * {@code projection} (null: whole items).
     */
    static void write(JsonGenerator out, Request request, TableDefinition table, Page page,
                      ConditionExpression filter, ProjectionExpression projection, boolean countOnly) throws IOException {
        out.writeStartObject();
        int count = 0;
        if (!countOnly) {
            out.writeArrayFieldStart("Items");
        }
        for (Map<String, AttributeValue> item : page.items()) {
            if (filter == null || filter.test(item)) {
                count++;
                if (!countOnly) {
                    AttributeValueJson.writeItem(out, projection == null ? item : projection.apply(item));
                }
            }
        }
        if (!countOnly) {
            out.writeEndArray();
        }
        out.writeNumberField("Count", count);
        out.writeNumberField("ScannedCount", page.items().size());
        if (page.lastEvaluated() != null) {
            out.writeFieldName("LastEvaluatedKey");
            AttributeValueJson.writeItem(out, keyAttributes(table.keySchema(), page.lastEvaluated()));
        }
        if (ConsumedCapacity.requested(request)) {
            long bytes = 0;
            for (Map<String, AttributeValue> item : page.items()) {
                bytes += ItemSize.of(item);
            }
            ConsumedCapacity.ofRead(table.name(), bytes, request.bool("ConsistentRead", false)).write(out);
        }
        out.writeEndObject();
    }

    /** No secondary indexes exist yet, so any IndexName names one the table does not have. */
    static void refuseIndexName(Request request) {
        String index = request.string("IndexName");
        if (index != null) {
            throw DynamoDbException.validation("The table does not have the specified index: " + index);
        }
    }

    /** ExclusiveStartKey as a primary key of the table, or null when absent. */
    static PrimaryKey exclusiveStartKey(Request request, TableDefinition table) {
        Map<String, AttributeValue> start = request.attributeMap("ExclusiveStartKey");
        if (start == null) {
            return null;
        }
        try {
            return table.keySchema().keyOf(start, true);
        } catch (DynamoDbException e) {
            throw DynamoDbException.validation("The provided starting key is invalid: " + e.getMessage());
        }
    }

    static Map<String, AttributeValue> keyAttributes(KeySchema schema, Map<String, AttributeValue> item) {
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        key.put(schema.partitionKey().name(), item.get(schema.partitionKey().name()));
        schema.sortKey().ifPresent(sk -> key.put(sk.name(), item.get(sk.name())));
        return key;
    }

    /** Select: ALL_ATTRIBUTES (default), COUNT, or SPECIFIC_ATTRIBUTES with a projection. */
    static boolean countOnly(Request request) {
        String select = request.oneOf("Select", "select", "ALL_ATTRIBUTES",
                "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT");
        if (select.equals("ALL_PROJECTED_ATTRIBUTES")) {
            throw DynamoDbException.validation(
                    "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
        }
        if (select.equals("SPECIFIC_ATTRIBUTES") && !request.has("AttributesToGet") && !request.has("ProjectionExpression")) {
            throw DynamoDbException.validation(
                    "SPECIFIC_ATTRIBUTES requires either AttributesToGet or ProjectionExpression");
        }
        if (select.equals("COUNT") && (request.has("AttributesToGet") || request.has("ProjectionExpression"))) {
            throw DynamoDbException.validation("Cannot specify the AttributesToGet or "
                    + "ProjectionExpression when choosing to get only the Count");
        }
        return select.equals("COUNT");
    }
}
