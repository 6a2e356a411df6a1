package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.TableDefinition;
import java.io.IOException;
import java.util.Map;

/**
 * UpdateTimeToLive and DescribeTimeToLive. The stores delete expired items themselves (each
 * shard's store its own, from its Time to Live index), so all this does is change the setting
 * through the control plane and report it.
 */
final class TimeToLiveOperations {
    private final StoragePlane plane;

    TimeToLiveOperations(StoragePlane plane) {
        this.plane = plane;
    }

    void register(Map<String, Operation> operations) {
        operations.put("UpdateTimeToLive", this::updateTimeToLive);
        operations.put("DescribeTimeToLive", this::describeTimeToLive);
    }

    private void updateTimeToLive(Request request, JsonGenerator out) throws IOException {
        String name = request.tableName();
        // The model checked the specification, Enabled and AttributeName (1 to 255 characters) are there.
        JsonNode specification = request.node("TimeToLiveSpecification");
        String attribute = specification.get("AttributeName").textValue();
        boolean enabled = specification.get("Enabled").booleanValue();
        TableDefinition table = plane.catalog().requireChangeable(name);
        if (enabled && table.timeToLiveAttribute() != null) {
            throw DynamoDbException.validation("TimeToLive is already enabled");
        }
        if (!enabled && table.timeToLiveAttribute() == null) {
            throw DynamoDbException.validation("TimeToLive is already disabled");
        }
        if (!enabled && !table.timeToLiveAttribute().equals(attribute)) {
            throw DynamoDbException.validation("The attribute name " + attribute + " does not match the attribute "
                    + "name " + table.timeToLiveAttribute() + " Time to Live is enabled on");
        }
        if (enabled && table.keySchema().isKeyAttribute(attribute)) {
            throw DynamoDbException.validation("Time to Live cannot be enabled on a key attribute: " + attribute);
        }
        plane.controlPlane().updateTable(table, table.withTimeToLive(enabled ? attribute : null));
        out.writeStartObject();
        out.writeObjectFieldStart("TimeToLiveSpecification");
        out.writeBooleanField("Enabled", enabled);
        out.writeStringField("AttributeName", attribute);
        out.writeEndObject();
        out.writeEndObject();
    }

    private void describeTimeToLive(Request request, JsonGenerator out) throws IOException {
        String name = request.tableName();
        TableDefinition table = plane.catalog()
                .describe(name)
                .orElseThrow(() -> DynamoDbException.tableNotFound(name))
                .definition();
        out.writeStartObject();
        out.writeObjectFieldStart("TimeToLiveDescription");
        if (table.timeToLiveAttribute() == null) {
            out.writeStringField("TimeToLiveStatus", "DISABLED");
        } else {
            out.writeStringField("TimeToLiveStatus", "ENABLED");
            out.writeStringField("AttributeName", table.timeToLiveAttribute());
        }
        out.writeEndObject();
        out.writeEndObject();
    }
}
