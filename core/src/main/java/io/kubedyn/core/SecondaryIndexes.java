package io.kubedyn.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DynamoDB's rules for the secondary indexes a table declares, checked in DynamoDB's order and
 * worded in its words: one home, used by the gateway's CreateTable and by the operator's
 * validation of a {@code Table}.
 */
public final class SecondaryIndexes {
    public static final int MAX_LOCAL = 5;
    public static final int MAX_GLOBAL = 20;
    /** Non-key attributes projected into all of a table's indexes together. */
    public static final int MAX_PROJECTED_ATTRIBUTES = 100;

    /**
     * An index as declared (CreateTable's LocalSecondaryIndexes or GlobalSecondaryIndexes
     * member, or a {@code Table}'s spec): names and types not yet checked. {@code projectionType}
     * and {@code nonKeyAttributes} may be null; so may the capacities.
     */
    public record Declared(
            String name,
            List<KeySchemaRules.Element> keySchema,
            String projectionType,
            List<String> nonKeyAttributes,
            Long readCapacityUnits,
            Long writeCapacityUnits) {}

    private SecondaryIndexes() {}

    /**
     * The indexes of a table with key schema {@code table} and {@code attributes}, or DynamoDB's
     * ValidationException for the first rule they break. Null lists mean the member was absent.
     */
    public static List<SecondaryIndex> of(
            KeySchema table,
            Map<String, ScalarType> attributes,
            String billingMode,
            List<Declared> locals,
            List<Declared> globals) {
        List<SecondaryIndex> indexes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (locals != null) {
            if (locals.isEmpty()) {
                throw invalid("List of LocalSecondaryIndexes is empty");
            }
            if (table.sortKey().isEmpty()) {
                throw invalid("Table KeySchema does not have a range key, which is required when specifying a "
                        + "LocalSecondaryIndex");
            }
            for (Declared declared : locals) {
                KeySchema schema = keySchema(declared, attributes, false);
                if (schema.sortKey().isEmpty()) {
                    throw invalid("Index KeySchema does not have a range key for index: " + declared.name());
                }
                String hash = schema.partitionKey().name();
                if (!hash.equals(table.partitionKey().name())) {
                    throw invalid("Index KeySchema does not have the same leading hash key as table KeySchema for "
                            + "index: " + declared.name() + ". index hash key: " + hash + ", table hash key: "
                            + table.partitionKey().name());
                }
                IndexProjection projection = projection(declared);
                unique(declared.name(), names);
                indexes.add(SecondaryIndex.local(declared.name(), schema, projection));
            }
            if (locals.size() > MAX_LOCAL) {
                throw invalid("Number of LocalSecondaryIndexes exceeds per-table limit of " + MAX_LOCAL);
            }
        }
        if (globals != null) {
            if (globals.isEmpty()) {
                throw invalid("List of GlobalSecondaryIndexes is empty");
            }
            for (Declared declared : globals) {
                KeySchema schema = keySchema(declared, attributes, true);
                IndexProjection projection = projection(declared);
                boolean hasThroughput = declared.readCapacityUnits() != null || declared.writeCapacityUnits() != null;
                long read = 0;
                long write = 0;
                if ("PAY_PER_REQUEST".equals(billingMode)) {
                    if (hasThroughput) {
                        throw invalid("ProvisionedThroughput should not be specified for index: " + declared.name()
                                + " when BillingMode is PAY_PER_REQUEST");
                    }
                } else {
                    if (declared.readCapacityUnits() == null || declared.writeCapacityUnits() == null) {
                        throw invalid("ProvisionedThroughput must be specified for index: " + declared.name());
                    }
                    read = declared.readCapacityUnits();
                    write = declared.writeCapacityUnits();
                }
                unique(declared.name(), names);
                indexes.add(new SecondaryIndex(declared.name(), true, schema, projection, read, write));
            }
            if (globals.size() > MAX_GLOBAL) {
                throw invalid("GlobalSecondaryIndex count exceeds the per-table limit of " + MAX_GLOBAL);
            }
        }
        int projected = 0;
        for (SecondaryIndex index : indexes) {
            projected += index.projection().nonKeyAttributes().size();
        }
        if (projected > MAX_PROJECTED_ATTRIBUTES) {
            throw invalid("The number of projected attributes in all indexes exceeds the limit of "
                    + MAX_PROJECTED_ATTRIBUTES + ": " + projected);
        }
        unused(table, attributes, indexes);
        return List.copyOf(indexes);
    }

