package io.kubedyn.crd;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.KeySchemaRules;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.SecondaryIndexes;
import io.kubedyn.core.StreamViewType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one mapping between a {@code Table} resource and the DynamoDB table it declares: the
 * gateway reads tables through it, CreateTable writes resources through it, and the operator
 * hands the same definition to the table's storage pods. The table's name is
 * {@link TableNames#of}, its id the resource's uid and its creation time the resource's
 * creationTimestamp.
 */
public final class TableDefinitions {
    public static final String PAY_PER_REQUEST = "PAY_PER_REQUEST";
    public static final String PROVISIONED = "PROVISIONED";

    /**
     * The annotation that says since when a Table switched to PAY_PER_REQUEST after its creation
     * has been so (an instant, as DynamoDB's LastUpdateToPayPerRequestDateTime); a Table created
     * PAY_PER_REQUEST needs none.
     */
    public static final String PAY_PER_REQUEST_SINCE = "kubedyn.io/pay-per-request-since";

    private TableDefinitions() {}

    /** The table a (valid) resource declares. */
    public static TableDefinition of(Table resource) {
        TableSpec spec = resource.getSpec();
        Map<String, ScalarType> types = typesOf(spec);
        KeySchema keySchema = keySchemaOf(spec, types);
        List<io.kubedyn.core.SecondaryIndex> indexes = indexesOf(spec, keySchema, types);
        String created = resource.getMetadata().getCreationTimestamp();
        ProvisionedThroughput throughput = spec.getProvisionedThroughput();
        return new TableDefinition(
                        TableNames.of(resource),
                        resource.getMetadata().getUid(),
                        keySchema,
                        types,
                        billingModeOf(spec),
                        throughput == null || throughput.getReadCapacityUnits() == null
                                ? 0
                                : throughput.getReadCapacityUnits(),
                        throughput == null || throughput.getWriteCapacityUnits() == null
                                ? 0
                                : throughput.getWriteCapacityUnits(),
                        created == null ? 0 : Instant.parse(created).toEpochMilli(),
                        Boolean.TRUE.equals(spec.getDeletionProtectionEnabled()),
                        streamOf(spec, created),
                        timeToLiveOf(spec),
                        List.of(),
                        tagsOf(spec),
                        payPerRequestSinceOf(resource))
                // Only the attributes the table's or an index's key names are its definitions.
                .withIndexes(indexes, types);
    }

    /** The {@link #PAY_PER_REQUEST_SINCE} instant in epoch milliseconds, 0 when absent or unreadable. */
    private static long payPerRequestSinceOf(Table resource) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        String since = annotations == null ? null : annotations.get(PAY_PER_REQUEST_SINCE);
        if (since == null) {
            return 0;
        }
        try {
            return Instant.parse(since).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return 0;
        }
    }

    /**
     * DynamoDB's words for the first rule the secondary indexes of {@code spec} break, or empty
     * when they keep every rule; the table's own key schema must be valid.
     */
    public static Optional<String> indexViolation(TableSpec spec) {
        Map<String, ScalarType> types = typesOf(spec);
        try {
            indexesOf(spec, keySchemaOf(spec, types), types);
            return Optional.empty();
        } catch (DynamoDbException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The attribute definitions of a (valid) spec, in its order. */
    private static Map<String, ScalarType> typesOf(TableSpec spec) {
        Map<String, ScalarType> types = new LinkedHashMap<>();
        for (AttributeDefinition attribute : spec.getAttributeDefinitions()) {
            types.put(attribute.getAttributeName(), ScalarType.valueOf(attribute.getAttributeType()));
        }
        return types;
    }

    /** The table's key schema of a (valid) spec. */
    private static KeySchema keySchemaOf(TableSpec spec, Map<String, ScalarType> types) {
        KeyAttribute hash = null;
        KeyAttribute range = null;
        for (KeySchemaElement key : spec.getKeySchema()) {
            KeyAttribute attribute = new KeyAttribute(key.getAttributeName(), types.get(key.getAttributeName()));
            if ("HASH".equals(key.getKeyType())) {
                hash = attribute;
            } else {
                range = attribute;
            }
        }
        return KeySchema.of(hash, range);
    }

    /** {@code spec.billingMode}, PAY_PER_REQUEST when unset. */
    private static String billingModeOf(TableSpec spec) {
        return spec.getBillingMode() == null ? PAY_PER_REQUEST : spec.getBillingMode();
    }

    /** The secondary indexes of {@code spec}, by DynamoDB's rules ({@link SecondaryIndexes}). */
    private static List<io.kubedyn.core.SecondaryIndex> indexesOf(
            TableSpec spec, KeySchema keySchema, Map<String, ScalarType> types) {
        List<SecondaryIndexes.Declared> locals = declared(spec.getLocalSecondaryIndexes());
        List<SecondaryIndexes.Declared> globals = declared(spec.getGlobalSecondaryIndexes());
        if (locals == null && globals == null) {
            return List.of();
        }
        return SecondaryIndexes.of(keySchema, types, billingModeOf(spec), locals, globals);
    }

    private static List<SecondaryIndexes.Declared> declared(List<? extends SecondaryIndex> indexes) {
        if (indexes == null || indexes.isEmpty()) {
            return null;
        }
        List<SecondaryIndexes.Declared> declared = new ArrayList<>();
        for (SecondaryIndex index : indexes) {
            List<KeySchemaRules.Element> elements = new ArrayList<>();
            for (KeySchemaElement key : index.getKeySchema()) {
                elements.add(new KeySchemaRules.Element(key.getAttributeName(), key.getKeyType()));
            }
            Projection projection = index.getProjection();
            ProvisionedThroughput throughput =
                    index instanceof GlobalSecondaryIndex global ? global.getProvisionedThroughput() : null;
            declared.add(new SecondaryIndexes.Declared(
                    index.getIndexName(),
                    elements,
                    projection == null ? null : projection.getProjectionType(),
                    projection == null ? null : projection.getNonKeyAttributes(),
                    throughput == null ? null : throughput.getReadCapacityUnits(),
                    throughput == null ? null : throughput.getWriteCapacityUnits()));
        }
        return declared;
    }

    /** An index of the table as the spec declares it. */
    private static <T extends SecondaryIndex> T declaredOf(io.kubedyn.core.SecondaryIndex index, T declared) {
        declared.setIndexName(index.name());
        List<KeySchemaElement> keySchema = new ArrayList<>();
        index.keySchema().partitionKeys().forEach(k -> keySchema.add(new KeySchemaElement(k.name(), "HASH")));
        index.keySchema().sortKeys().forEach(k -> keySchema.add(new KeySchemaElement(k.name(), "RANGE")));
        declared.setKeySchema(keySchema);
        Projection projection = new Projection();
        projection.setProjectionType(index.projection().type().name());
        if (!index.projection().nonKeyAttributes().isEmpty()) {
            projection.setNonKeyAttributes(new ArrayList<>(index.projection().nonKeyAttributes()));
        }
        declared.setProjection(projection);
        return declared;
    }

    /** {@code spec.globalSecondaryIndexes} for the table's global indexes (null when it has none). */
    public static List<GlobalSecondaryIndex> globalSecondaryIndexesOf(TableDefinition table) {
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (io.kubedyn.core.SecondaryIndex index : table.indexes()) {
            if (index.global()) {
                GlobalSecondaryIndex declared = declaredOf(index, new GlobalSecondaryIndex());
                if (PROVISIONED.equals(table.billingMode())) {
                    declared.setProvisionedThroughput(
                            new ProvisionedThroughput(index.readCapacityUnits(), index.writeCapacityUnits()));
                }
                indexes.add(declared);
            }
        }
        return indexes.isEmpty() ? null : indexes;
    }

    /** {@code spec.attributeDefinitions} for the table's attribute definitions. */
    public static List<AttributeDefinition> attributeDefinitionsOf(TableDefinition table) {
        List<AttributeDefinition> attributes = new ArrayList<>();
        table.attributeDefinitions()
                .forEach((name, type) -> attributes.add(new AttributeDefinition(name, type.name())));
        return attributes;
    }

    /** {@code spec.localSecondaryIndexes} for the table's local indexes (null when it has none). */
    private static List<SecondaryIndex> localSecondaryIndexesOf(TableDefinition table) {
        List<SecondaryIndex> indexes = new ArrayList<>();
        for (io.kubedyn.core.SecondaryIndex index : table.indexes()) {
            if (!index.global()) {
                indexes.add(declaredOf(index, new SecondaryIndex()));
            }
        }
        return indexes.isEmpty() ? null : indexes;
    }

    /**
     * The table's stream while {@code spec.streamSpecification} enables one. Its label is the
     * Table's creation time: the same for every gateway and pod, and it survives edits of the
     * resource (a stream disabled and enabled again keeps its label, where DynamoDB gives a new one).
     */
    private static TableStream streamOf(TableSpec spec, String created) {
        StreamSpecification stream = spec.getStreamSpecification();
        if (stream == null || !Boolean.TRUE.equals(stream.getStreamEnabled()) || stream.getStreamViewType() == null) {
            return null;
        }
        TableStream enabled = TableStream.enabledAt(
                StreamViewType.valueOf(stream.getStreamViewType()),
                created == null ? 0 : Instant.parse(created).toEpochMilli());
        return spec.getStreamRetentionHours() == null
                ? enabled
                : new TableStream(enabled.viewType(), enabled.label(), spec.getStreamRetentionHours() * 3600L);
    }

    /** The attribute Time to Live reads while {@code spec.timeToLive} enables it, else null. */
    private static String timeToLiveOf(TableSpec spec) {
        TimeToLive ttl = spec.getTimeToLive();
        return ttl != null && Boolean.TRUE.equals(ttl.getEnabled()) ? ttl.getAttributeName() : null;
    }

    /** {@code spec.timeToLive} for the table's Time to Live (null when it is off). */
    public static TimeToLive timeToLiveSpecOf(TableDefinition table) {
        if (table.timeToLiveAttribute() == null) {
            return null;
        }
        TimeToLive ttl = new TimeToLive();
        ttl.setAttributeName(table.timeToLiveAttribute());
        ttl.setEnabled(true);
        return ttl;
    }

    /** {@code spec.provisionedThroughput} for a PROVISIONED table (null for PAY_PER_REQUEST). */
    public static ProvisionedThroughput provisionedThroughputOf(TableDefinition table) {
        return PROVISIONED.equals(table.billingMode())
                ? new ProvisionedThroughput(table.readCapacityUnits(), table.writeCapacityUnits())
                : null;
    }

    /** The tags of {@code spec.tags}, in its order (a tag without a value has the empty one). */
    private static Map<String, String> tagsOf(TableSpec spec) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (spec.getTags() != null) {
            spec.getTags().forEach(tag -> tags.put(tag.getKey(), tag.getValue() == null ? "" : tag.getValue()));
        }
        return tags;
    }

    /** {@code spec.tags} for the table's tags (null when it has none). */
    public static List<Tag> tagsOf(TableDefinition table) {
        if (table.tags().isEmpty()) {
            return null;
        }
        List<Tag> tags = new ArrayList<>();
        table.tags().forEach((key, value) -> tags.add(new Tag(key, value)));
        return tags;
    }

    /** {@code spec.streamSpecification} for the table's stream (null when it has none). */
    public static StreamSpecification streamSpecificationOf(TableDefinition table) {
        if (table.stream() == null) {
            return null;
        }
        StreamSpecification stream = new StreamSpecification();
        stream.setStreamEnabled(true);
        stream.setStreamViewType(table.stream().viewType().name());
        return stream;
    }

    /**
     * The resource that declares {@code table} in {@code namespace} with {@code shards} shards,
     * as CreateTable makes it: named after the table ({@link TableNames#resourceName}), with the
     * table's exact name in {@code spec.tableName}. Its data goes with it ({@code deletionPolicy: Delete}): DynamoDB's
     * DeleteTable deletes a table's items, so a table created and deleted through the DynamoDB
     * API must not leave volumes behind for the next table of that name to find.
     */
    public static Table resourceOf(TableDefinition table, String namespace, int shards) {
        Table resource = new Table();
        resource.setMetadata(new ObjectMetaBuilder()
                .withName(TableNames.resourceName(table.name()))
                .withNamespace(namespace)
                .build());
        TableSpec spec = new TableSpec();
        spec.setTableName(table.name());
        spec.setBillingMode(table.billingMode());
        spec.setProvisionedThroughput(provisionedThroughputOf(table));
        if (table.deletionProtectionEnabled()) {
            spec.setDeletionProtectionEnabled(true);
        }
        spec.setStreamSpecification(streamSpecificationOf(table));
        spec.setTimeToLive(timeToLiveSpecOf(table));
        spec.setTags(tagsOf(table));
        spec.setAttributeDefinitions(attributeDefinitionsOf(table));
        List<KeySchemaElement> keySchema = new ArrayList<>();
        keySchema.add(new KeySchemaElement(table.keySchema().partitionKey().name(), "HASH"));
        table.keySchema().sortKey().ifPresent(sk -> keySchema.add(new KeySchemaElement(sk.name(), "RANGE")));
        spec.setKeySchema(keySchema);
        spec.setLocalSecondaryIndexes(localSecondaryIndexesOf(table));
        spec.setGlobalSecondaryIndexes(globalSecondaryIndexesOf(table));
        spec.setShards(shards);
        spec.setDeletionPolicy(DeletionPolicy.DELETE);
        resource.setSpec(spec);
        return resource;
    }
}
