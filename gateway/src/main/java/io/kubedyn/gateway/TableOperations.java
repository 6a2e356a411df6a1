package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.KeySchemaRules;
import io.kubedyn.core.ResourceArns;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.SecondaryIndexes;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableStream;
import io.kubedyn.core.TableTags;
import io.kubedyn.storage.IndexStatus;
import io.kubedyn.storage.TableEstimates;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** CreateTable, UpdateTable, DeleteTable, DescribeTable and ListTables. */
final class TableOperations {
    private final StoragePlane plane;
    private final Clock clock;

    TableOperations(StoragePlane plane, Clock clock) {
        this.plane = plane;
        this.clock = clock;
    }

    void register(Map<String, Operation> operations) {
        operations.put("CreateTable", this::createTable);
        operations.put("DeleteTable", this::deleteTable);
        operations.put("DescribeTable", this::describeTable);
        operations.put("ListTables", this::listTables);
        operations.put("UpdateTable", this::updateTable);
    }

    private void createTable(Request request, JsonGenerator out) throws IOException {
        String name = request.tableName();
        TableStream stream = StreamSpecifications.of(request)
                .filter(StreamSpecifications.Asked::enabled)
                .map(asked -> TableStream.enabledAt(asked.viewType(), clock.millis()))
                .orElse(null);
        // DynamoDB's order: the billing mode and throughput, then the key schema, then the indexes.
        String billingMode = request.string("BillingMode", "PROVISIONED");
        long read = 0;
        long write = 0;
        JsonNode throughput = request.node("ProvisionedThroughput");
        if (billingMode.equals("PROVISIONED")) {
            if (throughput == null
                    || !throughput.hasNonNull("ReadCapacityUnits")
                    || !throughput.hasNonNull("WriteCapacityUnits")) {
                throw DynamoDbException.validation(
                        "One or more parameter values were invalid: "
                                + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
            }
            read = capacity(throughput, "ReadCapacityUnits");
            write = capacity(throughput, "WriteCapacityUnits");
        } else if (throughput != null) {
            throw DynamoDbException.validation(
                    "One or more parameter values were invalid: "
                            + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
        }
        Map<String, ScalarType> attributes = attributeDefinitions(request);
        boolean indexed = request.has("LocalSecondaryIndexes") || request.has("GlobalSecondaryIndexes");
        KeySchema keySchema = keySchema(request, attributes, indexed);
        List<SecondaryIndex> indexes = SecondaryIndexes.of(
                keySchema,
                attributes,
                billingMode,
                declaredIndexes(request, "LocalSecondaryIndexes"),
                declaredIndexes(request, "GlobalSecondaryIndexes"));
        Map<String, String> tags = new LinkedHashMap<>();
        if (request.has("Tags")) {
            request.node("Tags")
                    .forEach(tag -> tags.put(
                            tag.get("Key").textValue(), tag.get("Value").textValue()));
        }
        TableDefinition table = new TableDefinition(
                name,
                UUID.randomUUID().toString(),
                keySchema,
                attributes,
                billingMode,
                read,
                write,
                clock.millis(),
                request.bool("DeletionProtectionEnabled", false),
                stream,
                null,
                indexes,
                TableTags.tagged(Map.of(), tags));
        TableCatalog.TableDescription created = plane.controlPlane().createTable(table);
        out.writeStartObject();
        out.writeFieldName("TableDescription");
        TableDescriptionWriter.write(out, created.definition(), created.status(), 0);
        out.writeEndObject();
    }

    /** DynamoDB's largest provisioned capacity. */
    private static final long MAX_CAPACITY_UNITS = 1_000_000_000_000L;

    /** A capacity the model checked (there, a long of at least 1), within DynamoDB's largest. */
    private static long capacity(JsonNode throughput, String member) {
        long units = throughput.get(member).longValue();
        if (units > MAX_CAPACITY_UNITS) {
            throw DynamoDbException.validation("Given value " + units + " for " + member + " is out of bounds");
        }
        return units;
    }

    private static Map<String, ScalarType> attributeDefinitions(Request request) {
        JsonNode definitions = request.node("AttributeDefinitions");
        if (definitions == null) {
            // Optional in the model (a table created from a global table's source has none),
            // required of every other CreateTable.
            throw DynamoDbException.validation("1 validation error detected: Value null at 'attributeDefinitions' "
                    + "failed to satisfy constraint: Member must not be null");
        }
        Map<String, ScalarType> attributes = new LinkedHashMap<>();
        for (JsonNode definition : definitions) {
            String name = definition.get("AttributeName").textValue();
            String type = definition.get("AttributeType").textValue();
            if (attributes.put(name, ScalarType.parse(type)) != null) {
                throw DynamoDbException.validation(
                        "Cannot have two attributes with the same name in AttributeDefinitions: " + name);
            }
        }
        return attributes;
    }

    /**
     * LocalSecondaryIndexes or GlobalSecondaryIndexes as declared, or null when absent; their
     * rules are {@link SecondaryIndexes}'.
     */
    private static List<SecondaryIndexes.Declared> declaredIndexes(Request request, String member) {
        JsonNode indexes = request.node(member);
        if (indexes == null) {
            return null;
        }
        String path = Character.toLowerCase(member.charAt(0)) + member.substring(1);
        List<SecondaryIndexes.Declared> declared = new ArrayList<>();
        for (JsonNode index : indexes) {
            declared.add(declaredIndex(index, path + ".member"));
        }
        return declared;
    }

    /** One index as a CreateTable or an UpdateTable Create declares it. */
    private static SecondaryIndexes.Declared declaredIndex(JsonNode index, String path) {
        // The model checked IndexName, KeySchema and Projection are there, and their forms.
        String name = index.get("IndexName").textValue();
        List<KeySchemaRules.Element> elements = new ArrayList<>();
        for (JsonNode element : index.get("KeySchema")) {
            elements.add(new KeySchemaRules.Element(
                    element.get("AttributeName").textValue(),
                    element.get("KeyType").textValue()));
        }
        JsonNode projection = index.get("Projection");
        List<String> nonKey = null;
        if (projection.has("NonKeyAttributes")) {
            nonKey = new ArrayList<>();
            for (JsonNode attribute : projection.get("NonKeyAttributes")) {
                nonKey.add(attribute.asText());
            }
        }
        JsonNode throughput = index.get("ProvisionedThroughput");
        Long read = throughput == null ? null : capacity(throughput, "ReadCapacityUnits");
        Long write = throughput == null ? null : capacity(throughput, "WriteCapacityUnits");
        return new SecondaryIndexes.Declared(
                name, elements, projection.path("ProjectionType").asText(null), nonKey, read, write);
    }

    private static KeySchema keySchema(Request request, Map<String, ScalarType> attributes, boolean indexed) {
        JsonNode elements = request.node("KeySchema");
        if (elements == null) {
            // Optional in the model (see AttributeDefinitions), required of every other CreateTable.
            throw DynamoDbException.validation("1 validation error detected: Value null at 'keySchema' "
                    + "failed to satisfy constraint: Member must not be null");
        }
        if (elements.size() > 2) {
            // The model allows more (an index's multi-attribute key); a table's key has one or two.
            throw DynamoDbException.validation("1 validation error detected: Value '" + elements
                    + "' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2");
        }
        List<KeySchemaRules.Element> schema = new ArrayList<>();
        for (JsonNode element : elements) {
            schema.add(new KeySchemaRules.Element(
                    element.get("AttributeName").textValue(),
                    element.get("KeyType").textValue()));
        }
        Map<String, String> types = new LinkedHashMap<>();
        attributes.forEach((name, type) -> types.put(name, type.name()));
        if (!KeySchemaRules.check(schema, types).isEmpty()) {
            throw DynamoDbException.validation(dynamoDbWords(schema, attributes));
        }
        String hash = schema.get(0).attributeName();
        String range = schema.size() > 1 ? schema.get(1).attributeName() : null;
        if (!indexed && attributes.size() != schema.size()) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Number of attributes in "
                    + "KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
        }
        return KeySchema.of(
                new KeyAttribute(hash, attributes.get(hash)),
                range == null ? null : new KeyAttribute(range, attributes.get(range)));
    }

    /**
     * What is wrong with a table's key schema of one or two elements (which {@link KeySchemaRules}
     * found invalid), in the words and the order of DynamoDB's CreateTable.
     */
    private static String dynamoDbWords(List<KeySchemaRules.Element> schema, Map<String, ScalarType> attributes) {
        List<String> keys =
                schema.stream().map(KeySchemaRules.Element::attributeName).toList();
        if (keys.size() > attributes.size()) {
            return "Invalid KeySchema: Some index key attribute have no definition";
        }
        if (!attributes.keySet().containsAll(keys)) {
            return "One or more parameter values were invalid: Some index key attributes are not defined in "
                    + "AttributeDefinitions. Keys: " + keys + ", AttributeDefinitions: " + attributes.keySet();
        }
        if (keys.size() == 2 && keys.get(0).equals(keys.get(1))) {
            return "Both the Hash Key and the Range Key element in the KeySchema have the same name";
        }
        if (!KeySchemaRules.HASH.equals(schema.get(0).keyType())) {
            return "Invalid KeySchema: The first KeySchemaElement is not a HASH key type";
        }
        return "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type";
    }

    /** Members of UpdateTable served in this release; any other is refused by name. */
    private static final List<String> UPDATABLE = List.of(
            "TableName",
            "StreamSpecification",
            "DeletionProtectionEnabled",
            "GlobalSecondaryIndexUpdates",
            "AttributeDefinitions",
            "BillingMode",
            "ProvisionedThroughput");

    /**
     * UpdateTable of a table's stream (enable with a view type, or disable) and deletion
     * protection. DynamoDB refuses to enable a stream on a table that has one, or to disable one
     * on a table that has none.
     */
    private void updateTable(Request request, JsonGenerator out) throws IOException {
        String name = request.tableName();
        request.refuseAllBut(
                UPDATABLE,
                "UpdateTable serves BillingMode, ProvisionedThroughput, StreamSpecification, "
                        + "DeletionProtectionEnabled and GlobalSecondaryIndexUpdates in this release");
        Optional<StreamSpecifications.Asked> asked = StreamSpecifications.of(request);
        boolean protectionAsked = request.has("DeletionProtectionEnabled");
        boolean protection = request.bool("DeletionProtectionEnabled", false);
        JsonNode indexUpdates = request.node("GlobalSecondaryIndexUpdates");
        if (indexUpdates != null && indexUpdates.isEmpty()) {
            indexUpdates = null;
        }
        String billingMode = request.string("BillingMode");
        JsonNode throughput = request.node("ProvisionedThroughput");
        // DynamoDB's order: what is asked at all, the billing mode's throughput, its bounds, the
        // index updates' form, then the table.
        if (asked.isEmpty() && !protectionAsked && indexUpdates == null && billingMode == null && throughput == null) {
            throw DynamoDbException.validation(
                    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                            + "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
        }
        if ("PROVISIONED".equals(billingMode) && throughput == null) {
            throw DynamoDbException.validation("One or more parameter values were invalid: "
                    + "ProvisionedThroughput must be specified when BillingMode is PROVISIONED");
        }
        long read = throughput == null ? 0 : capacity(throughput, "ReadCapacityUnits");
        long write = throughput == null ? 0 : capacity(throughput, "WriteCapacityUnits");
        if (indexUpdates != null) {
            checkIndexUpdates(indexUpdates);
        }
        TableDefinition before = plane.catalog().requireChangeable(name);
        TableDefinition table = before;
        if (billingMode != null || throughput != null) {
            table = withCapacity(
                    table, billingMode == null ? table.billingMode() : billingMode, throughput, read, write);
        }
        if (asked.isPresent()) {
            if (asked.get().enabled() && table.stream() != null) {
                throw DynamoDbException.validation("Table already has an enabled stream: " + ResourceArns.table(name));
            }
            if (!asked.get().enabled() && table.stream() == null) {
                throw DynamoDbException.validation(
                        "Table does not have an enabled stream: " + ResourceArns.table(name));
            }
            table = table.withStream(
                    asked.get().enabled() ? TableStream.enabledAt(asked.get().viewType(), clock.millis()) : null);
        }
        if (protectionAsked) {
            table = table.withDeletionProtection(protection);
        }
        if (indexUpdates != null) {
            table = withIndexUpdates(request, table, indexUpdates);
        }
        TableCatalog.TableDescription updated = plane.controlPlane().updateTable(before, table);
        Set<String> created = new HashSet<>();
        updated.definition().indexes().stream()
                .filter(index -> before.index(index.name()).isEmpty())
                .forEach(index -> created.add(index.name()));
        out.writeStartObject();
        out.writeFieldName("TableDescription");
        TableDescriptionWriter.write(
                out, updated.definition(), updated.status(), 0, 0, new IndexStatus(Map.of(), Map.of(), created));
        out.writeEndObject();
    }

    /**
     * The table after UpdateTable's GlobalSecondaryIndexUpdates: at most one index created or
     * deleted per call (DynamoDB's rule), capacity updates recorded. A created index's key
     * attributes come from the request's AttributeDefinitions; definitions no key uses any more
     * are dropped, as DynamoDB drops them.
     */
    /**
     * The table with {@code billingMode} and, for PROVISIONED, the throughput asked (recorded,
     * not enforced: kubedyn serves what the hardware allows). Switching to PAY_PER_REQUEST drops
     * every capacity; switching to PROVISIONED gives the global indexes the table's, unless an
     * index update of the same request sets theirs.
     */
    private TableDefinition withCapacity(
            TableDefinition table, String billingMode, JsonNode throughput, long read, long write) {
        if (billingMode.equals("PAY_PER_REQUEST")) {
            if (throughput != null) {
                throw DynamoDbException.validation(
                        "One or more parameter values were invalid: "
                                + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
            }
            return table.withCapacity(billingMode, 0, 0, 0, 0, clock.millis());
        }
        if (throughput == null) {
            // PROVISIONED again, with its capacity as it is.
            return table;
        }
        if (table.billingMode().equals("PROVISIONED")
                && table.readCapacityUnits() == read
                && table.writeCapacityUnits() == write) {
            throw DynamoDbException.validation(
                    "The provisioned throughput for the table will not change. The requested "
                            + "value equals the current value. Current ReadCapacityUnits provisioned for the table: "
                            + table.readCapacityUnits() + ". Requested ReadCapacityUnits: " + read + ". Current "
                            + "WriteCapacityUnits provisioned for the table: " + table.writeCapacityUnits()
                            + ". Requested WriteCapacityUnits: " + write
                            + ". Refer to the Amazon DynamoDB Developer Guide "
                            + "for current limits and how to request higher limits.");
        }
        return table.billingMode().equals("PROVISIONED")
                ? table.withCapacity(billingMode, read, write, -1, -1)
                : table.withCapacity(billingMode, read, write, read, write);
    }

    /** What DynamoDB checks of GlobalSecondaryIndexUpdates before it looks at the table. */
    private static void checkIndexUpdates(JsonNode updates) {
        Set<String> names = new HashSet<>();
        int createdOrDeleted = 0;
        for (JsonNode update : updates) {
            JsonNode action = update.has("Update")
                    ? update.get("Update")
                    : update.has("Create") ? update.get("Create") : update.get("Delete");
            if (action == null) {
                throw DynamoDbException.validation("One or more parameter values were invalid: One of "
                        + "GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                        + "GlobalSecondaryIndexUpdate.Delete must not be null");
            }
            String name = action.path("IndexName").asText();
            if (!names.add(name)) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Only one global "
                        + "secondary index update per index is allowed simultaneously. Index: " + name);
            }
            if (!update.has("Update")) {
                createdOrDeleted++;
            }
        }
        if (createdOrDeleted > 1) {
            throw new DynamoDbException(
                    DynamoDbError.LIMIT_EXCEEDED,
                    "Subscriber limit exceeded: Only 1 online index "
                            + "can be created or deleted simultaneously per table");
        }
    }

    /** The global index an index update's action names (its IndexName, which the model requires). */
    private static SecondaryIndex globalIndex(TableDefinition table, JsonNode action) {
        String name = action.get("IndexName").textValue();
        return table.index(name)
                .filter(SecondaryIndex::global)
                .orElseThrow(() -> DynamoDbException.resourceNotFound(
                        "Requested resource not found: Index: " + name + " not found"));
    }

    private TableDefinition withIndexUpdates(Request request, TableDefinition table, JsonNode updates) {
        Map<String, ScalarType> attributes = new LinkedHashMap<>(table.attributeDefinitions());
        if (request.has("AttributeDefinitions")) {
            attributeDefinitions(request).forEach((name, type) -> {
                ScalarType before = attributes.putIfAbsent(name, type);
                if (before != null && before != type) {
                    throw DynamoDbException.validation("One or more parameter values were invalid: Cannot change the "
                            + "type of attribute " + name + " from " + before + " to " + type);
                }
            });
        }
        List<SecondaryIndex> indexes = new ArrayList<>(table.indexes());
        for (JsonNode update : updates) {
            if (update.has("Create")) {
                SecondaryIndexes.Declared declared =
                        declaredIndex(update.get("Create"), "globalSecondaryIndexUpdates.member.create");
                if (table.index(declared.name()).isPresent()) {
                    throw DynamoDbException.validation("One or more parameter values were invalid: "
                            + "Attempting to create an index which already exists");
                }
                // The new index's rules, against the table's key and its own key attributes only.
                Map<String, ScalarType> own = new LinkedHashMap<>();
                attributes.forEach((name, type) -> {
                    if (table.keySchema().isKeyAttribute(name)
                            || declared.keySchema().stream().anyMatch(key -> name.equals(key.attributeName()))) {
                        own.put(name, type);
                    }
                });
                indexes.addAll(
                        SecondaryIndexes.of(table.keySchema(), own, table.billingMode(), null, List.of(declared)));
            } else if (update.has("Delete")) {
                indexes.remove(globalIndex(table, update.get("Delete")));
            } else {
                // An Update: checkIndexUpdates refused an update that has none of the three.
                SecondaryIndex index = globalIndex(table, update.get("Update"));
                JsonNode throughput = update.get("Update").get("ProvisionedThroughput");
                if (throughput != null) {
                    indexes.set(
                            indexes.indexOf(index),
                            new SecondaryIndex(
                                    index.name(),
                                    true,
                                    index.keySchema(),
                                    index.projection(),
                                    capacity(throughput, "ReadCapacityUnits"),
                                    capacity(throughput, "WriteCapacityUnits")));
                }
            }
        }
        if (indexes.stream().filter(SecondaryIndex::global).count() > SecondaryIndexes.MAX_GLOBAL) {
            throw DynamoDbException.validation("One or more parameter values were invalid: GlobalSecondaryIndex count "
                    + "exceeds the per-table limit of " + SecondaryIndexes.MAX_GLOBAL);
        }
        return table.withIndexes(indexes, attributes);
    }

    private void deleteTable(Request request, JsonGenerator out) throws IOException {
        TableDefinition table = plane.controlPlane().deleteTable(request.tableName());
        out.writeStartObject();
        out.writeFieldName("TableDescription");
        TableDescriptionWriter.writeDeleting(out, table);
        out.writeEndObject();
    }

    private void describeTable(Request request, JsonGenerator out) throws IOException {
        String name = request.tableName();
        TableCatalog.TableDescription table =
                plane.catalog().describe(name).orElseThrow(() -> DynamoDbException.tableNotFound(name));
        boolean active = table.status().equals("ACTIVE");
        TableEstimates estimates = active ? plane.router().estimates(table.definition()) : TableEstimates.NONE;
        out.writeStartObject();
        out.writeFieldName("Table");
        TableDescriptionWriter.write(
                out,
                table.definition(),
                table.status(),
                estimates.itemCount(),
                estimates.sizeBytes(),
                estimates.indexes());
        out.writeEndObject();
    }

    private void listTables(Request request, JsonGenerator out) throws IOException {
        Integer limit = request.integer("Limit");
        String start = request.string("ExclusiveStartTableName");
        int max = limit == null ? 100 : limit;
        List<String> names = plane.catalog().names().stream()
                .filter(n -> start == null || n.compareTo(start) > 0)
                .toList();
        out.writeStartObject();
        out.writeArrayFieldStart("TableNames");
        for (String name : names.subList(0, Math.min(max, names.size()))) {
            out.writeString(name);
        }
        out.writeEndArray();
        if (names.size() > max) {
            out.writeStringField("LastEvaluatedTableName", names.get(max - 1));
        }
        out.writeEndObject();
    }
}
