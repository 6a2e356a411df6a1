package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * CreateTable and DescribeTable for tables with local and global secondary indexes: how each
 * index is described, and the declarations DynamoDB refuses, with its messages (as dynalite's
 * test suite recorded them from DynamoDB).
 */
@QuarkusTest
class SecondaryIndexTablesTest extends EmbeddedServerTest {

    /** Two LSIs and two GSIs over the music table; GSI throughput only for a PROVISIONED table. */
    private void declareIndexedTable(CreateTableRequest.Builder b, boolean provisioned) {
        b.tableName(table)
                .attributeDefinitions(
                        definition("Artist", ScalarAttributeType.S),
                        definition("SongTitle", ScalarAttributeType.S),
                        definition("Year", ScalarAttributeType.N),
                        definition("Album", ScalarAttributeType.S),
                        definition("Genre", ScalarAttributeType.S),
                        definition("Plays", ScalarAttributeType.N),
                        definition("Label", ScalarAttributeType.S))
                .keySchema(key("Artist", KeyType.HASH), key("SongTitle", KeyType.RANGE))
                .localSecondaryIndexes(
                        i -> i.indexName("ByYear")
                                .keySchema(key("Artist", KeyType.HASH), key("Year", KeyType.RANGE))
                                .projection(p ->
                                        p.projectionType(ProjectionType.INCLUDE).nonKeyAttributes("Genre", "Plays")),
                        i -> i.indexName("ByAlbumKeys")
                                .keySchema(key("Artist", KeyType.HASH), key("Album", KeyType.RANGE))
                                .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)));
        if (provisioned) {
            b.billingMode(BillingMode.PROVISIONED)
                    .provisionedThroughput(p -> p.readCapacityUnits(5L).writeCapacityUnits(7L))
                    .globalSecondaryIndexes(
                            i -> i.indexName("ByGenre")
                                    .keySchema(key("Genre", KeyType.HASH), key("Plays", KeyType.RANGE))
                                    .projection(p -> p.projectionType(ProjectionType.INCLUDE)
                                            .nonKeyAttributes("Year"))
                                    .provisionedThroughput(
                                            p -> p.readCapacityUnits(3L).writeCapacityUnits(4L)),
                            i -> i.indexName("ByLabel")
                                    .keySchema(key("Label", KeyType.HASH))
                                    .projection(p -> p.projectionType(ProjectionType.ALL))
                                    .provisionedThroughput(
                                            p -> p.readCapacityUnits(2L).writeCapacityUnits(1L)));
        } else {
            b.billingMode(BillingMode.PAY_PER_REQUEST)
                    .globalSecondaryIndexes(
                            i -> i.indexName("ByGenre")
                                    .keySchema(key("Genre", KeyType.HASH), key("Plays", KeyType.RANGE))
                                    .projection(p -> p.projectionType(ProjectionType.INCLUDE)
                                            .nonKeyAttributes("Year")),
                            i -> i.indexName("ByLabel")
                                    .keySchema(key("Label", KeyType.HASH))
                                    .projection(p -> p.projectionType(ProjectionType.ALL)));
        }
    }

    private static AttributeDefinition definition(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(type)
                .build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static List<String> keys(List<KeySchemaElement> schema) {
        return schema.stream()
                .map(k -> k.attributeName() + ":" + k.keyTypeAsString())
                .toList();
    }

    private static LocalSecondaryIndexDescription lsi(TableDescription description, String name) {
        return description.localSecondaryIndexes().stream()
                .filter(i -> i.indexName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no LSI " + name + " in " + description.localSecondaryIndexes()));
    }

    private static GlobalSecondaryIndexDescription gsi(TableDescription description, String name) {
        return description.globalSecondaryIndexes().stream()
                .filter(i -> i.indexName().equals(name))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no GSI " + name + " in " + description.globalSecondaryIndexes()));
    }

    /** The four indexes as declared; GSI statuses and throughput are checked by the callers. */
    private void assertIndexesDescribed(TableDescription description) {
        assertThat(description.attributeDefinitions())
                .extracting(a -> a.attributeName() + ":" + a.attributeTypeAsString())
                .containsExactlyInAnyOrder(
                        "Artist:S", "SongTitle:S", "Year:N", "Album:S", "Genre:S", "Plays:N", "Label:S");
        assertThat(description.localSecondaryIndexes())
                .extracting(LocalSecondaryIndexDescription::indexName)
                .containsExactlyInAnyOrder("ByYear", "ByAlbumKeys");
        assertThat(description.globalSecondaryIndexes())
                .extracting(GlobalSecondaryIndexDescription::indexName)
                .containsExactlyInAnyOrder("ByGenre", "ByLabel");
        String tableArn = description.tableArn();
        assertThat(tableArn).endsWith("table/" + table);

        LocalSecondaryIndexDescription byYear = lsi(description, "ByYear");
        assertThat(keys(byYear.keySchema())).containsExactly("Artist:HASH", "Year:RANGE");
        assertThat(byYear.projection().projectionType()).isEqualTo(ProjectionType.INCLUDE);
        assertThat(byYear.projection().nonKeyAttributes()).containsExactlyInAnyOrder("Genre", "Plays");
        LocalSecondaryIndexDescription byAlbum = lsi(description, "ByAlbumKeys");
        assertThat(keys(byAlbum.keySchema())).containsExactly("Artist:HASH", "Album:RANGE");
        assertThat(byAlbum.projection().projectionType()).isEqualTo(ProjectionType.KEYS_ONLY);
        assertThat(byAlbum.projection().hasNonKeyAttributes()).isFalse();
        for (LocalSecondaryIndexDescription index : description.localSecondaryIndexes()) {
            assertThat(index.indexArn()).isEqualTo(tableArn + "/index/" + index.indexName());
            assertThat(index.indexSizeBytes())
                    .as("IndexSizeBytes of %s", index.indexName())
                    .isNotNull()
                    .isGreaterThanOrEqualTo(0L);
            assertThat(index.itemCount())
                    .as("ItemCount of %s", index.indexName())
                    .isNotNull()
                    .isGreaterThanOrEqualTo(0L);
        }

        GlobalSecondaryIndexDescription byGenre = gsi(description, "ByGenre");
        assertThat(keys(byGenre.keySchema())).containsExactly("Genre:HASH", "Plays:RANGE");
        assertThat(byGenre.projection().projectionType()).isEqualTo(ProjectionType.INCLUDE);
        assertThat(byGenre.projection().nonKeyAttributes()).containsExactly("Year");
        GlobalSecondaryIndexDescription byLabel = gsi(description, "ByLabel");
        assertThat(keys(byLabel.keySchema())).containsExactly("Label:HASH");
        assertThat(byLabel.projection().projectionType()).isEqualTo(ProjectionType.ALL);
        assertThat(byLabel.projection().hasNonKeyAttributes()).isFalse();
        for (GlobalSecondaryIndexDescription index : description.globalSecondaryIndexes()) {
            assertThat(index.indexArn()).isEqualTo(tableArn + "/index/" + index.indexName());
            assertThat(index.indexSizeBytes())
                    .as("IndexSizeBytes of %s", index.indexName())
                    .isNotNull()
                    .isGreaterThanOrEqualTo(0L);
            assertThat(index.itemCount())
                    .as("ItemCount of %s", index.indexName())
                    .isNotNull()
                    .isGreaterThanOrEqualTo(0L);
            assertThat(index.indexStatus())
                    .as("IndexStatus of %s", index.indexName())
                    .isNotNull();
            assertThat(index.provisionedThroughput())
                    .as("ProvisionedThroughput of %s", index.indexName())
                    .isNotNull();
        }
    }

    /** DescribeTable once the table is ACTIVE: every GSI is ACTIVE too. */
    private TableDescription describeActive() {
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
        TableDescription described = IndexedMusicTable.eventually(
                Duration.ofSeconds(10),
                () -> dynamo.describeTable(b -> b.tableName(table)).table(),
                d -> d.globalSecondaryIndexes().stream().allMatch(i -> i.indexStatus() == IndexStatus.ACTIVE));
        assertThat(described.globalSecondaryIndexes())
                .allSatisfy(index -> assertThat(index.indexStatus())
                        .as("IndexStatus of %s", index.indexName())
                        .isEqualTo(IndexStatus.ACTIVE));
        return described;
    }

    @Test
    void aPayPerRequestTableDescribesEachLsiAndGsiWithZeroGsiThroughput() {
        TableDescription created =
                dynamo.createTable(b -> declareIndexedTable(b, false)).tableDescription();
        assertIndexesDescribed(created);
        assertThat(created.globalSecondaryIndexes())
                .allSatisfy(index -> assertThat(index.indexStatus()).isIn(IndexStatus.CREATING, IndexStatus.ACTIVE));

        TableDescription described = describeActive();
        assertIndexesDescribed(described);
        assertThat(described.globalSecondaryIndexes()).allSatisfy(index -> {
            assertThat(index.provisionedThroughput().readCapacityUnits()).isZero();
            assertThat(index.provisionedThroughput().writeCapacityUnits()).isZero();
        });
    }

    @Test
    void aProvisionedTableDescribesEachLsiAndTheThroughputGivenToEachGsi() {
        TableDescription created =
                dynamo.createTable(b -> declareIndexedTable(b, true)).tableDescription();
        assertIndexesDescribed(created);

        TableDescription described = describeActive();
        assertIndexesDescribed(described);
        assertThat(described.provisionedThroughput().readCapacityUnits()).isEqualTo(5L);
        assertThat(described.provisionedThroughput().writeCapacityUnits()).isEqualTo(7L);
        for (TableDescription description : List.of(created, described)) {
            assertThat(gsi(description, "ByGenre").provisionedThroughput().readCapacityUnits())
                    .isEqualTo(3L);
            assertThat(gsi(description, "ByGenre").provisionedThroughput().writeCapacityUnits())
                    .isEqualTo(4L);
            assertThat(gsi(description, "ByLabel").provisionedThroughput().readCapacityUnits())
                    .isEqualTo(2L);
            assertThat(gsi(description, "ByLabel").provisionedThroughput().writeCapacityUnits())
                    .isEqualTo(1L);
        }
    }

    @Test
    void aTableWithIndexesIsListedAndDeletedLikeAnyOther() {
        dynamo.createTable(b -> declareIndexedTable(b, false));
        describeActive();
        assertThat(dynamo.listTablesPaginator().tableNames()).contains(table);
        dynamo.deleteTable(b -> b.tableName(table));
        assertThat(dynamo.listTablesPaginator().tableNames()).doesNotContain(table);
    }

    // Refused declarations. Each starts from a PAY_PER_REQUEST table keyed Artist/SongTitle.

    /** CreateTable with {@code declaration} applied is a ValidationException with exactly {@code message}, and creates nothing. */
    private void assertRefused(Consumer<CreateTableRequest.Builder> declaration, String message) {
        assertThatThrownBy(() -> dynamo.createTable(b -> declaration.accept(b.tableName(table)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .keySchema(key("Artist", KeyType.HASH), key("SongTitle", KeyType.RANGE)))))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
                });
        assertThat(dynamo.listTablesPaginator().tableNames()).doesNotContain(table);
    }

    /** As {@link #assertRefused}, for a message whose list order DynamoDB does not fix. */
    private void assertRefusedMatching(Consumer<CreateTableRequest.Builder> declaration, String messageRegex) {
        assertThatThrownBy(() -> dynamo.createTable(b -> declaration.accept(b.tableName(table)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .keySchema(key("Artist", KeyType.HASH), key("SongTitle", KeyType.RANGE)))))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).matches(messageRegex);
                });
        assertThat(dynamo.listTablesPaginator().tableNames()).doesNotContain(table);
    }

    private static LocalSecondaryIndex localIndex(String name, String range, ProjectionType projection) {
        return LocalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(key("Artist", KeyType.HASH), key(range, KeyType.RANGE))
                .projection(p -> p.projectionType(projection))
                .build();
    }

    private static GlobalSecondaryIndex globalIndex(String name, String hash, ProjectionType projection) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(key(hash, KeyType.HASH))
                .projection(p -> p.projectionType(projection))
                .build();
    }

    @Test
    void anLsiOnATableWithoutARangeKeyIsRefused() {
        assertRefused(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S), definition("Year", ScalarAttributeType.N))
                        .keySchema(key("Artist", KeyType.HASH))
                        .localSecondaryIndexes(localIndex("ByYear", "Year", ProjectionType.ALL)),
                "One or more parameter values were invalid: Table KeySchema does not have a range key, "
                        + "which is required when specifying a LocalSecondaryIndex");
    }

    @Test
    void anLsiWhoseHashKeyIsNotTheTablesIsRefused() {
        assertRefused(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S),
                                definition("SongTitle", ScalarAttributeType.S),
                                definition("Year", ScalarAttributeType.N))
                        .localSecondaryIndexes(i -> i.indexName("ByYear")
                                .keySchema(key("Year", KeyType.HASH), key("SongTitle", KeyType.RANGE))
                                .projection(p -> p.projectionType(ProjectionType.ALL))),
                "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key "
                        + "as table KeySchema for index: ByYear. index hash key: Year, table hash key: Artist");
    }

    @Test
    void anLsiWithoutARangeKeyIsRefused() {
        assertRefused(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S),
                                definition("SongTitle", ScalarAttributeType.S))
                        .localSecondaryIndexes(i -> i.indexName("ByArtist")
                                .keySchema(key("Artist", KeyType.HASH))
                                .projection(p -> p.projectionType(ProjectionType.ALL))),
                "One or more parameter values were invalid: Index KeySchema does not have a range key for index: ByArtist");
    }

    @Test
    void anLsiKeyAttributeMissingFromAttributeDefinitionsIsRefused() {
        assertRefusedMatching(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S),
                                definition("SongTitle", ScalarAttributeType.S))
                        .localSecondaryIndexes(localIndex("ByYear", "Year", ProjectionType.ALL)),
                "\\QOne or more parameter values were invalid: Some index key attributes are not defined in "
                        + "AttributeDefinitions. Keys: [\\E(Artist, Year|Year, Artist)\\Q], AttributeDefinitions: [\\E"
                        + "(Artist, SongTitle|SongTitle, Artist)\\]");
    }

    @Test
    void aGsiKeyAttributeMissingFromAttributeDefinitionsIsRefused() {
        assertRefusedMatching(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S),
                                definition("SongTitle", ScalarAttributeType.S))
                        .globalSecondaryIndexes(globalIndex("ByGenre", "Genre", ProjectionType.ALL)),
                "\\QOne or more parameter values were invalid: Some index key attributes are not defined in "
                        + "AttributeDefinitions. Keys: [Genre], AttributeDefinitions: [\\E"
                        + "(Artist, SongTitle|SongTitle, Artist)\\]");
    }

    @Test
    void anIndexNameUsedByAnLsiAndAGsiIsRefused() {
        assertRefused(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S),
                                definition("SongTitle", ScalarAttributeType.S),
                                definition("Year", ScalarAttributeType.N))
                        .localSecondaryIndexes(localIndex("ByYear", "Year", ProjectionType.ALL))
                        .globalSecondaryIndexes(globalIndex("ByYear", "Year", ProjectionType.ALL)),
                "One or more parameter values were invalid: Duplicate index name: ByYear");
    }

    @Test
    void twoLsisOfTheSameNameAreRefused() {
        assertRefused(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S),
                                definition("SongTitle", ScalarAttributeType.S),
                                definition("Year", ScalarAttributeType.N))
                        .localSecondaryIndexes(
                                localIndex("ByYear", "Year", ProjectionType.ALL),
                                localIndex("ByYear", "Year", ProjectionType.KEYS_ONLY)),
                "One or more parameter values were invalid: Duplicate index name: ByYear");
    }

    @Test
    void moreThanFiveLsisAreRefused() {
        assertRefused(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S),
                                definition("SongTitle", ScalarAttributeType.S),
                                definition("Year", ScalarAttributeType.N))
                        .localSecondaryIndexes(IntStream.range(0, 6)
                                .mapToObj(i -> localIndex("ByYear" + i, "Year", ProjectionType.ALL))
                                .toList()),
                "One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit of 5");
    }

    @Test
    void moreThanTwentyGsisAreRefused() {
        assertRefused(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S),
                                definition("SongTitle", ScalarAttributeType.S),
                                definition("Genre", ScalarAttributeType.S))
                        .globalSecondaryIndexes(IntStream.range(0, 21)
                                .mapToObj(i -> globalIndex("ByGenre" + i, "Genre", ProjectionType.ALL))
                                .toList()),
                "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20");
    }

    @Test
    void nonKeyAttributesWithProjectionTypeAllOrKeysOnlyAreRefused() {
        assertRefused(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S),
                                definition("SongTitle", ScalarAttributeType.S),
                                definition("Year", ScalarAttributeType.N))
                        .localSecondaryIndexes(i -> i.indexName("ByYear")
                                .keySchema(key("Artist", KeyType.HASH), key("Year", KeyType.RANGE))
                                .projection(p ->
                                        p.projectionType(ProjectionType.ALL).nonKeyAttributes("Plays"))),
                "One or more parameter values were invalid: ProjectionType is ALL, but NonKeyAttributes is specified");
        assertRefused(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S),
                                definition("SongTitle", ScalarAttributeType.S),
                                definition("Genre", ScalarAttributeType.S))
                        .globalSecondaryIndexes(i -> i.indexName("ByGenre")
                                .keySchema(key("Genre", KeyType.HASH))
                                .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)
                                        .nonKeyAttributes("Year"))),
                "One or more parameter values were invalid: ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified");
    }

    @Test
    void gsiThroughputOnAPayPerRequestTableIsRefused() {
        assertRefused(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S),
                                definition("SongTitle", ScalarAttributeType.S),
                                definition("Genre", ScalarAttributeType.S),
                                definition("Label", ScalarAttributeType.S))
                        .globalSecondaryIndexes(
                                globalIndex("ByLabel", "Label", ProjectionType.ALL),
                                GlobalSecondaryIndex.builder()
                                        .indexName("ByGenre")
                                        .keySchema(key("Genre", KeyType.HASH))
                                        .projection(p -> p.projectionType(ProjectionType.ALL))
                                        .provisionedThroughput(
                                                p -> p.readCapacityUnits(1L).writeCapacityUnits(1L))
                                        .build()),
                "One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: "
                        + "ByGenre when BillingMode is PAY_PER_REQUEST");
    }

    @Test
    void emptyIndexListsAreRefused() {
        assertRefused(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S),
                                definition("SongTitle", ScalarAttributeType.S))
                        .localSecondaryIndexes(List.of()),
                "One or more parameter values were invalid: List of LocalSecondaryIndexes is empty");
        assertRefused(
                b -> b.attributeDefinitions(
                                definition("Artist", ScalarAttributeType.S),
                                definition("SongTitle", ScalarAttributeType.S))
                        .globalSecondaryIndexes(List.of()),
                "One or more parameter values were invalid: List of GlobalSecondaryIndexes is empty");
    }
}
