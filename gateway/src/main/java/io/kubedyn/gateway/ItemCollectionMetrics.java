package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.storage.TableWrite;
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
        return request.string("ReturnItemCollectionMetrics", "NONE").equals("SIZE");
    }

    /** The metrics of the collection of {@code key}, or null where the table keeps none ({@code bytes} -1). */
    static ItemCollectionMetrics of(TableDefinition table, PrimaryKey key, long bytes) {
        return bytes < 0
                ? null
                : new ItemCollectionMetrics(table.keySchema().partitionKey().name(), key.partitionKey(), bytes);
    }

    /**
     * The ItemCollectionMetrics member of an answer of several writes (BatchWriteItem, a
     * transaction): for each table with local secondary indexes, one entry per item collection
     * the writes touched, with the size the write's store answered ({@code bytes[i]} for
     * {@code writes.get(i)}; -1 where none was, as for a write not done), the last one per
     * collection (a store counts a batch's earlier writes into each).
     */
    static void writeByTable(JsonGenerator out, java.util.List<TableWrite> writes, long[] bytes) throws IOException {
        Map<String, Map<PrimaryKey, ItemCollectionMetrics>> byTable = new java.util.LinkedHashMap<>();
        for (int i = 0; i < writes.size(); i++) {
            TableWrite write = writes.get(i);
            ItemCollectionMetrics metrics = of(write.table(), write.key(), bytes[i]);
            if (metrics != null) {
                byTable.computeIfAbsent(write.table().name(), t -> new java.util.LinkedHashMap<>())
                        .put(PrimaryKey.of(write.key().partitionKey(), null), metrics);
            }
        }
        out.writeObjectFieldStart("ItemCollectionMetrics");
        for (Map.Entry<String, Map<PrimaryKey, ItemCollectionMetrics>> table : byTable.entrySet()) {
            out.writeArrayFieldStart(table.getKey());
            for (ItemCollectionMetrics metrics : table.getValue().values()) {
                metrics.writeValue(out);
            }
            out.writeEndArray();
        }
        out.writeEndObject();
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
