package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.partiql.EquivalentRequest;
import io.kubedyn.core.partiql.Statement;
import io.kubedyn.core.partiql.StatementParser;
import io.kubedyn.core.partiql.StatementTranslation;
import io.kubedyn.core.write.ConditionalCheckFailedException;
import io.kubedyn.storage.PartitionStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ExecuteStatement and BatchExecuteStatement: each PartiQL statement is parsed, translated into
 * the DynamoDB request it means ({@link StatementTranslation}) and run by that request's own
 * operation in this process, whose answer is then reshaped into the statement's answer. So a
 * statement is validated, evaluated, routed and accounted for exactly as the equivalent
 * Query, Scan, PutItem, UpdateItem or DeleteItem.
 */
final class PartiQlOperations {
    /** BatchStatementError's codes for the errors a statement of a batch may meet. */
    private static final Map<DynamoDbError, String> BATCH_ERROR_CODES = Map.of(
            DynamoDbError.VALIDATION, "ValidationError",
            DynamoDbError.CONDITIONAL_CHECK_FAILED, "ConditionalCheckFailed",
            DynamoDbError.DUPLICATE_ITEM, "DuplicateItem",
            DynamoDbError.RESOURCE_NOT_FOUND, "ResourceNotFound",
            DynamoDbError.ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED, "ItemCollectionSizeLimitExceeded",
            DynamoDbError.ACCESS_DENIED, "AccessDenied");

    private final StoragePlane plane;
    private final Map<String, Operation> operations;
    private final ObjectMapper json = new ObjectMapper();

    /** {@code operations} holds the item operations statements are translated into. */
    PartiQlOperations(StoragePlane plane, Map<String, Operation> operations) {
        this.plane = plane;
        this.operations = operations;
    }

    void register(Map<String, Operation> served) {
        served.put("ExecuteStatement", this::executeStatement);
        served.put("BatchExecuteStatement", this::batchExecuteStatement);
    }

    private void executeStatement(Request request, JsonGenerator out) throws IOException {
        String text = request.string("Statement");
        JsonNode parameterNodes = request.node("Parameters");
        Statement statement = StatementParser.parse(text, parameters(parameterNodes));
        TableDefinition table = plane.catalog().requireTable(statement.table());
        if (statement instanceof Statement.Select select) {
            select(request, out, StatementTranslation.reads(select, table), NextToken.digest(text, parameterNodes),
                    new ConsumedCapacity(table.name(), 0, select.index() == null ? null
                            : table.index(select.index()).orElse(null)));
            return;
        }
        EquivalentRequest equivalent = StatementTranslation.write(statement, table);
        copy(request, equivalent.body(), "ReturnConsumedCapacity");
        copy(request, equivalent.body(), "ReturnValuesOnConditionCheckFailure");
        JsonNode answer = run(equivalent, statement);
        out.writeStartObject();
        out.writeArrayFieldStart("Items");
        if (answer.has("Attributes")) {
            out.writeTree(answer.get("Attributes"));
        }
        out.writeEndArray();
        if (answer.has("ConsumedCapacity")) {
            out.writeFieldName("ConsumedCapacity");
            out.writeTree(answer.get("ConsumedCapacity"));
        }
        out.writeEndObject();
    }

    /**
     * One page of a SELECT's reads, run in order from where NextToken says until one stops short
     * (its 1 MB or the Limit), the items answered reach a page's 1 MB, or all are done. The Limit
     * counts the items every read evaluates; the capacity is the reads' summed.
     */
    private void select(Request request, JsonGenerator out, List<EquivalentRequest> reads, String digest,
                        ConsumedCapacity charged) throws IOException {
        NextToken position = request.has("NextToken") ? NextToken.decode(request.string("NextToken"), digest)
                : NextToken.FIRST;
        if (position.read() >= reads.size()) {
            throw DynamoDbException.validation("Invalid NextToken");
        }
        Integer limit = request.integer("Limit");
        int remaining = limit == null ? Integer.MAX_VALUE : limit;
        NextToken next = null;
        JsonNode lastEvaluatedKey = null;
        double units = 0;
        long bytes = 0;
        out.writeStartObject();
        out.writeArrayFieldStart("Items");
        for (int i = position.read(); i < reads.size(); i++) {
            ObjectNode body = reads.get(i).body();
            copy(request, body, "ReturnConsumedCapacity");
            copy(request, body, "ConsistentRead");
            if (limit != null) {
                body.put("Limit", remaining);
            }
            if (i == position.read() && position.startKey() != null) {
                body.set("ExclusiveStartKey", position.startKey());
            }
            JsonNode answer = run(reads.get(i), null);
            for (JsonNode item : answer.path("Items")) {
                out.writeTree(item);
                if (reads.size() > 1) {
                    bytes += ItemSize.of(AttributeValueJson.readItem(item, "Items"));
                }
            }
            units += answer.path("ConsumedCapacity").path("CapacityUnits").asDouble();
            remaining -= answer.path("ScannedCount").asInt();
            if (answer.has("LastEvaluatedKey")) {
                lastEvaluatedKey = answer.get("LastEvaluatedKey");
                next = new NextToken(i, lastEvaluatedKey);
                break;
            }
            if ((remaining <= 0 || bytes >= PartitionStore.PAGE_BYTES) && i + 1 < reads.size()) {
                next = new NextToken(i + 1, null);
                break;
            }
        }
        out.writeEndArray();
        if (next != null) {
            out.writeStringField("NextToken", next.encode(digest));
        }
        if (lastEvaluatedKey != null) {
            out.writeFieldName("LastEvaluatedKey");
            out.writeTree(lastEvaluatedKey);
        }
        ConsumedCapacity.Detail capacity = ConsumedCapacity.Detail.of(request);
        if (capacity.requested()) {
            new ConsumedCapacity(charged.tableName(), units, charged.index()).write(out, capacity);
        }
        out.writeEndObject();
    }

