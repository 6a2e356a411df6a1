package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.KeyAttributePaths;
import io.kubedyn.core.expression.ParsedExpressions;
import io.kubedyn.core.expression.ProjectionExpression;
import io.kubedyn.core.expression.UpdateExpression;
import io.kubedyn.core.write.CancellationReason;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.core.write.TransactionCanceledException;
import io.kubedyn.storage.TableKey;
import io.kubedyn.storage.TableWrite;
import io.kubedyn.storage.TransactionToken;
import io.kubedyn.storage.WriteResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * TransactWriteItems and TransactGetItems: every action validated as its single-item operation
 * validates it, then the whole run by the {@link TransactionCoordinator}, all or nothing.
 */
final class TransactionOperations {
    /** DynamoDB's limit on the items a transaction writes, in all. */
    static final long MAX_TRANSACTION_BYTES = 4L * 1024 * 1024;

    private static final List<String> WRITE_KINDS = List.of("ConditionCheck", "Put", "Delete", "Update");

    private final StoragePlane plane;
    private final ParsedExpressions parsedExpressions;

    TransactionOperations(StoragePlane plane, ParsedExpressions parsedExpressions) {
        this.plane = plane;
        this.parsedExpressions = parsedExpressions;
    }

    void register(Map<String, Operation> operations) {
        operations.put("TransactWriteItems", this::transactWriteItems);
        operations.put("TransactGetItems", this::transactGetItems);
    }

    /** One validated action: its write, whether a failed condition reports the item, its request bytes. */
    private record Action(TableWrite write, boolean returnOldOnFailure, long bytes) {}

