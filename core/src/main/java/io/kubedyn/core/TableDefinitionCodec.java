package io.kubedyn.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TableDefinition decode(byte[] bytes) {
        try {
            JsonNode node = json.readTree(bytes);
            Map<String, ScalarType> attributes = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.get("attributeDefinitions").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                attributes.put(e.getKey(), ScalarType.valueOf(e.getValue().asText()));
            }
            String hashKey = node.get("hashKey").asText();
            KeyAttribute rangeKey = node.has("rangeKey")
                    ? new KeyAttribute(node.get("rangeKey").asText(), attributes.get(node.get("rangeKey").asText()))
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
                    node.has("stream") ? new TableStream(StreamViewType.valueOf(node.get("stream").get("viewType").asText()),
                            node.get("stream").get("label").asText(), node.get("stream").get("retentionSeconds").asLong())
                            : null,
                    node.has("timeToLiveAttribute") ? node.get("timeToLiveAttribute").asText() : null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
