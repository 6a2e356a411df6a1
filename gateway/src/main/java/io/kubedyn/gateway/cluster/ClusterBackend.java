package io.kubedyn.gateway.cluster;

import com.google.protobuf.ByteString;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.ItemCodec;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ShardMap;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.core.write.ItemChangeCodec;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableDefinitions;
import io.kubedyn.gateway.TableBackend;
import io.kubedyn.storage.Page;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.core.TableDefinitionCodec;
import io.kubedyn.storage.WriteResult;
import io.kubedyn.storage.grpc.BatchGetReply;
import io.kubedyn.storage.grpc.BatchGetRequest;
import io.kubedyn.storage.grpc.BatchWriteReply;
import io.kubedyn.storage.grpc.BatchWriteRequest;
import io.kubedyn.storage.grpc.CreateTableRequest;
import io.kubedyn.storage.grpc.GetReply;
import io.kubedyn.storage.grpc.GetRequest;
import io.kubedyn.storage.grpc.ListTablesRequest;
import io.kubedyn.storage.grpc.PageReply;
import io.kubedyn.storage.grpc.QueryRequest;
import io.kubedyn.storage.grpc.ScanRequest;
import io.kubedyn.storage.grpc.StorageError;
import io.kubedyn.storage.grpc.TableName;
import io.kubedyn.storage.grpc.TableReply;
import io.kubedyn.storage.grpc.WriteReply;
import io.kubedyn.storage.grpc.WriteRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Tables spread over storage pods: every key goes to the shard whose hash range holds its
 * partition hash ({@link ShardMap}), a Query to the one shard of its partition, a Scan segment
 * through the shards it overlaps in hash order, and batches to all the shards they touch in
 * parallel. Table DDL is sent to every shard of the table.
 *
 * <p>Definitions are cached; each item request carries the table's id, so a pod refuses a
 * request made against a definition that is no longer current, and the cache entry is dropped.
 */
public final class ClusterBackend implements TableBackend, AutoCloseable {
    private final ShardMapSource maps;
    private final Duration timeout;
    private final Map<String, ShardClient> clients = new ConcurrentHashMap<>();
    private final Map<String, TableDefinition> definitions = new ConcurrentHashMap<>();
    private final TableDefinitionCodec codec = new TableDefinitionCodec();

    private final KubernetesTables resources;

    /** Tables defined by DDL sent to the pods (shard maps from configuration). */
    public ClusterBackend(ShardMapSource maps, Duration timeout) {
        this.maps = maps;
        this.resources = null;
        this.timeout = timeout;
    }

    /**
     * Tables defined by {@code Table} resources (Kubernetes discovery): CreateTable and
     * DeleteTable create and delete the resource, routing follows the shard maps in their
     * status, and a table's stores are created in its shards once the operator has published
     * its shard map. The backend owns {@code resources} and closes it (its informer) on close.
     */
    public ClusterBackend(KubernetesTables resources, Duration timeout) {
        this.maps = new KubernetesShardMaps(resources);
        this.resources = resources;
        this.timeout = timeout;
    }

    private Optional<ShardMap> mapOf(String table) {
        try {
            return Optional.of(maps.forTable(table));
        } catch (DynamoDbException e) {
            return Optional.empty();
        }
    }

    /**
     * Creates the table in every shard's store that lacks it. A store that already holds the
     * table (created by another gateway, or kept by deletionPolicy Retain from an earlier Table
     * of the same name) keeps it, and its definition is the one used.
     */
    private TableDefinition createInStores(TableDefinition fromResource, ShardMap map) {
        TableDefinition table = fromResource;
        List<String> missing = new ArrayList<>();
        for (String address : map.addresses()) {
            TableReply reply = client(address).call(stub -> stub.describeTable(
                    TableName.newBuilder().setName(fromResource.name()).build()));
            if (reply.getFound()) {
                table = codec.decode(reply.getDefinition().toByteArray());
            } else {
                missing.add(address);
            }
        }
        CreateTableRequest request = CreateTableRequest.newBuilder()
                .setDefinition(ByteString.copyFrom(codec.encode(table))).build();
        for (String address : missing) {
            try {
                client(address).call(stub -> stub.createTable(request));
            } catch (DynamoDbException e) {
                if (e.error() != DynamoDbError.RESOURCE_IN_USE) {
                    throw e;
                }
                // Another gateway created it meanwhile, from the same Table (same id).
            }
        }
        return table;
    }

