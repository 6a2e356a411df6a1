package io.kubedyn.gateway;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.Page;
import io.kubedyn.storage.WriteResult;
import io.kubedyn.storage.PartitionStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** All tables in one in-process partition store: the single-process server. */
public final class EmbeddedBackend implements TableBackend, AutoCloseable {
    private final PartitionStore store;

    public EmbeddedBackend(PartitionStore store) {
        this.store = store;
    }

    @Override
    public TableDescription createTable(TableDefinition table) {
        store.createTable(table);
        return new TableDescription(table, "ACTIVE");
    }

    @Override
    public TableDefinition deleteTable(String name) {
        return store.deleteTable(name);
    }

    @Override
    public Optional<TableDefinition> describeTable(String name) {
        return store.describeTable(name);
    }

    @Override
    public long estimatedItemCount(String name) {
        return store.estimatedItemCount(name);
    }

    @Override
    public List<String> tableNames() {
        return store.tableNames();
    }

    @Override
    public Map<String, AttributeValue> get(String table, PrimaryKey key) {
        return store.get(table, key);
    }

    @Override
    public WriteResult write(String table, PrimaryKey key, ItemChange change) {
        return store.update(table, key, change::apply);
    }

    @Override
    public Page query(String table, AttributeValue partitionKey, SortKeyCondition condition, boolean forward,
                      int limit, PrimaryKey exclusiveStart) {
        return store.query(table, PrimaryKey.partitionPrefix(partitionKey), condition, forward, limit, exclusiveStart);
    }

    @Override
    public Page scan(String table, int segment, int totalSegments, int limit, PrimaryKey exclusiveStart) {
        return store.scan(table, HashRange.segment(segment, totalSegments), limit, exclusiveStart);
    }

    @Override
    public void close() {
        store.close();
    }
}
