package io.kubedyn.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
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
    private final String host;
    private final String caller;
    private ExpressionAttributes expressionAttributes;

    public Request(JsonNode body) {
        this(body, null, null);
    }

    /**
     * A request that reached this server as {@code host} (its Host header: host, or host:port),
     * signed with the access key {@code caller} (null when signatures are not checked).
     */
    public Request(JsonNode body, String host, String caller) {
        if (body == null || !body.isObject()) {
            throw new DynamoDbException(
                    DynamoDbError.SERIALIZATION, "Start of structure or map found where not expected");
        }
        this.body = body;
        this.host = host;
        this.caller = caller;
    }

    /** Another request made on behalf of this one's caller (a PartiQL statement's operation). */
    public Request onBehalf(JsonNode other) {
        return new Request(other, host, caller);
    }

    /** The access key the request is signed with; null when signatures are not checked. */
    public String caller() {
        return caller;
    }

    /** The address the client reached this server at; null when not known. */
    public String host() {
        return host;
    }

    public boolean has(String member) {
        JsonNode node = body.get(member);
        return node != null && !node.isNull();
    }

    public JsonNode node(String member) {
        JsonNode node = body.get(member);
        return node == null || node.isNull() ? null : node;
    }

    /** TableName, which the model requires of every operation that reads it. */
    public String tableName() {
        return string("TableName");
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

    /** A string member, or {@code defaultValue} when absent. */
    public String string(String member, String defaultValue) {
        String value = string(member);
        return value == null ? defaultValue : value;
    }

    /** An integer member; null when absent. */
    public Integer integer(String member) {
        JsonNode node = node(member);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            throw serialization(member, "an integer");
        }
        return node.intValue();
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
            expressionAttributes =
                    ExpressionAttributes.read(stringMap("ExpressionAttributeNames"), node("ExpressionAttributeValues"));
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

    /** The Streams API's answer to a member of the wrong JSON type (its operations have no published model). */
    static DynamoDbException serialization(String member, String expected) {
        return new DynamoDbException(
                DynamoDbError.SERIALIZATION, "Unexpected value type in payload: " + member + " must be " + expected);
    }
}