    /**
     * A Table resource as DescribeTable shows it: CREATING until its shard map is complete, then
     * ACTIVE with the definition its shards' stores hold (created there now if they lack it),
     * and DELETING from its deletion (metadata.deletionTimestamp) until the operator's finalizer
     * lets it go.
     */
    private TableDescription described(Table resource) {
        String name = resource.getMetadata().getName();
        if (KubernetesTables.deleting(resource)) {
            return new TableDescription(TableDefinitions.of(resource), "DELETING");
        }
        Optional<ShardMap> map = mapOf(name);
        if (map.isEmpty()) {
            return new TableDescription(TableDefinitions.of(resource), "CREATING");
        }
        TableDefinition table = definitions.get(name);
        if (table == null) {
            table = createInStores(TableDefinitions.of(resource), map.get());
            definitions.put(name, table);
        }
        return new TableDescription(table, "ACTIVE");
    }

    private ShardClient client(String address) {
        return clients.computeIfAbsent(address, a -> new ShardClient(a, timeout));
    }

    // ---- tables: sent to every shard of the table --------------------------------------------

    @Override
    public TableDescription createTable(TableDefinition table) {
        if (resources != null) {
            // No operator has provisioned the shards of a Table that has just been created.
            return new TableDescription(resources.create(table), "CREATING");
        }
        ShardMap map;
        try {
            map = maps.forTable(table.name());
        } catch (DynamoDbException e) {
            // Kubernetes discovery: the shards of a table exist only once its Table resource
            // is applied and the operator has published their map.
            throw DynamoDbException.validation("Table " + table.name() + " has no shards yet: apply its Table resource "
                    + "and wait until it is Ready, then create it");
        }
        List<String> created = new ArrayList<>();
        CreateTableRequest request = CreateTableRequest.newBuilder()
                .setDefinition(ByteString.copyFrom(codec.encode(table))).build();
        try {
            for (String address : map.addresses()) {
                client(address).call(stub -> stub.createTable(request));
                created.add(address);
            }
        } catch (RuntimeException e) {
            // Leave no half-created table behind: the client sees the error and may try again.
            for (String address : created) {
                try {
                    client(address).call(stub -> stub.deleteTable(TableName.newBuilder().setName(table.name()).build()));
                } catch (RuntimeException ignored) {
                    // That pod will hold an orphan incarnation; a new CreateTable mints a new id,
                    // and item requests name the id, so it is never read.
                }
            }
            throw e;
        }
        definitions.put(table.name(), table);
        return new TableDescription(table, "ACTIVE");
    }

    @Override
    public TableDefinition deleteTable(String name) {
        if (resources != null) {
            Table resource = resources.find(name).orElseThrow(() -> DynamoDbException.resourceNotFound(
                    "Requested resource not found: Table: " + name + " not found"));
            if (KubernetesTables.deleting(resource)) {
                // DynamoDB: "If table is already in the DELETING state, no error is returned."
                return TableDefinitions.of(resource);
            }
            definitions.remove(name);
            Optional<ShardMap> map = mapOf(name);
            if (map.isPresent()) {
                // Drop the data first, as DynamoDB does: the volumes may be retained
                // (deletionPolicy Retain), and a later table of that name must start empty.
                for (String address : map.get().addresses()) {
                    try {
                        client(address).call(stub -> stub.deleteTable(TableName.newBuilder().setName(name).build()));
                    } catch (DynamoDbException e) {
                        if (e.error() != DynamoDbError.RESOURCE_NOT_FOUND) {
                            throw e;
                        }
                    }
                }
            }
            resources.delete(resource);
            return TableDefinitions.of(resource);
        }
        definitions.remove(name);
        TableDefinition deleted = null;
        DynamoDbException unavailable = null;
        for (String address : maps.forTable(name).addresses()) {
            try {
                TableReply reply = client(address).call(stub -> stub.deleteTable(TableName.newBuilder().setName(name).build()));
                deleted = codec.decode(reply.getDefinition().toByteArray());
            } catch (DynamoDbException e) {
                if (e.error() != DynamoDbError.RESOURCE_NOT_FOUND) {
                    unavailable = e;
                }
            }
        }
        if (unavailable != null) {
            throw unavailable;
        }
        if (deleted == null) {
            throw DynamoDbException.resourceNotFound("Requested resource not found: Table: " + name + " not found");
        }
        return deleted;
    }