    /**
     * Every statement of the batch, in order, each answered on its own: a failed statement has
     * an Error in its place and does not fail the others. All reads (each of one item, by its
     * whole key) or all writes.
     */
    private void batchExecuteStatement(Request request, JsonGenerator out) throws IOException {
        ConsumedCapacity.Detail capacity = ConsumedCapacity.Detail.of(request);
        List<JsonNode> members = new ArrayList<>();
        request.node("Statements").forEach(members::add);
        List<Object> parsed = new ArrayList<>();  // a Statement, or the DynamoDbException its parse threw
        boolean reads = false;
        boolean writes = false;
        for (JsonNode member : members) {
            try {
                Statement statement = StatementParser.parse(member.path("Statement").asText(),
                        parameters(member.get("Parameters")));
                parsed.add(statement);
                reads |= statement.reads();
                writes |= !statement.reads();
            } catch (DynamoDbException e) {
                parsed.add(e);
            }
        }
        if (reads && writes) {
            throw DynamoDbException.validation(
                    "BatchExecuteStatement API does not support both read and write operations in the same request.");
        }
        Map<String, Double> units = new LinkedHashMap<>();
        out.writeStartObject();
        out.writeArrayFieldStart("Responses");
        for (int i = 0; i < members.size(); i++) {
            JsonNode member = members.get(i);
            out.writeStartObject();
            if (parsed.get(i) instanceof DynamoDbException refused) {
                writeError(out, refused);
            } else {
                Statement statement = (Statement) parsed.get(i);
                try {
                    JsonNode answer = runInBatch(statement, member, capacity.requested());
                    out.writeStringField("TableName", statement.table());
                    JsonNode item = answer.path("Items").path(0);
                    if (item.isObject()) {
                        out.writeFieldName("Item");
                        out.writeTree(item);
                    }
                    JsonNode consumed = answer.path("ConsumedCapacity");
                    if (consumed.isObject()) {
                        units.merge(statement.table(), consumed.path("CapacityUnits").asDouble(), Double::sum);
                    }
                } catch (DynamoDbException e) {
                    out.writeStringField("TableName", statement.table());
                    writeError(out, e);
                }
            }
            out.writeEndObject();
        }
        out.writeEndArray();
        if (capacity.requested() && !units.isEmpty()) {
            out.writeArrayFieldStart("ConsumedCapacity");
            for (Map.Entry<String, Double> table : units.entrySet()) {
                new ConsumedCapacity(table.getKey(), table.getValue(), null).writeValue(out, capacity);
            }
            out.writeEndArray();
        }
        out.writeEndObject();
    }

    /** One statement of a batch: a read of one item by its whole key, or a write. */
    private JsonNode runInBatch(Statement statement, JsonNode member, boolean capacity) throws IOException {
        TableDefinition table = plane.catalog().requireTable(statement.table());
        EquivalentRequest equivalent = statement instanceof Statement.Select select
                ? StatementTranslation.singleItemRead(select, table) : StatementTranslation.write(statement, table);
        ObjectNode body = equivalent.body();
        if (capacity) {
            body.put("ReturnConsumedCapacity", "TOTAL");
        }
        if (statement.reads() && member.has("ConsistentRead")) {
            body.set("ConsistentRead", member.get("ConsistentRead"));
        }
        if (!statement.reads() && member.has("ReturnValuesOnConditionCheckFailure")) {
            body.set("ReturnValuesOnConditionCheckFailure", member.get("ReturnValuesOnConditionCheckFailure"));
        }
        return run(equivalent, statement);
    }

    private static void writeError(JsonGenerator out, DynamoDbException e) throws IOException {
        out.writeObjectFieldStart("Error");
        // DynamoDB's codes name no other client error: any other is the statement's ValidationError.
        out.writeStringField("Code", BATCH_ERROR_CODES.getOrDefault(e.error(),
                e.error().httpStatus() >= 500 ? "InternalServerError" : "ValidationError"));
        if (e.getMessage() != null) {
            out.writeStringField("Message", e.getMessage());
        }
        if (e instanceof ConditionalCheckFailedException failed && failed.item() != null) {
            out.writeFieldName("Item");
            AttributeValueJson.writeItem(out, failed.item());
        }
        out.writeEndObject();
    }

    /**
     * Runs the equivalent request with its own operation and gives back that operation's answer.
     * An INSERT whose key is taken fails as DynamoDB fails it: DuplicateItemException.
     */
    private JsonNode run(EquivalentRequest equivalent, Statement statement) throws IOException {
        TokenBuffer answer = new TokenBuffer(json, false);
        try {
            operations.get(equivalent.operation()).execute(new Request(equivalent.body()), answer);
        } catch (ConditionalCheckFailedException e) {
            if (statement instanceof Statement.Insert) {
                throw new DynamoDbException(DynamoDbError.DUPLICATE_ITEM, "Duplicate primary key exists in table");
            }
            throw e;
        }
        return json.readTree(answer.asParser());
    }

    private static void copy(Request request, ObjectNode body, String member) {
        if (request.has(member)) {
            body.set(member, request.node(member));
        }
    }

    /** Parameters, in order; none when absent. */
    private static List<AttributeValue> parameters(JsonNode nodes) {
        List<AttributeValue> parameters = new ArrayList<>();
        if (nodes != null && !nodes.isNull()) {
            nodes.forEach(node -> parameters.add(AttributeValueJson.read(node)));
        }
        return parameters;
    }
}
