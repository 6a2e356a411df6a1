package io.kubedyn.bench;

/** One request a workload can send. */
public enum Operation {
    /** GetItem of one record of the key-value table. */
    READ,
    /** PutItem overwriting one record of the key-value table (YCSB's update, until UpdateItem lands). */
    UPDATE,
    /** Query of a short sort-key range of one partition of the range table, with a Limit. */
    QUERY,
    /** PutItem overwriting one item of the range table (YCSB E's write share). */
    UPDATE_RANGE,
    /** PutItem of a record during the load phase. */
    INSERT,
    /**
     * Scan of the key-value table with a Limit, from a random record on (its key as
     * ExclusiveStartKey): on a cluster the page starts on any shard and may cross into the next.
     */
    SCAN,
    /**
     * BatchWriteItem of {@link Dataset#BATCH_WRITE_ITEMS} PutRequests overwriting as many distinct
     * records of the key-value table, one from each equal part of the key range: on a cluster the
     * batch nearly always reaches every shard.
     */
    BATCH_WRITE,
    /**
     * TransactWriteItems of two UpdateItems of two distinct random records of the key-value table
     * (a transfer); resent, as DynamoDB's documentation says, when cancelled by a conflict.
     */
    TRANSFER,
    /** The same two UpdateItems as {@link #TRANSFER}, one after the other, counted as one request. */
    UPDATE_PAIR
}
