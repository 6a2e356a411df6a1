package io.kubedyn.gateway.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableDefinitions;
import io.kubedyn.crd.TableNames;
import io.kubedyn.gateway.ControlPlane;
import io.kubedyn.gateway.TableCatalog;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * DynamoDB tables as {@code Table} resources of one namespace: CreateTable creates the resource
 * (the operator then provisions its shards), DeleteTable deletes it, DescribeTable and ListTables
 * read it. Tables are found by their DynamoDB name ({@link TableNames#of}: {@code spec.tableName},
 * else {@code metadata.name}), so any DynamoDB name works: CreateTable names the resource after the
 * table ({@link TableNames#resourceName}) and keeps the exact name in {@code spec.tableName}. Of
 * two resources claiming one name, the older ({@link TableNames#holder}) is the table.
 *
 * <p>This class owns the gateway's one informer on the namespace's Tables. DescribeTable,
 * ListTables and routing ({@link KubernetesShardMaps}) read its cache, so they cost the API
 * server nothing. The cache trails the API server by the watch's delay, and two rules keep that
 * from showing: CreateTable and DeleteTable return only once the informer has seen their own
 * change (so a client reads its writes through this gateway), and a name the cache does not
 * hold is looked up on the API server before DescribeTable or DeleteTable calls it missing (it
 * may have just been created through another gateway behind the same Service).
 */
public final class KubernetesTables implements ControlPlane, AutoCloseable {
    private static final Pattern KUBERNETES_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** How long CreateTable and DeleteTable wait for the informer to see their change, unless told. */
    private static final Duration INFORMER_WAIT = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final String namespace;
    private final int shards;
    private final Duration informerWait;
    /** Notified after every change the informer applies to its cache (see {@link #awaitCache}). */
    private final Object cacheChanged = new Object();

    private final SharedIndexInformer<Table> informer;
    /**
     * The cached Tables by DynamoDB table name, each name's claimants by resource name, replaced
     * whole on every change. Kept by the event handler rather than as an informer index: the
     * informer updates an index in two steps (the old object out, the new one in) without
     * readers waiting, so a lookup between them would find a served table missing.
     */
    private final Map<String, Map<String, Table>> byTableName = new ConcurrentHashMap<>();

    public KubernetesTables(KubernetesClient client, String namespace, int shards) {
        this(client, namespace, shards, INFORMER_WAIT);
    }

    /**
     * Starts the informer and returns once it has listed the namespace's Tables.
     * {@code informerWait} bounds how long a write waits for the informer to see it; past that
     * the write still succeeds (it is done on the API server) and ListTables may miss it briefly.
     */
    public KubernetesTables(KubernetesClient client, String namespace, int shards, Duration informerWait) {
        if (shards < 1) {
            throw new IllegalArgumentException("a table needs at least one shard, got " + shards);
        }
        this.client = client;
        this.namespace = namespace;
        this.shards = shards;
        this.informerWait = informerWait;
        this.informer = client.resources(Table.class).inNamespace(namespace).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Table table) {
                claim(table);
                cacheChanged();
            }

            @Override
            public void onUpdate(Table before, Table after) {
                if (!TableNames.of(before).equals(TableNames.of(after))) {
                    release(before);
                }
                claim(after);
                cacheChanged();
            }

            @Override
            public void onDelete(Table table, boolean finalStateUnknown) {
                release(table);
                cacheChanged();
            }
        });
        informer.run();
        // run() returns once the store has listed the Tables; the handlers may not have seen
        // them all yet. Until they have, the index would miss served tables.
        informer.getStore().list().forEach(this::claim);
    }

    /** Why the gateway cannot serve yet (its informer has not listed the Tables), or empty. */
    public Optional<String> notReady() {
        return informer.hasSynced()
                ? Optional.empty()
                : Optional.of("the Table informer has not listed the Tables yet");
    }

    /** CreateTable: the Table resource, CREATING until the operator reports its shards Ready. */
    @Override
    public TableCatalog.TableDescription createTable(TableDefinition table) {
        return new TableCatalog.TableDescription(create(table), "CREATING");
    }

    /**
     * DeleteTable: deletes the Table resource. Its data goes with it as the Table's
     * deletionPolicy says (the operator's finalizer), never by the gateway's hand. A table already
     * DELETING is no error, as in DynamoDB; a protected one is refused with DynamoDB's words.
     */
    @Override
    public TableDefinition deleteTable(String name) {
        Table resource = find(name).orElseThrow(() -> DynamoDbException.tableNotFound(name));
        if (TableDefinitions.of(resource).deletionProtectionEnabled()) {
            throw DynamoDbException.deletionProtected();
        }
        if (!deleting(resource)) {
            delete(resource);
        }
        return TableDefinitions.of(resource);
    }

    /**
     * UpdateTable, UpdateTimeToLive, TagResource and UntagResource: write the table's billing
     * mode and capacity, stream, Time to Live, deletion protection, tags, global secondary indexes
     * and attribute definitions into the Table's spec; the
     * operator hands the new settings to the shards' pods. The stream's label is the Table's
     * (see {@link TableDefinitions}), whatever {@code table} proposes.
     */
    @Override
    public TableCatalog.TableDescription updateTable(TableDefinition before, TableDefinition table) {
        Table resource = find(table.name()).orElseThrow(() -> DynamoDbException.tableNotFound(table.name()));
        if (!TableDefinitions.of(resource).equals(before)) {
            throw ControlPlane.changedMeanwhile(table.name());
        }
        Map<String, Object> fields = new HashMap<>();
        fields.put("streamSpecification", TableDefinitions.streamSpecificationOf(table));
        fields.put("timeToLive", TableDefinitions.timeToLiveSpecOf(table));
        fields.put("deletionProtectionEnabled", table.deletionProtectionEnabled() ? true : null);
        fields.put("tags", TableDefinitions.tagsOf(table));
        if (!table.billingMode().equals(before.billingMode())
                || table.readCapacityUnits() != before.readCapacityUnits()
                || table.writeCapacityUnits() != before.writeCapacityUnits()) {
            // Only when changed: a Table declared without a billing mode keeps its spec as written.
            fields.put("billingMode", table.billingMode());
            fields.put("provisionedThroughput", TableDefinitions.provisionedThroughputOf(table));
        }
        Map<String, String> annotations = new HashMap<>();
        if (table.payPerRequestSinceMillis() != before.payPerRequestSinceMillis()) {
            annotations.put(
                    TableDefinitions.PAY_PER_REQUEST_SINCE,
                    java.time.Instant.ofEpochMilli(table.payPerRequestSinceMillis())
                            .toString());
        }
        boolean indexesChange = !TableDefinitions.of(resource).indexes().equals(table.indexes());
        if (indexesChange) {
            fields.put("globalSecondaryIndexes", TableDefinitions.globalSecondaryIndexesOf(table));
            fields.put("attributeDefinitions", TableDefinitions.attributeDefinitionsOf(table));
        }
        Table updated;
        try {
            updated = patchSpec(resource, fields, indexesChange, annotations);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 422) {
                throw ControlPlane.changedMeanwhile(table.name());
            }
            throw e;
        }
        String version = updated.getMetadata().getResourceVersion();
        awaitCache(
                table.name(),
                cached -> cached.filter(t -> version.equals(t.getMetadata().getResourceVersion()))
                        .isPresent());
        return new TableCatalog.TableDescription(TableDefinitions.of(updated), "ACTIVE");
    }

    /**
     * Writes the given spec fields with a JSON Patch (RFC 6902) of their own paths: each set
     * (lists replaced whole), or removed when null and {@code current} has it; with
     * {@code indexesAsRead}, only if the indexes and attribute definitions are still {@code current}'s;
     * and {@code annotations} set on the resource. Not locked to a
     * resourceVersion: the operator patches the status at any time, and these fields are
     * UpdateTable's alone, so a lock would only make UpdateTable fail with a conflict it did not
     * cause.
     */
    private Table patchSpec(
            Table current, Map<String, Object> fields, boolean indexesAsRead, Map<String, String> annotations) {
        ObjectMapper json = Serialization.jsonMapper();
        JsonNode spec = json.valueToTree(current.getSpec());
        ArrayNode patch = json.createArrayNode();
        // Each field changes from what this gateway read, or not at all: another UpdateTable that
        // changed it since makes the API server refuse this patch (the test fails).
        List<String> asRead = new ArrayList<>(fields.keySet());
        if (indexesAsRead) {
            asRead.addAll(List.of("globalSecondaryIndexes", "attributeDefinitions"));
        }
        for (String field : new LinkedHashSet<>(asRead)) {
            if (spec.has(field) && !spec.get(field).isNull()) {
                patch.addObject()
                        .put("op", "test")
                        .put("path", "/spec/" + field)
                        .set("value", spec.get(field));
            }
        }
        fields.forEach((field, value) -> {
            if (value != null) {
                patch.addObject().put("op", "add").put("path", "/spec/" + field).set("value", json.valueToTree(value));
            } else if (spec.has(field) && !spec.get(field).isNull()) {
                patch.addObject().put("op", "remove").put("path", "/spec/" + field);
            }
        });
        Map<String, String> present = current.getMetadata().getAnnotations();
        if (!annotations.isEmpty() && (present == null || present.isEmpty())) {
            patch.addObject()
                    .put("op", "add")
                    .put("path", "/metadata/annotations")
                    .set("value", json.valueToTree(annotations));
        } else {
            // A JSON Pointer writes "/" in a key as "~1" (and "~" as "~0").
            annotations.forEach((key, value) -> patch.addObject()
                    .put("op", "add")
                    .put(
                            "path",
                            "/metadata/annotations/" + key.replace("~", "~0").replace("/", "~1"))
                    .put("value", value));
        }
        return client.resources(Table.class)
                .inNamespace(namespace)
                .withName(current.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON), patch.toString());
    }

    /**
     * Creates the Table resource of {@code table} and answers the table as created: its id is
     * the resource's uid and its creation time the resource's creationTimestamp, which is what
     * DescribeTable shows from then on. ResourceInUseException when a Table of that name exists.
     */
    public TableDefinition create(TableDefinition table) {
        if (cached(table.name()).isPresent()) {
            throw new DynamoDbException(DynamoDbError.RESOURCE_IN_USE, "Table already exists: " + table.name());
        }
        Table resource = TableDefinitions.resourceOf(table, namespace, shards);
        Table created;
        try {
            created = client.resources(Table.class)
                    .inNamespace(namespace)
                    .resource(resource)
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw new DynamoDbException(DynamoDbError.RESOURCE_IN_USE, "Table already exists: " + table.name());
            }
            throw e;
        }
        String uid = created.getMetadata().getUid();
        awaitCache(
                table.name(),
                cached ->
                        cached.filter(t -> uid.equals(t.getMetadata().getUid())).isPresent());
        return TableDefinitions.of(created);
    }

    /**
     * The Table holding the DynamoDB table name {@code name}, as the informer last saw it: no API
     * request. Of several resources claiming the name, the holder (the others are not served).
     */
    public Optional<Table> cached(String name) {
        return TableNames.holder(byTableName.getOrDefault(name, Map.of()).values());
    }

    private void claim(Table table) {
        byTableName.compute(TableNames.of(table), (name, claimants) -> {
            Map<String, Table> updated = claimants == null ? new HashMap<>() : new HashMap<>(claimants);
            updated.put(table.getMetadata().getName(), table);
            return Map.copyOf(updated);
        });
    }

    private void release(Table table) {
        byTableName.computeIfPresent(TableNames.of(table), (name, claimants) -> {
            Map<String, Table> updated = new HashMap<>(claimants);
            updated.remove(table.getMetadata().getName());
            return updated.isEmpty() ? null : Map.copyOf(updated);
        });
    }

    /** The DynamoDB table names of the namespace's Tables, sorted, each once. */
    public List<String> cachedNames() {
        return byTableName.keySet().stream().sorted().toList();
    }

    /**
     * The Table holding {@code name}: the cached one, or when the cache has none, the API
     * server's, looked up under the two resource names a table is found by (the one CreateTable
     * derives, and the name itself for a Table declared without {@code spec.tableName}). A client
     * may create a table through another gateway and describe it through this one before this
     * informer has seen it; DynamoDB answers that DescribeTable, so must we.
     */
    public Optional<Table> find(String name) {
        Optional<Table> cached = cached(name);
        if (cached.isPresent()) {
            return cached;
        }
        for (String resourceName : List.of(TableNames.resourceName(name), name)) {
            if (KUBERNETES_NAME.matcher(resourceName).matches()) {
                Table found = client.resources(Table.class)
                        .inNamespace(namespace)
                        .withName(resourceName)
                        .get();
                if (found != null && name.equals(TableNames.of(found))) {
                    return Optional.of(found);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the Table is being deleted: it has a deletionTimestamp and stays until the
     * operator's finalizer has cleaned up after it (DynamoDB's DELETING).
     */
    static boolean deleting(Table resource) {
        return resource.getMetadata().getDeletionTimestamp() != null;
    }

    /**
     * Deletes the Table resource; its shards go with it (the operator's owner references). The
     * operator's finalizer keeps it, DELETING, until it has cleaned up. Returns once the informer
     * has seen the deletion, so this gateway's next DescribeTable does not show it as it was.
     */
    public void delete(Table resource) {
        String uid = resource.getMetadata().getUid();
        client.resources(Table.class)
                .inNamespace(namespace)
                .withName(resource.getMetadata().getName())
                .delete();
        awaitCache(
                TableNames.of(resource),
                cached -> cached.filter(t -> uid.equals(t.getMetadata().getUid()) && !deleting(t))
                        .isEmpty());
    }

    private void cacheChanged() {
        synchronized (cacheChanged) {
            cacheChanged.notifyAll();
        }
    }

    /**
     * Waits until the cached Table holding {@code name} satisfies {@code caughtUp}, at most
     * {@code informerWait}. The informer updates its cache before it notifies handlers, so a
     * change made before this check is seen by it, and one made after wakes it.
     */
    private void awaitCache(String name, Predicate<Optional<Table>> caughtUp) {
        long deadline = System.nanoTime() + informerWait.toNanos();
        synchronized (cacheChanged) {
            while (!caughtUp.test(cached(name))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    Log.warnf(
                            "Table %s: the gateway's informer has not seen this change after %s; "
                                    + "ListTables may not show it for a moment",
                            name, informerWait);
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(cacheChanged, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        informer.close();
    }
}
