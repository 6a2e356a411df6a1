package io.kubedyn.storage;

import io.kubedyn.core.AttributeValue;
import java.util.Map;

/** An item before and after one write; either is null where there was, or is, no item. */
public record WriteResult(Map<String, AttributeValue> old, Map<String, AttributeValue> updated) {
}
