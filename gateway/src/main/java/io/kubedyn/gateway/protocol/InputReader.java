package io.kubedyn.gateway.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The pipeline's first step on a body: reads it against the operation's input shape as DynamoDB's
 * deserializer does. A value of the wrong JSON type is a SerializationException in DynamoDB's
 * words; members the model does not know, and nulls, are dropped; a boolean given as
 * {@code "true"}/{@code "1"}/{@code "yes"} and an integer given with a fraction are read as
 * DynamoDB reads them. The body is changed in place and returned.
 */
public final class InputReader {
    static final String START_OF_STRUCTURE = "Start of structure or map found where not expected";
    static final String NOT_A_CLASS =
            "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast"
                    + " to class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and"
                    + " java.lang.Class are in module java.base of loader 'bootstrap')";

    /** Where a value sits: a structure's member, or an element of a list or map. */
    private enum Place {
        FIELD,
        ELEMENT
    }

    private InputReader() {}

    /** The body, read against {@code input}; throws SerializationException for a value of the wrong type. */
    public static ObjectNode read(JsonNode body, ModelShape input) {
        if (body == null || !body.isObject()) {
            throw serialization(START_OF_STRUCTURE);
        }
        structure((ObjectNode) body, input);
        return (ObjectNode) body;
    }

    private static void structure(ObjectNode node, ModelShape shape) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            ModelMember member = shape.member(field.getKey());
            JsonNode value = member == null ? null : value(field.getValue(), member.shape(), Place.FIELD);
            if (value == null) {
                it.remove();
            } else if (value != field.getValue()) {
                field.setValue(value);
            }
        }
    }

    /** The value as DynamoDB reads it, or null when it is JSON null. */
    private static JsonNode value(JsonNode value, ModelShape shape, Place place) {
        if (value.isNull()) {
            return null;
        }
        return switch (shape.kind()) {
            case STRING -> {
                if (!value.isTextual()) {
                    throw scalarMismatch(value, shape);
                }
                yield value;
            }
            case BOOLEAN -> bool(value, shape);
            case INTEGER, LONG -> {
                JsonNode whole = value.isIntegralNumber() ? value : value.isNumber() ? wholePart(value) : null;
                if (whole == null) {
                    throw numberMismatch(value, shape);
                }
                // A number beyond the member's Java type does not wrap around: it is refused.
                if (shape.kind() == ModelShape.Kind.INTEGER ? !whole.canConvertToInt() : !whole.canConvertToLong()) {
                    throw serialization(tokenName(value) + " cannot be converted to " + shape.simpleTypeName());
                }
                yield whole;
            }
            case DOUBLE, TIMESTAMP -> {
                if (value.isNumber()) {
                    yield value;
                }
                throw numberMismatch(value, shape);
            }
            case BLOB -> blob(value);
            case LIST -> {
                if (value.isArray()) {
                    ArrayNode array = (ArrayNode) value;
                    for (int i = 0; i < array.size(); i++) {
                        JsonNode element = value(array.get(i), shape.element().shape(), Place.ELEMENT);
                        if (element != array.get(i)) {
                            array.set(i, element);
                        }
                    }
                    yield value;
                }
                if (value.isObject()) {
                    throw serialization(START_OF_STRUCTURE);
                }
                throw serialization(place == Place.ELEMENT ? NOT_A_CLASS : "Unexpected field type");
            }
            case MAP -> {
                if (value.isObject()) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> entry = it.next();
                        JsonNode element =
                                value(entry.getValue(), shape.element().shape(), Place.ELEMENT);
                        if (element == null) {
                            it.remove();
                        } else if (element != entry.getValue()) {
                            entry.setValue(element);
                        }
                    }
                    yield value;
                }
                if (value.isArray()) {
                    throw serialization("Unrecognized collection type " + shape.javaType());
                }
                throw serialization(place == Place.ELEMENT ? NOT_A_CLASS : "Unexpected field type");
            }
            case STRUCTURE -> {
                if (value.isObject()) {
                    structure((ObjectNode) value, shape);
                    yield value;
                }
                if (value.isArray()) {
                    throw serialization("Unrecognized collection type class " + shape.javaType());
                }
                throw serialization(
                        place == Place.ELEMENT ? "Unexpected value type in payload" : "Unexpected field type");
            }
        };
    }

    /** A decimal's whole part (rounded down), as DynamoDB reads a decimal given for an integer. */
    private static JsonNode wholePart(JsonNode value) {
        if (value.isDouble() && !Double.isFinite(value.doubleValue())) {
            return null;
        }
        java.math.BigDecimal floor = value.decimalValue().setScale(0, java.math.RoundingMode.FLOOR);
        return com.fasterxml.jackson.databind.node.BigIntegerNode.valueOf(floor.toBigIntegerExact());
    }

    private static JsonNode bool(JsonNode value, ModelShape shape) {
        if (value.isBoolean()) {
            return value;
        }
        if (value.isTextual()) {
            return switch (value.textValue().toUpperCase(Locale.ROOT)) {
                case "TRUE", "1", "YES" -> BooleanNode.TRUE;
                case "FALSE", "0", "NO" -> BooleanNode.FALSE;
                default -> throw serialization("Unexpected token received from parser");
            };
        }
        throw scalarMismatch(value, shape);
    }

    private static JsonNode blob(JsonNode value) {
        if (value.isArray()) {
            throw serialization("Unrecognized collection type class java.nio.ByteBuffer");
        }
        if (value.isObject()) {
            throw serialization(START_OF_STRUCTURE);
        }
        if (!value.isTextual()) {
            throw serialization("only base-64-encoded strings are convertible to bytes");
        }
        String text = value.textValue();
        if (text.length() % 4 != 0) {
            throw serialization("Base64 encoded length is expected a multiple of 4 bytes but found: " + text.length());
        }
        try {
            // Strict: the text must be what encoding its bytes gives back (no stray bits in the last character).
            if (!Base64.getEncoder()
                    .encodeToString(Base64.getDecoder().decode(text))
                    .equals(text)) {
                throw serialization("Invalid last non-pad Base64 character dectected");
            }
        } catch (IllegalArgumentException e) {
            throw serialization("Invalid last non-pad Base64 character dectected");
        }
        return value;
    }

    /** A string or boolean member given a value of another JSON type. */
    private static DynamoDbException scalarMismatch(JsonNode value, ModelShape shape) {
        if (value.isArray()) {
            throw serialization("Unrecognized collection type class " + shape.javaType());
        }
        if (value.isObject()) {
            throw serialization(START_OF_STRUCTURE);
        }
        return serialization(tokenName(value) + " cannot be converted to " + shape.simpleTypeName());
    }

    /** A number member given a value of another JSON type. */
    private static DynamoDbException numberMismatch(JsonNode value, ModelShape shape) {
        if (value.isTextual()) {
            return serialization("STRING_VALUE cannot be converted to " + shape.simpleTypeName());
        }
        return scalarMismatch(value, shape);
    }

    private static String tokenName(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue() ? "TRUE_VALUE" : "FALSE_VALUE";
        }
        if (value.isIntegralNumber()) {
            return "NUMBER_VALUE";
        }
        if (value.isNumber()) {
            return "DECIMAL_VALUE";
        }
        return "STRING_VALUE";
    }

    static DynamoDbException serialization(String message) {
        return new DynamoDbException(DynamoDbError.SERIALIZATION, message);
    }
}
