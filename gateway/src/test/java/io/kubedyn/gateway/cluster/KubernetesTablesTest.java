package io.kubedyn.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.IndexProjection;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableDefinitions;
import io.kubedyn.crd.TableNames;
import io.kubedyn.gateway.PlaneOperations;
import io.kubedyn.gateway.StoragePlane;
import io.kubedyn.gateway.TableCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * CreateTable, DescribeTable, ListTables and DeleteTable of the cluster backend in Kubernetes
 * mode, as {@code Table} resources on fabric8's mock API server (CRUD mode). No shard map is
 * published here (no operator runs), so tables stay CREATING; KubernetesDiscoveryTest covers
 * the way to ACTIVE with real storage pods.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesTablesTest {
    KubernetesClient client;
    KubernetesMockServer server;

    private static TableDefinition music(String name) {
        Map<String, ScalarType> attributes = new LinkedHashMap<>();
        attributes.put("Artist", ScalarType.S);
        attributes.put("SongTitle", ScalarType.S);
        return new TableDefinition(
                name,
                UUID.randomUUID().toString(),
                KeySchema.of(new KeyAttribute("Artist", ScalarType.S), new KeyAttribute("SongTitle", ScalarType.S)),
                attributes,
                "PROVISIONED",
                5,
                10,
                0);
    }

    private PlaneOperations backend(int shards) {
        return kubernetes(new KubernetesTables(client, "kubedyn", shards));
    }

    private static PlaneOperations kubernetes(KubernetesTables tables) {
        return new PlaneOperations(StoragePlane.kubernetes(tables, new RemoteStores(Duration.ofSeconds(5))));
    }

    @Test
    void createTableCreatesATableResourceWithTheKeySchemaAndAttributeDefinitions() {
        try (PlaneOperations backend = backend(3)) {
            backend.createTable(music("music"));

            Table resource = client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName(TableNames.resourceName("music"))
                    .get();
            assertThat(resource).isNotNull();
            assertThat(resource.getSpec().getKeySchema())
                    .extracting(k -> k.getAttributeName() + ":" + k.getKeyType())
                    .containsExactly("Artist:HASH", "SongTitle:RANGE");
            assertThat(resource.getSpec().getAttributeDefinitions())
                    .extracting(a -> a.getAttributeName() + ":" + a.getAttributeType())
                    .containsExactly("Artist:S", "SongTitle:S");
            assertThat(resource.getSpec().getShards()).isEqualTo(3);
            assertThat(resource.getSpec().getTableName()).isEqualTo("music");
            assertThat(resource.getSpec().getBillingMode()).isEqualTo("PROVISIONED");
            assertThat(resource.getSpec().getProvisionedThroughput().getReadCapacityUnits())
                    .isEqualTo(5);
            assertThat(resource.getSpec().getProvisionedThroughput().getWriteCapacityUnits())
                    .isEqualTo(10);

            TableDefinition described =
                    backend.tableDescription("music").orElseThrow().definition();
            assertThat(described.keySchema()).isEqualTo(music("music").keySchema());
            assertThat(described.attributeDefinitions())
                    .isEqualTo(music("music").attributeDefinitions());
            assertThat(described.billingMode()).isEqualTo("PROVISIONED");
            assertThat(described.readCapacityUnits()).isEqualTo(5);
            assertThat(described.tableId()).isEqualTo(resource.getMetadata().getUid());
            assertThat(backend.tableDescription("music"))
                    .hasValueSatisfying(d -> assertThat(d.status())
                            .as("no shard map published yet")
                            .isEqualTo("CREATING"));
            assertThat(backend.estimatedItemCount("music")).isZero();
            assertThat(backend.tableNames()).containsExactly("music");
        }
    }

    @Test
    void createTableAnswersTheTableAsTheResourceRecordsIt() {
        try (PlaneOperations backend = backend(1)) {
            TableDefinition proposed = music("songs");
            TableCatalog.TableDescription created = backend.createTable(proposed);

            Table resource = client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName(TableNames.resourceName("songs"))
                    .get();
            assertThat(created.definition().tableId())
                    .isEqualTo(resource.getMetadata().getUid())
                    .isNotEqualTo(proposed.tableId());
            assertThat(created.definition().creationDateTimeMillis())
                    .isEqualTo(Instant.parse(resource.getMetadata().getCreationTimestamp())
                            .toEpochMilli());
            assertThat(created.status()).isEqualTo("CREATING");
            assertThat(created.definition().keySchema()).isEqualTo(proposed.keySchema());
            assertThat(backend.tableDescription("songs").orElseThrow().definition())
                    .isEqualTo(created.definition());
            assertThat(backend.describeTable("songs"))
                    .as("no item requests before the operator reports it Ready")
                    .isEmpty();
        }
    }

    @Test
    void describeTableListTablesAndItemRequestsReadTheInformerCacheNotTheApiServer() {
        try (PlaneOperations backend = backend(1)) {
            backend.createTable(music("music"));
            int requests = server.getRequestCount();
            for (int i = 0; i < 10; i++) {
                assertThat(backend.tableDescription("music")).isPresent();
                assertThat(backend.tableNames()).containsExactly("music");
                assertThat(backend.describeTable("music"))
                        .as("not served before the operator reports it Ready")
                        .isEmpty();
            }
            assertThat(server.getRequestCount())
                    .as("requests to the API server")
                    .isEqualTo(requests);
        }
    }

    @Test
    void aTableCreatedThroughAnotherGatewayIsDescribedBeforeThisGatewaysInformerHearsOfIt() {
        try (SilentWatchApi api = new SilentWatchApi();
                PlaneOperations backend = kubernetes(new KubernetesTables(api.client, "kubedyn", 1));
                KubernetesTables otherGateway = new KubernetesTables(api.client, "kubedyn", 1, Duration.ZERO)) {
            TableDefinition created = otherGateway.create(music("fresh"));

            assertThat(backend.tableDescription("fresh"))
                    .as("read-after-create, as DynamoDB")
                    .hasValueSatisfying(d -> {
                        assertThat(d.status()).isEqualTo("CREATING");
                        assertThat(d.definition()).isEqualTo(created);
                    });
            assertThat(backend.tableDescription("never-created")).isEmpty();
        }
    }

    @Test
    void aCreateTableWhoseChangeTheInformerNeverHearsOfStillSucceedsAndIsDescribed() {
        try (SilentWatchApi api = new SilentWatchApi();
                PlaneOperations backend =
                        kubernetes(new KubernetesTables(api.client, "kubedyn", 1, Duration.ofMillis(100)))) {
            TableDefinition created = backend.createTable(music("fresh")).definition();
            assertThat(backend.tableDescription("fresh"))
                    .hasValueSatisfying(d -> assertThat(d.definition()).isEqualTo(created));
        }
    }

    @Test
    void listTablesAndDescribeTableShowThisGatewaysCreateTableAndDeleteTableAtOnce() {
        // Without waiting for its informer, the next read races the watch event (and mostly loses).
        try (PlaneOperations backend = backend(1)) {
            for (int i = 0; i < 10; i++) {
                String name = "table-" + i;
                backend.createTable(music(name));
                assertThat(backend.tableNames()).contains(name);
                assertThat(backend.tableDescription(name)).isPresent();
                backend.deleteTable(name);
                assertThat(backend.tableNames()).doesNotContain(name);
                assertThat(backend.tableDescription(name)).isEmpty();
            }
        }
    }

    /** java-operator-sdk's name for the operator's finalizer on Table resources. */
    static final String OPERATOR_FINALIZER = "tables.kubedyn.io/finalizer";

    private void setFinalizer(String table, boolean present) {
        client.resources(Table.class)
                .inNamespace("kubedyn")
                .withName(TableNames.resourceName(table))
                .edit(t -> {
                    t.getMetadata().setFinalizers(present ? List.of(OPERATOR_FINALIZER) : List.of());
                    return t;
                });
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aDeletedTableIsDeletingUntilTheOperatorsFinalizerLetsItGo() throws Exception {
        try (PlaneOperations backend = backend(1)) {
            String uid = backend.createTable(music("music")).definition().tableId();
            setFinalizer("music", true); // as the operator does when it first reconciles the Table

            assertThat(backend.deleteTable("music").tableId()).isEqualTo(uid);
            Table resource = client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName(TableNames.resourceName("music"))
                    .get();
            assertThat(resource.getMetadata().getDeletionTimestamp())
                    .as("kept by the finalizer")
                    .isNotNull();
            assertThat(backend.tableDescription("music")).hasValueSatisfying(d -> {
                assertThat(d.status()).isEqualTo("DELETING");
                assertThat(d.definition().tableId()).isEqualTo(uid);
            });
            assertThat(backend.tableNames())
                    .as("listed while DELETING, as DynamoDB does")
                    .containsExactly("music");
            assertThat(backend.estimatedItemCount("music")).isZero();
            assertThatThrownBy(() -> backend.requireTable("music"))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.error()).isEqualTo(DynamoDbError.RESOURCE_NOT_FOUND));
            assertThatThrownBy(() ->
                            backend.get("music", PrimaryKey.of(new AttributeValue.S("a"), new AttributeValue.S("b"))))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.error()).isEqualTo(DynamoDbError.RESOURCE_NOT_FOUND));
            assertThat(backend.deleteTable("music").tableId())
                    .as("a second DeleteTable is no error")
                    .isEqualTo(uid);
            assertThatThrownBy(() -> backend.createTable(music("music")))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.error()).isEqualTo(DynamoDbError.RESOURCE_IN_USE));

            setFinalizer("music", false); // the operator's cleanup is done
            await(() -> backend.tableDescription("music").isEmpty());
            assertThat(client.resources(Table.class)
                            .inNamespace("kubedyn")
                            .withName(TableNames.resourceName("music"))
                            .get())
                    .isNull();
            assertThat(backend.tableNames()).isEmpty();
            assertThatThrownBy(() -> backend.deleteTable("music"))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.error()).isEqualTo(DynamoDbError.RESOURCE_NOT_FOUND));
        }
    }

    @Test
    void aTableDeletedWithKubectlIsDeletingToo() throws Exception {
        try (PlaneOperations backend = backend(1)) {
            backend.createTable(music("music"));
            setFinalizer("music", true);
            client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName(TableNames.resourceName("music"))
                    .delete();

            await(() -> backend.tableDescription("music")
                    .map(d -> d.status().equals("DELETING"))
                    .orElse(false));
            assertThat(backend.describeTable("music")).as("no item requests").isEmpty();
            assertThat(backend.tableNames()).containsExactly("music");
            setFinalizer("music", false);
        }
    }

    @Test
    void creatingAnExistingTableIsResourceInUse() {
        try (PlaneOperations backend = backend(1)) {
            backend.createTable(music("songs"));
            assertThatThrownBy(() -> backend.createTable(music("songs")))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.error()).isEqualTo(DynamoDbError.RESOURCE_IN_USE));
        }
    }

    @Test
    void anyDynamoDbNameIsATableAndMusicAndmusicAreTwo() {
        try (PlaneOperations backend = backend(10)) {
            List<String> names = List.of("Music", "music", "Orders_v2", "app.events", "2024.Q1-sales", "A".repeat(255));
            for (String name : names) {
                backend.createTable(music(name));
            }
            for (String name : names) {
                Table resource = client.resources(Table.class)
                        .inNamespace("kubedyn")
                        .withName(TableNames.resourceName(name))
                        .get();
                assertThat(resource.getSpec().getTableName()).isEqualTo(name);
                assertThat(backend.tableDescription(name)
                                .orElseThrow()
                                .definition()
                                .name())
                        .isEqualTo(name);
                assertThat(backend.tableDescription(name)
                                .orElseThrow()
                                .definition()
                                .tableId())
                        .isEqualTo(resource.getMetadata().getUid());
            }
            assertThat(backend.tableNames())
                    .containsExactlyElementsOf(names.stream().sorted().toList());
            assertThat(backend.tableDescription("MUSIC"))
                    .as("names are case-sensitive")
                    .isEmpty();
            for (String name : names) {
                backend.deleteTable(name);
            }
            assertThat(client.resources(Table.class)
                            .inNamespace("kubedyn")
                            .list()
                            .getItems())
                    .isEmpty();
        }
    }

    @Test
    void aTableDeclaredWithKubectlIsFoundByItsTableNameAndHoldsIt() throws Exception {
        try (PlaneOperations backend = backend(1)) {
            Table declared = TableDefinitions.resourceOf(music("Music"), "kubedyn", 1);
            declared.getMetadata().setName("music-catalog");
            client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .resource(declared)
                    .create();
            await(() -> backend.tableDescription("Music").isPresent());

            assertThat(backend.tableNames()).containsExactly("Music");
            assertThat(backend.tableDescription("music-catalog"))
                    .as("the resource name is no table name")
                    .isEmpty();
            assertThatThrownBy(() -> backend.createTable(music("Music")))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                        assertThat(e.error()).isEqualTo(DynamoDbError.RESOURCE_IN_USE);
                        assertThat(e.getMessage()).isEqualTo("Table already exists: Music");
                    });
        }
    }

    @Test
    void ofTwoResourcesClaimingOneNameTheOlderIsTheTable() throws Exception {
        try (PlaneOperations backend = backend(1)) {
            Table first = TableDefinitions.resourceOf(music("Music"), "kubedyn", 1);
            first.getMetadata().setName("b-first");
            String firstUid = client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .resource(first)
                    .create()
                    .getMetadata()
                    .getUid();
            Thread.sleep(1100); // creationTimestamp counts seconds
            Table second = TableDefinitions.resourceOf(music("Music"), "kubedyn", 1);
            second.getMetadata().setName("a-second");
            client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .resource(second)
                    .create();
            await(() -> client.resources(Table.class)
                                    .inNamespace("kubedyn")
                                    .list()
                                    .getItems()
                                    .size()
                            == 2
                    && backend.tableNames().equals(List.of("Music")));

            assertThat(backend.tableDescription("Music")
                            .orElseThrow()
                            .definition()
                            .tableId())
                    .isEqualTo(firstUid);
        }
    }

    @Test
    void aProtectedTableIsNotDeletedUntilProtectionIsTurnedOff() throws Exception {
        try (PlaneOperations backend = backend(1)) {
            backend.createTable(music("Ledger").withDeletionProtection(true));
            assertThat(backend.tableDescription("Ledger")
                            .orElseThrow()
                            .definition()
                            .deletionProtectionEnabled())
                    .isTrue();

            assertThatThrownBy(() -> backend.deleteTable("Ledger"))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                        assertThat(e.error()).isEqualTo(DynamoDbError.VALIDATION);
                        assertThat(e.getMessage())
                                .isEqualTo("Resource cannot be deleted as it is currently protected "
                                        + "against deletion. Disable deletion protection first.");
                    });
            assertThat(client.resources(Table.class)
                            .inNamespace("kubedyn")
                            .withName(TableNames.resourceName("Ledger"))
                            .get()
                            .getMetadata()
                            .getDeletionTimestamp())
                    .isNull();

            client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName(TableNames.resourceName("Ledger"))
                    .edit(t -> {
                        t.getSpec().setDeletionProtectionEnabled(false);
                        return t;
                    });
            await(() -> !backend.tableDescription("Ledger")
                    .orElseThrow()
                    .definition()
                    .deletionProtectionEnabled());
            backend.deleteTable("Ledger");
            assertThat(client.resources(Table.class)
                            .inNamespace("kubedyn")
                            .withName(TableNames.resourceName("Ledger"))
                            .get())
                    .isNull();
        }
    }

    @Test
    void updateTableSucceedsWhileTheOperatorPatchesTheStatus() throws Exception {
        KubernetesTables tables = new KubernetesTables(client, "kubedyn", 1);
        try (PlaneOperations backend = kubernetes(tables)) {
            backend.createTable(music("Ledger"));
            String resourceName = TableNames.resourceName("Ledger");
            AtomicBoolean done = new AtomicBoolean();
            Thread operator = new Thread(() -> {
                for (long count = 0; !done.get(); count++) {
                    long itemCount = count;
                    try {
                        client.resources(Table.class)
                                .inNamespace("kubedyn")
                                .withName(resourceName)
                                .editStatus(t -> {
                                    t.setStatus(new io.kubedyn.crd.TableStatus());
                                    t.getStatus().setItemCount(itemCount);
                                    return t;
                                });
                    } catch (KubernetesClientException e) {
                        // The spec edit came between this read and this patch: read again.
                    }
                }
            });
            operator.start();
            try {
                for (int i = 0; i < 20; i++) {
                    boolean protect = i % 2 == 0;
                    TableDefinition current =
                            tables.cached("Ledger").map(TableDefinitions::of).orElseThrow();
                    tables.updateTable(current, current.withDeletionProtection(protect));
                    assertThat(client.resources(Table.class)
                                    .inNamespace("kubedyn")
                                    .withName(resourceName)
                                    .get()
                                    .getSpec()
                                    .getDeletionProtectionEnabled())
                            .isEqualTo(protect ? Boolean.TRUE : null);
                }
            } finally {
                done.set(true);
                operator.join();
            }
        }
    }

    @Test
    void updateTableWritesTheBillingModeTheCapacityAndTheTagsIntoTheSpec() {
        KubernetesTables tables = new KubernetesTables(client, "kubedyn", 1);
        try (PlaneOperations backend = kubernetes(tables)) {
            backend.createTable(music("Ledger"));
            var resource =
                    client.resources(Table.class).inNamespace("kubedyn").withName(TableNames.resourceName("Ledger"));
            TableDefinition current =
                    tables.cached("Ledger").map(TableDefinitions::of).orElseThrow();
            tables.updateTable(
                    current,
                    current.withCapacity("PAY_PER_REQUEST", 0, 0, 0, 0, 1_800_000_000_123L)
                            .withTags(Map.of("team", "ledger")));
            assertThat(resource.get().getSpec().getBillingMode()).isEqualTo("PAY_PER_REQUEST");
            assertThat(resource.get().getMetadata().getAnnotations())
                    .containsEntry(TableDefinitions.PAY_PER_REQUEST_SINCE, "2027-01-15T08:00:00.123Z");
            assertThat(TableDefinitions.of(resource.get()).payPerRequestSinceMillis())
                    .isEqualTo(1_800_000_000_123L);
            assertThat(resource.get().getSpec().getProvisionedThroughput()).isNull();
            assertThat(resource.get().getSpec().getTags())
                    .extracting(t -> t.getKey() + "=" + t.getValue())
                    .containsExactly("team=ledger");

            current = tables.cached("Ledger").map(TableDefinitions::of).orElseThrow();
            tables.updateTable(
                    current, current.withCapacity("PROVISIONED", 7, 9, -1, -1).withTags(Map.of()));
            assertThat(resource.get().getSpec().getBillingMode()).isEqualTo("PROVISIONED");
            assertThat(resource.get().getSpec().getProvisionedThroughput().getWriteCapacityUnits())
                    .isEqualTo(9L);
            assertThat(resource.get().getSpec().getTags()).isNull();
            assertThat(TableDefinitions.of(resource.get()).readCapacityUnits()).isEqualTo(7L);
            assertThat(TableDefinitions.of(resource.get()).payPerRequestSinceMillis())
                    .as("when the table was last PAY_PER_REQUEST stays known")
                    .isEqualTo(1_800_000_000_123L);
        }
    }

    @Test
    void updateTableWritesAGlobalIndexAndItsAttributeIntoTheSpecAndRemovesThemAgain() throws Exception {
        KubernetesTables tables = new KubernetesTables(client, "kubedyn", 1);
        try (PlaneOperations backend = kubernetes(tables)) {
            backend.createTable(music("Ledger"));
            String resourceName = TableNames.resourceName("Ledger");
            TableDefinition current =
                    tables.cached("Ledger").map(TableDefinitions::of).orElseThrow();
            Map<String, ScalarType> attributes = new LinkedHashMap<>(current.attributeDefinitions());
            attributes.put("Genre", ScalarType.S);
            SecondaryIndex byGenre = SecondaryIndex.global(
                    "ByGenre", KeySchema.of(new KeyAttribute("Genre", ScalarType.S), null), IndexProjection.KEYS_ONLY);
            tables.updateTable(current, current.withIndexes(List.of(byGenre), attributes));
            Table resource = client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName(resourceName)
                    .get();
            assertThat(resource.getSpec().getAttributeDefinitions())
                    .extracting(a -> a.getAttributeName() + ":" + a.getAttributeType())
                    .containsExactly("Artist:S", "SongTitle:S", "Genre:S");
            assertThat(resource.getSpec().getGlobalSecondaryIndexes())
                    .singleElement()
                    .satisfies(index -> assertThat(index.getIndexName()).isEqualTo("ByGenre"));
            assertThat(TableDefinitions.of(resource).indexes()).containsExactly(byGenre);

            tables.updateTable(
                    TableDefinitions.of(resource), TableDefinitions.of(resource).withIndexes(List.of(), attributes));
            resource = client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName(resourceName)
                    .get();
            assertThat(resource.getSpec().getGlobalSecondaryIndexes()).isNull();
            assertThat(resource.getSpec().getAttributeDefinitions())
                    .extracting(a -> a.getAttributeName())
                    .containsExactly("Artist", "SongTitle");
        }
    }

    @Test
    void anUpdateTableOfATableChangedSinceItWasReadIsResourceInUseAndLosesNothing() throws Exception {
        KubernetesTables tables = new KubernetesTables(client, "kubedyn", 1);
        try (PlaneOperations backend = kubernetes(tables)) {
            backend.createTable(music("Ledger"));
            String resourceName = TableNames.resourceName("Ledger");
            TableDefinition read =
                    tables.cached("Ledger").map(TableDefinitions::of).orElseThrow();
            // Another UpdateTable (here: deletion protection) lands between this one's read and write.
            tables.updateTable(read, read.withDeletionProtection(true));
            assertThatThrownBy(() -> tables.updateTable(read, read.withTimeToLive("expiresAt")))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.error()).isEqualTo(DynamoDbError.RESOURCE_IN_USE))
                    .hasMessage("Attempt to change a resource which is still in use: Table is being updated: Ledger");
            Table resource = client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName(resourceName)
                    .get();
            assertThat(resource.getSpec().getDeletionProtectionEnabled())
                    .as("the first change is kept")
                    .isTrue();
            assertThat(resource.getSpec().getTimeToLive())
                    .as("the stale one wrote nothing")
                    .isNull();
        }
    }

    @Test
    void deleteTableDeletesTheResource() {
        try (PlaneOperations backend = backend(1)) {
            backend.createTable(music("gone"));
            TableDefinition deleted = backend.deleteTable("gone");
            assertThat(deleted.name()).isEqualTo("gone");
            assertThat(client.resources(Table.class)
                            .inNamespace("kubedyn")
                            .withName(TableNames.resourceName("gone"))
                            .get())
                    .isNull();
            assertThat(backend.tableNames()).doesNotContain("gone");
            assertThatThrownBy(() -> backend.deleteTable("gone"))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.error()).isEqualTo(DynamoDbError.RESOURCE_NOT_FOUND));
        }
    }
}
