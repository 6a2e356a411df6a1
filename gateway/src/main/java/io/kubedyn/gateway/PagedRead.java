package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ProjectionExpression;
import io.kubedyn.storage.Page;
import java.io.IOException;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What Query and Scan share: their common parameters (IndexName, Select, ExclusiveStartKey) and
 * their response (Items unless Select is COUNT, Count, ScannedCount, LastEvaluatedKey).
 */
final class PagedRead {
    /** DynamoDB's Select. */
    enum Select {
        ALL_ATTRIBUTES,
        ALL_PROJECTED_ATTRIBUTES,
        SPECIFIC_ATTRIBUTES,
        COUNT
    }

    private PagedRead() {}

    /**
     * Writes the page's items that pass {@code filter} (null: all), each cut down to
     * {@code projection} (null: whole items); {@code fetch} (null: none) first replaces each
     * index entry by its whole item.
     */
    static void write(
            JsonGenerator out,
            Request request,
            ReadTarget target,
            Page page,
            ConditionExpression filter,
            ProjectionExpression projection,
            Select select,
            UnaryOperator<Map<String, AttributeValue>> fetch)
            throws IOException {
        out.writeStartObject();
        int count = 0;
        boolean countOnly = select == Select.COUNT;
        if (!countOnly) {
            out.writeArrayFieldStart("Items");
        }
        long bytes = 0;
        for (Map<String, AttributeValue> read : page.items()) {
            Map<String, AttributeValue> item = fetch == null ? read : fetch.apply(read);
            if (item == null) {
                continue; // deleted since the index entry was read
            }
            bytes += ItemSize.of(item);
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
            AttributeValueJson.writeItem(out, target.keyAttributes(page.lastEvaluated()));
        }
        ConsumedCapacity.Detail capacity = ConsumedCapacity.Detail.of(request);
        if (capacity.requested()) {
            ConsumedCapacity.ofRead(target.table().name(), bytes, request.bool("ConsistentRead", false))
                    .on(target.index())
                    .write(out, capacity);
        }
        out.writeEndObject();
    }

    /**
     * Select: ALL_ATTRIBUTES (the default on a table), ALL_PROJECTED_ATTRIBUTES (the default on
     * an index, and only there), COUNT, or SPECIFIC_ATTRIBUTES with a projection (the default
     * when there is one; with any other Select, a projection is refused).
     */
    static Select select(Request request, ReadTarget target) {
        boolean projects = request.has("AttributesToGet") || request.has("ProjectionExpression");
        String implied = projects
                ? "SPECIFIC_ATTRIBUTES"
                : target.index() == null ? "ALL_ATTRIBUTES" : "ALL_PROJECTED_ATTRIBUTES";
        Select select = Select.valueOf(request.string("Select", implied));
        if (select == Select.ALL_PROJECTED_ATTRIBUTES && target.index() == null) {
            throw DynamoDbException.validation(
                    "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
        }
        if (select == Select.SPECIFIC_ATTRIBUTES && !projects) {
            throw DynamoDbException.validation(
                    "SPECIFIC_ATTRIBUTES requires either AttributesToGet or ProjectionExpression");
        }
        if ((select == Select.ALL_ATTRIBUTES || select == Select.ALL_PROJECTED_ATTRIBUTES) && projects) {
            throw DynamoDbException.validation("Cannot specify the "
                    + (request.has("ProjectionExpression") ? "ProjectionExpression" : "AttributesToGet")
                    + " when choosing to get " + select);
        }
        if (select == Select.COUNT && projects) {
            throw DynamoDbException.validation("Cannot specify the AttributesToGet or "
                    + "ProjectionExpression when choosing to get only the Count");
        }
        return select;
    }
}
