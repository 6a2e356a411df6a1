package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** PutItem, GetItem and DeleteItem. */
final class ItemOperations {
    private final TableBackend backend;

    ItemOperations(TableBackend backend) {
        this.backend = backend;
    }

    void register(Map<String, Operation> operations) {
        operations.put("PutItem", this::putItem);
        operations.put("GetItem", this::getItem);
        operations.put("DeleteItem", this::deleteItem);
    }

    private void putItem(Request request, JsonGenerator out) throws IOException {
        TableDefinition table = backend.requireTable(request.tableName());
        Map<String, AttributeValue> item = request.attributeMap("Item");
        if (item == null) {
            throw DynamoDbException.validation(
                    "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null");
        }
        String returnValues = returnValues(request);
        refuseConditions(request);
        PrimaryKey key = table.keySchema().keyOf(item, false);
        long size = ItemSize.of(item);
        if (size > ItemSize.MAX_ITEM_BYTES) {
            throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
        }
        Map<String, AttributeValue> old = backend.update(table.name(), key, current -> item);
        out.writeStartObject();
        if (returnValues.equals("ALL_OLD") && old != null) {
            out.writeFieldName("Attributes");
            AttributeValueJson.writeItem(out, old);
        }
        if (ConsumedCapacity.requested(request)) {
            ConsumedCapacity.ofWrite(table.name(), Math.max(size, old == null ? 0 : ItemSize.of(old))).write(out);
        }
        out.writeEndObject();
    }

    private void getItem(Request request, JsonGenerator out) throws IOException {
        TableDefinition table = backend.requireTable(request.tableName());
        PrimaryKey key = table.keySchema().keyOf(requireKey(request), true);
        boolean consistent = request.bool("ConsistentRead", false);
        Map<String, AttributeValue> item = backend.get(table.name(), key);
        out.writeStartObject();
        if (item != null) {
            out.writeFieldName("Item");
            AttributeValueJson.writeItem(out, attributesToGet(request, item));
        }
        if (ConsumedCapacity.requested(request)) {
            ConsumedCapacity.ofRead(table.name(), item == null ? 0 : ItemSize.of(item), consistent).write(out);
        }
        out.writeEndObject();
    }

    private void deleteItem(Request request, JsonGenerator out) throws IOException {
        TableDefinition table = backend.requireTable(request.tableName());
        PrimaryKey key = table.keySchema().keyOf(requireKey(request), true);
        String returnValues = returnValues(request);
        refuseConditions(request);
        Map<String, AttributeValue> old = backend.update(table.name(), key, current -> null);
        out.writeStartObject();
        if (returnValues.equals("ALL_OLD") && old != null) {
            out.writeFieldName("Attributes");
            AttributeValueJson.writeItem(out, old);
        }
        if (ConsumedCapacity.requested(request)) {
            ConsumedCapacity.ofWrite(table.name(), old == null ? 0 : ItemSize.of(old)).write(out);
        }
        out.writeEndObject();
    }

    static Map<String, AttributeValue> requireKey(Request request) {
        Map<String, AttributeValue> key = request.attributeMap("Key");
        if (key == null) {
            throw DynamoDbException.validation(
                    "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null");
        }
        return key;
    }

    private static String returnValues(Request request) {
        String value = request.oneOf("ReturnValues", "returnValues", "NONE",
                "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW");
        if (!value.equals("NONE") && !value.equals("ALL_OLD")) {
            throw DynamoDbException.validation("ReturnValues can only be ALL_OLD or NONE");
        }
        return value;
    }

    private static void refuseConditions(Request request) {
        for (String member : new String[] {"ConditionExpression", "Expected"}) {
            request.refuseUnsupported(member, "conditional writes come with the expression language");
        }
    }

    /** The legacy AttributesToGet parameter: keep only the named top-level attributes. */
    static Map<String, AttributeValue> attributesToGet(Request request, Map<String, AttributeValue> item) {
        JsonNode names = request.node("AttributesToGet");
        if (names == null) {
            return item;
        }
        if (!names.isArray()) {
            throw Request.serialization("AttributesToGet", "a list");
        }
        Map<String, AttributeValue> projected = new LinkedHashMap<>();
        for (JsonNode name : names) {
            AttributeValue value = item.get(name.asText());
            if (value != null) {
                projected.put(name.asText(), value);
            }
        }
        return projected;
    }
}
