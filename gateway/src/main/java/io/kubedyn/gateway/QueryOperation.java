package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.KeyConditionExpression;
import io.kubedyn.core.expression.ProjectionExpression;
import io.kubedyn.storage.Page;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Query: one partition, in sort-key order, paginated. */
final class QueryOperation implements Operation {
    private final TableBackend backend;

    QueryOperation(TableBackend backend) {
        this.backend = backend;
    }

    @Override
    public void execute(Request request, JsonGenerator out) throws IOException {
        TableDefinition table = backend.requireTable(request.tableName());
        String index = request.string("IndexName");
        if (index != null) {
            throw DynamoDbException.validation("The table does not have the specified index: " + index);
        }
        Integer limit = request.integer("Limit", "limit", 1, Integer.MAX_VALUE);
        boolean countOnly = PageResponse.countOnly(request);
        boolean forward = request.bool("ScanIndexForward", true);
        RequestExpressions expressions = new RequestExpressions(request);
        KeyCondition condition = keyCondition(request, table);
        ConditionExpression filter = expressions.filter("QueryFilter");
        ProjectionExpression projection = expressions.projection();
        expressions.verifyAllUsed();
        refuseKeyAttributesInFilter(filter, table);
        PrimaryKey start = exclusiveStartKey(request, table, condition);
        Page page = backend.query(table.name(), condition.partitionKey(), condition.sortKey().orElse(null), forward,
                limit == null ? Integer.MAX_VALUE : limit, start);
        PageResponse.write(out, request, table, page, filter, projection, countOnly);
    }

    /** DynamoDB refuses a Query filter on key attributes: the key condition is the place for them. */
    private static void refuseKeyAttributesInFilter(ConditionExpression filter, TableDefinition table) {
        if (filter == null) {
            return;
        }
        for (String name : filter.attributeNames()) {
            if (table.keySchema().isKeyAttribute(name)) {
                throw DynamoDbException.validation("Filter Expression can only contain non-primary key attributes: "
                        + "Primary key attribute: " + name);
            }
        }
    }

    private KeyCondition keyCondition(Request request, TableDefinition table) {
        boolean expression = request.has("KeyConditionExpression");
        boolean legacy = request.has("KeyConditions");
        if (expression && legacy) {
            throw DynamoDbException.validation("Can not use both expression and non-expression parameters in the same "
                    + "request: Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}");
        }
        if (expression) {
            return KeyConditionExpression.parse(request.string("KeyConditionExpression"),
                    request.expressionAttributes(), table.keySchema());
        }
        if (legacy) {
            return legacyKeyConditions(request.node("KeyConditions"), table);
        }
        throw DynamoDbException.validation(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
    }

    /** The legacy KeyConditions parameter: {attribute: {ComparisonOperator, AttributeValueList}}. */
    private static KeyCondition legacyKeyConditions(JsonNode conditions, TableDefinition table) {
        if (!conditions.isObject()) {
            throw Request.serialization("KeyConditions", "a map");
        }
        KeyAttribute pk = table.keySchema().partitionKey();
        AttributeValue partition = null;
        SortKeyCondition sort = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = conditions.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String operator = e.getValue().path("ComparisonOperator").asText("");
            List<AttributeValue> values = new ArrayList<>();
            for (JsonNode v : e.getValue().path("AttributeValueList")) {
                values.add(AttributeValueJson.read(v));
            }
            if (e.getKey().equals(pk.name())) {
                if (!operator.equals("EQ") || values.size() != 1 || !pk.type().matches(values.get(0))) {
                    throw DynamoDbException.validation("Query key condition not supported");
                }
                partition = values.get(0);
            } else if (table.keySchema().sortKey().map(k -> k.name().equals(e.getKey())).orElse(false)) {
                KeyAttribute sk = table.keySchema().sortKey().get();
                SortKeyCondition.Operator op = switch (operator) {
                    case "EQ" -> SortKeyCondition.Operator.EQ;
                    case "LT" -> SortKeyCondition.Operator.LT;
                    case "LE" -> SortKeyCondition.Operator.LE;
                    case "GT" -> SortKeyCondition.Operator.GT;
                    case "GE" -> SortKeyCondition.Operator.GE;
                    case "BETWEEN" -> SortKeyCondition.Operator.BETWEEN;
                    case "BEGINS_WITH" -> SortKeyCondition.Operator.BEGINS_WITH;
                    default -> throw DynamoDbException.validation("Attempted conditional constraint is not an indexable operation");
                };
                int expected = op == SortKeyCondition.Operator.BETWEEN ? 2 : 1;
                if (values.size() != expected) {
                    throw DynamoDbException.validation("One or more parameter values were invalid: Invalid number of "
                            + "argument(s) for the " + operator + " ComparisonOperator");
                }
                for (AttributeValue v : values) {
                    if (!sk.type().matches(v)) {
                        throw DynamoDbException.validation("One or more parameter values were invalid: Condition parameter "
                                + "type does not match schema type");
                    }
                }
                if (op == SortKeyCondition.Operator.BEGINS_WITH && sk.type() == io.kubedyn.core.ScalarType.N) {
                    throw DynamoDbException.validation("One or more parameter values were invalid: "
                            + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type");
                }
                sort = new SortKeyCondition(op, values.get(0), expected == 2 ? values.get(1) : null);
            } else {
                throw DynamoDbException.validation("Query condition missed key schema element: " + e.getKey());
            }
        }
        if (partition == null) {
            throw DynamoDbException.validation("Query condition missed key schema element: " + pk.name());
        }
        return new KeyCondition(partition, Optional.ofNullable(sort));
    }

    private static PrimaryKey exclusiveStartKey(Request request, TableDefinition table, KeyCondition condition) {
        Map<String, AttributeValue> start = request.attributeMap("ExclusiveStartKey");
        if (start == null) {
            return null;
        }
        PrimaryKey key;
        try {
            key = table.keySchema().keyOf(start, true);
        } catch (DynamoDbException e) {
            throw DynamoDbException.validation("The provided starting key is invalid: " + e.getMessage());
        }
        if (!key.partitionKey().equals(condition.partitionKey())) {
            throw DynamoDbException.validation("The provided starting key is invalid: "
                    + "The provided starting key does not match the partition key of the query");
        }
        return key;
    }
}