    /**
     * On Kubernetes, the table of the cached Table resource only: item requests never wait for
     * the API server (a table the informer has not seen yet has no shard map to route by anyway).
     * A table being deleted is not found: DynamoDB "might continue to accept" item requests on a
     * DELETING table, and its ResourceNotFoundException covers a table whose "status might not
     * be ACTIVE"; DeleteTable has dropped the data already, so answering would be wrong.
     */
    @Override
    public Optional<TableDefinition> describeTable(String name) {
        if (resources != null) {
            Optional<TableDescription> described = resources.cached(name).map(this::described)
                    .filter(d -> !d.status().equals("DELETING"));
            if (described.isEmpty()) {
                definitions.remove(name);
            }
            return described.map(TableDescription::definition);
        }
        TableDefinition cached = definitions.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        String first = maps.forTable(name).addresses().get(0);
        TableReply reply = client(first).call(stub -> stub.describeTable(TableName.newBuilder().setName(name).build()));
        if (!reply.getFound()) {
            return Optional.empty();
        }
        TableDefinition table = codec.decode(reply.getDefinition().toByteArray());
        definitions.put(name, table);
        return Optional.of(table);
    }

    /** On Kubernetes, DescribeTable also finds a Table this gateway's informer has not seen yet. */
    @Override
    public Optional<TableDescription> tableDescription(String name) {
        if (resources != null) {
            return resources.find(name).map(this::described);
        }
        return describeTable(name).map(table -> new TableDescription(table, "ACTIVE"));
    }

    @Override
    public long estimatedItemCount(String name) {
        if (resources != null && mapOf(name).isEmpty()) {
            return 0;
        }
        // DynamoDB's ItemCount is itself an estimate (refreshed every six hours): a shard that
        // cannot answer now is left out rather than failing the whole DescribeTable.
        long count = 0;
        for (String address : maps.forTable(name).addresses()) {
            try {
                count += client(address).call(stub -> stub.describeTable(TableName.newBuilder().setName(name).build()))
                        .getEstimatedItemCount();
            } catch (DynamoDbException e) {
                if (e.error() != DynamoDbError.INTERNAL_SERVER_ERROR) {
                    throw e;
                }
            }
        }
        return count;
    }

    /** On Kubernetes, every Table of the namespace, also those CREATING or DELETING, as DynamoDB lists them. */
    @Override
    public List<String> tableNames() {
        if (resources != null) {
            return resources.cachedAll().stream().map(t -> t.getMetadata().getName()).toList();
        }
        TreeSet<String> names = new TreeSet<>();
        for (String address : maps.allAddresses()) {
            names.addAll(client(address).call(stub -> stub.listTables(ListTablesRequest.getDefaultInstance())).getNamesList());
        }
        return List.copyOf(names);
    }

    // ---- items: to the shard that owns the partition hash ------------------------------------

    @Override
    public Map<String, AttributeValue> get(String table, PrimaryKey key) {
        GetRequest request = getRequest(table, key);
        GetReply reply = onTable(table, () -> shardFor(table, key.hash()).call(stub -> stub.get(request)));
        return reply.getFound() ? ItemCodec.decode(reply.getItem().toByteArray()) : null;
    }

    @Override
    public WriteResult write(String table, PrimaryKey key, ItemChange change) {
        WriteRequest request = writeRequest(table, change);
        WriteReply reply = onTable(table, () -> shardFor(table, key.hash()).call(stub -> stub.write(request)));
        return new WriteResult(
                reply.getHadOld() ? ItemCodec.decode(reply.getOldItem().toByteArray()) : null,
                reply.getHasNew() ? ItemCodec.decode(reply.getNewItem().toByteArray()) : null);
    }

