package io.kubedyn.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.TableName;
import io.kubedyn.core.expression.ExpressionAttributes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DynamoDB request body with typed, validated access to its members. Wrong JSON types are a
 * SerializationException and broken constraints a ValidationException, worded as DynamoDB words
 * them.
 */
public final class Request {
    private final JsonNode body;
    private ExpressionAttributes expressionAttributes;

    public Request(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new DynamoDbException(DynamoDbError.SERIALIZATION, "Start of structure or map found where not expected");
        }
        this.body = body;
    }

    public boolean has(String member) {
        JsonNode node = body.get(member);
        return node != null && !node.isNull();
    }

    public JsonNode node(String member) {
        JsonNode node = body.get(member);
        return node == null || node.isNull() ? null : node;
    }

    public String tableName() {
        String name = string("TableName");
        if (name == null) {
            throw DynamoDbException.validation(
                    "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
        }
        return checkTableName(name, "tableName");
    }

    public static String checkTableName(String name, String member) {
        TableName.violation(name).ifPresent(violation -> {
            throw DynamoDbException.validation("1 validation error detected: Value '" + name + "' at '" + member
                    + "' failed to satisfy constraint: " + switch (violation) {
                        case TOO_SHORT -> "Member must have length greater than or equal to " + TableName.MIN_LENGTH;
                        case TOO_LONG -> "Member must have length less than or equal to " + TableName.MAX_LENGTH;
                        case BAD_CHARACTERS -> "Member must satisfy regular expression pattern: " + TableName.PATTERN;
                    });
        });
        return name;
    }

    public String string(String member) {
        JsonNode node = node(member);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw serialization(member, "a string");
        }
        return node.textValue();
    }

    public boolean bool(String member, boolean defaultValue) {
        JsonNode node = node(member);
        if (node == null) {
            return defaultValue;
        }
        if (!node.isBoolean()) {
            throw serialization(member, "a boolean");
        }
        return node.booleanValue();
    }

    /** An integer member that must be at least {@code min}; null when absent. */
    public Integer integer(String member, String constraintName, int min, int max) {
        JsonNode node = node(member);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            throw serialization(member, "an integer");
        }
        long value = node.longValue();
        if (value < min) {
            throw DynamoDbException.validation("1 validation error detected: Value '" + value + "' at '" + constraintName
                    + "' failed to satisfy constraint: Member must have value greater than or equal to " + min);
        }
        if (value > max) {
            throw DynamoDbException.validation("1 validation error detected: Value '" + value + "' at '" + constraintName
                    + "' failed to satisfy constraint: Member must have value less than or equal to " + max);
        }
        return (int) value;
    }

    /** One of the allowed values, or {@code defaultValue} when absent. */
    public String oneOf(String member, String constraintName, String defaultValue, String... allowed) {
        String value = string(member);
        if (value == null) {
            return defaultValue;
        }
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return value;
            }
        }
        throw DynamoDbException.validation("1 validation error detected: Value '" + value + "' at '" + constraintName
                + "' failed to satisfy constraint: Member must satisfy enum value set: [" + String.join(", ", allowed) + "]");
    }

    /** A map of attribute values (Item, Key, ExclusiveStartKey, ...); null when absent. */
    public Map<String, AttributeValue> attributeMap(String member) {
        return AttributeValueJson.readItem(node(member), member);
    }

    public Map<String, String> stringMap(String member) {
        JsonNode node = node(member);
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            throw serialization(member, "a map");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw serialization(member, "a map of strings");
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        return map;
    }

    /**
     * ExpressionAttributeNames and ExpressionAttributeValues, shared by all the expressions of
     * this request so that unused ones can be found once all are parsed.
     */
    public ExpressionAttributes expressionAttributes() {
        if (expressionAttributes == null) {
            expressionAttributes = ExpressionAttributes.read(
                    stringMap("ExpressionAttributeNames"), node("ExpressionAttributeValues"));
        }
        return expressionAttributes;
    }

    /** ValidationException naming the first member present that is not in {@code served}. */
    public void refuseAllBut(java.util.List<String> served, String why) {
        body.fieldNames().forEachRemaining(member -> {
            if (!served.contains(member)) {
                throw DynamoDbException.validation(member + " is not supported by kubedyn yet: " + why);
            }
        });
    }

    /** Refuses a parameter kubedyn does not support yet, rather than silently ignoring it. */
    public void refuseUnsupported(String member, String why) {
        if (has(member)) {
            throw DynamoDbException.validation(member + " is not supported by kubedyn yet: " + why);
        }
    }

    static DynamoDbException serialization(String member, String expected) {
        return new DynamoDbException(DynamoDbError.SERIALIZATION,
                "Unexpected value type in payload: " + member + " must be " + expected);
    }
}
