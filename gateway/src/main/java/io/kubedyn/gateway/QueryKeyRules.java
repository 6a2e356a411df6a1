package io.kubedyn.gateway;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.expression.LegacyParameters.AttributeCondition;
import io.kubedyn.core.expression.LegacyParameters.ComparisonOperator;
import io.kubedyn.core.expression.SortKeyMatch;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Query's key conditions and ExclusiveStartKey held against the table's or index's key schema,
 * in the order and the words of DynamoDB: key attribute by key attribute (the partition key, then
 * the sort key), the start key's value first, then the condition on it. For a key schema of one
 * partition and at most one sort attribute; a multi-attribute key's rules are its condition's.
 */
final class QueryKeyRules {
    /** Operators a key condition cannot use. */
    private static final Set<ComparisonOperator> NOT_INDEXABLE = EnumSet.of(
            ComparisonOperator.NULL,
            ComparisonOperator.NOT_NULL,
            ComparisonOperator.NE,
            ComparisonOperator.CONTAINS,
            ComparisonOperator.NOT_CONTAINS,
            ComparisonOperator.IN);

    private QueryKeyRules() {}

    /** Throws DynamoDB's ValidationException for the first key attribute whose start value or condition is wrong. */
    static void check(
            ReadTarget target, Map<String, AttributeCondition> conditions, Map<String, AttributeValue> start) {
        KeySchema schema = target.keySchema();
        if (schema.isMultiAttribute()) {
            return;
        }
        List<KeyAttribute> keys = new ArrayList<>();
        keys.add(schema.partitionKey());
        schema.sortKey().ifPresent(keys::add);
        if (start != null) {
            Set<String> names = new LinkedHashSet<>();
            target.table().keySchema().attributes().forEach(key -> names.add(key.name()));
            schema.attributes().forEach(key -> names.add(key.name()));
            if (start.size() != names.size()) {
                throw invalidStart();
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            KeyAttribute key = keys.get(i);
            boolean partition = i == 0;
            if (start != null) {
                AttributeValue value = start.get(key.name());
                if (value == null) {
                    throw invalidStart();
                }
                if (!key.type().matches(value)) {
                    throw DynamoDbException.validation("The provided key element does not match the schema");
                }
            }
            if (partition && keys.size() == 1 && conditions.size() > 1) {
                throw DynamoDbException.validation("Query key condition not supported");
            }
            AttributeCondition condition = conditions.get(key.name());
            if (condition == null) {
                if (partition || conditions.size() > 1) {
                    throw DynamoDbException.validation("Query condition missed key schema element: " + key.name());
                }
                continue;
            }
            if (NOT_INDEXABLE.contains(condition.operator())) {
                throw DynamoDbException.validation("Attempted conditional constraint is not an indexable operation");
            }
            if (condition.values().stream().anyMatch(value -> !key.type().matches(value))) {
                throw DynamoDbException.validation(
                        "One or more parameter values were invalid: Condition parameter type does not match schema type");
            }
            if (partition && condition.operator() != ComparisonOperator.EQ) {
                throw DynamoDbException.validation("Query key condition not supported");
            }
        }
    }

    /**
     * That a query resumed at {@code start} (its key on the table or index) lies within the
     * condition: the sort key satisfies the condition's, and the partition key is the condition's.
     */
    static void checkWithin(ReadTarget.Start start, KeyCondition condition) {
        boolean samePartition = start.key().partitionKey().equals(condition.partitionKey());
        if (condition.sortKey().isEmpty()) {
            if (!samePartition) {
                throw DynamoDbException.validation(
                        "The provided starting key is outside query boundaries based on provided conditions");
            }
            return;
        }
        if (start.key().sortKey() != null
                && !SortKeyMatch.test(condition.sortKey().get(), start.key().sortKey())) {
            throw DynamoDbException.validation("The provided starting key does not match the range key predicate");
        }
        if (!samePartition) {
            throw DynamoDbException.validation("The query can return at most one row and cannot be restarted");
        }
    }

    private static DynamoDbException invalidStart() {
        return DynamoDbException.validation("The provided starting key is invalid");
    }
}