    @Override
    public List<Map<String, AttributeValue>> getAll(List<TableKey> keys) {
        Map<String, List<Integer>> positions = new LinkedHashMap<>();
        Map<String, BatchGetRequest.Builder> requests = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            TableKey key = keys.get(i);
            String address = shardFor(key.table(), key.key().hash()).address();
            positions.computeIfAbsent(address, a -> new ArrayList<>()).add(i);
            requests.computeIfAbsent(address, a -> BatchGetRequest.newBuilder()).addGets(getRequest(key.table(), key.key()));
        }
        Map<String, ShardClient.Pending<BatchGetReply>> pending = new LinkedHashMap<>();
        requests.forEach((address, request) -> pending.put(address, client(address).start(stub -> stub.batchGet(request.build()))));
        List<Map<String, AttributeValue>> items = new ArrayList<>(java.util.Collections.nCopies(keys.size(), null));
        for (Map.Entry<String, ShardClient.Pending<BatchGetReply>> e : pending.entrySet()) {
            BatchGetReply reply = onTables(keys, e.getValue()::join);
            List<Integer> at = positions.get(e.getKey());
            for (int j = 0; j < at.size(); j++) {
                GetReply got = reply.getItems(j);
                items.set(at.get(j), got.getFound() ? ItemCodec.decode(got.getItem().toByteArray()) : null);
            }
        }
        return items;
    }

    /**
     * Every shard the batch touches gets its writes in one call, all shards in parallel. If any
     * shard fails, the request fails with that error (retryable when the shard was
     * unreachable): batch writes carry no conditions, so a retry of the whole batch is safe.
     */
    @Override
    public void writeAll(List<TableWrite> writes) {
        Map<String, BatchWriteRequest.Builder> requests = new LinkedHashMap<>();
        for (TableWrite write : writes) {
            String address = shardFor(write.table(), write.key().hash()).address();
            requests.computeIfAbsent(address, a -> BatchWriteRequest.newBuilder()).addWrites(writeRequest(write.table(), write.change()));
        }
        List<ShardClient.Pending<BatchWriteReply>> pending = new ArrayList<>();
        requests.forEach((address, request) -> pending.add(client(address).start(stub -> stub.batchWrite(request.build()))));
        RuntimeException failure = null;
        for (ShardClient.Pending<BatchWriteReply> call : pending) {
            try {
                for (StorageError error : call.join().getErrorsList()) {
                    if (!error.getType().isEmpty() && failure == null) {
                        failure = error.getType().equals("DYNAMODB")
                                ? new DynamoDbException(DynamoDbError.valueOf(error.getDynamodbError()), error.getMessage())
                                : new DynamoDbException(DynamoDbError.INTERNAL_SERVER_ERROR,
                                        "Internal server error (" + error.getType() + ": " + error.getMessage() + ")");
                    }
                }
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            if (failure instanceof DynamoDbException d) {
                for (TableWrite write : writes) {
                    DynamoDbException checked = staleOrGone(write.table(), d);
                    if (checked != d) {
                        throw checked;
                    }
                }
            }
            throw failure;
        }
    }

    // ---- ranges ------------------------------------------------------------------------------

    @Override
    public Page query(String table, AttributeValue partitionKey, SortKeyCondition condition, boolean forward, int limit,
                      PrimaryKey exclusiveStart) {
        QueryRequest.Builder request = QueryRequest.newBuilder()
                .setTable(table)
                .setTableId(tableId(table))
                .setPartitionKey(value(partitionKey))
                .setForward(forward)
                .setLimit(limit);
        if (condition != null) {
            io.kubedyn.storage.grpc.SortKeyCondition.Builder c = io.kubedyn.storage.grpc.SortKeyCondition.newBuilder()
                    .setOperator(condition.operator().name())
                    .setValue(value(condition.value()));
            if (condition.upper() != null) {
                c.setUpper(value(condition.upper()));
            }
            request.setCondition(c);
        }
        if (exclusiveStart != null) {
            request.setExclusiveStart(key(exclusiveStart));
        }
        long hash = PrimaryKey.of(partitionKey, null).hash();
        PageReply reply = onTable(table, () -> shardFor(table, hash).call(stub -> stub.query(request.build())));
        return page(reply);
    }

    /**
     * One page of a Scan segment: the shards the segment overlaps are read in hash order, each
     * from where the previous page stopped (the shard owning ExclusiveStartKey's hash) and with
     * what is left of the page's Limit and 1 MB, so pages are exactly those of one store.
     */
    @Override
    public Page scan(String table, int segment, int totalSegments, int limit, PrimaryKey exclusiveStart) {
        List<ShardMap.Shard> parts = maps.forTable(table).shardsFor(HashRange.segment(segment, totalSegments));
        int first = 0;
        if (exclusiveStart != null) {
            while (first < parts.size() - 1 && !parts.get(first).range().contains(exclusiveStart.hash())) {
                first++;
            }
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        long bytes = 0;
        PrimaryKey start = exclusiveStart;
        for (int i = first; i < parts.size(); i++) {
            PageReply reply = scanShard(table, parts.get(i), limit - items.size(), PartitionStore.PAGE_BYTES - bytes, start);
            Page page = page(reply);
            for (Map<String, AttributeValue> item : page.items()) {
                bytes += ItemSize.of(item);
            }
            items.addAll(page.items());
            if (page.lastEvaluated() != null) {
                return new Page(items, page.lastEvaluated());
            }
            start = null;
            if (items.size() >= limit || bytes >= PartitionStore.PAGE_BYTES) {
                // Full at a shard boundary: there is a next page only if a later shard has an item.
                boolean more = false;
                for (int j = i + 1; j < parts.size() && !more; j++) {
                    more = scanShard(table, parts.get(j), 1, PartitionStore.PAGE_BYTES, null).getItemsCount() > 0;
                }
                return new Page(items, more && !items.isEmpty() ? items.get(items.size() - 1) : null);
            }
        }
        return new Page(items, null);
    }

    private PageReply scanShard(String table, ShardMap.Shard part, int limit, long maxBytes, PrimaryKey start) {
        ScanRequest.Builder request = ScanRequest.newBuilder()
                .setTable(table)
                .setTableId(tableId(table))
                .setRange(io.kubedyn.storage.grpc.HashRange.newBuilder()
                        .setFirst(part.range().first()).setLast(part.range().last()))
                .setLimit(limit)
                .setMaxBytes(maxBytes);
        if (start != null) {
            request.setExclusiveStart(key(start));
        }
        return onTable(table, () -> client(part.address()).call(stub -> stub.scan(request.build())));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private ShardClient shardFor(String table, long hash) {
        return client(maps.forTable(table).shardFor(hash).address());
    }

    private String tableId(String table) {
        TableDefinition definition = definitions.get(table);
        return definition == null ? "" : definition.tableId();
    }

    /**
     * A pod that does not know the table, or not this incarnation of it, makes the cached
     * definition stale. If the table was deleted, the client is told so; if it was re-created
     * meanwhile (through another gateway), the request was validated against the old
     * definition and must not be answered: the client gets a retryable error and its retry is
     * checked against the new one.
     */
    private <T> T onTable(String table, Supplier<T> call) {
        try {
            return call.get();
        } catch (DynamoDbException e) {
            throw staleOrGone(table, e);
        }
    }

    private <T> T onTables(List<TableKey> keys, Supplier<T> call) {
        try {
            return call.get();
        } catch (DynamoDbException e) {
            DynamoDbException answer = e;
            for (TableKey key : keys) {
                DynamoDbException checked = staleOrGone(key.table(), e);
                if (checked != e) {
                    answer = checked;
                }
            }
            throw answer;
        }
    }

    private DynamoDbException staleOrGone(String table, DynamoDbException e) {
        if (e.error() != DynamoDbError.RESOURCE_NOT_FOUND) {
            return e;
        }
        TableDefinition cached = definitions.remove(table);
        if (cached != null) {
            Optional<TableDefinition> current = describeTable(table);
            if (current.isPresent() && !current.get().tableId().equals(cached.tableId())) {
                return new DynamoDbException(DynamoDbError.INTERNAL_SERVER_ERROR,
                        "Internal server error (table " + table + " was re-created while this request ran; retry)");
            }
        }
        return e;
    }

    private GetRequest getRequest(String table, PrimaryKey key) {
        return GetRequest.newBuilder().setTable(table).setTableId(tableId(table)).setKey(key(key)).build();
    }

    private WriteRequest writeRequest(String table, ItemChange change) {
        return WriteRequest.newBuilder().setTable(table).setTableId(tableId(table))
                .setChange(ByteString.copyFrom(ItemChangeCodec.encode(change))).build();
    }

    private static Page page(PageReply reply) {
        List<Map<String, AttributeValue>> items = new ArrayList<>(reply.getItemsCount());
        for (ByteString item : reply.getItemsList()) {
            items.add(ItemCodec.decode(item.toByteArray()));
        }
        return new Page(items, reply.getHasMore() ? ItemCodec.decode(reply.getLastEvaluated().toByteArray()) : null);
    }

    /** A primary key as the pods take it: {@code {"pk": v, "sk": v}}. */
    private static ByteString key(PrimaryKey key) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        map.put("pk", key.partitionKey());
        if (key.sortKey() != null) {
            map.put("sk", key.sortKey());
        }
        return ByteString.copyFrom(ItemCodec.encode(map));
    }

    private static ByteString value(AttributeValue value) {
        return ByteString.copyFrom(ItemCodec.encode(Map.of("", value)));
    }

    @Override
    public void close() {
        clients.values().forEach(ShardClient::close);
        if (resources != null) {
            resources.close();
        }
    }
}
