package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.ProjectionExpression;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.core.expression.ParsedExpressions;
import java.io.IOException;
import io.kubedyn.storage.TableKey;
import io.kubedyn.storage.TableWrite;
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

    private record TableKeys(TableDefinition table, Request request, List<PrimaryKey> keys,
                             List<Map<String, AttributeValue>> rawKeys) {
    }

    /** One entry of RequestItems, validated, with its JSON as sent (UnprocessedItems returns it as is). */
    private record WriteRequest(TableDefinition table, PrimaryKey key, ItemChange change, JsonNode node) {
    }

    private static JsonNode requestItems(Request request) {
        JsonNode items = request.node("RequestItems");
        if (items == null) {
            throw DynamoDbException.validation("1 validation error detected: Value null at 'requestItems' "
                    + "failed to satisfy constraint: Member must not be null");
        }
        if (!items.isObject()) {
            throw Request.serialization("RequestItems", "a map");
        }
        if (items.size() == 0) {
            throw DynamoDbException.validation("1 validation error detected: Value '{}' at 'requestItems' "
                    + "failed to satisfy constraint: Member must have length greater than or equal to 1");
        }
        return items;
    }

    private void batchGetItem(Request request, JsonGenerator out) throws IOException {
        List<TableKeys> tables = new ArrayList<>();
        int total = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = requestItems(request).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            TableDefinition table = plane.catalog().requireTable(Request.checkTableName(entry.getKey(), "requestItems.key"));
            Request tableRequest = new Request(entry.getValue());
            JsonNode keys = tableRequest.node("Keys");
            if (keys == null || !keys.isArray() || keys.size() == 0) {
                throw DynamoDbException.validation("1 validation error detected: Value null at "
                        + "'requestItems." + table.name() + ".member.keys' failed to satisfy constraint: "
                        + "Member must have length greater than or equal to 1");
            }
            List<PrimaryKey> parsed = new ArrayList<>();
            List<Map<String, AttributeValue>> raw = new ArrayList<>();
            Set<PrimaryKey> seen = new HashSet<>();
            for (JsonNode keyNode : keys) {
                Map<String, AttributeValue> key = AttributeValueJson.readItem(keyNode, "Keys");
                PrimaryKey primaryKey = table.keySchema().keyOf(key, true);
                if (!seen.add(primaryKey)) {
                    throw DynamoDbException.validation("Provided list of item keys contains duplicates");
                }
                parsed.add(primaryKey);
                raw.add(key);
            }
            total += parsed.size();
            tables.add(new TableKeys(table, tableRequest, parsed, raw));
        }
        if (total > MAX_GET_KEYS) {
            throw DynamoDbException.validation("Too many items requested for the BatchGetItem call");
        }
        ProjectionExpression[] projections = new ProjectionExpression[tables.size()];
        for (int t = 0; t < tables.size(); t++) {
            RequestExpressions expressions = new RequestExpressions(tables.get(t).request(), parsedExpressions);
            projections[t] = expressions.projection();
            expressions.verifyAllUsed();
        }

        long bytes = 0;
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
        ShardRouter.BatchRead read = plane.router().getAll(keys);
        int next = 0;
        for (int t = 0; t < tables.size(); t++) {
            TableKeys table = tables.get(t);
            out.writeArrayFieldStart(table.table().name());
            for (int k = 0; k < table.keys().size(); k++) {
                boolean unread = read.unprocessed().get(next);
                Map<String, AttributeValue> item = read.items().get(next++);
                if (unread || bytes >= MAX_GET_RESPONSE_BYTES) {
                    unprocessed.computeIfAbsent(table, x -> new ArrayList<>()).add(table.rawKeys().get(k));
                    continue;
                }
                if (item != null) {
                    bytes += ItemSize.of(item);
                    AttributeValueJson.writeItem(out, projections[t] == null ? item : projections[t].apply(item));
                }
            }
            out.writeEndArray();
        }
        out.writeEndObject();
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
        for (String member : new String[] {"ConsistentRead", "ProjectionExpression", "ExpressionAttributeNames",
                "AttributesToGet"}) {
            JsonNode value = tableRequest.node(member);
            if (value != null) {
                out.writeFieldName(member);
                out.writeTree(value);
            }
        }
    }

    private void batchWriteItem(Request request, JsonGenerator out) throws IOException {
        boolean collectionMetrics = ItemCollectionMetrics.requested(request);
        List<WriteRequest> writes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = requestItems(request).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            TableDefinition table = plane.catalog().requireTable(Request.checkTableName(entry.getKey(), "requestItems.key"));
            if (!entry.getValue().isArray()) {
                throw Request.serialization("RequestItems." + table.name(), "a list");
            }
            if (entry.getValue().size() == 0) {
                throw DynamoDbException.validation("1 validation error detected: Value '[]' at 'requestItems."
                        + table.name() + "' failed to satisfy constraint: Member must have length greater than or equal to 1");
            }
            Set<PrimaryKey> seen = new HashSet<>();
            for (JsonNode writeNode : entry.getValue()) {
                WriteRequest write = writeRequest(table, writeNode);
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
            unprocessedByTable.computeIfAbsent(write.table().name(), t -> new ArrayList<>()).add(write.node());
        }
        out.writeStartObject();
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
            writeCollectionMetrics(out, writes, written);
        }
        out.writeEndObject();
    }

    /**
     * BatchWriteItem's ItemCollectionMetrics: for each table with local secondary indexes, one
     * entry per item collection the applied writes touched, with its size after the batch (its
     * last write's answer: a shard counts the batch's earlier writes into each).
     */
    private static void writeCollectionMetrics(JsonGenerator out, List<WriteRequest> writes,
                                               ShardRouter.BatchWrite written) throws IOException {
        Map<String, Map<PrimaryKey, ItemCollectionMetrics>> byTable = new LinkedHashMap<>();
        for (int i = 0; i < writes.size(); i++) {
            WriteRequest write = writes.get(i);
            ItemCollectionMetrics metrics = written.unprocessed().get(i) ? null
                    : ItemCollectionMetrics.of(write.table(), write.key(), written.itemCollectionBytes()[i]);
            if (metrics != null) {
                PrimaryKey partition = PrimaryKey.of(write.key().partitionKey(), null);
                byTable.computeIfAbsent(write.table().name(), t -> new LinkedHashMap<>())
                        .put(partition, metrics);
            }
        }
        out.writeObjectFieldStart("ItemCollectionMetrics");
        for (Map.Entry<String, Map<PrimaryKey, ItemCollectionMetrics>> table : byTable.entrySet()) {
            out.writeArrayFieldStart(table.getKey());
            for (ItemCollectionMetrics metrics : table.getValue().values()) {
                metrics.writeValue(out);
            }
            out.writeEndArray();
        }
        out.writeEndObject();
    }

    private static WriteRequest writeRequest(TableDefinition table, JsonNode node) {
        if (!node.isObject()) {
            throw Request.serialization("WriteRequest", "a structure");
        }
        JsonNode put = node.get("PutRequest");
        JsonNode delete = node.get("DeleteRequest");
        if ((put == null) == (delete == null)) {
            throw DynamoDbException.validation(
                    "Invalid WriteRequest: it must contain exactly one of PutRequest or DeleteRequest");
        }
        if (put != null) {
            Map<String, AttributeValue> item = AttributeValueJson.readItem(put.get("Item"), "Item");
            if (item == null) {
                throw DynamoDbException.validation("1 validation error detected: Value null at "
                        + "'requestItems." + table.name() + ".member.putRequest.item' failed to satisfy constraint: "
                        + "Member must not be null");
            }
            PrimaryKey key = table.keySchema().keyOf(item, false);
            if (ItemSize.of(item) > ItemSize.MAX_ITEM_BYTES) {
                throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
            }
            return new WriteRequest(table, key, ItemChange.put(item, null, null), node);
        }
        Map<String, AttributeValue> key = AttributeValueJson.readItem(delete.get("Key"), "Key");
        if (key == null) {
            throw DynamoDbException.validation("1 validation error detected: Value null at "
                    + "'requestItems." + table.name() + ".member.deleteRequest.key' failed to satisfy constraint: "
                    + "Member must not be null");
        }
        return new WriteRequest(table, table.keySchema().keyOf(key, true), ItemChange.delete(key, null, null), node);
    }
}
