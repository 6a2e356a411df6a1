package io.kubedyn.gateway;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ShardMap;
import io.kubedyn.core.TableDefinition;
import java.util.List;
import java.util.Optional;

/**
 * Which tables exist, as the gateway reads them: their definitions, their status, and where
 * their hash ranges are served. Read-only: the gateway never provisions a table's stores on the
 * way to serving a request. Implementations: {@link StoreCatalog} (the embedded server, or
 * storage pods configured by hand) and the Kubernetes informer's
 * ({@code cluster.KubernetesCatalog}).
 */
public interface TableCatalog {

    /** A table as DescribeTable shows it: its definition and its TableStatus. */
    record TableDescription(TableDefinition definition, String status) {}

    /**
     * The definition item requests on the table are validated against, or empty when there is
     * no such table or none that takes item requests (not ACTIVE).
     */
    Optional<TableDefinition> table(String name);

    /**
     * The served table's definition for an item operation, or DynamoDB's ResourceNotFoundException
     * in the words it uses for item operations (which, unlike the table operations', do not name
     * the table).
     */
    default TableDefinition requireTable(String name) {
        return table(name).orElseThrow(() -> DynamoDbException.resourceNotFound("Requested resource not found"));
    }

    /**
     * The table a settings change (UpdateTable, UpdateTimeToLive) is made to: ResourceNotFound
     * when there is none, and DynamoDB's ResourceInUseException while it is being created or
     * deleted. Read as {@link #describe} reads it, not from a cache of served definitions.
     */
    default TableDefinition requireChangeable(String name) {
        TableDescription current = describe(name).orElseThrow(() -> DynamoDbException.tableNotFound(name));
        if (!current.status().equals("ACTIVE")) {
            throw new DynamoDbException(
                    DynamoDbError.RESOURCE_IN_USE,
                    "Attempt to change a resource which is still in use: " + "Table is being "
                            + (current.status().equals("CREATING") ? "created" : "deleted") + ": " + name);
        }
        return current.definition();
    }

    /** DescribeTable: the table and its status (also CREATING or DELETING), or empty when there is none. */
    Optional<TableDescription> describe(String name);

    /** Every table name, in ascending order. */
    List<String> names();

    /** Which store (by address) serves which hash range of the table; ResourceNotFoundException when none. */
    ShardMap shards(TableDefinition table);

    /**
     * A store answered that it does not hold {@code stale}'s incarnation: forget what is cached
     * of it, and answer the table's current definition, if any.
     */
    default Optional<TableDefinition> refresh(TableDefinition stale) {
        return table(stale.name());
    }
}
