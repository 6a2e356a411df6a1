package io.kubedyn.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a table is, as CreateTable declared it: its name, primary key, attribute definitions and
 * the capacity settings DescribeTable reports back. {@code tableId} is unique per incarnation, so
 * a table deleted and created again under the same name never sees the old one's data.
 */
public record TableDefinition(
        String name,
        String tableId,
        KeySchema keySchema,
        Map<String, ScalarType> attributeDefinitions,
        String billingMode,
        long readCapacityUnits,
        long writeCapacityUnits,
        long creationDateTimeMillis) {

    public TableDefinition {
        attributeDefinitions = Collections.unmodifiableMap(new LinkedHashMap<>(attributeDefinitions));
    }
}
