package io.kubedyn.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A table definition as the catalog stores it and as it crosses to storage pods: a small JSON document, readable with ldb. */
public final class TableDefinitionCodec {
    private final ObjectMapper json = new ObjectMapper();

    public byte[] encode(TableDefinition table) {
        ObjectNode node = json.createObjectNode();
        node.put("name", table.name());
        node.put("tableId", table.tableId());
        node.put("hashKey", table.keySchema().partitionKey().name());
        table.keySchema().sortKey().ifPresent(sk -> node.put("rangeKey", sk.name()));
        ObjectNode attributes = node.putObject("attributeDefinitions");
        table.attributeDefinitions().forEach((name, type) -> attributes.put(name, type.name()));
        node.put("billingMode", table.billingMode());
        node.put("readCapacityUnits", table.readCapacityUnits());
        node.put("writeCapacityUnits", table.writeCapacityUnits());
        node.put("creationDateTimeMillis", table.creationDateTimeMillis());
        if (table.payPerRequestSinceMillis() != 0
                && table.payPerRequestSinceMillis() != table.creationDateTimeMillis()) {
            // Only a table switched to PAY_PER_REQUEST after its creation has a time of its own.
            node.put("payPerRequestSinceMillis", table.payPerRequestSinceMillis());
        }
        if (table.deletionProtectionEnabled()) {
            node.put("deletionProtectionEnabled", true);
        }
        if (table.stream() != null) {
            ObjectNode stream = node.putObject("stream");
            stream.put("viewType", table.stream().viewType().name());
            stream.put("label", table.stream().label());
            stream.put("retentionSeconds", table.stream().retentionSeconds());
        }
        if (table.timeToLiveAttribute() != null) {
            node.put("timeToLiveAttribute", table.timeToLiveAttribute());
        }
        if (!table.indexes().isEmpty()) {
            ArrayNode indexes = node.putArray("indexes");
            for (SecondaryIndex index : table.indexes()) {
                ObjectNode entry = indexes.addObject();
                entry.put("name", index.name());
                entry.put("global", index.global());
                KeySchema schema = index.keySchema();
                if (schema.isMultiAttribute()) {
                    ArrayNode hashKeys = entry.putArray("hashKeys");
                    schema.partitionKeys().forEach(k -> hashKeys.add(k.name()));
                    ArrayNode rangeKeys = entry.putArray("rangeKeys");
                    schema.sortKeys().forEach(k -> rangeKeys.add(k.name()));
                } else {
                    entry.put("hashKey", schema.partitionKey().name());
                    schema.sortKey().ifPresent(sk -> entry.put("rangeKey", sk.name()));
                }
                entry.put("projection", index.projection().type().name());
                if (!index.projection().nonKeyAttributes().isEmpty()) {
                    ArrayNode nonKey = entry.putArray("nonKeyAttributes");
                    index.projection().nonKeyAttributes().forEach(nonKey::add);
                }
                if (index.readCapacityUnits() != 0 || index.writeCapacityUnits() != 0) {
                    entry.put("readCapacityUnits", index.readCapacityUnits());
                    entry.put("writeCapacityUnits", index.writeCapacityUnits());
                }
            }
        }
        if (!table.tags().isEmpty()) {
            ObjectNode tags = node.putObject("tags");
            table.tags().forEach(tags::put);
        }
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An index's key attributes of one role: one ({@code field}) or several ({@code field + "s"}). */
    private static List<KeyAttribute> keyAttributes(JsonNode node, String field, Map<String, ScalarType> attributes) {
        List<KeyAttribute> keys = new ArrayList<>();
        if (node.has(field)) {
            String name = node.get(field).asText();
            keys.add(new KeyAttribute(name, attributes.get(name)));
        }
        node.path(field + "s").forEach(n -> keys.add(new KeyAttribute(n.asText(), attributes.get(n.asText()))));
        return keys;
    }

    private static List<SecondaryIndex> indexes(JsonNode nodes, Map<String, ScalarType> attributes) {
        List<SecondaryIndex> indexes = new ArrayList<>();
        for (JsonNode node : nodes) {
            KeySchema schema = new KeySchema(
                    keyAttributes(node, "hashKey", attributes), keyAttributes(node, "rangeKey", attributes));
            List<String> nonKey = new ArrayList<>();
            node.path("nonKeyAttributes").forEach(a -> nonKey.add(a.asText()));
            IndexProjection projection = new IndexProjection(
                    IndexProjection.Type.valueOf(node.get("projection").asText()), nonKey);
            indexes.add(new SecondaryIndex(
                    node.get("name").asText(),
                    node.get("global").asBoolean(),
                    schema,
                    projection,
                    node.path("readCapacityUnits").asLong(0),
                    node.path("writeCapacityUnits").asLong(0)));
        }
        return indexes;
    }

    private static Map<String, String> tags(JsonNode node) {
        Map<String, String> tags = new LinkedHashMap<>();
        node.fields()
                .forEachRemaining(tag -> tags.put(tag.getKey(), tag.getValue().asText()));
        return tags;
    }

    public TableDefinition decode(byte[] bytes) {
        try {
            JsonNode node = json.readTree(bytes);
            Map<String, ScalarType> attributes = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            node.get("attributeDefinitions").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                attributes.put(e.getKey(), ScalarType.valueOf(e.getValue().asText()));
            }
            String hashKey = node.get("hashKey").asText();
            KeyAttribute rangeKey = node.has("rangeKey")
                    ? new KeyAttribute(
                            node.get("rangeKey").asText(),
                            attributes.get(node.get("rangeKey").asText()))
                    : null;
            return new TableDefinition(
                    node.get("name").asText(),
                    node.get("tableId").asText(),
                    KeySchema.of(new KeyAttribute(hashKey, attributes.get(hashKey)), rangeKey),
                    attributes,
                    node.get("billingMode").asText(),
                    node.get("readCapacityUnits").asLong(),
                    node.get("writeCapacityUnits").asLong(),
                    node.get("creationDateTimeMillis").asLong(),
                    node.path("deletionProtectionEnabled").asBoolean(false),
                    node.has("stream")
                            ? new TableStream(
                                    StreamViewType.valueOf(
                                            node.get("stream").get("viewType").asText()),
                                    node.get("stream").get("label").asText(),
                                    node.get("stream").get("retentionSeconds").asLong())
                            : null,
                    node.has("timeToLiveAttribute")
                            ? node.get("timeToLiveAttribute").asText()
                            : null,
                    indexes(node.path("indexes"), attributes),
                    tags(node.path("tags")),
                    node.path("payPerRequestSinceMillis").asLong(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
