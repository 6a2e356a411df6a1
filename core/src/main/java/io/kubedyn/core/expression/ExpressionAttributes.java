package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The ExpressionAttributeNames ({@code #n}) and ExpressionAttributeValues ({@code :v}) of one
 * request. Shared by every expression of that request, it records which were used, so that
 * after parsing all of them {@link #verifyAllUsed()} refuses unused ones as DynamoDB does.
 */
public final class ExpressionAttributes {
    private static final Pattern NAME_KEY = Pattern.compile("#[a-zA-Z0-9_]+");
    private static final Pattern VALUE_KEY = Pattern.compile(":[a-zA-Z0-9_]+");
    /** DynamoDB's limit on the length of an attribute name, in UTF-8 bytes. */
    private static final int MAX_NAME_BYTES = 65535;

    private final Map<String, String> names;
    private final Map<String, AttributeValue> values;
    private final Set<String> usedNames = new HashSet<>();
    private final Set<String> usedValues = new HashSet<>();

    /**
     * Validates the two maps as DynamoDB validates them. Either may be null (the parameter was
     * absent); an empty map means the parameter was given empty, which DynamoDB refuses.
     */
    public ExpressionAttributes(Map<String, String> names, Map<String, AttributeValue> values) {
        if (names != null) {
            if (names.isEmpty()) {
                throw DynamoDbException.validation("ExpressionAttributeNames must not be empty");
            }
            for (Map.Entry<String, String> e : names.entrySet()) {
                if (!NAME_KEY.matcher(e.getKey()).matches()) {
                    throw DynamoDbException.validation(
                            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + e.getKey() + "\"");
                }
                if (e.getValue() == null || e.getValue().isEmpty()) {
                    throw DynamoDbException.validation(
                            "ExpressionAttributeNames contains invalid value: Empty attribute name; value for key: "
                                    + e.getKey());
                }
                if (e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                    throw DynamoDbException.validation("ExpressionAttributeNames contains invalid value: "
                            + "Attribute name exceeds the maximum allowed length; value for key: " + e.getKey());
                }
            }
        }
        if (values != null) {
            if (values.isEmpty()) {
                throw DynamoDbException.validation("ExpressionAttributeValues must not be empty");
            }
            for (Map.Entry<String, AttributeValue> e : values.entrySet()) {
                if (!VALUE_KEY.matcher(e.getKey()).matches()) {
                    throw DynamoDbException.validation(
                            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + e.getKey()
                                    + "\"");
                }
                if (e.getValue() == null) {
                    throw DynamoDbException.validation("ExpressionAttributeValues contains invalid value: "
                            + "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes "
                            + "for key " + e.getKey());
                }
            }
        }
        this.names = names == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(names));
        this.values = values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * From a request's JSON, checked in DynamoDB's order: the names (not empty, well-formed keys),
     * then the values (not empty, well-formed keys, then each value, its error naming its key).
     */
    public static ExpressionAttributes read(Map<String, String> names, com.fasterxml.jackson.databind.JsonNode values) {
        if (values == null || values.isNull()) {
            return new ExpressionAttributes(names, null);
        }
        new ExpressionAttributes(names, null);
        if (values.size() == 0) {
            throw DynamoDbException.validation("ExpressionAttributeValues must not be empty");
        }
        values.fieldNames().forEachRemaining(key -> {
            if (!VALUE_KEY.matcher(key).matches()) {
                throw DynamoDbException.validation(
                        "ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + key + "\"");
            }
        });
        Map<String, AttributeValue> read = new LinkedHashMap<>();
        values.fields().forEachRemaining(entry -> {
            try {
                read.put(entry.getKey(), io.kubedyn.core.AttributeValueJson.read(entry.getValue()));
            } catch (DynamoDbException e) {
                if (e.error() != io.kubedyn.core.DynamoDbError.VALIDATION) {
                    throw e;
                }
                throw DynamoDbException.validation("ExpressionAttributeValues contains invalid value: " + e.getMessage()
                        + " for key " + entry.getKey());
            }
        });
        return new ExpressionAttributes(names, read);
    }

    /** No names and no values: for requests whose expressions use neither. */
    public static ExpressionAttributes none() {
        return new ExpressionAttributes(null, null);
    }

    public static ExpressionAttributes of(Map<String, String> names, Map<String, AttributeValue> values) {
        return new ExpressionAttributes(names, values);
    }

    public Map<String, String> names() {
        return names;
    }

    public Map<String, AttributeValue> values() {
        return values;
    }

    /**
     * Throws DynamoDB's ValidationException when a name or value was supplied but used by none
     * of the expressions parsed with this object. Names are checked first, as DynamoDB does.
     */
    public void verifyAllUsed() {
        Set<String> unusedNames = new TreeSet<>(names.keySet());
        unusedNames.removeAll(usedNames);
        if (!unusedNames.isEmpty()) {
            throw DynamoDbException.validation(
                    "Value provided in ExpressionAttributeNames unused in expressions: keys: {"
                            + String.join(", ", unusedNames) + "}");
        }
        Set<String> unusedValues = new TreeSet<>(values.keySet());
        unusedValues.removeAll(usedValues);
        if (!unusedValues.isEmpty()) {
            throw DynamoDbException.validation(
                    "Value provided in ExpressionAttributeValues unused in expressions: keys: {"
                            + String.join(", ", unusedValues) + "}");
        }
    }

    /** The attribute name {@code ref} (e.g. "#n") stands for; marks it used. */
    String resolveName(String ref, String kind) {
        String name = names.get(ref);
        if (name == null) {
            throw DynamoDbException.validation("Invalid " + kind + ": " + undefined(ref));
        }
        usedNames.add(ref);
        return name;
    }

    /** The value {@code ref} (e.g. ":v") stands for; marks it used. */
    AttributeValue resolveValue(String ref, String kind) {
        AttributeValue value = values.get(ref);
        if (value == null) {
            throw DynamoDbException.validation("Invalid " + kind + ": " + undefined(ref));
        }
        usedValues.add(ref);
        return value;
    }

    /** Whether the {@code #name} or {@code :value} {@code ref} is defined. */
    boolean defines(String ref) {
        return ref.startsWith("#") ? names.containsKey(ref) : values.containsKey(ref);
    }

    /** DynamoDB's words for the {@code #name} or {@code :value} {@code ref} used but not defined. */
    static String undefined(String ref) {
        return ref.startsWith("#")
                ? "An expression attribute name used in the document path is not defined; attribute name: " + ref
                : "An expression attribute value used in expression is not defined; attribute value: " + ref;
    }
}
