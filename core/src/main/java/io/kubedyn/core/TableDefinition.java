package io.kubedyn.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a table is, as CreateTable declared it: its name, primary key, attribute definitions and
 * the capacity settings DescribeTable reports back, and whether DeleteTable is refused
 * ({@code DeletionProtectionEnabled}). {@code tableId} is unique per incarnation, so
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
        long creationDateTimeMillis,
        boolean deletionProtectionEnabled) {

    public TableDefinition {
        attributeDefinitions = Collections.unmodifiableMap(new LinkedHashMap<>(attributeDefinitions));
    }

    /** A table without deletion protection. */
    public TableDefinition(String name, String tableId, KeySchema keySchema, Map<String, ScalarType> attributeDefinitions,
            String billingMode, long readCapacityUnits, long writeCapacityUnits, long creationDateTimeMillis) {
        this(name, tableId, keySchema, attributeDefinitions, billingMode, readCapacityUnits, writeCapacityUnits,
                creationDateTimeMillis, false);
    }

    /** This table with deletion protection on or off. */
    public TableDefinition withDeletionProtection(boolean enabled) {
        return new TableDefinition(name, tableId, keySchema, attributeDefinitions, billingMode, readCapacityUnits,
                writeCapacityUnits, creationDateTimeMillis, enabled);
    }
}
