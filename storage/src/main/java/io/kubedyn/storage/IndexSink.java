package io.kubedyn.storage;

import io.kubedyn.core.TableDefinition;
import java.util.List;

/**
 * Where a base shard's global secondary index changes go: the stores owning each entry's hash.
 * In a single store (the embedded server) that is the store itself. {@link #apply} returns once
 * every write is durable where it belongs, or throws, in which case the feed tries the same
 * writes again later.
 */
@FunctionalInterface
public interface IndexSink {
    void apply(TableDefinition table, List<IndexWrite> writes);
}
