package io.kubedyn.core;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** DynamoDB's JSON form of attribute values and items ({"S": "..."}, {"N": "..."}, ...). */
public final class AttributeValueJson {
    /** DynamoDB refuses documents nested deeper than this. */
    public static final int MAX_NESTING_DEPTH = 32;

    private AttributeValueJson() {}

    public static Map<String, AttributeValue> readItem(JsonNode node, String parameter) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw serialization("Unexpected value type in payload for " + parameter);
        }
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            item.put(attributeName(field.getKey()), read(field.getValue(), 1));
        }
        return item;
    }

    /** DynamoDB's longest attribute name, in UTF-8 bytes. */
    public static final int MAX_ATTRIBUTE_NAME_BYTES = 65_535;

    /** {@code name}, if DynamoDB takes it as an attribute's (or a map member's) name. */
    private static String attributeName(String name) {
        // Three bytes a char at most: only a name this long can be too long.
        if (name.length() > MAX_ATTRIBUTE_NAME_BYTES / 3
                && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_ATTRIBUTE_NAME_BYTES) {
            throw DynamoDbException.validation("Attribute name is too large, must be less than 65536 bytes");
        }
        return name;
    }

    public static AttributeValue read(JsonNode node) {
        return read(node, 1);
    }

    private static AttributeValue read(JsonNode node, int depth) {
        if (node == null || !node.isObject()) {
            throw serialization("Unexpected value type in payload; an AttributeValue must be a JSON object");
        }
        if (depth > MAX_NESTING_DEPTH) {
            throw DynamoDbException.validation("Nesting Levels have exceeded supported limits");
        }
        if (node.size() == 0) {
            throw DynamoDbException.validation(
                    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        }
        // As DynamoDB does: each datatype's value is checked, then that there is only one.
        AttributeValue value = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            value = typed(it.next(), depth);
        }
        if (node.size() > 1) {
            throw DynamoDbException.validation("Supplied AttributeValue has more than one datatypes set, "
                    + "must contain exactly one of the supported datatypes");
        }
        return value;
    }

    private static AttributeValue typed(Map.Entry<String, JsonNode> entry, int depth) {
        JsonNode v = entry.getValue();
        return switch (entry.getKey()) {
            case "S" -> new AttributeValue.S(text(v, "S"));
            case "N" -> new AttributeValue.N(DynamoNumber.parse(text(v, "N")));
            case "B" -> new AttributeValue.B(Binary.fromBase64(text(v, "B")));
            case "BOOL" -> {
                if (!v.isBoolean()) {
                    throw serialization("Unexpected value type in payload for BOOL: expected a boolean");
                }
                yield new AttributeValue.Bool(v.booleanValue());
            }
            case "NULL" -> {
                if (!v.isBoolean()) {
                    throw serialization("Unexpected value type in payload for NULL: expected a boolean");
                }
                if (!v.booleanValue()) {
                    throw DynamoDbException.validation(
                            "One or more parameter values were invalid: Null attribute value types must have the value of true");
                }
                yield new AttributeValue.Null();
            }
            case "M" -> {
                if (!v.isObject()) {
                    throw serialization("Unexpected value type in payload for M: expected an object");
                }
                Map<String, AttributeValue> map = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    map.put(attributeName(f.getKey()), read(f.getValue(), depth + 1));
                }
                yield new AttributeValue.M(map);
            }
            case "L" -> {
                List<AttributeValue> list = new ArrayList<>();
                for (JsonNode element : array(v, "L")) {
                    list.add(read(element, depth + 1));
                }
                yield new AttributeValue.L(list);
            }
            case "SS" -> {
                List<String> members = new ArrayList<>();
                for (JsonNode element : array(v, "SS")) {
                    members.add(text(element, "SS"));
                }
                yield AttributeValue.SS.of(members);
            }
            case "NS" -> {
                List<DynamoNumber> members = new ArrayList<>();
                for (JsonNode element : array(v, "NS")) {
                    members.add(DynamoNumber.parse(text(element, "NS")));
                }
                yield AttributeValue.NS.of(members);
            }
            case "BS" -> {
                List<Binary> members = new ArrayList<>();
                for (JsonNode element : array(v, "BS")) {
                    members.add(Binary.fromBase64(text(element, "BS")));
                }
                yield AttributeValue.BS.of(members);
            }
            default -> throw serialization("Unknown AttributeValue data type: " + entry.getKey());
        };
    }

    private static String text(JsonNode v, String type) {
        if (!v.isTextual()) {
            throw serialization("Unexpected value type in payload for " + type + ": expected a string");
        }
        return v.textValue();
    }

    private static JsonNode array(JsonNode v, String type) {
        if (!v.isArray()) {
            throw serialization("Unexpected value type in payload for " + type + ": expected an array");
        }
        return v;
    }

    private static DynamoDbException serialization(String message) {
        return new DynamoDbException(DynamoDbError.SERIALIZATION, message);
    }

    public static void writeItem(JsonGenerator out, Map<String, AttributeValue> item) throws IOException {
        out.writeStartObject();
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            out.writeFieldName(e.getKey());
            write(out, e.getValue());
        }
        out.writeEndObject();
    }

    public static void write(JsonGenerator out, AttributeValue value) throws IOException {
        out.writeStartObject();
        out.writeFieldName(value.type());
        if (value instanceof AttributeValue.S s) {
            out.writeString(s.value());
        } else if (value instanceof AttributeValue.N n) {
            out.writeString(n.value().toWireString());
        } else if (value instanceof AttributeValue.B b) {
            out.writeString(b.value().toBase64());
        } else if (value instanceof AttributeValue.Bool b) {
            out.writeBoolean(b.value());
        } else if (value instanceof AttributeValue.Null) {
            out.writeBoolean(true);
        } else if (value instanceof AttributeValue.M m) {
            writeItem(out, m.value());
        } else if (value instanceof AttributeValue.L l) {
            out.writeStartArray();
            for (AttributeValue element : l.value()) {
                write(out, element);
            }
            out.writeEndArray();
        } else if (value instanceof AttributeValue.SS ss) {
            out.writeStartArray();
            for (String member : ss.value()) {
                out.writeString(member);
            }
            out.writeEndArray();
        } else if (value instanceof AttributeValue.NS ns) {
            out.writeStartArray();
            for (DynamoNumber member : ns.value()) {
                out.writeString(member.toWireString());
            }
            out.writeEndArray();
        } else if (value instanceof AttributeValue.BS bs) {
            out.writeStartArray();
            for (Binary member : bs.value()) {
                out.writeString(member.toBase64());
            }
            out.writeEndArray();
        }
        out.writeEndObject();
    }
}