    private void transactWriteItems(Request request, JsonGenerator out) throws IOException {
        ConsumedCapacity.Detail capacity = ConsumedCapacity.Detail.of(request);
        boolean collectionMetrics = ItemCollectionMetrics.requested(request);
        String token = request.string("ClientRequestToken");
        JsonNode items = request.node("TransactItems");
        List<Action> actions = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            actions.add(action(item));
        }
        Map<String, Set<PrimaryKey>> seen = new HashMap<>();
        long bytes = 0;
        for (Action action : actions) {
            if (!seen.computeIfAbsent(action.write().table().tableId(), t -> new HashSet<>())
                    .add(action.write().key())) {
                throw DynamoDbException.validation(
                        "Transaction request cannot include multiple operations on one item");
            }
            bytes += action.bytes();
        }
        if (bytes > MAX_TRANSACTION_BYTES) {
            throw DynamoDbException.validation("Transaction request size has exceeded the maximum allowed size");
        }
        List<TableWrite> writes = actions.stream().map(Action::write).toList();
        List<WriteResult> results;
        try {
            results = plane.router()
                    .transactions()
                    .write(writes, token == null ? null : new TransactionToken(token, fingerprint(items)));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = new ArrayList<>(e.reasons().size());
            for (int i = 0; i < e.reasons().size(); i++) {
                reasons.add(e.reasons().get(i).reportingItem(actions.get(i).returnOldOnFailure()));
            }
            throw new TransactionCanceledException(reasons);
        }
        out.writeStartObject();
        if (capacity.requested()) {
            // A transactional write costs twice a write of its item's size (the larger of before and after).
            Map<String, Double> units = new LinkedHashMap<>();
            for (int i = 0; i < actions.size(); i++) {
                WriteResult result = results.get(i);
                long size = Math.max(
                        Math.max(result.oldSize(), result.newSize()),
                        actions.get(i).bytes());
                units.merge(writes.get(i).table().name(), 2 * ConsumedCapacity.writeUnits(size), Double::sum);
            }
            ConsumedCapacity.writeByTable(out, units, capacity);
        }
        if (collectionMetrics) {
            ItemCollectionMetrics.writeByTable(
                    out,
                    writes,
                    results.stream().mapToLong(WriteResult::itemCollectionBytes).toArray());
        }
        out.writeEndObject();
    }

    /** One TransactItems entry: exactly one of its four kinds, checked as its operation checks it. */
    private Action action(JsonNode item) {
        List<String> kinds =
                WRITE_KINDS.stream().filter(k -> item.hasNonNull(k)).toList();
        if (kinds.size() != 1) {
            throw DynamoDbException.validation("TransactItems can only contain one of Check, Put, Update or Delete");
        }
        String kind = kinds.get(0);
        Request action = new Request(item.get(kind));
        boolean returnOld =
                action.string("ReturnValuesOnConditionCheckFailure", "NONE").equals("ALL_OLD");
        RequestExpressions expressions = new RequestExpressions(
                action,
                parsedExpressions,
                kind.equals("Update") ? RequestExpressions.TRANSACT_UPDATE : RequestExpressions.TRANSACT_CONDITION);
        if (kind.equals("Put")) {
            Map<String, AttributeValue> put = action.attributeMap("Item");
            long size = ItemSize.of(put);
            if (size > ItemSize.MAX_ITEM_BYTES) {
                throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
            }
            var condition = expressions.condition();
            expressions.verifyAllUsed();
            TableDefinition table = plane.catalog().requireTable(action.tableName());
            PrimaryKey key = table.keySchema().keyOf(put, false);
            return new Action(
                    new TableWrite(table, key, ItemChange.put(put, condition, expressions.attributes())),
                    returnOld,
                    size);
        }
        Map<String, AttributeValue> keyAttributes = action.attributeMap("Key");
        UpdateExpression update = kind.equals("Update") ? expressions.update() : null;
        var condition = expressions.condition();
        expressions.verifyAllUsed();
        TableDefinition table = plane.catalog().requireTable(action.tableName());
        PrimaryKey key = table.keySchema().keyOf(keyAttributes, true);
        ItemChange change = switch (kind) {
            case "Update" -> {
                ItemOperations.refuseKeyUpdates(table, update);
                yield ItemChange.update(keyAttributes, update, condition, expressions.attributes());
            }
            case "Delete" -> ItemChange.delete(keyAttributes, condition, expressions.attributes());
            default -> ItemChange.check(keyAttributes, condition, expressions.attributes());
        };
        return new Action(new TableWrite(table, key, change), returnOld, ItemSize.of(keyAttributes));
    }

    private void transactGetItems(Request request, JsonGenerator out) throws IOException {
        ConsumedCapacity.Detail capacity = ConsumedCapacity.Detail.of(request);
        JsonNode items = request.node("TransactItems");
        List<TableKey> keys = new ArrayList<>(items.size());
        List<ProjectionExpression> projections = new ArrayList<>(items.size());
        Map<String, Set<PrimaryKey>> seen = new HashMap<>();
        for (JsonNode item : items) {
            Request get = new Request(item.get("Get"));
            RequestExpressions expressions =
                    new RequestExpressions(get, parsedExpressions, RequestExpressions.TRANSACT_GET);
            Map<String, AttributeValue> keyAttributes = get.attributeMap("Key");
            ProjectionExpression projection = expressions.projection();
            expressions.verifyAllUsed();
            TableDefinition table = plane.catalog().requireTable(get.tableName());
            PrimaryKey key = table.keySchema().keyOf(keyAttributes, true);
            if (projection != null) {
                KeyAttributePaths.requireScalar(table, projection.paths());
            }
            if (!seen.computeIfAbsent(table.tableId(), t -> new HashSet<>()).add(key)) {
                throw DynamoDbException.validation(
                        "Transaction request cannot include multiple operations on one item");
            }
            keys.add(new TableKey(table, key));
            projections.add(projection);
        }
        List<Map<String, AttributeValue>> found = plane.router().transactions().read(keys);
        out.writeStartObject();
        if (capacity.requested()) {
            // A transactional read costs twice a strongly consistent read of the item.
            Map<String, Double> units = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                Map<String, AttributeValue> item = found.get(i);
                units.merge(
                        keys.get(i).table().name(),
                        2 * ConsumedCapacity.readUnits(item == null ? 0 : ItemSize.of(item), true),
                        Double::sum);
            }
            ConsumedCapacity.writeByTable(out, units, capacity);
        }
        out.writeArrayFieldStart("Responses");
        for (int i = 0; i < found.size(); i++) {
            out.writeStartObject();
            Map<String, AttributeValue> item = found.get(i);
            if (item != null) {
                out.writeFieldName("Item");
                AttributeValueJson.writeItem(
                        out,
                        projections.get(i) == null ? item : projections.get(i).apply(item));
            }
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    /** What makes two requests with one ClientRequestToken the same request: their actions, as sent. */
    private static byte[] fingerprint(JsonNode items) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(items.toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
