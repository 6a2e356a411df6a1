package io.kubedyn.core;

import java.util.Optional;

/**
 * A Query's key condition: one partition, optionally narrowed by a condition on the sort key.
 * For a multi-attribute key, the values are those {@link KeySchema#keyValue} makes of the parts.
 */
public record KeyCondition(AttributeValue partitionKey, Optional<SortKeyCondition> sortKey) {}
