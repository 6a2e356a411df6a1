package io.kubedyn.storage;

/**
 * What DescribeTable shows of a table's contents, as one store (or, summed, a table's shards)
 * estimates it: the item count, the items' bytes, and its secondary indexes' entry counts, bytes
 * and backfills.
 */
public record TableEstimates(long itemCount, long sizeBytes, IndexStatus indexes) {
    public static final TableEstimates NONE = new TableEstimates(0, 0, IndexStatus.NONE);

    /** These estimates and {@code other}'s, as of one table over two shards. */
    public TableEstimates plus(TableEstimates other) {
        return new TableEstimates(
                itemCount + other.itemCount, sizeBytes + other.sizeBytes, indexes.plus(other.indexes));
    }
}
