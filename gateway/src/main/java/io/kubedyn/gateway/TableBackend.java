package io.kubedyn.gateway;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.Page;
import io.kubedyn.storage.WriteResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the gateway's tables live: in-process partition stores (embedded) or storage pods
 * reached over the network (cluster). Operations validate requests before they get here; a
 * backend only stores and reads.
 */
public interface TableBackend {

    /** A table as DescribeTable shows it: its definition and its TableStatus. */
    record TableDescription(TableDefinition definition, String status) {
    }

    /**
     * Creates the table and answers it as created. The backend may give it another id and
     * creation time than {@code table} proposes (a Kubernetes {@code Table} resource has its own
     * uid and creationTimestamp): CreateTable must answer what DescribeTable shows afterwards.
     */
    TableDescription createTable(TableDefinition table);

    TableDefinition deleteTable(String name);

    /**
     * The definition item requests on the table are validated against, or empty when there is
     * no such table or none that takes item requests (on Kubernetes: one being deleted).
     */
    Optional<TableDefinition> describeTable(String name);

    /** DescribeTable: the table and its TableStatus, or empty when there is no such table. */
    default Optional<TableDescription> tableDescription(String name) {
        return describeTable(name).map(table -> new TableDescription(table, "ACTIVE"));
    }

    /** The table's definition, or DynamoDB's ResourceNotFoundException. */
    default TableDefinition requireTable(String name) {
        return describeTable(name).orElseThrow(() -> DynamoDbException.resourceNotFound(
                "Requested resource not found: Table: " + name + " not found"));
    }

    long estimatedItemCount(String name);

    /** All table names in ascending order. */
    List<String> tableNames();

    Map<String, AttributeValue> get(String table, PrimaryKey key);

    /**
     * Applies {@code change} to the item atomically: no other write to the item interleaves,
     * and a change that throws (a failed condition, an invalid update) writes nothing.
     */
    WriteResult write(String table, PrimaryKey key, ItemChange change);

    Page query(String table, AttributeValue partitionKey, SortKeyCondition condition, boolean forward, int limit,
               PrimaryKey exclusiveStart);

    Page scan(String table, int segment, int totalSegments, int limit, PrimaryKey exclusiveStart);

    /** One key of a batch read. */
    record TableKey(String table, PrimaryKey key) {
    }

    /** One write of a batch. */
    record TableWrite(String table, PrimaryKey key, ItemChange change) {
    }

    /**
     * The items of {@code keys} (null where there is none), in the order asked. A backend may
     * read them in parallel.
     */
    default List<Map<String, AttributeValue>> getAll(List<TableKey> keys) {
        List<Map<String, AttributeValue>> items = new java.util.ArrayList<>();
        for (TableKey key : keys) {
            items.add(get(key.table(), key.key()));
        }
        return items;
    }

    /** Applies every write (each atomic on its own item); a backend may apply them in parallel. */
    default void writeAll(List<TableWrite> writes) {
        for (TableWrite write : writes) {
            write(write.table(), write.key(), write.change());
        }
    }
}
