package io.kubedyn.core;

import java.util.Optional;

/** A Query's key condition: one partition, optionally narrowed by a condition on the sort key. */
public record KeyCondition(AttributeValue partitionKey, Optional<SortKeyCondition> sortKey) {
}
