package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

@QuarkusTest
class TableApiTest extends EmbeddedServerTest {
    @Inject
    StoragePlane plane;

    @Test
    void anUpdateOfATableChangedSinceItWasReadIsResourceInUseAndLosesNothing() {
        createTable(table, "pk", ScalarAttributeType.S, null, null);
        io.kubedyn.core.TableDefinition read = plane.catalog().requireTable(table);
        // Another update (Time to Live, through the API) lands between this one's read and write.
        dynamo.updateTimeToLive(b ->
                b.tableName(table).timeToLiveSpecification(t -> t.enabled(true).attributeName("expiresAt")));
        assertThatThrownBy(() -> plane.controlPlane().updateTable(read, read.withDeletionProtection(true)))
                .isInstanceOfSatisfying(
                        io.kubedyn.core.DynamoDbException.class,
                        e -> assertThat(e.error()).isEqualTo(io.kubedyn.core.DynamoDbError.RESOURCE_IN_USE))
                .hasMessage("Attempt to change a resource which is still in use: Table is being updated: " + table);
        assertThat(dynamo.describeTimeToLive(b -> b.tableName(table))
                        .timeToLiveDescription()
                        .timeToLiveStatusAsString())
                .as("the first change is kept")
                .isEqualTo("ENABLED");
        assertThat(dynamo.describeTable(b -> b.tableName(table)).table().deletionProtectionEnabled())
                .as("the stale one wrote nothing")
                .isFalse();
    }

