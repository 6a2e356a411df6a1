package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.KeySchemaRules;
import io.kubedyn.core.TableName;
import io.kubedyn.core.TableTags;
import io.kubedyn.crd.AttributeDefinition;
import io.kubedyn.crd.AutoSplit;
import io.kubedyn.crd.DeletionPolicy;
import io.kubedyn.crd.GlobalSecondaryIndex;
import io.kubedyn.crd.KeySchemaElement;
import io.kubedyn.crd.ProvisionedThroughput;
import io.kubedyn.crd.SecondaryIndex;
import io.kubedyn.crd.ShardNames;
import io.kubedyn.crd.StorageSpec;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableDefinitions;
import io.kubedyn.crd.TableNames;
import io.kubedyn.crd.TableSpec;
import io.kubedyn.crd.Tag;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a Table the way DynamoDB's CreateTable would, plus what the cluster layout needs.
 *
 * <p>The CRD schema and its CEL rules refuse most of this at admission, but not everything can be
 * said there (cross-field references, the shard count already published) and an API server may
 * not enforce schemas at all (older versions, mock servers), so the operator checks again and
 * reports problems in the status rather than failing.
 */
public final class TableSpecValidation {

    /** What a Kubernetes Service name (RFC 1035 label) allows. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

    private TableSpecValidation() {}

    /**
     * Problems with the Table, each a sentence a user can act on; empty when it is valid.
     *
     * @param publishedShards shards in the shard map already published, 0 before the first one
     */
    public static List<String> problems(Table table, int publishedShards) {
        List<String> problems = new ArrayList<>();
        TableSpec spec = table.getSpec();
        if (spec == null) {
            problems.add("spec is missing");
            return problems;
        }
        Map<String, String> types = attributeTypes(spec, problems);
        checkKeySchema("the table", spec.getKeySchema(), types, problems);
        checkShards(table, spec, publishedShards, problems);
        checkIndexes(spec, types, problems);
        checkUnusedDefinitions(spec, types, problems);
        if (problems.isEmpty()) {
            // DynamoDB's own rules for the indexes, in its words (projections, capacities, limits).
            TableDefinitions.indexViolation(spec).ifPresent(problems::add);
        }
        Integer replicas = spec.getReplicasPerShard();
        if (replicas == null || (replicas != 1 && replicas != 3 && replicas != 5)) {
            problems.add("replicasPerShard must be 1, 3 or 5, got " + replicas + ": a shard's replicas"
                    + " are a Raft group, which needs a majority; 2 and 4 survive no more failures than"
                    + " 1 and 3");
        }
        if (spec.getStorage() != null && spec.getStorage().getSize() != null) {
            try {
                if (Quantity.getAmountInBytes(new Quantity(spec.getStorage().getSize()))
                                .signum()
                        <= 0) {
                    problems.add("storage.size must be positive, got "
                            + spec.getStorage().getSize());
                }
            } catch (IllegalArgumentException e) {
                problems.add("storage.size is not a Kubernetes quantity: "
                        + spec.getStorage().getSize());
            }
        }
        if (spec.getDeletionPolicy() != null
                && !DeletionPolicy.RETAIN.equals(spec.getDeletionPolicy())
                && !DeletionPolicy.DELETE.equals(spec.getDeletionPolicy())) {
            problems.add("deletionPolicy must be Retain or Delete, got " + spec.getDeletionPolicy());
        }
        if (spec.getTimeToLive() != null
                && Boolean.TRUE.equals(spec.getTimeToLive().getEnabled())
                && (spec.getTimeToLive().getAttributeName() == null
                        || spec.getTimeToLive().getAttributeName().isBlank())) {
            problems.add("timeToLive.attributeName must name an attribute when timeToLive is enabled");
        }
        checkTableName(table, problems);
        checkCapacity(spec, problems);
        checkTags(spec, problems);
        if (spec.getStreamSpecification() != null) {
            boolean enabled = Boolean.TRUE.equals(spec.getStreamSpecification().getStreamEnabled());
            boolean typed = spec.getStreamSpecification().getStreamViewType() != null;
            if (enabled && !typed) {
                problems.add("streamSpecification.streamViewType is required when streamEnabled is true");
            } else if (!enabled && typed) {
                problems.add("streamSpecification.streamViewType is only valid when streamEnabled is true");
            }
        }
        return problems;
    }

