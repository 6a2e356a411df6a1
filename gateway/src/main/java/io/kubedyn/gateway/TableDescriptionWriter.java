package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.ResourceArns;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.storage.IndexStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;

/** Writes DynamoDB's TableDescription structure. */
final class TableDescriptionWriter {
    private TableDescriptionWriter() {}

    static void write(JsonGenerator out, TableDefinition table, String status, long itemCount) throws IOException {
        write(out, table, status, itemCount, 0, IndexStatus.NONE);
    }

    /**
     * {@code itemCount} and {@code sizeBytes}: the table's estimates; {@code indexes}: the
     * indexes' entry counts and bytes, and which global ones are still being backfilled.
     */
    static void write(
            JsonGenerator out,
            TableDefinition table,
            String status,
            long itemCount,
            long sizeBytes,
            IndexStatus indexes)
            throws IOException {
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
        provisionedThroughput(out, table.readCapacityUnits(), table.writeCapacityUnits());
        out.writeNumberField("TableSizeBytes", sizeBytes);
        out.writeNumberField("ItemCount", itemCount);
        out.writeStringField("TableArn", ResourceArns.table(table.name()));
        out.writeStringField("TableId", table.tableId());
        billingModeSummary(out, table);
        out.writeBooleanField("DeletionProtectionEnabled", table.deletionProtectionEnabled());
        if (!status.equals("DELETING")) {
            // DynamoDB says nothing of the indexes of a table being deleted.
            indexes(out, table, false, "LocalSecondaryIndexes", status, indexes);
            indexes(out, table, true, "GlobalSecondaryIndexes", status, indexes);
        }
        if (table.stream() != null) {
            out.writeObjectFieldStart("StreamSpecification");
            out.writeBooleanField("StreamEnabled", true);
            out.writeStringField("StreamViewType", table.stream().viewType().name());
            out.writeEndObject();
            out.writeStringField("LatestStreamLabel", table.stream().label());
            out.writeStringField(
                    "LatestStreamArn",
                    ResourceArns.stream(table.name(), table.stream().label()));
        }
        out.writeEndObject();
    }

    /**
     * DeleteTable's TableDescription: the table being deleted, with what DynamoDB still says of it
     * then (no key schema, attribute definitions, creation time, indexes or stream).
     */
    static void writeDeleting(JsonGenerator out, TableDefinition table) throws IOException {
        out.writeStartObject();
        out.writeStringField("TableName", table.name());
        out.writeStringField("TableStatus", "DELETING");
        provisionedThroughput(out, table.readCapacityUnits(), table.writeCapacityUnits());
        out.writeNumberField("TableSizeBytes", 0);
        out.writeNumberField("ItemCount", 0);
        out.writeStringField("TableArn", ResourceArns.table(table.name()));
        out.writeStringField("TableId", table.tableId());
        billingModeSummary(out, table);
        out.writeBooleanField("DeletionProtectionEnabled", table.deletionProtectionEnabled());
        out.writeEndObject();
    }

    /** The billing mode and, once the table has been PAY_PER_REQUEST, since when it last was. */
    private static void billingModeSummary(JsonGenerator out, TableDefinition table) throws IOException {
        out.writeObjectFieldStart("BillingModeSummary");
        out.writeStringField("BillingMode", table.billingMode());
        if (table.payPerRequestSinceMillis() != 0) {
            out.writeFieldName("LastUpdateToPayPerRequestDateTime");
            out.writeNumber(BigDecimal.valueOf(table.payPerRequestSinceMillis(), 3));
        }
        out.writeEndObject();
    }

    /** LocalSecondaryIndexes or GlobalSecondaryIndexes, when the table has indexes of that kind. */
    private static void indexes(
            JsonGenerator out, TableDefinition table, boolean global, String member, String status, IndexStatus states)
            throws IOException {
        List<SecondaryIndex> indexes =
                table.indexes().stream().filter(i -> i.global() == global).toList();
        if (indexes.isEmpty()) {
            return;
        }
        out.writeArrayFieldStart(member);
        for (SecondaryIndex index : indexes) {
            out.writeStartObject();
            out.writeStringField("IndexName", index.name());
            keySchema(out, index.keySchema());
            out.writeObjectFieldStart("Projection");
            out.writeStringField("ProjectionType", index.projection().type().name());
            if (!index.projection().nonKeyAttributes().isEmpty()) {
                out.writeArrayFieldStart("NonKeyAttributes");
                for (String attribute : index.projection().nonKeyAttributes()) {
                    out.writeString(attribute);
                }
                out.writeEndArray();
            }
            out.writeEndObject();
            if (global) {
                boolean backfilling = states.backfilling().contains(index.name());
                out.writeStringField("IndexStatus", status.equals("ACTIVE") && !backfilling ? "ACTIVE" : "CREATING");
                if (backfilling) {
                    out.writeBooleanField("Backfilling", true);
                }
                provisionedThroughput(out, index.readCapacityUnits(), index.writeCapacityUnits());
            }
            out.writeNumberField("IndexSizeBytes", states.sizeBytes().getOrDefault(index.name(), 0L));
            out.writeNumberField("ItemCount", states.itemCounts().getOrDefault(index.name(), 0L));
            out.writeStringField("IndexArn", ResourceArns.index(table.name(), index.name()));
            out.writeEndObject();
        }
        out.writeEndArray();
    }

    private static void provisionedThroughput(JsonGenerator out, long read, long write) throws IOException {
        out.writeObjectFieldStart("ProvisionedThroughput");
        out.writeNumberField("NumberOfDecreasesToday", 0);
        out.writeNumberField("ReadCapacityUnits", read);
        out.writeNumberField("WriteCapacityUnits", write);
        out.writeEndObject();
    }

    /** The table's KeySchema member (TableDescription and StreamDescription both have one). */
    static void keySchema(JsonGenerator out, TableDefinition table) throws IOException {
        keySchema(out, table.keySchema());
    }

    private static void keySchema(JsonGenerator out, KeySchema schema) throws IOException {
        out.writeArrayFieldStart("KeySchema");
        for (KeyAttribute key : schema.partitionKeys()) {
            keyElement(out, key, "HASH");
        }
        for (KeyAttribute key : schema.sortKeys()) {
            keyElement(out, key, "RANGE");
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
