package io.kubedyn.gateway.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.StringJoiner;

/** A request value as DynamoDB's validation messages print it: Java's rendering of the deserialized value. */
final class Values {
    private Values() {}

    static String render(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isArray()) {
            StringJoiner list = new StringJoiner(", ", "[", "]");
            value.forEach(element -> list.add(render(element)));
            return list.toString();
        }
        if (value.isObject()) {
            StringJoiner map = new StringJoiner(", ", "{", "}");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                map.add(entry.getKey() + "=" + render(entry.getValue()));
            }
            return map.toString();
        }
        return value.asText();
    }
}
