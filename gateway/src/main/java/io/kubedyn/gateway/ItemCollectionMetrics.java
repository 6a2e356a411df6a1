package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import java.io.IOException;
import java.util.Map;

/**
 * DynamoDB's ItemCollectionMetrics, reported when a write asks with ReturnItemCollectionMetrics
 * SIZE and its table has local secondary indexes: the item collection's partition key and an
 * estimate of its size in GB, as a whole-gigabyte range around the size the store counts.
 */
record ItemCollectionMetrics(String partitionKeyName, AttributeValue partitionKey, long bytes) {
    private static final double GIGABYTE = 1L << 30;

    /** Whether the request asks for the metrics (ReturnItemCollectionMetrics SIZE). */
    static boolean requested(Request request) {
        return request.string("ReturnItemCollectionMetrics", "NONE")
                .equals("SIZE");
    }

    /** The metrics of the collection of {@code key}, or null where the table keeps none ({@code bytes} -1). */
    static ItemCollectionMetrics of(TableDefinition table, PrimaryKey key, long bytes) {
        return bytes < 0 ? null
                : new ItemCollectionMetrics(table.keySchema().partitionKey().name(), key.partitionKey(), bytes);
    }

    /** The ItemCollectionMetrics member of a PutItem, UpdateItem or DeleteItem answer. */
    void write(JsonGenerator out) throws IOException {
        out.writeFieldName("ItemCollectionMetrics");
        writeValue(out);
    }

    /** One ItemCollectionMetrics structure (BatchWriteItem lists them by table). */
    void writeValue(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeFieldName("ItemCollectionKey");
        AttributeValueJson.writeItem(out, Map.of(partitionKeyName, partitionKey));
        double lower = Math.floor(bytes / GIGABYTE);
        out.writeArrayFieldStart("SizeEstimateRangeGB");
        out.writeNumber(lower);
        out.writeNumber(lower + 1);
        out.writeEndArray();
        out.writeEndObject();
    }
}