    @Test
    void createdTableIsDescribedAsDeclared() {
        dynamo.createTable(b -> b.tableName(table)
                .attributeDefinitions(
                        a -> a.attributeName("Artist").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("SongTitle").attributeType(ScalarAttributeType.S))
                .keySchema(
                        k -> k.attributeName("Artist").keyType(KeyType.HASH),
                        k -> k.attributeName("SongTitle").keyType(KeyType.RANGE))
                .provisionedThroughput(p -> p.readCapacityUnits(5L).writeCapacityUnits(7L)));
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
        TableDescription description =
                dynamo.describeTable(b -> b.tableName(table)).table();
        assertThat(description.tableName()).isEqualTo(table);
        assertThat(description.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(description.keySchema())
                .extracting(k -> k.attributeName() + ":" + k.keyType())
                .containsExactly("Artist:HASH", "SongTitle:RANGE");
        assertThat(description.provisionedThroughput().readCapacityUnits()).isEqualTo(5L);
        assertThat(description.provisionedThroughput().writeCapacityUnits()).isEqualTo(7L);
        assertThat(description.creationDateTime()).isNotNull();
        assertThat(description.tableArn()).endsWith("table/" + table);
    }

    @Test
    void aProtectedTableIsNotDeletedUntilUpdateTableTurnsProtectionOff() {
        dynamo.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("Artist").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("Artist").keyType(KeyType.HASH))
                .deletionProtectionEnabled(true));
        assertThat(dynamo.describeTable(b -> b.tableName(table)).table().deletionProtectionEnabled())
                .isTrue();
        assertThatThrownBy(() -> dynamo.deleteTable(b -> b.tableName(table)))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Resource cannot be deleted as it is "
                                    + "currently protected against deletion. Disable deletion protection first.");
                });
        assertThat(dynamo.listTablesPaginator().tableNames()).contains(table);

        var updated = dynamo.updateTable(b -> b.tableName(table).deletionProtectionEnabled(false))
                .tableDescription();
        assertThat(updated.deletionProtectionEnabled()).isFalse();
        dynamo.deleteTable(b -> b.tableName(table));
        assertThat(dynamo.listTablesPaginator().tableNames()).doesNotContain(table);
    }

    @Test
    void updateTableRefusesWhatItDoesNotServeByName() {
        createMusicTable();
        assertThatThrownBy(() -> dynamo.updateTable(b -> b.tableName(table).tableClass("STANDARD_INFREQUENT_ACCESS")))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage())
                            .startsWith("TableClass is not supported by kubedyn yet");
                });
        assertThatThrownBy(() ->
                        dynamo.updateTable(b -> b.tableName(table + "-missing").deletionProtectionEnabled(true)))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void updateTableChangesTheCapacityAndTheBillingModeAndDescribeTableShowsThem() {
        dynamo.createTable(b -> b.tableName(table)
                .attributeDefinitions(
                        a -> a.attributeName("Artist").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("Genre").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("Artist").keyType(KeyType.HASH))
                .provisionedThroughput(p -> p.readCapacityUnits(5L).writeCapacityUnits(5L))
                .globalSecondaryIndexes(g -> g.indexName("ByGenre")
                        .keySchema(k -> k.attributeName("Genre").keyType(KeyType.HASH))
                        .projection(p -> p.projectionType("KEYS_ONLY"))
                        .provisionedThroughput(p -> p.readCapacityUnits(2L).writeCapacityUnits(2L))));
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));

        var tripled = dynamo.updateTable(b -> b.tableName(table)
                        .provisionedThroughput(p -> p.readCapacityUnits(15L).writeCapacityUnits(15L)))
                .tableDescription();
        assertThat(tripled.provisionedThroughput().readCapacityUnits()).isEqualTo(15L);
        assertThatThrownBy(() -> dynamo.updateTable(b -> b.tableName(table)
                        .provisionedThroughput(p -> p.readCapacityUnits(15L).writeCapacityUnits(15L))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("The provisioned throughput for the table will not change.");

        assertThat(dynamo.describeTable(b -> b.tableName(table))
                        .table()
                        .billingModeSummary()
                        .lastUpdateToPayPerRequestDateTime())
                .as("never PAY_PER_REQUEST")
                .isNull();
        java.time.Instant beforeSwitch = java.time.Instant.now().minusSeconds(1);
        var onDemand = dynamo.updateTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST))
                .tableDescription();
        assertThat(onDemand.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        var described = dynamo.describeTable(b -> b.tableName(table)).table();
        assertThat(described.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        java.time.Instant switched = described.billingModeSummary().lastUpdateToPayPerRequestDateTime();
        assertThat(switched)
                .isAfter(beforeSwitch)
                .isAfter(described.creationDateTime())
                .isEqualTo(onDemand.billingModeSummary().lastUpdateToPayPerRequestDateTime());
        assertThat(described.provisionedThroughput().readCapacityUnits()).isZero();
        assertThat(described
                        .globalSecondaryIndexes()
                        .get(0)
                        .provisionedThroughput()
                        .readCapacityUnits())
                .isZero();
        assertThatThrownBy(() -> dynamo.updateTable(b -> b.tableName(table)
                        .provisionedThroughput(p -> p.readCapacityUnits(1L).writeCapacityUnits(1L))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("Neither ReadCapacityUnits nor "
                        + "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
        assertThatThrownBy(() -> dynamo.updateTable(b -> b.tableName(table).billingMode(BillingMode.PROVISIONED)))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("ProvisionedThroughput must be " + "specified when BillingMode is PROVISIONED");

        dynamo.updateTable(b -> b.tableName(table)
                .billingMode(BillingMode.PROVISIONED)
                .provisionedThroughput(p -> p.readCapacityUnits(3L).writeCapacityUnits(4L)));
        described = dynamo.describeTable(b -> b.tableName(table)).table();
        assertThat(described.billingModeSummary().billingMode()).isEqualTo(BillingMode.PROVISIONED);
        assertThat(described.billingModeSummary().lastUpdateToPayPerRequestDateTime())
                .as("when it last was PAY_PER_REQUEST")
                .isEqualTo(switched);
        assertThat(described.provisionedThroughput().writeCapacityUnits()).isEqualTo(4L);
        assertThat(described
                        .globalSecondaryIndexes()
                        .get(0)
                        .provisionedThroughput()
                        .writeCapacityUnits())
                .as("the indexes take the table's capacity")
                .isEqualTo(4L);
        dynamo.putItem(b -> b.tableName(table).item(java.util.Map.of("Artist", s("a"), "Genre", s("rock"))));
        assertThat(dynamo.getItem(b -> b.tableName(table).key(java.util.Map.of("Artist", s("a"))))
                        .item())
                .as("the table serves items throughout")
                .containsKey("Genre");
    }

    @Test
    void creatingAnExistingTableIsResourceInUse() {
        createMusicTable();
        assertThatThrownBy(this::createMusicTable).isInstanceOf(ResourceInUseException.class);
    }

    @Test
    void deleteTableDescribesTheTableAsDynamoDbDoesWhileItIsDeleted() {
        dynamo.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        a -> a.attributeName("Artist").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("Genre").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("Artist").keyType(KeyType.HASH))
                .globalSecondaryIndexes(g -> g.indexName("ByGenre")
                        .keySchema(k -> k.attributeName("Genre").keyType(KeyType.HASH))
                        .projection(p -> p.projectionType("KEYS_ONLY"))));
        var created = dynamo.describeTable(b -> b.tableName(table)).table();
        assertThat(created.billingModeSummary().lastUpdateToPayPerRequestDateTime())
                .as("PAY_PER_REQUEST since its creation")
                .isEqualTo(created.creationDateTime());

        var deleting = dynamo.deleteTable(b -> b.tableName(table)).tableDescription();
        assertThat(deleting.tableName()).isEqualTo(table);
        assertThat(deleting.tableStatus()).isEqualTo(TableStatus.DELETING);
        assertThat(deleting.tableArn()).isEqualTo(created.tableArn());
        assertThat(deleting.tableId()).isEqualTo(created.tableId());
        assertThat(deleting.itemCount()).isZero();
        assertThat(deleting.provisionedThroughput().readCapacityUnits()).isZero();
        assertThat(deleting.billingModeSummary()).isEqualTo(created.billingModeSummary());
        assertThat(deleting.deletionProtectionEnabled()).isFalse();
        // What DynamoDB no longer says of a table being deleted.
        assertThat(deleting.hasKeySchema()).isFalse();
        assertThat(deleting.hasAttributeDefinitions()).isFalse();
        assertThat(deleting.creationDateTime()).isNull();
        assertThat(deleting.hasGlobalSecondaryIndexes()).isFalse();
    }

    @Test
    void deletedTableIsGoneAndCanBeCreatedAgainEmpty() {
        createMusicTable();
        dynamo.putItem(b -> b.tableName(table).item(song("Kyuss", "Space Cadet")));
        dynamo.deleteTable(b -> b.tableName(table));
        assertThat(dynamo.listTablesPaginator().tableNames()).doesNotContain(table);
        assertThatThrownBy(() -> dynamo.deleteTable(b -> b.tableName(table)))
                .isInstanceOf(ResourceNotFoundException.class);
        createMusicTable();
        assertThat(dynamo.scan(b -> b.tableName(table)).count()).isZero();
    }

    @Test
    void listTablesPagesInNameOrder() {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = table + "-" + i;
            createTable(name, "id", ScalarAttributeType.S, null, null);
            mine.add(name);
        }
        List<String> seen = new ArrayList<>();
        String start = null;
        do {
            String exclusiveStart = start;
            ListTablesResponse page = dynamo.listTables(b -> b.limit(2).exclusiveStartTableName(exclusiveStart));
            assertThat(page.tableNames()).hasSizeLessThanOrEqualTo(2);
            seen.addAll(page.tableNames());
            start = page.lastEvaluatedTableName();
        } while (start != null);
        assertThat(seen).isSorted().containsAll(mine);
        assertThat(dynamo.listTablesPaginator(b -> b.limit(3)).tableNames()).containsAll(mine);
    }

    @Test
    void invalidTableDeclarationsAreRefused() {
        assertThatThrownBy(() -> dynamo.createTable(b -> b.tableName(table)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(a -> a.attributeName("a").attributeType(ScalarAttributeType.S))
                        .keySchema(k -> k.attributeName("b").keyType(KeyType.HASH))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("not defined in AttributeDefinitions");
        assertThatThrownBy(() -> dynamo.createTable(b -> b.tableName(table)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(a -> a.attributeName("a").attributeType(ScalarAttributeType.S))
                        .keySchema(k -> k.attributeName("a").keyType(KeyType.RANGE))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("The first KeySchemaElement is not a HASH key type");
        assertThatThrownBy(() -> dynamo.createTable(b -> b.tableName(table)
                        .attributeDefinitions(a -> a.attributeName("a").attributeType(ScalarAttributeType.S))
                        .keySchema(k -> k.attributeName("a").keyType(KeyType.HASH))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("ReadCapacityUnits");
        assertThat(dynamo.listTablesPaginator().tableNames()).doesNotContain(table);
    }
}