    /** Every attribute definition must be a key attribute of the table or of an index. */
    private static void unused(KeySchema table, Map<String, ScalarType> attributes, List<SecondaryIndex> indexes) {
        Set<String> used = new LinkedHashSet<>();
        table.attributes().forEach(k -> used.add(k.name()));
        for (SecondaryIndex index : indexes) {
            index.keySchema().attributes().forEach(k -> used.add(k.name()));
        }
        if (!used.containsAll(attributes.keySet())) {
            throw invalid("Some AttributeDefinitions are not used. AttributeDefinitions: " + attributes.keySet()
                    + ", keys used: " + used);
        }
    }

    /**
     * The index's key schema. A global index may have a multi-attribute key: up to four HASH
     * elements, then up to four RANGE elements; a local index has one of each.
     */
    private static KeySchema keySchema(Declared declared, Map<String, ScalarType> attributes, boolean global) {
        List<KeySchemaRules.Element> elements = declared.keySchema();
        List<String> names =
                elements.stream().map(KeySchemaRules.Element::attributeName).toList();
        if (names.stream().anyMatch(n -> !attributes.containsKey(n))) {
            throw invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: " + names
                    + ", AttributeDefinitions: " + attributes.keySet());
        }
        long hashCount = elements.stream()
                .filter(e -> KeySchemaRules.HASH.equals(e.keyType()))
                .count();
        if (global && (hashCount > 1 || elements.size() - hashCount > 1)) {
            return multiAttributeKeySchema(declared, attributes);
        }
        if (elements.size() > 2) {
            throw invalid("Index KeySchema has " + elements.size() + " elements for index: " + declared.name()
                    + "; a local secondary index has one HASH and one RANGE key");
        }
        if (elements.size() > 1 && names.get(0).equals(names.get(1))) {
            throw DynamoDbException.validation(
                    "Both the Hash Key and the Range Key element in the KeySchema have the same name");
        }
        if (elements.isEmpty() || !KeySchemaRules.HASH.equals(elements.get(0).keyType())) {
            throw DynamoDbException.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
        }
        if (elements.size() > 1 && !KeySchemaRules.RANGE.equals(elements.get(1).keyType())) {
            throw DynamoDbException.validation(
                    "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
        }
        String hash = names.get(0);
        String range = elements.size() > 1 ? names.get(1) : null;
        return KeySchema.of(
                new KeyAttribute(hash, attributes.get(hash)),
                range == null ? null : new KeyAttribute(range, attributes.get(range)));
    }

