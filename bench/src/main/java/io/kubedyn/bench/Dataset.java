package io.kubedyn.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The benchmark's two tables and the requests on them: a key-value table ({@code id}, workloads
 * A, B, C) and a range table ({@code p} + numeric {@code s}, workload E). Records and partitions
 * are chosen by the configured distribution. Attribute values come from a pool made once, so the
 * client spends its CPU on requests rather than on random strings.
 */
public final class Dataset {
    public static final String KV_TABLE = "bench_kv";
    public static final String RANGE_TABLE = "bench_range";
    /** Records per BatchWriteItem: DynamoDB's most, so that one request is a full batch. */
    public static final int BATCH_WRITE_ITEMS = 25;

    private static final int VALUE_POOL = 256;

    private final BenchConfig config;
    private final String[] keys;
    private final String[] partitions;
    private final List<Map<String, AttributeValue>> fieldSets;
    private final KeyChooser records;
    private final KeyChooser partitionChooser;

    public Dataset(BenchConfig config, long seed) {
        this.config = config;
        SplittableRandom random = new SplittableRandom(seed);
        keys = new String[config.records()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = String.format("user%010d", i);
        }
        partitions = new String[config.partitions()];
        for (int i = 0; i < partitions.length; i++) {
            partitions[i] = String.format("part%08d", i);
        }
        records = KeyChooser.of(config.distribution(), config.records(), seed);
        partitionChooser = KeyChooser.of(config.distribution(), config.partitions(), seed + 1);
        fieldSets = new ArrayList<>(VALUE_POOL);
        for (int i = 0; i < VALUE_POOL; i++) {
            Map<String, AttributeValue> fields = new HashMap<>();
            for (int f = 0; f < config.fieldCount(); f++) {
                fields.put("field" + f, AttributeValue.fromS(randomText(random, config.fieldSize())));
            }
            fieldSets.add(Map.copyOf(fields));
        }
    }

    private static String randomText(SplittableRandom random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }

    public BenchConfig config() {
        return config;
    }

    /** Creates both tables and waits until they are ACTIVE (a peer may keep them CREATING a while). */
    public void createTables(DynamoDbAsyncClient client, boolean waitForActive) throws Exception {
        createTables(client, waitForActive, TableFeatures.PLAIN);
    }

    /**
     * Creates the key-value table alone (what workloads A, B and C use), for a store that must
     * hold one table, and waits until it is ACTIVE; {@link #keyValueRecords} load it.
     */
    public void createKeyValueTable(DynamoDbAsyncClient client) throws Exception {
        client.createTable(b -> b.tableName(KV_TABLE)
                        .attributeDefinitions(AttributeDefinition.builder()
                                .attributeName("id")
                                .attributeType(ScalarAttributeType.S)
                                .build())
                        .keySchema(KeySchemaElement.builder()
                                .attributeName("id")
                                .keyType(KeyType.HASH)
                                .build())
                        .billingMode(BillingMode.PAY_PER_REQUEST))
                .get(30, TimeUnit.SECONDS);
        awaitActive(client, List.of(KV_TABLE));
    }

    /** Load-phase writes of the key-value table alone: {@link #insert}'s indexes below this. */
    public long keyValueRecords() {
        return config.records();
    }