    /**
     * The DynamoDB name ({@code spec.tableName}, else {@code metadata.name}) follows DynamoDB's
     * rule; the resource name also names the shards' Services, so it must be a DNS label.
     */
    private static void checkTableName(Table table, List<String> problems) {
        String tableName = TableNames.of(table);
        TableName.violation(tableName)
                .ifPresent(violation -> problems.add("table name " + tableName
                        + (table.getSpec().getTableName() == null
                                ? " (metadata.name, as spec.tableName is not set)"
                                : "")
                        + " is not a DynamoDB table name: "
                        + switch (violation) {
                            case TOO_SHORT -> "it needs at least " + TableName.MIN_LENGTH + " characters";
                            case TOO_LONG -> "it has more than " + TableName.MAX_LENGTH + " characters";
                            case BAD_CHARACTERS -> "only a-z A-Z 0-9 _ - . are allowed";
                        }));
        String resourceName = table.getMetadata().getName();
        if (!DNS_LABEL.matcher(resourceName).matches()) {
            problems.add("metadata.name " + resourceName + " also names the shards' Services, so it must"
                    + " consist of lowercase letters, digits and hyphens; keep the DynamoDB name in"
                    + " spec.tableName (any DynamoDB name) and give the resource such a name");
        }
    }

    /** DynamoDB's rules for tags ({@link TableTags}): each key once, each tag well formed. */
    private static void checkTags(TableSpec spec, List<String> problems) {
        Set<String> keys = new HashSet<>();
        for (Tag tag : nullToEmpty(spec.getTags())) {
            String key = tag.getKey() == null ? "" : tag.getKey();
            String value = tag.getValue() == null ? "" : tag.getValue();
            if (!keys.add(key)) {
                problems.add("tags has the key " + key + " more than once; a table has one value per key");
            }
            TableTags.violation(key, value).ifPresent(words -> problems.add("tags: " + words));
        }
    }

    /** DynamoDB's CreateTable rules on billing mode and provisioned throughput. */
    private static void checkCapacity(TableSpec spec, List<String> problems) {
        String mode = spec.getBillingMode() == null ? "PAY_PER_REQUEST" : spec.getBillingMode();
        ProvisionedThroughput throughput = spec.getProvisionedThroughput();
        if ("PROVISIONED".equals(mode)) {
            if (throughput == null
                    || throughput.getReadCapacityUnits() == null
                    || throughput.getWriteCapacityUnits() == null) {
                problems.add("billingMode PROVISIONED needs provisionedThroughput.readCapacityUnits and"
                        + " writeCapacityUnits");
            }
        } else if ("PAY_PER_REQUEST".equals(mode)) {
            if (throughput != null
                    && (throughput.getReadCapacityUnits() != null || throughput.getWriteCapacityUnits() != null)) {
                problems.add("billingMode PAY_PER_REQUEST takes no provisionedThroughput; remove it or"
                        + " set billingMode PROVISIONED");
            }
        } else {
            problems.add("billingMode must be PROVISIONED or PAY_PER_REQUEST, got " + mode);
        }
    }

    /**
     * Fields the spec sets, in DynamoDB's (and ACK's) shape, that this release accepts without
     * honouring them: the table is served without them, and the status's SpecServed condition
     * lists them, so nothing a user asked for is silently dropped. Each a sentence naming the
     * field; empty when every field set is honoured.
     */
    public static List<String> notServed(TableSpec spec) {
        List<String> fields = new ArrayList<>();
        if (spec == null) {
            return fields;
        }
        if (spec.getOnDemandThroughput() != null
                || nullToEmpty(spec.getGlobalSecondaryIndexes()).stream()
                        .anyMatch(index -> index.getOnDemandThroughput() != null)) {
            fields.add(notYet("onDemandThroughput", "", "request rates are not capped"));
        }
        var sse = spec.getSseSpecification();
        if (sse != null
                && ("KMS".equals(sse.getSseType())
                        || sse.getKmsMasterKeyId() != null
                        || sse.getKmsMasterKeyRef() != null)) {
            fields.add(notYet(
                    "sseSpecification",
                    "",
                    "AWS KMS keys are not used: data is encrypted at rest only as the volumes' storage"
                            + " class encrypts it"));
        }
        if (spec.getContinuousBackups() != null
                && Boolean.TRUE.equals(spec.getContinuousBackups().getPointInTimeRecoveryEnabled())) {
            fields.add(notYet("continuousBackups", "", "point-in-time recovery is not implemented"));
        }
        if ("ENABLE".equals(spec.getContributorInsights())) {
            fields.add(notYet("contributorInsights", "", "CloudWatch is not part of kubedyn"));
        }
        if (spec.getResourcePolicy() != null && !spec.getResourcePolicy().isBlank()) {
            fields.add(notYet("resourcePolicy", "", "resource-based policies are not enforced"));
        }
        if (!nullToEmpty(spec.getTableReplicas()).isEmpty()) {
            fields.add(notYet(
                    "tableReplicas", "", "replicas in other AWS Regions (global tables) are not part of kubedyn"));
        }
        return fields;
    }

