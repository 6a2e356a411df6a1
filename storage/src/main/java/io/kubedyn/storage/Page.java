package io.kubedyn.storage;

import io.kubedyn.core.AttributeValue;
import java.util.List;
import java.util.Map;

/**
 * One page of a Query or Scan: the items read, in order, and the last item read when more
 * remain in the range (the caller turns its key into LastEvaluatedKey), or null when the range
 * is exhausted.
 */
public record Page(List<Map<String, AttributeValue>> items, Map<String, AttributeValue> lastEvaluated) {
    public Page {
        items = List.copyOf(items);
    }
}
