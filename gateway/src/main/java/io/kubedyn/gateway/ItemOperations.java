package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.KeyAttributePaths;
import io.kubedyn.core.expression.ParsedExpressions;
import io.kubedyn.core.expression.ProjectionExpression;
import io.kubedyn.core.expression.UpdateExpression;
import io.kubedyn.core.write.ConditionalCheckFailedException;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.ReturnItems;
import io.kubedyn.storage.WriteResult;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** PutItem, GetItem, UpdateItem and DeleteItem. */
final class ItemOperations {
    private final StoragePlane plane;
    private final ParsedExpressions parsedExpressions;

    ItemOperations(StoragePlane plane, ParsedExpressions parsedExpressions) {
        this.plane = plane;
        this.parsedExpressions = parsedExpressions;
    }

    void register(Map<String, Operation> operations) {
        operations.put("PutItem", new Writing(this::putItem));
        operations.put("GetItem", this::getItem);
        operations.put("UpdateItem", new Writing(this::updateItem));
        operations.put("DeleteItem", new Writing(this::deleteItem));
    }

    /** An item write read from its request: the change to apply, and how to answer with what it did. */
    private record ItemWrite(
            TableDefinition table,
            PrimaryKey key,
            ItemChange change,
            ReturnItems returns,
            boolean returnOldOnFailure,
            Answer answer) {}

    /** Writes the answer of a write that did {@code result}. */
    @FunctionalInterface
    private interface Answer {
        void write(WriteResult result, JsonGenerator out) throws IOException;
    }

    /** Reads an item write from its request, validating it. */
    @FunctionalInterface
    private interface WriteReader {
        ItemWrite read(Request request) throws IOException;
    }

    /** An item write operation: on a worker thread, or begun on the event loop where the store allows. */
    private final class Writing implements DeferrableOperation {
        private final WriteReader reader;

        Writing(WriteReader reader) {
            this.reader = reader;
        }

        @Override
        public void execute(Request request, JsonGenerator out) throws IOException {
            ItemWrite write = reader.read(request);
            WriteResult result;
            try {
                result = plane.router().write(write.table(), write.key(), write.change(), write.returns());
            } catch (ConditionalCheckFailedException e) {
                throw e.reportingItem(write.returnOldOnFailure());
            }
            write.answer().write(result, out);
        }

        @Override
        public CompletableFuture<DeferrableOperation.Answer> begin(Request request) throws IOException {
            ItemWrite write = reader.read(request);
            CompletableFuture<WriteResult> written;
            try {
                written =
                        plane.router().writeWithoutWaiting(write.table(), write.key(), write.change(), write.returns());
            } catch (ConditionalCheckFailedException e) {
                throw e.reportingItem(write.returnOldOnFailure());
            }
            return written == null
                    ? null
                    : written.thenApply(result -> out -> write.answer().write(result, out));
        }
    }

    private ItemWrite putItem(Request request) {
        RequestExpressions expressions =
                new RequestExpressions(request, parsedExpressions, RequestExpressions.PUT_OR_DELETE);
        Map<String, AttributeValue> item = request.attributeMap("Item");
        String returnValues = returnValues(request, false);
        boolean returnOldOnFailure = returnValuesOnConditionCheckFailure(request);
        ConsumedCapacity.Detail capacity = ConsumedCapacity.Detail.of(request);
        boolean collectionMetrics = ItemCollectionMetrics.requested(request);
        long size = ItemSize.of(item);
        if (size > ItemSize.MAX_ITEM_BYTES) {
            throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
        }
        ConditionExpression condition = expressions.condition();
        expressions.verifyAllUsed();
        TableDefinition table = plane.catalog().requireTable(request.tableName());
        PrimaryKey key = table.keySchema().keyOf(item, false);
        return new ItemWrite(
                table,
                key,
                ItemChange.put(item, condition, expressions.attributes()),
                returnItems(returnValues),
                returnOldOnFailure,
                (result, out) -> {
                    out.writeStartObject();
                    if (returnValues.equals("ALL_OLD")) {
                        attributes(out, result.old());
                    }
                    if (capacity.requested()) {
                        ConsumedCapacity.ofWrite(table.name(), Math.max(size, result.oldSize()))
                                .write(out, capacity);
                    }
                    writeCollectionMetrics(out, collectionMetrics, table, key, result);
                    out.writeEndObject();
                });
    }

    private void getItem(Request request, JsonGenerator out) throws IOException {
        RequestExpressions expressions = new RequestExpressions(request, parsedExpressions, RequestExpressions.GET);
        Map<String, AttributeValue> keyAttributes = request.attributeMap("Key");
        boolean consistent = request.bool("ConsistentRead", false);
        ProjectionExpression projection = expressions.projection();
        expressions.verifyAllUsed();
        TableDefinition table = plane.catalog().requireTable(request.tableName());
        PrimaryKey key = table.keySchema().keyOf(keyAttributes, true);
        if (projection != null) {
            KeyAttributePaths.requireScalar(table, projection.paths());
        }
        Map<String, AttributeValue> item = plane.router().get(table, key, consistent);
        out.writeStartObject();
        if (item != null) {
            out.writeFieldName("Item");
            AttributeValueJson.writeItem(out, projection == null ? item : projection.apply(item));
        }
        ConsumedCapacity.Detail capacity = ConsumedCapacity.Detail.of(request);
        if (capacity.requested()) {
            ConsumedCapacity.ofRead(table.name(), sizeOf(item), consistent).write(out, capacity);
        }
        out.writeEndObject();
    }

