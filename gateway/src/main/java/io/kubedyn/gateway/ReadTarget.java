package io.kubedyn.gateway;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.IndexProjection;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ProjectionExpression;
import java.util.Map;

/**
 * What a Query or Scan reads: the table itself, or one of its secondary indexes (IndexName).
 * Owns what differs between the two: the key schema a key condition names, the keys
 * ExclusiveStartKey and LastEvaluatedKey hold (an index's and the table's), and which
 * attributes the read can return.
 */
record ReadTarget(TableDefinition table, SecondaryIndex index) {

    /** The table, or the index IndexName names (DynamoDB's ValidationException when it has none of that name). */
    static ReadTarget of(Request request, TableDefinition table) {
        String name = request.string("IndexName");
        if (name == null) {
            return new ReadTarget(table, null);
        }
        SecondaryIndex index = table.index(name)
                .orElseThrow(
                        () -> DynamoDbException.validation("The table does not have the specified index: " + name));
        if (index.global() && request.bool("ConsistentRead", false)) {
            throw DynamoDbException.validation("Consistent reads are not supported on global secondary indexes");
        }
        return new ReadTarget(table, index);
    }

    /**
     * Refuses a read of a global index that is still being backfilled (created by UpdateTable
     * and not yet holding every item), as DynamoDB does.
     */
    ReadTarget requireReadable(ShardRouter router) {
        if (index != null && index.global() && !router.globalIndexReady(table, index.name())) {
            throw DynamoDbException.validation("Cannot read from backfilling global secondary index: " + index.name());
        }
        return this;
    }

    /**
     * The values of ExclusiveStartKey, checked before the table is known. DynamoDB prefixes most
     * of their errors with "The provided starting key is invalid", but not those about numbers
     * and duplicates in sets.
     */
    static Map<String, AttributeValue> exclusiveStartValues(Request request) {
        try {
            return request.attributeMap("ExclusiveStartKey");
        } catch (DynamoDbException e) {
            String message = e.getMessage();
            boolean unprefixed = message.contains("contains duplicates")
                    || message.contains("number set")
                    || message.contains("numeric value")
                    || message.contains("significant digits")
                    || message.contains("number with magnitude");
            throw unprefixed || e.error() != DynamoDbError.VALIDATION
                    ? e
                    : DynamoDbException.validation("The provided starting key is invalid: " + message);
        }
    }

    /** The index's name, or null for the table. */
    String indexName() {
        return index == null ? null : index.name();
    }

    /** The key schema a key condition and the partition hash go by. */
    KeySchema keySchema() {
        return index == null ? table.keySchema() : index.keySchema();
    }

    /**
     * ExclusiveStartKey (as {@link #exclusiveStartValues} read it): the key attributes of the
     * table and, for an index, of the index. Null when absent. For an index, the caller has
     * checked its own key attributes first ({@link #checkIndexStart}), where its operation's
     * order puts them; this checks the table's.
     */
    Start exclusiveStart(Map<String, AttributeValue> start) {
        if (start == null) {
            return null;
        }
        if (index == null) {
            try {
                PrimaryKey key = table.keySchema().keyOf(start, true);
                return new Start(key, key.storageKey());
            } catch (DynamoDbException e) {
                throw DynamoDbException.validation("The provided starting key is invalid: " + e.getMessage());
            }
        }
        try {
            PrimaryKey tableKey = table.keySchema().keyOf(table.keySchema().attributesOf(start), true);
            PrimaryKey indexKey = index.indexKeyOf(start);
            return new Start(indexKey, SecondaryIndex.entryKey(indexKey, tableKey));
        } catch (DynamoDbException e) {
            throw DynamoDbException.validation("The provided starting key is invalid: " + e.getMessage());
        }
    }

    /**
     * For an index, what DynamoDB checks of ExclusiveStartKey before anything else: that it has
     * as many attributes as the table's and the index's keys together, and each of the index's
     * key attributes, of the index's type.
     */
    void checkIndexStart(Map<String, AttributeValue> start) {
        if (start == null || index == null) {
            return;
        }
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        table.keySchema().attributes().forEach(key -> names.add(key.name()));
        index.keySchema().attributes().forEach(key -> names.add(key.name()));
        if (start.size() != names.size()) {
            throw DynamoDbException.validation("The provided starting key is invalid");
        }
        for (io.kubedyn.core.KeyAttribute key : index.keySchema().attributes()) {
            AttributeValue value = start.get(key.name());
            if (value == null) {
                throw DynamoDbException.validation("The provided starting key is invalid");
            }
            if (!key.type().matches(value)) {
                throw DynamoDbException.validation("The provided key element does not match the schema");
            }
        }
    }

    /** The key attributes of {@code item} a LastEvaluatedKey holds: the table's, then the index's. */
    Map<String, AttributeValue> keyAttributes(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> key = table.keySchema().attributesOf(item);
        if (index != null) {
            key.putAll(index.keySchema().attributesOf(item));
        }
        return key;
    }

    /**
     * Whether the read must fetch whole items from the table: a local index read asking for
     * attributes the index does not project (Select ALL_ATTRIBUTES, or a projection or filter
     * naming them)
     * reads them from the table, as DynamoDB does. A global index cannot: Select ALL_ATTRIBUTES
     * on one that does not project everything is DynamoDB's ValidationException, and a
     * projection gets only what the index holds.
     */
    boolean fetchesItems(PagedRead.Select select, ProjectionExpression projection, ConditionExpression filter) {
        if (index == null || index.projection().type() == IndexProjection.Type.ALL) {
            return false;
        }
        if (select == PagedRead.Select.ALL_ATTRIBUTES && index.global()) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Select type ALL_ATTRIBUTES "
                    + "is not supported for global secondary index " + index.name()
                    + " because its projection type is not ALL");
        }
        if (index.global()) {
            return false;
        }
        return select == PagedRead.Select.ALL_ATTRIBUTES
                || (projection != null && !projectsAll(projection.attributeNames()))
                || (filter != null && !projectsAll(filter.attributeNames()));
    }

    private boolean projectsAll(java.util.Set<String> attributes) {
        return attributes.stream().allMatch(a -> index.projects(a, table.keySchema()));
    }

    /** Where a page resumes: the index (or table) key of ExclusiveStartKey, and its storage key. */
    record Start(PrimaryKey key, byte[] storageKey) {
        long hash() {
            return key.hash();
        }
    }
}
