package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import java.io.IOException;
import java.util.Map;

/**
 * DescribeContinuousBackups and UpdateContinuousBackups. kubedyn keeps no backups yet, so every
 * table reports continuous backups and point-in-time recovery as disabled, turning recovery off
 * is accepted, and turning it on is refused rather than pretended.
 */
final class ContinuousBackupsOperations {
    private final StoragePlane plane;

    ContinuousBackupsOperations(StoragePlane plane) {
        this.plane = plane;
    }

    void register(Map<String, Operation> operations) {
        operations.put("DescribeContinuousBackups", this::describeContinuousBackups);
        operations.put("UpdateContinuousBackups", this::updateContinuousBackups);
    }

    private void describeContinuousBackups(Request request, JsonGenerator out) throws IOException {
        requireTable(request.tableName());
        writeDescription(out);
    }

    private void updateContinuousBackups(Request request, JsonGenerator out) throws IOException {
        String name = request.tableName();
        // The model checked the specification and PointInTimeRecoveryEnabled are there.
        JsonNode specification = request.node("PointInTimeRecoverySpecification");
        requireTable(name);
        if (specification.get("PointInTimeRecoveryEnabled").booleanValue()) {
            throw new DynamoDbException(
                    DynamoDbError.CONTINUOUS_BACKUPS_UNAVAILABLE,
                    "Point in time recovery cannot be enabled for table: " + name + "; kubedyn keeps no backups");
        }
        writeDescription(out);
    }

    /** Any table the catalog knows, whatever its status; DynamoDB's TableNotFoundException otherwise. */
    private void requireTable(String name) {
        if (plane.catalog().describe(name).isEmpty()) {
            throw new DynamoDbException(DynamoDbError.TABLE_NOT_FOUND, "Table not found: " + name);
        }
    }

    private static void writeDescription(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeObjectFieldStart("ContinuousBackupsDescription");
        out.writeStringField("ContinuousBackupsStatus", "DISABLED");
        out.writeObjectFieldStart("PointInTimeRecoveryDescription");
        out.writeStringField("PointInTimeRecoveryStatus", "DISABLED");
        out.writeEndObject();
        out.writeEndObject();
        out.writeEndObject();
    }
}
