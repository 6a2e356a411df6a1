package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * DynamoDB's capacity accounting, reported when a request asks for ReturnConsumedCapacity:
 * a write unit per 1 KB written, a read unit per 4 KB read (half for eventually consistent).
 */
record ConsumedCapacity(String tableName, double units) {

    static ConsumedCapacity ofWrite(String table, long itemBytes) {
        return new ConsumedCapacity(table, Math.max(1, (itemBytes + 1023) / 1024));
    }

    static ConsumedCapacity ofRead(String table, long bytesRead, boolean consistent) {
        double units = Math.max(1, (bytesRead + 4095) / 4096);
        return new ConsumedCapacity(table, consistent ? units : units / 2);
    }

    static boolean requested(Request request) {
        String mode = request.oneOf("ReturnConsumedCapacity", "returnConsumedCapacity", "NONE", "INDEXES", "TOTAL", "NONE");
        return !mode.equals("NONE");
    }

    void write(JsonGenerator out) throws IOException {
        out.writeObjectFieldStart("ConsumedCapacity");
        out.writeStringField("TableName", tableName);
        out.writeNumberField("CapacityUnits", units);
        out.writeEndObject();
    }
}
