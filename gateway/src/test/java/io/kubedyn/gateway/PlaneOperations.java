package io.kubedyn.gateway;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.ReturnItems;
import io.kubedyn.storage.WriteResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A storage plane driven as the DynamoDB operations drive it, by table name, for tests that call
 * it below the HTTP layer: each call resolves the table through the catalog first, as every
 * operation does, then goes to the control plane or the router.
 */
public record PlaneOperations(StoragePlane plane) implements AutoCloseable {

    public TableCatalog.TableDescription createTable(TableDefinition table) {
        return plane.controlPlane().createTable(table);
    }

    public TableDefinition deleteTable(String name) {
        return plane.controlPlane().deleteTable(name);
    }

    /** The definition item requests are validated against: empty unless the table is served. */
    public Optional<TableDefinition> describeTable(String name) {
        return plane.catalog().table(name);
    }

    public Optional<TableCatalog.TableDescription> tableDescription(String name) {
        return plane.catalog().describe(name);
    }

    public TableDefinition requireTable(String name) {
        return plane.catalog().requireTable(name);
    }

    /** DescribeTable's ItemCount: zero for a table that is not ACTIVE. */
    public long estimatedItemCount(String name) {
        return plane.catalog()
                .table(name)
                .map(t -> plane.router().estimatedItemCount(t))
                .orElse(0L);
    }

    public List<String> tableNames() {
        return plane.catalog().names();
    }

    public Map<String, AttributeValue> get(String table, PrimaryKey key) {
        return plane.router().get(requireTable(table), key, true);
    }

    public WriteResult write(String table, PrimaryKey key, ItemChange change) {
        return plane.router().write(requireTable(table), key, change, ReturnItems.NONE);
    }

    /** The first page of a Scan of the whole table (one segment), read consistently. */
    public io.kubedyn.storage.Page scan(String table, int limit) {
        return plane.router().scan(requireTable(table), null, 0, 1, limit, null, true);
    }

    @Override
    public void close() {
        try {
            plane.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
