package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.ParsedExpressions;
import io.kubedyn.core.expression.ProjectionExpression;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.TableKey;
import io.kubedyn.storage.TableWrite;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BatchGetItem and BatchWriteItem. The whole request is validated before any item is read or
 * written, so a bad entry anywhere leaves every table untouched.
 */
final class BatchOperations {
    static final int MAX_GET_KEYS = 100;
    static final int MAX_WRITE_REQUESTS = 25;
    /** DynamoDB returns at most 16 MB of items from one BatchGetItem; the rest are UnprocessedKeys. */
    static final long MAX_GET_RESPONSE_BYTES = 16L * 1024 * 1024;

    private final StoragePlane plane;
    private final ParsedExpressions parsedExpressions;

    BatchOperations(StoragePlane plane, ParsedExpressions parsedExpressions) {
        this.plane = plane;
        this.parsedExpressions = parsedExpressions;
    }

    void register(Map<String, Operation> operations) {
        operations.put("BatchGetItem", this::batchGetItem);
        operations.put("BatchWriteItem", this::batchWriteItem);
    }

    private record TableKeys(
            TableDefinition table,
            Request request,
            List<PrimaryKey> keys,
            List<Map<String, AttributeValue>> rawKeys,
            ProjectionExpression projection) {}

    /**
     * One entry of RequestItems, validated, with its JSON as sent (UnprocessedItems returns it as
     * is) and the write units it is charged (a put by its item's size; a delete the smallest write,
     * since a batch does not read the item it deletes).
     */
    private record WriteRequest(
            TableDefinition table, PrimaryKey key, ItemChange change, JsonNode node, double units) {}

    /** RequestItems, whose presence, size and table names the model's constraints have checked. */
    private static JsonNode requestItems(Request request) {
        return request.node("RequestItems");
    }

