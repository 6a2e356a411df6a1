package io.kubedyn.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a table is, as CreateTable declared it: its name, primary key, attribute definitions and
 * the capacity settings DescribeTable reports back, and whether DeleteTable is refused
 * ({@code DeletionProtectionEnabled}), its stream while one is enabled (null otherwise) and the
 * attribute Time to Live reads while it is enabled (null otherwise), and its tags (TagResource's
 * key-value pairs, in the order they were first given; {@link TableTags} holds their rules).
 * {@code tableId} is unique per incarnation, so a table deleted and created again under the same
 * name never sees the old one's data.
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
        String timeToLiveAttribute,
        List<SecondaryIndex> indexes,
        Map<String, String> tags,
        long payPerRequestSinceMillis) {

    /**
     * {@code payPerRequestSinceMillis}: when the table was last set to PAY_PER_REQUEST (DynamoDB's
     * LastUpdateToPayPerRequestDateTime), 0 if never; a PAY_PER_REQUEST table without one has been
     * so since its creation.
     */
    public TableDefinition {
        if (payPerRequestSinceMillis == 0 && "PAY_PER_REQUEST".equals(billingMode)) {
            payPerRequestSinceMillis = creationDateTimeMillis;
        }
        attributeDefinitions = Collections.unmodifiableMap(new LinkedHashMap<>(attributeDefinitions));
        indexes = List.copyOf(indexes);
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /** A table billed as it was created (PAY_PER_REQUEST since its creation, if so). */
    public TableDefinition(
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
            String timeToLiveAttribute,
            List<SecondaryIndex> indexes,
            Map<String, String> tags) {
        this(
                name,
                tableId,
                keySchema,
                attributeDefinitions,
                billingMode,
                readCapacityUnits,
                writeCapacityUnits,
                creationDateTimeMillis,
                deletionProtectionEnabled,
                stream,
                timeToLiveAttribute,
                indexes,
                tags,
                0);
    }

    /** A table without tags. */
    public TableDefinition(
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
            String timeToLiveAttribute,
            List<SecondaryIndex> indexes) {
        this(
                name,
                tableId,
                keySchema,
                attributeDefinitions,
                billingMode,
                readCapacityUnits,
                writeCapacityUnits,
                creationDateTimeMillis,
                deletionProtectionEnabled,
                stream,
                timeToLiveAttribute,
                indexes,
                Map.of());
    }

    /** A table without secondary indexes. */
    public TableDefinition(
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
        this(
                name,
                tableId,
                keySchema,
                attributeDefinitions,
                billingMode,
                readCapacityUnits,
                writeCapacityUnits,
                creationDateTimeMillis,
                deletionProtectionEnabled,
                stream,
                timeToLiveAttribute,
                List.of());
    }

    /** A table without deletion protection. */
    public TableDefinition(
            String name,
            String tableId,
            KeySchema keySchema,
            Map<String, ScalarType> attributeDefinitions,
            String billingMode,
            long readCapacityUnits,
            long writeCapacityUnits,
            long creationDateTimeMillis) {
        this(
                name,
                tableId,
                keySchema,
                attributeDefinitions,
                billingMode,
                readCapacityUnits,
                writeCapacityUnits,
                creationDateTimeMillis,
                false,
                null,
                null);
    }

    /** This table with deletion protection on or off. */
    public TableDefinition withDeletionProtection(boolean enabled) {
        return new TableDefinition(
                name,
                tableId,
                keySchema,
                attributeDefinitions,
                billingMode,
                readCapacityUnits,
                writeCapacityUnits,
                creationDateTimeMillis,
                enabled,
                stream,
                timeToLiveAttribute,
                indexes,
                tags,
                payPerRequestSinceMillis);
    }

    /** This table with {@code stream} enabled, or with no stream when it is null. */
    public TableDefinition withStream(TableStream stream) {
        return new TableDefinition(
                name,
                tableId,
                keySchema,
                attributeDefinitions,
                billingMode,
                readCapacityUnits,
                writeCapacityUnits,
                creationDateTimeMillis,
                deletionProtectionEnabled,
                stream,
                timeToLiveAttribute,
                indexes,
                tags,
                payPerRequestSinceMillis);
    }

    /** This table with Time to Live on {@code attribute}, or off when it is null. */
    public TableDefinition withTimeToLive(String attribute) {
        return new TableDefinition(
                name,
                tableId,
                keySchema,
                attributeDefinitions,
                billingMode,
                readCapacityUnits,
                writeCapacityUnits,
                creationDateTimeMillis,
                deletionProtectionEnabled,
                stream,
                attribute,
                indexes,
                tags,
                payPerRequestSinceMillis);
    }

    /**
     * This table with {@code indexes} as its secondary indexes, and as its attribute definitions
     * those of {@code attributes} that the table's or an index's key names (DynamoDB keeps no
     * others).
     */
    public TableDefinition withIndexes(List<SecondaryIndex> indexes, Map<String, ScalarType> attributes) {
        Map<String, ScalarType> used = new LinkedHashMap<>();
        attributes.forEach((attribute, type) -> {
            if (keySchema.isKeyAttribute(attribute)
                    || indexes.stream().anyMatch(index -> index.keySchema().isKeyAttribute(attribute))) {
                used.put(attribute, type);
            }
        });
        return new TableDefinition(
                name,
                tableId,
                keySchema,
                used,
                billingMode,
                readCapacityUnits,
                writeCapacityUnits,
                creationDateTimeMillis,
                deletionProtectionEnabled,
                stream,
                timeToLiveAttribute,
                indexes,
                tags,
                payPerRequestSinceMillis);
    }

    /** This table with {@code indexes} as its secondary indexes. */
    public TableDefinition withIndexes(List<SecondaryIndex> indexes) {
        return new TableDefinition(
                name,
                tableId,
                keySchema,
                attributeDefinitions,
                billingMode,
                readCapacityUnits,
                writeCapacityUnits,
                creationDateTimeMillis,
                deletionProtectionEnabled,
                stream,
                timeToLiveAttribute,
                indexes,
                tags,
                payPerRequestSinceMillis);
    }

    /**
     * This table billed by {@code billingMode} with the given capacity, its global indexes with
     * {@code indexRead} and {@code indexWrite} (each kept as it is when negative).
     */
    public TableDefinition withCapacity(String billingMode, long read, long write, long indexRead, long indexWrite) {
        return withCapacity(billingMode, read, write, indexRead, indexWrite, payPerRequestSinceMillis);
    }

    /**
     * This table with the given billing and capacity, as {@link #withCapacity(String, long, long,
     * long, long)}, changed at {@code nowMillis}: a table switched to PAY_PER_REQUEST has been so
     * since then.
     */
    public TableDefinition withCapacity(
            String billingMode, long read, long write, long indexRead, long indexWrite, long nowMillis) {
        long payPerRequestSince = billingMode.equals("PAY_PER_REQUEST") && !this.billingMode.equals(billingMode)
                ? nowMillis
                : payPerRequestSinceMillis;
        List<SecondaryIndex> capacities = indexes.stream()
                .map(index -> !index.global()
                        ? index
                        : new SecondaryIndex(
                                index.name(),
                                true,
                                index.keySchema(),
                                index.projection(),
                                indexRead < 0 ? index.readCapacityUnits() : indexRead,
                                indexWrite < 0 ? index.writeCapacityUnits() : indexWrite))
                .toList();
        return new TableDefinition(
                name,
                tableId,
                keySchema,
                attributeDefinitions,
                billingMode,
                read,
                write,
                creationDateTimeMillis,
                deletionProtectionEnabled,
                stream,
                timeToLiveAttribute,
                capacities,
                tags,
                payPerRequestSince);
    }

    /** This table with {@code tags} as its tags. */
    public TableDefinition withTags(Map<String, String> tags) {
        return new TableDefinition(
                name,
                tableId,
                keySchema,
                attributeDefinitions,
                billingMode,
                readCapacityUnits,
                writeCapacityUnits,
                creationDateTimeMillis,
                deletionProtectionEnabled,
                stream,
                timeToLiveAttribute,
                indexes,
                tags,
                payPerRequestSinceMillis);
    }

    /** The secondary index named {@code name}. */
    public java.util.Optional<SecondaryIndex> index(String name) {
        return indexes.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** The table's local secondary indexes: defined at creation, never changed. */
    public List<SecondaryIndex> localIndexes() {
        return indexes.stream().filter(index -> !index.global()).toList();
    }

    /** Whether the table has a global secondary index, fed from its change log. */
    public boolean hasGlobalIndexes() {
        return indexes.stream().anyMatch(SecondaryIndex::global);
    }

    /** The table's stream while one is enabled. */
    public java.util.Optional<TableStream> streamEnabled() {
        return java.util.Optional.ofNullable(stream);
    }
}