    private static String notYet(String field, String which, String why) {
        return "spec." + field + which + " is accepted but not served: " + why;
    }

    /**
     * Problems with changing the storage of shards that already exist: Kubernetes refuses any
     * change to a StatefulSet's volume claim templates, so applying one would fail on every retry.
     */
    public static List<String> storageChanges(Table table, Collection<StatefulSet> existing) {
        List<String> problems = new ArrayList<>();
        for (StatefulSet statefulSet : existing) {
            Integer running = statefulSet.getSpec().getReplicas();
            int wanted = table.getSpec().getReplicasPerShard();
            if (running != null && running != wanted && (running == 1 || wanted == 1)) {
                problems.add("replicasPerShard cannot change between 1 and " + Math.max(running, wanted)
                        + " on a live table: " + statefulSet.getMetadata().getName() + " runs " + running
                        + " (a shard of one pod has no Raft group to add replicas to, nor one to leave;"
                        + " 3 and 5 change into each other; the shards keep serving)");
                return problems;
            }
        }
        StorageSpec wanted = table.getSpec().getStorage() == null
                ? new StorageSpec()
                : table.getSpec().getStorage();
        for (StatefulSet statefulSet : existing) {
            PersistentVolumeClaim claim = statefulSet.getSpec().getVolumeClaimTemplates().stream()
                    .filter(c ->
                            ShardStatefulSet.DATA_VOLUME.equals(c.getMetadata().getName()))
                    .findFirst()
                    .orElse(null);
            if (claim == null) {
                continue;
            }
            Quantity size = claim.getSpec().getResources().getRequests().get("storage");
            boolean sameSize = size != null
                    && Quantity.getAmountInBytes(size)
                                    .compareTo(Quantity.getAmountInBytes(new Quantity(wanted.getSize())))
                            == 0;
            boolean sameClass = Objects.equals(claim.getSpec().getStorageClassName(), wanted.getStorageClassName());
            if (!sameSize || !sameClass) {
                problems.add("storage cannot change once shards exist: "
                        + statefulSet.getMetadata().getName() + " has " + size
                        + (claim.getSpec().getStorageClassName() == null
                                ? ""
                                : " of class " + claim.getSpec().getStorageClassName())
                        + " and StatefulSet volume claim templates are immutable; grow volumes by editing"
                        + " their PersistentVolumeClaims");
                break;
            }
        }
        return problems;
    }

    private static Map<String, String> attributeTypes(TableSpec spec, List<String> problems) {
        Map<String, String> types = new HashMap<>();
        if (spec.getAttributeDefinitions() == null
                || spec.getAttributeDefinitions().isEmpty()) {
            problems.add("attributeDefinitions must define the key attributes");
            return types;
        }
        for (AttributeDefinition definition : spec.getAttributeDefinitions()) {
            String name = definition.getAttributeName();
            String type = definition.getAttributeType();
            if (name == null || name.isBlank()) {
                problems.add("an attribute definition has no attributeName");
                continue;
            }
            if (types.put(name, type) != null) {
                problems.add("attribute " + name + " is defined twice");
            }
        }
        return types;
    }

