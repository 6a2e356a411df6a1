package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.ResourceArns;
import io.kubedyn.core.TableDefinition;
import java.io.IOException;
import java.math.BigDecimal;

/** Writes DynamoDB's TableDescription structure. */
final class TableDescriptionWriter {
    private TableDescriptionWriter() {
    }

    static void write(JsonGenerator out, TableDefinition table, String status, long itemCount) throws IOException {
        out.writeStartObject();
        out.writeArrayFieldStart("AttributeDefinitions");
        for (var e : table.attributeDefinitions().entrySet()) {
            out.writeStartObject();
            out.writeStringField("AttributeName", e.getKey());
            out.writeStringField("AttributeType", e.getValue().name());
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeStringField("TableName", table.name());
        keySchema(out, table);
        out.writeStringField("TableStatus", status);
        out.writeFieldName("CreationDateTime");
        out.writeNumber(BigDecimal.valueOf(table.creationDateTimeMillis(), 3));
        out.writeObjectFieldStart("ProvisionedThroughput");
        out.writeNumberField("NumberOfDecreasesToday", 0);
        out.writeNumberField("ReadCapacityUnits", table.readCapacityUnits());
        out.writeNumberField("WriteCapacityUnits", table.writeCapacityUnits());
        out.writeEndObject();
        out.writeNumberField("TableSizeBytes", 0);
        out.writeNumberField("ItemCount", itemCount);
        out.writeStringField("TableArn", ResourceArns.table(table.name()));
        out.writeStringField("TableId", table.tableId());
        out.writeObjectFieldStart("BillingModeSummary");
        out.writeStringField("BillingMode", table.billingMode());
        out.writeEndObject();
        out.writeBooleanField("DeletionProtectionEnabled", table.deletionProtectionEnabled());
        if (table.stream() != null) {
            out.writeObjectFieldStart("StreamSpecification");
            out.writeBooleanField("StreamEnabled", true);
            out.writeStringField("StreamViewType", table.stream().viewType().name());
            out.writeEndObject();
            out.writeStringField("LatestStreamLabel", table.stream().label());
            out.writeStringField("LatestStreamArn", ResourceArns.stream(table.name(), table.stream().label()));
        }
        out.writeEndObject();
    }

    /** The table's KeySchema member (TableDescription and StreamDescription both have one). */
    static void keySchema(JsonGenerator out, TableDefinition table) throws IOException {
        out.writeArrayFieldStart("KeySchema");
        keyElement(out, table.keySchema().partitionKey(), "HASH");
        if (table.keySchema().sortKey().isPresent()) {
            keyElement(out, table.keySchema().sortKey().get(), "RANGE");
        }
        out.writeEndArray();
    }

    private static void keyElement(JsonGenerator out, KeyAttribute key, String type) throws IOException {
        out.writeStartObject();
        out.writeStringField("AttributeName", key.name());
        out.writeStringField("KeyType", type);
        out.writeEndObject();
    }
}
