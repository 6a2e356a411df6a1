package io.kubedyn.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The music table of the secondary-index tests, and what each of its indexes should hold.
 *
 * <p>Table: hash {@code Artist} S, range {@code SongTitle} S. Indexes:
 * <ul>
 *   <li>LSI {@code ByYear}: range {@code Year} N, projection ALL;</li>
 *   <li>LSI {@code ByAlbumKeys}: range {@code Album} S, projection KEYS_ONLY;</li>
 *   <li>GSI {@code ByGenre}: hash {@code Genre} S, range {@code Plays} N, projection INCLUDE [{@code Year}];</li>
 *   <li>GSI {@code ByLabel}: hash {@code Label} S, no range key, projection ALL.</li>
 * </ul>
 * {@code Year} is a DynamoDB reserved word: expressions name it {@code #y}.
 */
final class IndexedMusicTable {
    static final String BY_YEAR = "ByYear";
    static final String BY_ALBUM_KEYS = "ByAlbumKeys";
    static final String BY_GENRE = "ByGenre";
    static final String BY_LABEL = "ByLabel";
    static final List<String> INDEXES = List.of(BY_YEAR, BY_ALBUM_KEYS, BY_GENRE, BY_LABEL);
    static final List<String> TABLE_KEYS = List.of("Artist", "SongTitle");

    private IndexedMusicTable() {}

    /** Creates the table and waits until it is ACTIVE. */
    static void create(DynamoDbClient dynamo, String table) {
        dynamo.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        a -> a.attributeName("Artist").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("SongTitle").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("Year").attributeType(ScalarAttributeType.N),
                        a -> a.attributeName("Album").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("Genre").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("Plays").attributeType(ScalarAttributeType.N),
                        a -> a.attributeName("Label").attributeType(ScalarAttributeType.S))
                .keySchema(
                        k -> k.attributeName("Artist").keyType(KeyType.HASH),
                        k -> k.attributeName("SongTitle").keyType(KeyType.RANGE))
                .localSecondaryIndexes(
                        i -> i.indexName(BY_YEAR)
                                .keySchema(
                                        k -> k.attributeName("Artist").keyType(KeyType.HASH),
                                        k -> k.attributeName("Year").keyType(KeyType.RANGE))
                                .projection(p -> p.projectionType(ProjectionType.ALL)),
                        i -> i.indexName(BY_ALBUM_KEYS)
                                .keySchema(
                                        k -> k.attributeName("Artist").keyType(KeyType.HASH),
                                        k -> k.attributeName("Album").keyType(KeyType.RANGE))
                                .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)))
                .globalSecondaryIndexes(
                        i -> i.indexName(BY_GENRE)
                                .keySchema(
                                        k -> k.attributeName("Genre").keyType(KeyType.HASH),
                                        k -> k.attributeName("Plays").keyType(KeyType.RANGE))
                                .projection(p ->
                                        p.projectionType(ProjectionType.INCLUDE).nonKeyAttributes("Year")),
                        i -> i.indexName(BY_LABEL)
                                .keySchema(k -> k.attributeName("Label").keyType(KeyType.HASH))
                                .projection(p -> p.projectionType(ProjectionType.ALL))));
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
    }

    static boolean isGlobal(String index) {
        return index.equals(BY_GENRE) || index.equals(BY_LABEL);
    }

    /** The index's key attributes, hash key first. */
    static List<String> indexKeys(String index) {
        return switch (index) {
            case BY_YEAR -> List.of("Artist", "Year");
            case BY_ALBUM_KEYS -> List.of("Artist", "Album");
            case BY_GENRE -> List.of("Genre", "Plays");
            case BY_LABEL -> List.of("Label");
            default -> throw new IllegalArgumentException(index);
        };
    }

    /** The attributes a LastEvaluatedKey of a read of the index holds: the table's keys and the index's. */
    static List<String> startKeyAttributes(String index) {
        List<String> names = new ArrayList<>(TABLE_KEYS);
        indexKeys(index).stream().filter(name -> !names.contains(name)).forEach(names::add);
        return names;
    }

    /**
     * What the index holds for a base item: null if the item lacks one of the index's key
     * attributes (sparse index), else the item's projection into the index.
     */
    static Map<String, AttributeValue> projected(String index, Map<String, AttributeValue> item) {
        if (!item.keySet().containsAll(indexKeys(index))) {
            return null;
        }
        List<String> kept = switch (index) {
            case BY_YEAR, BY_LABEL -> null;
            case BY_ALBUM_KEYS -> startKeyAttributes(index);
            case BY_GENRE -> {
                List<String> names = new ArrayList<>(startKeyAttributes(index));
                names.add("Year");
                yield names;
            }
            default -> throw new IllegalArgumentException(index);
        };
        if (kept == null) {
            return item;
        }
        Map<String, AttributeValue> projection = new LinkedHashMap<>();
        for (String name : kept) {
            if (item.containsKey(name)) {
                projection.put(name, item.get(name));
            }
        }
        return projection;
    }

    /** Every item of the table (index null) or of one index, through Scan pages of {@code pageSize} (0: no Limit). */
    static List<Map<String, AttributeValue>> scanAll(DynamoDbClient dynamo, String table, String index, int pageSize) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            ScanResponse page = dynamo.scan(b -> {
                b.tableName(table).indexName(index).exclusiveStartKey(exclusiveStart);
                if (pageSize > 0) {
                    b.limit(pageSize);
                }
                if (index == null || !isGlobal(index)) {
                    b.consistentRead(true);
                }
            });
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    /**
     * Reads until {@code done} holds or {@code timeout} passes, and returns the last value read:
     * GSIs are eventually consistent, so a test polls before it asserts on the value.
     */
    static <T> T eventually(Duration timeout, Supplier<T> read, Predicate<T> done) {
        Instant deadline = Instant.now().plus(timeout);
        T value = read.get();
        while (!done.test(value) && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while polling", e);
            }
            value = read.get();
        }
        return value;
    }

    /** An item from its attributes, given as name/value pairs in order. */
    static Map<String, AttributeValue> item(Object... namesAndValues) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            item.put((String) namesAndValues[i], (AttributeValue) namesAndValues[i + 1]);
        }
        return item;
    }
}