    private void batchGetItem(Request request, JsonGenerator out) throws IOException {
        // What the request says on its own is checked for every table before any table is looked up.
        Map<String, Request> tableRequests = new LinkedHashMap<>();
        Map<String, List<Map<String, AttributeValue>>> tableKeys = new LinkedHashMap<>();
        Map<String, ProjectionExpression> projections = new LinkedHashMap<>();
        int total = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = requestItems(request).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Request tableRequest = new Request(entry.getValue());
            RequestExpressions expressions =
                    new RequestExpressions(tableRequest, parsedExpressions, RequestExpressions.GET);
            projections.put(entry.getKey(), expressions.projection());
            expressions.verifyAllUsed();
            List<Map<String, AttributeValue>> raw = new ArrayList<>();
            Set<Map<String, AttributeValue>> seen = new HashSet<>();
            for (JsonNode keyNode : tableRequest.node("Keys")) {
                Map<String, AttributeValue> key = AttributeValueJson.readItem(keyNode, "Keys");
                if (!seen.add(key)) {
                    throw DynamoDbException.validation("Provided list of item keys contains duplicates");
                }
                raw.add(key);
                if (++total > MAX_GET_KEYS) {
                    throw DynamoDbException.validation("Too many items requested for the BatchGetItem call");
                }
            }
            tableRequests.put(entry.getKey(), tableRequest);
            tableKeys.put(entry.getKey(), raw);
        }
        List<TableKeys> tables = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, AttributeValue>>> entry : tableKeys.entrySet()) {
            TableDefinition table = plane.catalog().requireTable(entry.getKey());
            List<PrimaryKey> parsed = new ArrayList<>();
            for (Map<String, AttributeValue> key : entry.getValue()) {
                parsed.add(table.keySchema().keyOf(key, true));
            }
            tables.add(new TableKeys(
                    table,
                    tableRequests.get(entry.getKey()),
                    parsed,
                    entry.getValue(),
                    projections.get(entry.getKey())));
        }

        long bytes = 0;
        ConsumedCapacity.Detail capacity = ConsumedCapacity.Detail.of(request);
        Map<String, Double> consumed = new LinkedHashMap<>();
        Map<TableKeys, List<Map<String, AttributeValue>>> unprocessed = new LinkedHashMap<>();
        out.writeStartObject();
        out.writeObjectFieldStart("Responses");
        List<TableKey> keys = new ArrayList<>();
        for (TableKeys table : tables) {
            for (PrimaryKey key : table.keys()) {
                keys.add(new TableKey(table.table(), key));
            }
        }
        // Read all at once (the shards in parallel), then answer in order; the keys of a shard
        // that could not answer are UnprocessedKeys, for the client to send again.
        Set<TableDefinition> consistentTables = new HashSet<>();
        for (TableKeys table : tables) {
            if (table.request().bool("ConsistentRead", false)) {
                consistentTables.add(table.table());
            }
        }
        ShardRouter.BatchRead read = plane.router().getAll(keys, consistentTables::contains);
        int next = 0;
        for (int t = 0; t < tables.size(); t++) {
            TableKeys table = tables.get(t);
            boolean consistent = table.request().bool("ConsistentRead", false);
            double units = 0;
            out.writeArrayFieldStart(table.table().name());
            for (int k = 0; k < table.keys().size(); k++) {
                boolean unread = read.unprocessed().get(next);
                Map<String, AttributeValue> item = read.items().get(next++);
                if (unread || bytes >= MAX_GET_RESPONSE_BYTES) {
                    unprocessed
                            .computeIfAbsent(table, x -> new ArrayList<>())
                            .add(table.rawKeys().get(k));
                    continue;
                }
                // Each key read is charged on its own, a missing item as the smallest read.
                units += ConsumedCapacity.readUnits(item == null ? 0 : ItemSize.of(item), consistent);
                if (item != null) {
                    bytes += ItemSize.of(item);
                    AttributeValueJson.writeItem(
                            out,
                            table.projection() == null
                                    ? item
                                    : table.projection().apply(item));
                }
            }
            out.writeEndArray();
            consumed.put(table.table().name(), units);
        }
        out.writeEndObject();
        if (capacity.requested()) {
            ConsumedCapacity.writeByTable(out, consumed, capacity);
        }
        out.writeObjectFieldStart("UnprocessedKeys");
        for (Map.Entry<TableKeys, List<Map<String, AttributeValue>>> e : unprocessed.entrySet()) {
            out.writeObjectFieldStart(e.getKey().table().name());
            out.writeArrayFieldStart("Keys");
            for (Map<String, AttributeValue> key : e.getValue()) {
                AttributeValueJson.writeItem(out, key);
            }
            out.writeEndArray();
            copyReadParameters(e.getKey().request(), out);
            out.writeEndObject();
        }
        out.writeEndObject();
        out.writeEndObject();
    }

    /** An UnprocessedKeys entry carries the same read parameters as the request, so it can be resent as is. */
    private static void copyReadParameters(Request tableRequest, JsonGenerator out) throws IOException {
        for (String member :
                new String[] {"ConsistentRead", "ProjectionExpression", "ExpressionAttributeNames", "AttributesToGet"
                }) {
            JsonNode value = tableRequest.node(member);
            if (value != null) {
                out.writeFieldName(member);
                out.writeTree(value);
            }
        }
    }

    private void batchWriteItem(Request request, JsonGenerator out) throws IOException {
        boolean collectionMetrics = ItemCollectionMetrics.requested(request);
        // Every write request's values are checked before any table is looked up.
        Map<String, List<WriteItem>> byTable = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = requestItems(request).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            List<WriteItem> items = new ArrayList<>();
            for (JsonNode writeNode : entry.getValue()) {
                items.add(writeItem(writeNode));
            }
            byTable.put(entry.getKey(), items);
        }
        List<WriteRequest> writes = new ArrayList<>();
        for (Map.Entry<String, List<WriteItem>> entry : byTable.entrySet()) {
            TableDefinition table = plane.catalog().requireTable(entry.getKey());
            Set<PrimaryKey> seen = new HashSet<>();
            for (WriteItem item : entry.getValue()) {
                WriteRequest write = item.on(table);
                if (!seen.add(write.key())) {
                    throw DynamoDbException.validation("Provided list of item keys contains duplicates");
                }
                writes.add(write);
            }
        }
        if (writes.size() > MAX_WRITE_REQUESTS) {
            throw DynamoDbException.validation("Too many items requested for the BatchWriteItem call");
        }
        List<TableWrite> changes = new ArrayList<>();
        for (WriteRequest write : writes) {
            changes.add(new TableWrite(write.table(), write.key(), write.change()));
        }
        // Each shard applies its part at once (one WriteBatch, one sync); the writes of a shard
        // that could not are UnprocessedItems, as DynamoDB reports partial failure, and the
        // client's retry of just those completes the batch.
        ShardRouter.BatchWrite written = plane.router().writeAll(changes);
        BitSet unprocessed = written.unprocessed();
        Map<String, List<JsonNode>> unprocessedByTable = new LinkedHashMap<>();
        for (int i = unprocessed.nextSetBit(0); i >= 0; i = unprocessed.nextSetBit(i + 1)) {
            WriteRequest write = writes.get(i);
            unprocessedByTable
                    .computeIfAbsent(write.table().name(), t -> new ArrayList<>())
                    .add(write.node());
        }
        out.writeStartObject();
        ConsumedCapacity.Detail capacity = ConsumedCapacity.Detail.of(request);
        if (capacity.requested()) {
            Map<String, Double> units = new LinkedHashMap<>();
            for (int i = 0; i < writes.size(); i++) {
                if (!unprocessed.get(i)) {
                    units.merge(writes.get(i).table().name(), writes.get(i).units(), Double::sum);
                }
            }
            ConsumedCapacity.writeByTable(out, units, capacity);
        }
        out.writeObjectFieldStart("UnprocessedItems");
        for (Map.Entry<String, List<JsonNode>> e : unprocessedByTable.entrySet()) {
            out.writeArrayFieldStart(e.getKey());
            for (JsonNode write : e.getValue()) {
                out.writeTree(write);
            }
            out.writeEndArray();
        }
        out.writeEndObject();
        if (collectionMetrics) {
            // A write not processed has no collection size (-1): it reports nothing.
            ItemCollectionMetrics.writeByTable(out, changes, written.itemCollectionBytes());
        }
        out.writeEndObject();
    }

    /** A PutRequest's item or a DeleteRequest's key, checked as far as it can be without its table. */
    private record WriteItem(Map<String, AttributeValue> attributes, boolean put, JsonNode node) {
        WriteRequest on(TableDefinition table) {
            if (put) {
                return new WriteRequest(
                        table,
                        putKey(table, attributes),
                        ItemChange.put(attributes, null, null),
                        node,
                        ConsumedCapacity.writeUnits(ItemSize.of(attributes)));
            }
            return new WriteRequest(
                    table,
                    table.keySchema().keyOf(attributes, true),
                    ItemChange.delete(attributes, null, null),
                    node,
                    ConsumedCapacity.writeUnits(0));
        }
    }

    /** A PutRequest's key; DynamoDB words a missing or mistyped key attribute as for a Key. */
    private static PrimaryKey putKey(TableDefinition table, Map<String, AttributeValue> item) {
        try {
            return table.keySchema().keyOf(item, false);
        } catch (DynamoDbException e) {
            if (e.getMessage().contains("Missing the key") || e.getMessage().contains("Type mismatch for key")) {
                throw DynamoDbException.validation("The provided key element does not match the schema");
            }
            throw e;
        }
    }

    private static WriteItem writeItem(JsonNode node) {
        JsonNode put = node.get("PutRequest");
        JsonNode delete = node.get("DeleteRequest");
        if (put == null && delete == null) {
            // DynamoDB's words for a WriteRequest with neither member.
            throw DynamoDbException.validation("Supplied AttributeValue has more than one datatypes set, "
                    + "must contain exactly one of the supported datatypes");
        }
        if (put != null && delete != null) {
            throw DynamoDbException.validation(
                    "Invalid WriteRequest: it must contain exactly one of PutRequest or DeleteRequest");
        }
        if (put != null) {
            Map<String, AttributeValue> item = AttributeValueJson.readItem(put.get("Item"), "Item");
            if (ItemSize.of(item) > ItemSize.MAX_ITEM_BYTES) {
                throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
            }
            return new WriteItem(item, true, node);
        }
        return new WriteItem(AttributeValueJson.readItem(delete.get("Key"), "Key"), false, node);
    }
}