    /** DynamoDB refuses definitions no key uses; key attributes' types are checked with the key. */
    private static void checkUnusedDefinitions(TableSpec spec, Map<String, String> types, List<String> problems) {
        Set<String> used = new HashSet<>();
        nullToEmpty(spec.getKeySchema()).forEach(k -> used.add(k.getAttributeName()));
        for (SecondaryIndex index : nullToEmpty(spec.getLocalSecondaryIndexes())) {
            nullToEmpty(index.getKeySchema()).forEach(k -> used.add(k.getAttributeName()));
        }
        for (SecondaryIndex index : nullToEmpty(spec.getGlobalSecondaryIndexes())) {
            nullToEmpty(index.getKeySchema()).forEach(k -> used.add(k.getAttributeName()));
        }
        types.keySet().stream()
                .filter(name -> !used.contains(name))
                .sorted()
                .forEach(name -> problems.add("attribute " + name + " is defined but no key schema uses it"));
    }

    /**
     * The key-schema rules are core's ({@link KeySchemaRules}, the same the gateway's CreateTable
     * applies); here every violation is worded for the Table's status.
     */
    private static void checkKeySchema(
            String owner, List<KeySchemaElement> keySchema, Map<String, String> types, List<String> problems) {
        checkKeySchema(owner, keySchema, types, 1, problems);
    }

    /**
     * The same with up to {@code maxPerRole} HASH and RANGE keys each (a global index's
     * multi-attribute keys).
     */
    private static void checkKeySchema(
            String owner,
            List<KeySchemaElement> keySchema,
            Map<String, String> types,
            int maxPerRole,
            List<String> problems) {
        List<KeySchemaRules.Element> schema = new ArrayList<>();
        for (KeySchemaElement key : keySchema == null ? List.<KeySchemaElement>of() : keySchema) {
            schema.add(new KeySchemaRules.Element(key.getAttributeName(), key.getKeyType()));
        }
        long hashKeys = schema.stream()
                .filter(k -> KeySchemaRules.HASH.equals(k.keyType()))
                .count();
        long rangeKeys = schema.stream()
                .filter(k -> KeySchemaRules.RANGE.equals(k.keyType()))
                .count();
        String limit = maxPerRole == 1 ? "exactly one" : "one to " + maxPerRole;
        for (KeySchemaRules.Finding finding : KeySchemaRules.check(schema, types, maxPerRole)) {
            KeySchemaRules.Element first =
                    finding.elements().isEmpty() ? null : finding.elements().get(0);
            String role = first != null && KeySchemaRules.RANGE.equals(first.keyType()) ? "sort key" : "partition key";
            switch (finding.violation()) {
                case TOO_MANY_HASH_KEYS, NO_HASH_KEY ->
                    problems.add("keySchema of " + owner
                            + " needs " + limit + " HASH (partition) key" + (maxPerRole == 1 ? "" : "s")
                            + ", found " + hashKeys);
                case TOO_MANY_RANGE_KEYS ->
                    problems.add("keySchema of " + owner
                            + " allows at most " + (maxPerRole == 1 ? "one" : maxPerRole) + " RANGE (sort) key"
                            + (maxPerRole == 1 ? "" : "s") + ", found " + rangeKeys);
                case UNKNOWN_KEY_TYPE ->
                    problems.add("keySchema of " + owner + ": key "
                            + first.attributeName() + " has keyType " + first.keyType()
                            + "; it must be HASH or RANGE");
                case HASH_KEY_NOT_FIRST ->
                    problems.add("keySchema of " + owner + " must list its HASH (partition) key"
                            + (maxPerRole == 1 ? "" : "s") + " first");
                case SAME_ATTRIBUTE ->
                    problems.add("keySchema of " + owner + " uses "
                            + first.attributeName()
                            + (maxPerRole == 1
                                    ? " as both its HASH and its RANGE key"
                                    : " as more than one of its keys"));
                case UNDEFINED_ATTRIBUTE ->
                    finding.elements()
                            .forEach(key -> problems.add(
                                    (KeySchemaRules.RANGE.equals(key.keyType()) ? "sort key" : "partition key") + " "
                                            + key.attributeName() + " of " + owner
                                            + " is not in attributeDefinitions"));
                case NOT_A_KEY_TYPE ->
                    problems.add(role + " " + first.attributeName() + " of " + owner + " has type "
                            + types.get(first.attributeName()) + "; keys must be of type S, N or B");
            }
        }
    }

