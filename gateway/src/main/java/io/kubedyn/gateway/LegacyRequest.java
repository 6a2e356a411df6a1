package io.kubedyn.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.expression.LegacyParameters.AttributeCondition;
import io.kubedyn.core.expression.LegacyParameters.AttributeUpdate;
import io.kubedyn.core.expression.LegacyParameters.ComparisonOperator;
import io.kubedyn.core.expression.LegacyParameters.ExpectedAttribute;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the legacy parameters' JSON (Expected, KeyConditions, QueryFilter, ...) into core's typed form. */
final class LegacyRequest {
    private LegacyRequest() {}

    static Map<String, ExpectedAttribute> expected(JsonNode node) {
        Map<String, ExpectedAttribute> expected = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(node, "Expected").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode entry = e.getValue();
            expected.put(
                    e.getKey(),
                    new ExpectedAttribute(
                            entry.hasNonNull("Value") ? AttributeValueJson.read(entry.get("Value")) : null,
                            entry.hasNonNull("Exists") ? entry.get("Exists").asBoolean() : null,
                            entry.hasNonNull("ComparisonOperator")
                                    ? ComparisonOperator.parse(
                                            entry.get("ComparisonOperator").asText(), "expected")
                                    : null,
                            entry.hasNonNull("AttributeValueList") ? values(entry.get("AttributeValueList")) : null));
        }
        return expected;
    }

    /** KeyConditions, QueryFilter or ScanFilter. */
    static Map<String, AttributeCondition> conditions(JsonNode node, String parameter) {
        Map<String, AttributeCondition> conditions = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(node, parameter).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String member = Character.toLowerCase(parameter.charAt(0)) + parameter.substring(1);
            conditions.put(
                    e.getKey(),
                    new AttributeCondition(
                            ComparisonOperator.parse(
                                    e.getValue().path("ComparisonOperator").asText(), member),
                            values(e.getValue().path("AttributeValueList"))));
        }
        return conditions;
    }

    static Map<String, AttributeUpdate> attributeUpdates(JsonNode node) {
        Map<String, AttributeUpdate> updates = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        object(node, "AttributeUpdates").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode entry = e.getValue();
            updates.put(
                    e.getKey(),
                    new AttributeUpdate(
                            entry.hasNonNull("Action") ? entry.get("Action").asText() : null,
                            entry.hasNonNull("Value") ? AttributeValueJson.read(entry.get("Value")) : null));
        }
        return updates;
    }

    /** A list of strings, of a type the model checked. */
    static List<String> names(JsonNode node, String parameter) {
        List<String> names = new ArrayList<>();
        for (JsonNode name : node) {
            names.add(name.textValue());
        }
        return names;
    }

    private static List<AttributeValue> values(JsonNode list) {
        List<AttributeValue> values = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) {
            return values;
        }
        for (JsonNode v : list) {
            values.add(AttributeValueJson.read(v));
        }
        return values;
    }

    /** A map, of a type the model checked. */
    private static JsonNode object(JsonNode node, String parameter) {
        return node;
    }
}
