package io.kubedyn.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.ResourceArns;
import io.kubedyn.gateway.protocol.AccessPolicy.Access;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What a call does to which resources, in IAM's terms, for the access policy: the action is the
 * operation's name on the table it names (or the index a Query or Scan reads, the stream, the
 * ARN a tag operation names, {@code *} for an operation on no resource); a batch does its
 * operation on each of its tables, a transaction each of its actions' operations (PutItem,
 * UpdateItem, DeleteItem, ConditionCheckItem, GetItem) on theirs, as IAM asks of them. A PartiQL
 * statement takes its actions as the item operation it runs ({@link #PARTIQL}).
 */
final class CallResources {

    /** The operations that run PartiQL statements: each statement's own operation is checked. */
    static final java.util.Set<String> STATEMENT_OPERATIONS =
            java.util.Set.of("ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction");

    /** A PartiQL statement's IAM action, by the item operation it runs as. */
    static final UnaryOperator<String> PARTIQL = action -> switch (action) {
        case "PutItem" -> "PartiQLInsert";
        case "UpdateItem" -> "PartiQLUpdate";
        case "DeleteItem" -> "PartiQLDelete";
        default -> "PartiQLSelect";
    };

    private CallResources() {}

    static List<Access> of(String operation, Request request) {
        List<Access> accesses = new ArrayList<>();
        switch (operation) {
            case "BatchGetItem", "BatchWriteItem" -> {
                JsonNode items = request.node("RequestItems");
                if (items != null) {
                    items.fieldNames()
                            .forEachRemaining(t -> accesses.add(new Access(operation, ResourceArns.table(t))));
                }
            }
            case "TransactWriteItems", "TransactGetItems" -> {
                JsonNode items = request.node("TransactItems");
                for (JsonNode item : items == null ? List.<JsonNode>of() : items) {
                    for (Iterator<Map.Entry<String, JsonNode>> kinds = item.fields(); kinds.hasNext(); ) {
                        Map.Entry<String, JsonNode> kind = kinds.next();
                        String action =
                                kind.getKey().equals("ConditionCheck") ? "ConditionCheckItem" : kind.getKey() + "Item";
                        accesses.add(new Access(
                                action,
                                ResourceArns.table(
                                        kind.getValue().path("TableName").asText())));
                    }
                }
            }
            // An ARN is read as the table or stream it names whatever its region and account, so
            // the policy sees it in kubedyn's own form: another spelling must not slip past a Deny.
            case "TagResource", "UntagResource", "ListTagsOfResource" -> {
                String arn = request.string("ResourceArn", "*");
                accesses.add(new Access(
                        operation,
                        ResourceArns.parseTable(arn).map(ResourceArns::table).orElse(arn)));
            }
            case "DescribeStream", "GetShardIterator" -> {
                String arn = request.string("StreamArn", "*");
                accesses.add(new Access(
                        operation,
                        ResourceArns.parseStream(arn)
                                .map(stream -> ResourceArns.stream(stream.table(), stream.label()))
                                .orElse(arn)));
            }
            case "GetRecords" -> {
                ShardIterator iterator = ShardIterator.decode(request.string("ShardIterator", ""));
                accesses.add(new Access(operation, ResourceArns.stream(iterator.table(), iterator.label())));
            }
            default -> {
                if (STATEMENT_OPERATIONS.contains(operation)) {
                    break;
                }
                String table = request.has("TableName") ? request.string("TableName") : null;
                String index = (operation.equals("Query") || operation.equals("Scan")) && request.has("IndexName")
                        ? request.string("IndexName")
                        : null;
                accesses.add(new Access(
                        operation,
                        table == null
                                ? "*"
                                : index == null ? ResourceArns.table(table) : ResourceArns.index(table, index)));
            }
        }
        return accesses;
    }
}