    private ItemWrite updateItem(Request request) {
        RequestExpressions expressions = new RequestExpressions(request, parsedExpressions, RequestExpressions.UPDATE);
        Map<String, AttributeValue> keyAttributes = request.attributeMap("Key");
        String returnValues = returnValues(request, true);
        boolean returnOldOnFailure = returnValuesOnConditionCheckFailure(request);
        ConsumedCapacity.Detail capacity = ConsumedCapacity.Detail.of(request);
        boolean collectionMetrics = ItemCollectionMetrics.requested(request);
        UpdateExpression update = expressions.update();
        ConditionExpression condition = expressions.condition();
        expressions.verifyAllUsed();
        TableDefinition table = plane.catalog().requireTable(request.tableName());
        PrimaryKey key = table.keySchema().keyOf(keyAttributes, true);
        refuseKeyUpdates(table, update);
        return new ItemWrite(
                table,
                key,
                ItemChange.update(keyAttributes, update, condition, expressions.attributes()),
                returnItems(returnValues),
                returnOldOnFailure,
                (result, out) -> {
                    out.writeStartObject();
                    switch (returnValues) {
                        case "ALL_OLD" -> attributes(out, result.old());
                        case "ALL_NEW" -> attributes(out, result.updated());
                        case "UPDATED_OLD" ->
                            attributes(
                                    out,
                                    update == null || result.old() == null
                                            ? null
                                            : update.projectUpdated(result.old()));
                        case "UPDATED_NEW" ->
                            attributes(out, update == null ? null : update.projectUpdated(result.updated()));
                        default -> {}
                    }
                    if (capacity.requested()) {
                        ConsumedCapacity.ofWrite(table.name(), Math.max(result.oldSize(), result.newSize()))
                                .write(out, capacity);
                    }
                    writeCollectionMetrics(out, collectionMetrics, table, key, result);
                    out.writeEndObject();
                });
    }

    private ItemWrite deleteItem(Request request) {
        RequestExpressions expressions =
                new RequestExpressions(request, parsedExpressions, RequestExpressions.PUT_OR_DELETE);
        Map<String, AttributeValue> keyAttributes = request.attributeMap("Key");
        String returnValues = returnValues(request, false);
        boolean returnOldOnFailure = returnValuesOnConditionCheckFailure(request);
        ConsumedCapacity.Detail capacity = ConsumedCapacity.Detail.of(request);
        boolean collectionMetrics = ItemCollectionMetrics.requested(request);
        ConditionExpression condition = expressions.condition();
        expressions.verifyAllUsed();
        TableDefinition table = plane.catalog().requireTable(request.tableName());
        PrimaryKey key = table.keySchema().keyOf(keyAttributes, true);
        return new ItemWrite(
                table,
                key,
                ItemChange.delete(keyAttributes, condition, expressions.attributes()),
                returnItems(returnValues),
                returnOldOnFailure,
                (result, out) -> {
                    out.writeStartObject();
                    if (returnValues.equals("ALL_OLD")) {
                        attributes(out, result.old());
                    }
                    if (capacity.requested()) {
                        ConsumedCapacity.ofWrite(table.name(), result.oldSize()).write(out, capacity);
                    }
                    writeCollectionMetrics(out, collectionMetrics, table, key, result);
                    out.writeEndObject();
                });
    }

    /** An update (nullable) may not touch the table's key attributes, in DynamoDB's words. */
    static void refuseKeyUpdates(TableDefinition table, UpdateExpression update) {
        if (update == null) {
            return;
        }
        for (String name : update.updatedAttributeNames()) {
            if (table.keySchema().isKeyAttribute(name)) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Cannot update "
                        + "attribute " + name + ". This attribute is part of the key");
            }
        }
    }

    private static void writeCollectionMetrics(
            JsonGenerator out, boolean requested, TableDefinition table, PrimaryKey key, WriteResult result)
            throws IOException {
        ItemCollectionMetrics metrics = ItemCollectionMetrics.of(table, key, result.itemCollectionBytes());
        if (requested && metrics != null) {
            metrics.write(out);
        }
    }

    /** Which item the store must send back for ReturnValues: none, the old one, or the new one. */
    private static ReturnItems returnItems(String returnValues) {
        return switch (returnValues) {
            case "ALL_OLD", "UPDATED_OLD" -> ReturnItems.OLD;
            case "ALL_NEW", "UPDATED_NEW" -> ReturnItems.NEW;
            default -> ReturnItems.NONE;
        };
    }

    private static void attributes(JsonGenerator out, Map<String, AttributeValue> attributes) throws IOException {
        if (attributes != null && !attributes.isEmpty()) {
            out.writeFieldName("Attributes");
            AttributeValueJson.writeItem(out, attributes);
        }
    }

    private static long sizeOf(Map<String, AttributeValue> item) {
        return item == null ? 0 : ItemSize.of(item);
    }

    private static String returnValues(Request request, boolean update) {
        String value = request.string("ReturnValues", "NONE");
        if (!update && !value.equals("NONE") && !value.equals("ALL_OLD")) {
            throw DynamoDbException.validation("ReturnValues can only be ALL_OLD or NONE");
        }
        return value;
    }

    private static boolean returnValuesOnConditionCheckFailure(Request request) {
        return request.string("ReturnValuesOnConditionCheckFailure", "NONE").equals("ALL_OLD");
    }
}