    private static KeySchema multiAttributeKeySchema(Declared declared, Map<String, ScalarType> attributes) {
        Map<String, String> types = new LinkedHashMap<>();
        attributes.forEach((name, type) -> types.put(name, type.name()));
        List<KeySchemaRules.Finding> findings =
                KeySchemaRules.check(declared.keySchema(), types, KeySchema.MAX_ATTRIBUTES_PER_ROLE);
        if (!findings.isEmpty()) {
            KeySchemaRules.Finding finding = findings.get(0);
            String index = " for index: " + declared.name();
            throw switch (finding.violation()) {
                case TOO_MANY_HASH_KEYS ->
                    invalid("Index KeySchema has " + finding.elements().size()
                            + " HASH keys" + index + "; a multi-attribute partition key has at most "
                            + KeySchema.MAX_ATTRIBUTES_PER_ROLE);
                case TOO_MANY_RANGE_KEYS ->
                    invalid("Index KeySchema has " + finding.elements().size()
                            + " RANGE keys" + index + "; a multi-attribute sort key has at most "
                            + KeySchema.MAX_ATTRIBUTES_PER_ROLE);
                case NO_HASH_KEY, HASH_KEY_NOT_FIRST ->
                    DynamoDbException.validation("Invalid KeySchema: "
                            + "every HASH KeySchemaElement must come before every RANGE KeySchemaElement" + index);
                case SAME_ATTRIBUTE ->
                    invalid("Index KeySchema names attribute "
                            + finding.elements().get(0).attributeName() + " more than once" + index);
                case UNKNOWN_KEY_TYPE ->
                    invalid("Invalid KeyType " + finding.elements().get(0).keyType() + index);
                // Undefined attributes were refused before; attribute types are S, N or B.
                case UNDEFINED_ATTRIBUTE, NOT_A_KEY_TYPE -> new IllegalStateException(finding.toString());
            };
        }
        List<KeyAttribute> hash = new ArrayList<>();
        List<KeyAttribute> range = new ArrayList<>();
        for (KeySchemaRules.Element element : declared.keySchema()) {
            KeyAttribute key = new KeyAttribute(element.attributeName(), attributes.get(element.attributeName()));
            (KeySchemaRules.HASH.equals(element.keyType()) ? hash : range).add(key);
        }
        return new KeySchema(hash, range);
    }

    private static IndexProjection projection(Declared declared) {
        if (declared.projectionType() == null) {
            throw invalid("Unknown ProjectionType: null");
        }
        IndexProjection.Type type;
        try {
            type = IndexProjection.Type.valueOf(declared.projectionType());
        } catch (IllegalArgumentException e) {
            throw invalid("Unknown ProjectionType: " + declared.projectionType());
        }
        if (declared.nonKeyAttributes() != null && type != IndexProjection.Type.INCLUDE) {
            throw invalid("ProjectionType is " + type + ", but NonKeyAttributes is specified");
        }
        if (type == IndexProjection.Type.INCLUDE) {
            if (declared.nonKeyAttributes() == null
                    || declared.nonKeyAttributes().isEmpty()) {
                throw invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
            }
            return IndexProjection.include(declared.nonKeyAttributes());
        }
        return type == IndexProjection.Type.ALL ? IndexProjection.ALL : IndexProjection.KEYS_ONLY;
    }

    private static void unique(String name, Set<String> names) {
        if (!names.add(name)) {
            throw invalid("Duplicate index name: " + name);
        }
    }

    private static DynamoDbException invalid(String message) {
        return DynamoDbException.validation("One or more parameter values were invalid: " + message);
    }

    /**
     * Refuses an item whose value for an index key attribute has another type than the index
     * declares, or is an empty string or binary (DynamoDB refuses both on the write; an item
     * simply without the attribute is not in the index).
     */
    public static void checkItem(TableDefinition table, Map<String, AttributeValue> item) {
        for (SecondaryIndex index : table.indexes()) {
            for (KeyAttribute key : index.keySchema().attributes()) {
                check(index, key, item);
            }
        }
    }

    private static void check(SecondaryIndex index, KeyAttribute key, Map<String, AttributeValue> item) {
        AttributeValue value = item.get(key.name());
        if (value == null) {
            return;
        }
        if (!key.type().matches(value)) {
            throw invalid("Type mismatch for Index Key " + key.name() + " Expected: " + key.type() + " Actual: "
                    + value.type() + " IndexName: " + index.name());
        }
        if (KeyEncoding.rawLength(value) == 0) {
            throw DynamoDbException.validation("One or more parameter values are not valid. A value specified for a "
                    + "secondary index key is not supported. The AttributeValue for a key attribute cannot contain an "
                    + "empty " + (value instanceof AttributeValue.S ? "string" : "binary") + " value. IndexName: "
                    + index.name() + ", IndexKey: " + key.name());
        }
    }
}
