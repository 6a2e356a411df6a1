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
import io.kubedyn.core.write.CancellationReason;
import io.kubedyn.core.write.ConditionalCheckFailedException;
import io.kubedyn.core.write.TransactionCanceledException;
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
            DynamoDbError.ACCESS_DENIED, "AccessDenied",
            DynamoDbError.TRANSACTION_CONFLICT, "TransactionConflict");

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
        served.put("ExecuteTransaction", this::executeTransaction);
    }

    private void executeStatement(Request request, JsonGenerator out) throws IOException {
        String text = request.string("Statement");
        JsonNode parameterNodes = request.node("Parameters");
        Statement statement = StatementParser.parse(text, parameters(parameterNodes));
        TableDefinition table = plane.catalog().requireTable(statement.table());
        if (statement instanceof Statement.Select select) {
            select(
                    request,
                    out,
                    StatementTranslation.reads(select, table),
                    NextToken.digest(text, parameterNodes),
                    new ConsumedCapacity(
                            table.name(),
                            0,
                            select.index() == null
                                    ? null
                                    : table.index(select.index()).orElse(null)));
            return;
        }
        refuseExists(statement);
        EquivalentRequest equivalent = StatementTranslation.write(statement, table);
        copy(request, equivalent.body(), "ReturnConsumedCapacity");
        copy(request, equivalent.body(), "ReturnValuesOnConditionCheckFailure");
        JsonNode answer = run(request, equivalent, statement);
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
    private void select(
            Request request, JsonGenerator out, List<EquivalentRequest> reads, String digest, ConsumedCapacity charged)
            throws IOException {
        NextToken position =
                request.has("NextToken") ? NextToken.decode(request.string("NextToken"), digest) : NextToken.FIRST;
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
            JsonNode answer = run(request, reads.get(i), null);
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
        List<Object> parsed = new ArrayList<>(); // a Statement, or the DynamoDbException its parse threw
        boolean reads = false;
        boolean writes = false;
        for (JsonNode member : members) {
            try {
                Statement statement =
                        StatementParser.parse(member.path("Statement").asText(), parameters(member.get("Parameters")));
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
                    JsonNode answer = runInBatch(request, statement, member, capacity.requested());
                    out.writeStringField("TableName", statement.table());
                    JsonNode item = answer.path("Items").path(0);
                    if (item.isObject()) {
                        out.writeFieldName("Item");
                        out.writeTree(item);
                    }
                    JsonNode consumed = answer.path("ConsumedCapacity");
                    if (consumed.isObject()) {
                        units.merge(
                                statement.table(),
                                consumed.path("CapacityUnits").asDouble(),
                                Double::sum);
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
            ConsumedCapacity.writeByTable(out, units, capacity);
        }
        out.writeEndObject();
    }

    /**
     * ExecuteTransaction: the statements as the actions of one TransactGetItems (all reads, each
     * of one item by its whole key) or one TransactWriteItems (all writes), run by that operation,
     * so they are all done or none. A cancelled INSERT whose key is taken is a DuplicateItem reason.
     */
    private void executeTransaction(Request request, JsonGenerator out) throws IOException {
        List<JsonNode> members = new ArrayList<>();
        request.node("TransactStatements").forEach(members::add);
        List<Statement> statements = new ArrayList<>(members.size());
        for (JsonNode member : members) {
            statements.add(
                    StatementParser.parse(member.path("Statement").asText(), parameters(member.get("Parameters"))));
        }
        boolean reads = statements.stream().allMatch(Statement::reads);
        if (!reads && statements.stream().anyMatch(Statement::reads)) {
            throw DynamoDbException.validation(
                    "ExecuteTransaction API does not support both read and write operations in the same request.");
        }
        ObjectNode transaction = json.createObjectNode();
        var actions = transaction.putArray("TransactItems");
        for (int i = 0; i < statements.size(); i++) {
            Statement statement = statements.get(i);
            TableDefinition table = plane.catalog().requireTable(statement.table());
            if (statement instanceof Statement.Select select) {
                actions.addObject()
                        .set(
                                "Get",
                                StatementTranslation.singleItemGet(select, table)
                                        .body());
                continue;
            }
            EquivalentRequest write = StatementTranslation.write(statement, table);
            ObjectNode action = write.body();
            if (!action.path("ReturnValues").asText("NONE").equals("NONE")) {
                throw DynamoDbException.validation("RETURNING is not supported in ExecuteTransaction");
            }
            action.remove("ReturnValues");
            if (members.get(i).has("ReturnValuesOnConditionCheckFailure")) {
                action.set(
                        "ReturnValuesOnConditionCheckFailure",
                        members.get(i).get("ReturnValuesOnConditionCheckFailure"));
            }
            String kind = switch (write.operation()) {
                case "PutItem" -> "Put";
                case "UpdateItem" -> "Update";
                case "ConditionCheck" -> "ConditionCheck";
                default -> "Delete";
            };
            actions.addObject().set(kind, action);
        }
        copy(request, transaction, "ReturnConsumedCapacity");
        if (!reads) {
            copy(request, transaction, "ClientRequestToken");
        }
        TokenBuffer buffer = new TokenBuffer(json, false);
        try {
            operations
                    .get(reads ? "TransactGetItems" : "TransactWriteItems")
                    .execute(request.onBehalf(transaction), buffer);
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = new ArrayList<>(e.reasons());
            for (int i = 0; i < reasons.size(); i++) {
                if (statements.get(i) instanceof Statement.Insert
                        && reasons.get(i).code().equals(CancellationReason.CONDITIONAL_CHECK_FAILED)) {
                    reasons.set(
                            i,
                            new CancellationReason(
                                    "DuplicateItem",
                                    "Duplicate primary key exists in table",
                                    reasons.get(i).item()));
                }
            }
            throw new TransactionCanceledException(reasons);
        }
        JsonNode answer = json.readTree(buffer.asParser());
        out.writeStartObject();
        if (reads) {
            out.writeFieldName("Responses");
            out.writeTree(answer.get("Responses"));
        }
        if (answer.has("ConsumedCapacity")) {
            out.writeFieldName("ConsumedCapacity");
            out.writeTree(answer.get("ConsumedCapacity"));
        }
        out.writeEndObject();
    }

    /** One statement of a batch: a read of one item by its whole key, or a write. */
    private JsonNode runInBatch(Request request, Statement statement, JsonNode member, boolean capacity)
            throws IOException {
        refuseExists(statement);
        TableDefinition table = plane.catalog().requireTable(statement.table());
        EquivalentRequest equivalent = statement instanceof Statement.Select select
                ? StatementTranslation.singleItemRead(select, table)
                : StatementTranslation.write(statement, table);
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
        return run(request, equivalent, statement);
    }

    /** EXISTS is a transaction's condition check: only ExecuteTransaction takes it. */
    private static void refuseExists(Statement statement) {
        if (statement instanceof Statement.Exists) {
            throw DynamoDbException.validation("EXISTS can only be used in ExecuteTransaction write requests.");
        }
    }

    private static void writeError(JsonGenerator out, DynamoDbException e) throws IOException {
        out.writeObjectFieldStart("Error");
        // DynamoDB's codes name no other client error: any other is the statement's ValidationError.
        out.writeStringField(
                "Code",
                BATCH_ERROR_CODES.getOrDefault(
                        e.error(), e.error().httpStatus() >= 500 ? "InternalServerError" : "ValidationError"));
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
    private JsonNode run(Request request, EquivalentRequest equivalent, Statement statement) throws IOException {
        TokenBuffer answer = new TokenBuffer(json, false);
        try {
            operations.get(equivalent.operation()).execute(request.onBehalf(equivalent.body()), answer);
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