    /** {@link #createTables(DynamoDbAsyncClient, boolean)}, with {@code features}. */
    public void createTables(DynamoDbAsyncClient client, boolean waitForActive, TableFeatures features)
            throws Exception {
        StreamSpecification stream = features.streams()
                ? StreamSpecification.builder()
                        .streamEnabled(true)
                        .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                        .build()
                : null;
        client.createTable(b -> {
                    b.tableName(KV_TABLE)
                            .attributeDefinitions(AttributeDefinition.builder()
                                    .attributeName("id")
                                    .attributeType(ScalarAttributeType.S)
                                    .build())
                            .keySchema(KeySchemaElement.builder()
                                    .attributeName("id")
                                    .keyType(KeyType.HASH)
                                    .build())
                            .streamSpecification(stream)
                            .billingMode(BillingMode.PAY_PER_REQUEST);
                    if (features.globalIndexes()) {
                        b.attributeDefinitions(
                                        AttributeDefinition.builder()
                                                .attributeName("id")
                                                .attributeType(ScalarAttributeType.S)
                                                .build(),
                                        AttributeDefinition.builder()
                                                .attributeName("field0")
                                                .attributeType(ScalarAttributeType.S)
                                                .build(),
                                        AttributeDefinition.builder()
                                                .attributeName("field1")
                                                .attributeType(ScalarAttributeType.S)
                                                .build())
                                .globalSecondaryIndexes(
                                        i -> i.indexName("byField0")
                                                .keySchema(k -> k.attributeName("field0")
                                                        .keyType(KeyType.HASH))
                                                .projection(p -> p.projectionType(ProjectionType.ALL)),
                                        i -> i.indexName("byField1")
                                                .keySchema(k -> k.attributeName("field1")
                                                        .keyType(KeyType.HASH))
                                                .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)));
                    }
                })
                .get(30, TimeUnit.SECONDS);
        client.createTable(b -> b.tableName(RANGE_TABLE)
                        .attributeDefinitions(
                                AttributeDefinition.builder()
                                        .attributeName("p")
                                        .attributeType(ScalarAttributeType.S)
                                        .build(),
                                AttributeDefinition.builder()
                                        .attributeName("s")
                                        .attributeType(ScalarAttributeType.N)
                                        .build())
                        .keySchema(
                                KeySchemaElement.builder()
                                        .attributeName("p")
                                        .keyType(KeyType.HASH)
                                        .build(),
                                KeySchemaElement.builder()
                                        .attributeName("s")
                                        .keyType(KeyType.RANGE)
                                        .build())
                        .streamSpecification(stream)
                        .billingMode(BillingMode.PAY_PER_REQUEST))
                .get(30, TimeUnit.SECONDS);
        if (waitForActive) {
            awaitActive(client, List.of(KV_TABLE, RANGE_TABLE));
        }
    }

    /**
     * Waits until each of {@code tables} is ACTIVE: as in DynamoDB, a table still CREATING
     * refuses item writes (ResourceNotFoundException), so a load begun before would lose its
     * first records.
     */
    private static void awaitActive(DynamoDbAsyncClient client, List<String> tables) throws Exception {
        for (String table : tables) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (client.describeTable(b -> b.tableName(table))
                            .get(30, TimeUnit.SECONDS)
                            .table()
                            .tableStatus()
                    != TableStatus.ACTIVE) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("table " + table + " not ACTIVE after 30 s");
                }
                Thread.sleep(50);
            }
        }
    }

    /** Load-phase writes: index {@code [0, records)} fills the key-value table, then the range table. */
    public long loadOperations() {
        return 2L * config.records();
    }

    public CompletableFuture<Boolean> insert(DynamoDbAsyncClient client, long index) {
        return index < config.records()
                ? putRecord(client, (int) index)
                : putRangeItem(client, (int) (index - config.records()));
    }

    /**
     * Sends one request of the given kind on a uniformly chosen key. The future completes with
     * whether the answer is what the loaded data says it must be ({@code verify} off for a target
     * that stores nothing).
     */
    public CompletableFuture<Boolean> send(DynamoDbAsyncClient client, Operation operation, boolean verify) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return switch (operation) {
            case READ -> read(client, records.next(), verify);
            case UPDATE, INSERT -> putRecord(client, records.next());
            case QUERY -> query(client, random, verify);
            case UPDATE_RANGE -> putRangeItem(client, records.next());
            case SCAN -> scan(client, random, verify);
            case BATCH_WRITE -> batchWrite(client, random);
            case TRANSFER -> transfer(client, pair(), 0);
            case UPDATE_PAIR -> {
                List<UpdateItemRequest> updates = pair();
                yield client.updateItem(updates.get(0))
                        .thenCompose(first -> client.updateItem(updates.get(1)))
                        .thenApply(second -> true);
            }
        };
    }

    /** Two UpdateItems of two distinct records, each setting field0 to a pooled value. */
    private List<UpdateItemRequest> pair() {
        int first = records.next();
        int second = records.next();
        while (second == first) {
            second = records.next();
        }
        List<UpdateItemRequest> updates = new ArrayList<>(2);
        for (int index : new int[] {first, second}) {
            updates.add(UpdateItemRequest.builder()
                    .tableName(KV_TABLE)
                    .key(Map.of("id", AttributeValue.fromS(keys[index])))
                    .updateExpression("SET field0 = :v")
                    .expressionAttributeValues(Map.of(":v", fields().get("field0")))
                    .build());
        }
        return updates;
    }

    /**
     * The two updates in one TransactWriteItems. A transaction cancelled because another one held
     * one of its records (TransactionConflict) is resent after a pause doubling from 1 ms, at
     * most {@link BatchWriteLoop#MAX_RESENDS} times; the loop is one request.
     */
    private CompletableFuture<Boolean> transfer(
            DynamoDbAsyncClient client, List<UpdateItemRequest> updates, int resends) {
        List<TransactWriteItem> items = updates.stream()
                .map(u -> TransactWriteItem.builder()
                        .update(Update.builder()
                                .tableName(u.tableName())
                                .key(u.key())
                                .updateExpression(u.updateExpression())
                                .expressionAttributeValues(u.expressionAttributeValues())
                                .build())
                        .build())
                .toList();
        return client.transactWriteItems(
                        TransactWriteItemsRequest.builder().transactItems(items).build())
                .thenApply(r -> CompletableFuture.completedFuture(true))
                .exceptionally(e -> {
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause()
                            : e;
                    boolean conflict = cause instanceof TransactionCanceledException cancelled
                            && cancelled.cancellationReasons().stream()
                                    .anyMatch(r -> r.code().equals("TransactionConflict"));
                    if (!conflict || resends == BatchWriteLoop.MAX_RESENDS) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    return CompletableFuture.runAsync(
                                    () -> {}, CompletableFuture.delayedExecutor(1L << resends, TimeUnit.MILLISECONDS))
                            .thenCompose(ignored -> transfer(client, updates, resends + 1));
                })
                .thenCompose(f -> f);
    }

    private Map<String, AttributeValue> fields() {
        return fieldSets.get(ThreadLocalRandom.current().nextInt(VALUE_POOL));
    }

    private CompletableFuture<Boolean> putRecord(DynamoDbAsyncClient client, int index) {
        Map<String, AttributeValue> item = new HashMap<>(fields());
        item.put("id", AttributeValue.fromS(keys[index]));
        return client.putItem(
                        PutItemRequest.builder().tableName(KV_TABLE).item(item).build())
                .thenApply(r -> true);
    }

    /**
     * A BatchWriteItem overwriting {@link #BATCH_WRITE_ITEMS} loaded records, the i-th drawn
     * uniformly from the i-th of as many equal parts of the key range, whatever the distribution:
     * the keys are distinct (DynamoDB refuses a batch that names a key twice), spread over the
     * whole key space, so that with keys hashed to shards a cluster's batch nearly always reaches
     * every shard, and within the loaded range, so that the table keeps its size. The answer is
     * checked by {@link BatchWriteLoop}, which resends what the server left unprocessed.
     */
    private CompletableFuture<Boolean> batchWrite(DynamoDbAsyncClient client, ThreadLocalRandom random) {
        int n = config.records();
        if (n < BATCH_WRITE_ITEMS) {
            throw new IllegalStateException("a BatchWriteItem of " + BATCH_WRITE_ITEMS
                    + " distinct records needs at least" + " as many records in the table: " + n);
        }
        List<WriteRequest> writes = new ArrayList<>(BATCH_WRITE_ITEMS);
        for (int i = 0; i < BATCH_WRITE_ITEMS; i++) {
            int from = (int) ((long) i * n / BATCH_WRITE_ITEMS);
            int to = (int) ((long) (i + 1) * n / BATCH_WRITE_ITEMS);
            Map<String, AttributeValue> item = new HashMap<>(fields());
            item.put("id", AttributeValue.fromS(keys[random.nextInt(from, to)]));
            writes.add(WriteRequest.builder()
                    .putRequest(PutRequest.builder().item(item).build())
                    .build());
        }
        return BatchWriteLoop.send(client, Map.of(KV_TABLE, writes));
    }

    private CompletableFuture<Boolean> putRangeItem(DynamoDbAsyncClient client, int index) {
        Map<String, AttributeValue> item = new HashMap<>(fields());
        item.put("p", AttributeValue.fromS(partitions[index / config.itemsPerPartition()]));
        item.put("s", AttributeValue.fromN(Integer.toString(index % config.itemsPerPartition())));
        return client.putItem(PutItemRequest.builder()
                        .tableName(RANGE_TABLE)
                        .item(item)
                        .build())
                .thenApply(r -> true);
    }

    private CompletableFuture<Boolean> read(DynamoDbAsyncClient client, int index, boolean verify) {
        String key = keys[index];
        return client.getItem(GetItemRequest.builder()
                        .tableName(KV_TABLE)
                        .key(Map.of("id", AttributeValue.fromS(key)))
                        .build())
                .thenApply(r -> !verify
                        || matches(
                                r.hasItem()
                                        && key.equals(r.item().get("id").s())
                                        && r.item().size() == config.fieldCount() + 1,
                                () -> "GetItem of " + key + " answered "
                                        + (r.hasItem()
                                                ? "an item of " + r.item().size() + " attributes, id "
                                                        + r.item().get("id")
                                                : "no item")));
    }

    /**
     * {@code ok}, or a failure naming what came back ({@code answer}), so that a run's first
     * error says which request went wrong and how, not only that one did.
     */
    private static boolean matches(boolean ok, Supplier<String> answer) {
        if (!ok) {
            throw new IllegalStateException("an answer did not match the loaded data: " + answer.get());
        }
        return true;
    }

    private CompletableFuture<Boolean> query(DynamoDbAsyncClient client, ThreadLocalRandom random, boolean verify) {
        int partition = partitionChooser.next();
        int itemsInPartition =
                Math.min(config.itemsPerPartition(), config.records() - partition * config.itemsPerPartition());
        int from = random.nextInt(itemsInPartition);
        int limit = 1 + random.nextInt(config.maxQueryLimit());
        int expected = Math.min(limit, itemsInPartition - from);
        return client.query(QueryRequest.builder()
                        .tableName(RANGE_TABLE)
                        .keyConditionExpression("p = :p AND s >= :s")
                        .expressionAttributeValues(Map.of(
                                ":p", AttributeValue.fromS(partitions[partition]),
                                ":s", AttributeValue.fromN(Integer.toString(from))))
                        .limit(limit)
                        .build())
                .thenApply(r -> !verify
                        || matches(
                                r.count() == expected
                                        && r.items().get(0).get("s").n().equals(Integer.toString(from)),
                                () -> "Query of " + partitions[partition] + " from " + from + " answered " + r.count()
                                        + " items, " + expected + " expected"));
    }

    /**
     * The page must hold whole records, not the start key's, and be full unless the scan reached
     * the end of the table (then it has no LastEvaluatedKey). Which records follow the start key
     * depends on the partition hash, so their keys are not checked.
     */
    private CompletableFuture<Boolean> scan(DynamoDbAsyncClient client, ThreadLocalRandom random, boolean verify) {
        String from = keys[records.next()];
        int limit = 1 + random.nextInt(config.maxQueryLimit());
        return client.scan(ScanRequest.builder()
                        .tableName(KV_TABLE)
                        .exclusiveStartKey(Map.of("id", AttributeValue.fromS(from)))
                        .limit(limit)
                        .build())
                .thenApply(r -> !verify
                        || matches(
                                r.count() == r.items().size()
                                        && r.count() <= limit
                                        && (r.count() == limit || !r.hasLastEvaluatedKey())
                                        && r.items().stream()
                                                .allMatch(item -> item.size() == config.fieldCount() + 1
                                                        && !from.equals(
                                                                item.get("id").s())),
                                () -> "Scan after " + from + " with Limit " + limit + " answered " + r.count()
                                        + " items" + (r.hasLastEvaluatedKey() ? " and a LastEvaluatedKey" : "")));
    }
}
