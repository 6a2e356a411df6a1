package io.kubedyn.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DynamoDB's legacy parameters (Expected, QueryFilter, ScanFilter, AttributeUpdates,
 * AttributesToGet) rewritten as expression text with generated names and values, so that one
 * evaluator serves both generations of the API.
 */
final class LegacyExpression {
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, AttributeValue> values = new LinkedHashMap<>();

    Map<String, String> names() {
        return names.isEmpty() ? null : names;
    }

    Map<String, AttributeValue> values() {
        return values.isEmpty() ? null : values;
    }

    private String name(String attribute) {
        String ref = "#l" + names.size();
        names.put(ref, attribute);
        return ref;
    }

    private String value(AttributeValue value) {
        String ref = ":l" + values.size();
        values.put(ref, value);
        return ref;
    }

    /** Expected: {attr: {Value, Exists} or {ComparisonOperator, AttributeValueList}}, joined by ConditionalOperator. */
    String expected(JsonNode expected, String conditionalOperator) {
        List<String> terms = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(expected, "Expected").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode condition = e.getValue();
            if (condition.has("ComparisonOperator")) {
                if (condition.has("Value") || condition.has("Exists")) {
                    throw DynamoDbException.validation("One or more parameter values were invalid: Value or Exists "
                            + "cannot be used with ComparisonOperator for Attribute: " + e.getKey());
                }
                terms.add(comparison(e.getKey(), condition));
                continue;
            }
            boolean exists = !condition.has("Exists") || condition.get("Exists").asBoolean(true);
            JsonNode value = condition.get("Value");
            if (exists && value == null) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Value must be provided "
                        + "when Exists is true for Attribute: " + e.getKey());
            }
            if (!exists && value != null) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Value cannot be used "
                        + "when Exists is false for Attribute: " + e.getKey());
            }
            terms.add(exists ? name(e.getKey()) + " = " + value(AttributeValueJson.read(value))
                    : "attribute_not_exists(" + name(e.getKey()) + ")");
        }
        return join(terms, conditionalOperator);
    }

    /** QueryFilter or ScanFilter: {attr: {ComparisonOperator, AttributeValueList}}. */
    String filter(JsonNode filter, String member, String conditionalOperator) {
        List<String> terms = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(filter, member).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            terms.add(comparison(e.getKey(), e.getValue()));
        }
        return join(terms, conditionalOperator);
    }

    /** AttributeUpdates: {attr: {Action PUT|ADD|DELETE, Value}}. */
    String attributeUpdates(JsonNode updates) {
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        List<String> add = new ArrayList<>();
        List<String> delete = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(updates, "AttributeUpdates").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String action = e.getValue().path("Action").asText("PUT");
            JsonNode value = e.getValue().get("Value");
            switch (action) {
                case "PUT" -> {
                    if (value == null) {
                        throw DynamoDbException.validation("One or more parameter values were invalid: "
                                + "Only DELETE action is allowed when no attribute value is specified");
                    }
                    set.add(name(e.getKey()) + " = " + value(AttributeValueJson.read(value)));
                }
                case "ADD" -> {
                    if (value == null) {
                        throw DynamoDbException.validation("One or more parameter values were invalid: "
                                + "Only DELETE action is allowed when no attribute value is specified");
                    }
                    add.add(name(e.getKey()) + " " + value(AttributeValueJson.read(value)));
                }
                case "DELETE" -> {
                    if (value == null) {
                        remove.add(name(e.getKey()));
                    } else {
                        delete.add(name(e.getKey()) + " " + value(AttributeValueJson.read(value)));
                    }
                }
                default -> throw DynamoDbException.validation("1 validation error detected: Value '" + action
                        + "' at 'attributeUpdates." + e.getKey() + ".member.action' failed to satisfy constraint: "
                        + "Member must satisfy enum value set: [ADD, PUT, DELETE]");
            }
        }
        StringBuilder text = new StringBuilder();
        clause(text, "SET", set, ", ");
        clause(text, "REMOVE", remove, ", ");
        clause(text, "ADD", add, ", ");
        clause(text, "DELETE", delete, ", ");
        return text.toString();
    }

    /** AttributesToGet: a list of top-level names. */
    String attributesToGet(JsonNode names) {
        if (!names.isArray()) {
            throw Request.serialization("AttributesToGet", "a list");
        }
        if (names.size() == 0) {
            throw DynamoDbException.validation("1 validation error detected: Value '[]' at 'attributesToGet' failed to "
                    + "satisfy constraint: Member must have length greater than or equal to 1");
        }
        List<String> refs = new ArrayList<>();
        for (JsonNode n : names) {
            refs.add(name(n.asText()));
        }
        return String.join(", ", refs);
    }

    private String comparison(String attribute, JsonNode condition) {
        String operator = condition.path("ComparisonOperator").asText("");
        List<AttributeValue> args = new ArrayList<>();
        for (JsonNode v : condition.path("AttributeValueList")) {
            args.add(AttributeValueJson.read(v));
        }
        String path = name(attribute);
        return switch (operator) {
            case "EQ" -> binary(path, "=", operator, args);
            case "NE" -> binary(path, "<>", operator, args);
            case "LE" -> binary(path, "<=", operator, args);
            case "LT" -> binary(path, "<", operator, args);
            case "GE" -> binary(path, ">=", operator, args);
            case "GT" -> binary(path, ">", operator, args);
            case "NOT_NULL" -> arity(operator, args, 0, "attribute_exists(" + path + ")");
            case "NULL" -> arity(operator, args, 0, "attribute_not_exists(" + path + ")");
            case "CONTAINS" -> arity(operator, args, 1, "contains(" + path + ", " + valueRef(args, 0) + ")");
            case "NOT_CONTAINS" -> arity(operator, args, 1, "NOT contains(" + path + ", " + valueRef(args, 0) + ")");
            case "BEGINS_WITH" -> arity(operator, args, 1, "begins_with(" + path + ", " + valueRef(args, 0) + ")");
            case "BETWEEN" -> arity(operator, args, 2,
                    path + " BETWEEN " + valueRef(args, 0) + " AND " + valueRef(args, 1));
            case "IN" -> {
                if (args.isEmpty()) {
                    throw invalidArguments(operator);
                }
                List<String> refs = new ArrayList<>();
                for (int i = 0; i < args.size(); i++) {
                    refs.add(valueRef(args, i));
                }
                yield path + " IN (" + String.join(", ", refs) + ")";
            }
            default -> throw DynamoDbException.validation("1 validation error detected: Value '" + operator
                    + "' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]");
        };
    }

    private String binary(String path, String symbol, String operator, List<AttributeValue> args) {
        return arity(operator, args, 1, path + " " + symbol + " " + valueRef(args, 0));
    }

    private String valueRef(List<AttributeValue> args, int index) {
        return index < args.size() ? value(args.get(index)) : "";
    }

    private static String arity(String operator, List<AttributeValue> args, int expected, String text) {
        if (args.size() != expected) {
            throw invalidArguments(operator);
        }
        return text;
    }

    private static DynamoDbException invalidArguments(String operator) {
        return DynamoDbException.validation("One or more parameter values were invalid: Invalid number of argument(s) "
                + "for the " + operator + " ComparisonOperator");
    }

    private static JsonNode object(JsonNode node, String member) {
        if (!node.isObject()) {
            throw Request.serialization(member, "a map");
        }
        return node;
    }

    private static String join(List<String> terms, String conditionalOperator) {
        if (terms.isEmpty()) {
            return null;
        }
        String op = conditionalOperator == null ? "AND" : conditionalOperator;
        if (!op.equals("AND") && !op.equals("OR")) {
            throw DynamoDbException.validation("1 validation error detected: Value '" + op + "' at 'conditionalOperator' "
                    + "failed to satisfy constraint: Member must satisfy enum value set: [AND, OR]");
        }
        List<String> wrapped = terms.stream().map(t -> "(" + t + ")").toList();
        return String.join(" " + op + " ", wrapped);
    }

    private static void clause(StringBuilder text, String keyword, List<String> actions, String separator) {
        if (!actions.isEmpty()) {
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(keyword).append(' ').append(String.join(separator, actions));
        }
    }
}
