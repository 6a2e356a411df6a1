package io.kubedyn.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a table is, as CreateTable declared it: its name, primary key, attribute definitions and
 * the capacity settings DescribeTable reports back, and whether DeleteTable is refused
 * ({@code DeletionProtectionEnabled}), its stream while one is enabled (null otherwise) and the
 * attribute Time to Live reads while it is enabled (null otherwise). {@code tableId} is unique per incarnation, so
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
        boolean deletionProtectionEnabled,
        TableStream stream,
        String timeToLiveAttribute) {

    public TableDefinition {
        attributeDefinitions = Collections.unmodifiableMap(new LinkedHashMap<>(attributeDefinitions));
    }

    /** A table without deletion protection. */
    public TableDefinition(String name, String tableId, KeySchema keySchema, Map<String, ScalarType> attributeDefinitions,
            String billingMode, long readCapacityUnits, long writeCapacityUnits, long creationDateTimeMillis) {
        this(name, tableId, keySchema, attributeDefinitions, billingMode, readCapacityUnits, writeCapacityUnits,
                creationDateTimeMillis, false, null, null);
    }

    /** This table with deletion protection on or off. */
    public TableDefinition withDeletionProtection(boolean enabled) {
        return new TableDefinition(name, tableId, keySchema, attributeDefinitions, billingMode, readCapacityUnits,
                writeCapacityUnits, creationDateTimeMillis, enabled, stream, timeToLiveAttribute);
    }

    /** This table with {@code stream} enabled, or with no stream when it is null. */
    public TableDefinition withStream(TableStream stream) {
        return new TableDefinition(name, tableId, keySchema, attributeDefinitions, billingMode, readCapacityUnits,
                writeCapacityUnits, creationDateTimeMillis, deletionProtectionEnabled, stream, timeToLiveAttribute);
    }

    /** This table with Time to Live on {@code attribute}, or off when it is null. */
    public TableDefinition withTimeToLive(String attribute) {
        return new TableDefinition(name, tableId, keySchema, attributeDefinitions, billingMode, readCapacityUnits,
                writeCapacityUnits, creationDateTimeMillis, deletionProtectionEnabled, stream, attribute);
    }

    /** The table's stream while one is enabled. */
    public java.util.Optional<TableStream> streamEnabled() {
        return java.util.Optional.ofNullable(stream);
    }
}