    private static void checkShards(Table table, TableSpec spec, int publishedShards, List<String> problems) {
        Integer shards = spec.getShards();
        if (shards == null || shards < 1) {
            problems.add("shards must be at least 1, got " + shards);
            return;
        }
        AutoSplit autoSplit = spec.getAutoSplit();
        // With autoSplit, shards is the least the table has: it may have split past it by itself.
        if (shards < publishedShards && autoSplit == null) {
            problems.add("shards cannot shrink: the table has " + publishedShards
                    + " shards holding data, the spec asks for " + shards);
        }
        ShardNames.tooLong(table.getMetadata().getName(), shards).ifPresent(problems::add);
        if (autoSplit != null) {
            checkAutoSplit(table, autoSplit, shards, problems);
        }
    }

    private static void checkAutoSplit(Table table, AutoSplit autoSplit, int shards, List<String> problems) {
        Integer most = autoSplit.getMaxShards();
        if (most == null || most < shards) {
            problems.add("autoSplit.maxShards must be at least shards (" + shards + "), got " + most);
        } else {
            ShardNames.tooLong(table.getMetadata().getName(), most)
                    .ifPresent(tooLong -> problems.add("autoSplit.maxShards: " + tooLong));
        }
        try {
            if (autoSplit.getMaxShardSize() == null || AutoSplitPolicy.bytes(autoSplit) <= 0) {
                problems.add("autoSplit.maxShardSize must be a positive quantity such as 10Gi, got "
                        + autoSplit.getMaxShardSize());
            }
        } catch (IllegalArgumentException e) {
            problems.add("autoSplit.maxShardSize must be a quantity such as 10Gi, got " + autoSplit.getMaxShardSize());
        }
    }

    private static void checkIndexes(TableSpec spec, Map<String, String> types, List<String> problems) {
        Set<String> names = new HashSet<>();
        String tableHashKey = spec.getKeySchema() == null
                ? null
                : spec.getKeySchema().stream()
                        .filter(k -> KeySchemaElement.HASH.equals(k.getKeyType()))
                        .map(KeySchemaElement::getAttributeName)
                        .findFirst()
                        .orElse(null);
        for (SecondaryIndex index : nullToEmpty(spec.getLocalSecondaryIndexes())) {
            checkIndex("local secondary index", index, types, names, problems);
            String indexHash = nullToEmpty(index.getKeySchema()).stream()
                    .filter(k -> KeySchemaElement.HASH.equals(k.getKeyType()))
                    .map(KeySchemaElement::getAttributeName)
                    .findFirst()
                    .orElse(null);
            if (indexHash != null && !indexHash.equals(tableHashKey)) {
                problems.add("local secondary index " + index.getIndexName() + " must use the table's partition key "
                        + tableHashKey);
            }
            if (nullToEmpty(index.getKeySchema()).stream()
                    .noneMatch(k -> KeySchemaElement.RANGE.equals(k.getKeyType()))) {
                problems.add("local secondary index " + index.getIndexName() + " needs a RANGE key");
            }
        }
        for (SecondaryIndex index : nullToEmpty(spec.getGlobalSecondaryIndexes())) {
            checkIndex("global secondary index", index, types, names, problems);
        }
    }

    private static void checkIndex(
            String kind, SecondaryIndex index, Map<String, String> types, Set<String> names, List<String> problems) {
        String name = index.getIndexName();
        if (name == null || name.isBlank()) {
            problems.add("a " + kind + " has no indexName");
            return;
        }
        if (!names.add(name)) {
            problems.add("index name " + name + " is used twice");
        }
        checkKeySchema(
                kind + " " + name,
                index.getKeySchema(),
                types,
                index instanceof GlobalSecondaryIndex ? KeySchema.MAX_ATTRIBUTES_PER_ROLE : 1,
                problems);
        var projection = index.getProjection();
        if (projection == null || projection.getProjectionType() == null) {
            problems.add(kind + " " + name + " needs a projection (ALL, KEYS_ONLY or INCLUDE)");
        } else if ("INCLUDE".equals(projection.getProjectionType())
                && (projection.getNonKeyAttributes() == null
                        || projection.getNonKeyAttributes().isEmpty())) {
            problems.add(kind + " " + name + " projects INCLUDE but lists no nonKeyAttributes");
        } else if (!Set.of("ALL", "KEYS_ONLY", "INCLUDE").contains(projection.getProjectionType())) {
            problems.add(kind + " " + name + " has projectionType " + projection.getProjectionType()
                    + "; it must be ALL, KEYS_ONLY or INCLUDE");
        }
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
