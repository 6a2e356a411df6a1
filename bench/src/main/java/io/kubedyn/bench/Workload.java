package io.kubedyn.bench;

import java.util.List;
import java.util.Locale;

/**
 * A YCSB-style operation mix: each request is {@code first} with probability {@code firstShare},
 * otherwise {@code second}.
 */
public record Workload(String name, String description, Operation first, double firstShare, Operation second) {
    public static final Workload A = new Workload("A", "50% read, 50% update", Operation.READ, 0.50, Operation.UPDATE);
    public static final Workload B = new Workload("B", "95% read, 5% update", Operation.READ, 0.95, Operation.UPDATE);
    public static final Workload C = new Workload("C", "100% read", Operation.READ, 1.0, Operation.UPDATE);
    public static final Workload E =
            new Workload("E", "95% short Query, 5% update", Operation.QUERY, 0.95, Operation.UPDATE_RANGE);
    /** The load phase is not a mix; it appears in result tables under this name. */
    public static final String LOAD = "load";
    /**
     * Before the load phase: PutItem of random records, so that a JIT-compiled server is as warm
     * for the load phase as for the workloads (the load then overwrites those records).
     */
    public static final Workload LOAD_WARMUP =
            new Workload("load warm-up", "100% insert", Operation.INSERT, 1.0, Operation.INSERT);

    public static final List<Workload> ALL = List.of(A, B, C, E);

    /*
     * One DynamoDB operation each, named after it: the routing benchmark reports every operation
     * on its own, since routing costs a PutItem, a Query and a Scan (which may span shards)
     * differently.
     */
    public static final Workload PUT_ITEM = single("PutItem", "100% PutItem of a record", Operation.UPDATE);
    public static final Workload GET_ITEM = single("GetItem", "100% GetItem of a record", Operation.READ);
    public static final Workload QUERY = single("Query", "100% short Query of the range table", Operation.QUERY);
    public static final Workload SCAN = single("Scan", "100% short Scan from a random record on", Operation.SCAN);
    /** One request writes {@link Dataset#BATCH_WRITE_ITEMS} records; its throughput still counts requests. */
    public static final Workload BATCH_WRITE_ITEM = single(
            "BatchWriteItem",
            "100% BatchWriteItem of " + Dataset.BATCH_WRITE_ITEMS + " records",
            Operation.BATCH_WRITE);
    /** A transfer: one request updates two records in one transaction. */
    public static final Workload TRANSACT_WRITE_ITEMS =
            single("TransactWriteItems", "100% TransactWriteItems updating 2 records", Operation.TRANSFER);
    /** The transfer's two updates as two UpdateItems, one after the other: one request is both. */
    public static final Workload UPDATE_ITEM_PAIR =
            single("UpdateItemPair", "100% two UpdateItems of 2 records, one after the other", Operation.UPDATE_PAIR);

    public static final List<Workload> OPERATIONS =
            List.of(PUT_ITEM, GET_ITEM, QUERY, SCAN, BATCH_WRITE_ITEM, TRANSACT_WRITE_ITEMS, UPDATE_ITEM_PAIR);

    public Workload {
        if (firstShare < 0 || firstShare > 1) {
            throw new IllegalArgumentException("share must be in [0, 1]: " + firstShare);
        }
    }

    /** The operation for a uniform draw {@code u} in [0, 1). */
    public Operation pick(double u) {
        return u < firstShare ? first : second;
    }

    private static Workload single(String name, String description, Operation operation) {
        return new Workload(name, description, operation, 1.0, operation);
    }

    /** One of {@link #OPERATIONS} by its DynamoDB name, in any case. */
    public static Workload operation(String name) {
        return OPERATIONS.stream()
                .filter(w -> w.name().equalsIgnoreCase(name.trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no operation " + name + "; known: "
                        + String.join(
                                ", ", OPERATIONS.stream().map(Workload::name).toList())));
    }

    public static Workload named(String name) {
        return ALL.stream()
                .filter(w -> w.name().equals(name.toUpperCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no workload " + name + "; known: A, B, C, E"));
    }
}
