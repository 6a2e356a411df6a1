package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.SecondaryIndex;
import java.io.IOException;

/**
 * DynamoDB's capacity accounting, reported when a request asks for ReturnConsumedCapacity:
 * a write unit per 1 KB written, a read unit per 4 KB read (half for eventually consistent),
 * charged to the table or to the secondary index a Query or Scan reads. With {@code INDEXES}
 * the answer says which: {@code Table} and {@code LocalSecondaryIndexes} or
 * {@code GlobalSecondaryIndexes}.
 */
record ConsumedCapacity(String tableName, double units, SecondaryIndex index) {

    /** What ReturnConsumedCapacity asks for. */
    enum Detail {
        NONE,
        TOTAL,
        INDEXES;

        static Detail of(Request request) {
            String mode = request.string("ReturnConsumedCapacity");
            return mode == null ? NONE : valueOf(mode);
        }

        boolean requested() {
            return this != NONE;
        }
    }

    static ConsumedCapacity ofWrite(String table, long itemBytes) {
        return new ConsumedCapacity(table, writeUnits(itemBytes), null);
    }

    static ConsumedCapacity ofRead(String table, long bytesRead, boolean consistent) {
        return new ConsumedCapacity(table, readUnits(bytesRead, consistent), null);
    }

    /** Write units for one item of {@code itemBytes}: at least one, one per started KB. */
    static double writeUnits(long itemBytes) {
        return Math.max(1, (itemBytes + 1023) / 1024);
    }

    /** Read units for {@code bytesRead}: at least one, one per started 4 KB, half when eventually consistent. */
    static double readUnits(long bytesRead, boolean consistent) {
        double units = Math.max(1, (bytesRead + 4095) / 4096);
        return consistent ? units : units / 2;
    }

    /** The same units, charged to {@code readIndex} (null: the table). */
    ConsumedCapacity on(SecondaryIndex readIndex) {
        return new ConsumedCapacity(tableName, units, readIndex);
    }

    /**
     * The ConsumedCapacity list of an answer touching several tables (the batches, the
     * transactions): one entry per table, with its units summed, in {@code unitsByTable}'s order.
     */
    static void writeByTable(JsonGenerator out, java.util.Map<String, Double> unitsByTable, Detail detail)
            throws IOException {
        out.writeArrayFieldStart("ConsumedCapacity");
        for (java.util.Map.Entry<String, Double> table : unitsByTable.entrySet()) {
            new ConsumedCapacity(table.getKey(), table.getValue(), null).writeValue(out, detail);
        }
        out.writeEndArray();
    }

    void write(JsonGenerator out, Detail detail) throws IOException {
        out.writeFieldName("ConsumedCapacity");
        writeValue(out, detail);
    }

    /** The ConsumedCapacity object, as one entry of a batch's list or a single answer's member. */
    void writeValue(JsonGenerator out, Detail detail) throws IOException {
        out.writeStartObject();
        out.writeStringField("TableName", tableName);
        out.writeNumberField("CapacityUnits", units);
        if (detail == Detail.INDEXES) {
            out.writeObjectFieldStart("Table");
            out.writeNumberField("CapacityUnits", index == null ? units : 0);
            out.writeEndObject();
            if (index != null) {
                out.writeObjectFieldStart(index.global() ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
                out.writeObjectFieldStart(index.name());
                out.writeNumberField("CapacityUnits", units);
                out.writeEndObject();
                out.writeEndObject();
            }
        }
        out.writeEndObject();
    }
}
