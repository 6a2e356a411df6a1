package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubedyn.crd.AttributeDefinition;
import io.kubedyn.crd.GlobalSecondaryIndex;
import io.kubedyn.crd.KeySchemaElement;
import io.kubedyn.crd.Projection;
import io.kubedyn.crd.ProvisionedThroughput;
import io.kubedyn.crd.SecondaryIndex;
import io.kubedyn.crd.SseSpecification;
import io.kubedyn.crd.StorageSpec;
import io.kubedyn.crd.StreamSpecification;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TimeToLive;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableSpecValidationTest {

    private static List<String> problems(Table table) {
        return TableSpecValidation.problems(table, 0);
    }

    @Test
    void musicTableIsValid() {
        assertThat(problems(Tables.music())).isEmpty();
    }

    @Test
    void tagsFollowDynamoDbsRules() {
        Table table = Tables.music();
        table.getSpec()
                .setTags(new java.util.ArrayList<>(
                        List.of(new io.kubedyn.crd.Tag("team", "radio"), new io.kubedyn.crd.Tag("cost centre", null))));
        assertThat(problems(table))
                .as("a tag without a value has the empty one")
                .isEmpty();
        table.getSpec().getTags().add(new io.kubedyn.crd.Tag("team", "tv"));
        table.getSpec().getTags().add(new io.kubedyn.crd.Tag("aws:owner", "x"));
        table.getSpec().getTags().add(new io.kubedyn.crd.Tag("a#b", "x"));
        assertThat(problems(table))
                .containsExactly(
                        "tags has the key team more than once; a table has one value per key",
                        "tags: The tag key prefix aws: is reserved for AWS: aws:owner",
                        "tags: A tag may hold only letters, white space, numbers and + - = . _ : / @: a#b");
    }

    @Test
    void tableWithoutPartitionKeyIsRefused() {
        Table table = Tables.music();
        table.getSpec().setKeySchema(List.of(new KeySchemaElement("SongTitle", "RANGE")));
        assertThat(problems(table)).contains("keySchema of the table needs exactly one HASH (partition) key, found 0");
    }

    @Test
    void sortKeyOfTypeBoolIsRefused() {
        Table table = Tables.music();
        table.getSpec()
                .setAttributeDefinitions(
                        List.of(new AttributeDefinition("Artist", "S"), new AttributeDefinition("SongTitle", "BOOL")));
        assertThat(problems(table))
                .containsExactly("sort key SongTitle of the table has type BOOL; keys must be of type S, N or B");
    }

    @Test
    void hashKeyComesFirstAndIsNotAlsoTheSortKeyAsInCreateTable() {
        Table table = Tables.music();
        table.getSpec()
                .setKeySchema(
                        List.of(new KeySchemaElement("SongTitle", "RANGE"), new KeySchemaElement("Artist", "HASH")));
        assertThat(problems(table)).containsExactly("keySchema of the table must list its HASH (partition) key first");
        table.getSpec()
                .setKeySchema(List.of(new KeySchemaElement("Artist", "HASH"), new KeySchemaElement("Artist", "RANGE")));
        assertThat(problems(table)).contains("keySchema of the table uses Artist as both its HASH and its RANGE key");
    }

    @Test
    void keyMissingFromAttributeDefinitionsIsRefused() {
        Table table = Tables.music();
        table.getSpec().setAttributeDefinitions(List.of(new AttributeDefinition("Artist", "S")));
        assertThat(problems(table)).containsExactly("sort key SongTitle of the table is not in attributeDefinitions");
    }

    @Test
    void attributeDefinitionNoKeyUsesIsRefusedAsDynamoDbDoes() {
        Table table = Tables.music();
        table.getSpec().getAttributeDefinitions().add(new AttributeDefinition("Year", "N"));
        assertThat(problems(table)).containsExactly("attribute Year is defined but no key schema uses it");
    }

    @Test
    void zeroShardsIsRefused() {
        Table table = Tables.music();
        table.getSpec().setShards(0);
        assertThat(problems(table)).containsExactly("shards must be at least 1, got 0");
    }

    @Test
    void shrinkingBelowThePublishedShardMapIsRefused() {
        Table table = Tables.music();
        table.getSpec().setShards(2);
        assertThat(TableSpecValidation.problems(table, 3))
                .containsExactly("shards cannot shrink: the table has 3 shards holding data, the spec asks for 2");
    }

    @Test
    void withAutoSplitShardsIsTheLeastTheTableHasAndItsLimitsAreChecked() {
        Table table = Tables.music();
        table.getSpec().setShards(2);
        io.kubedyn.crd.AutoSplit autoSplit = new io.kubedyn.crd.AutoSplit();
        autoSplit.setMaxShardSize("10Gi");
        autoSplit.setMaxShards(8);
        table.getSpec().setAutoSplit(autoSplit);
        assertThat(TableSpecValidation.problems(table, 3))
                .as("split to 3 by itself")
                .isEmpty();
        assertThat(AutoSplitPolicy.of(table.getSpec())).contains(new AutoSplitPolicy(10L << 30, "10Gi", 8));

        autoSplit.setMaxShards(1);
        autoSplit.setMaxShardSize("0");
        assertThat(problems(table))
                .containsExactly(
                        "autoSplit.maxShards must be at least shards (2), got 1",
                        "autoSplit.maxShardSize must be a positive quantity such as 10Gi, got 0");
        autoSplit.setMaxShards(4);
        autoSplit.setMaxShardSize("lots");
        assertThat(problems(table)).containsExactly("autoSplit.maxShardSize must be a quantity such as 10Gi, got lots");
    }

    @Test
    void replicasPerShardIsAnOddMajorityOfOneThreeOrFive() {
        Table table = Tables.music();
        for (int replicas : List.of(1, 3, 5)) {
            table.getSpec().setReplicasPerShard(replicas);
            assertThat(problems(table)).as(replicas + " replicas").isEmpty();
        }
        for (int replicas : List.of(0, 2, 4, 7)) {
            table.getSpec().setReplicasPerShard(replicas);
            assertThat(problems(table))
                    .as(replicas + " replicas")
                    .singleElement()
                    .asString()
                    .startsWith("replicasPerShard must be 1, 3 or 5, got " + replicas);
        }
    }

    @Test
    void replicasPerShardOfExistingShardsChangesBetweenThreeAndFiveOnly() {
        Table table = Tables.music();
        var unreplicated = List.of(ShardStatefulSet.desired(Tables.model(table), 0));
        table.getSpec().setReplicasPerShard(3);
        assertThat(TableSpecValidation.storageChanges(table, unreplicated))
                .singleElement()
                .asString()
                .startsWith(
                        "replicasPerShard cannot change between 1 and 3 on a live table: music-shard-0" + " runs 1");
        var three = List.of(ShardStatefulSet.desired(Tables.model(table), 0));
        table.getSpec().setReplicasPerShard(5);
        assertThat(TableSpecValidation.storageChanges(table, three)).isEmpty();
        table.getSpec().setReplicasPerShard(1);
        assertThat(TableSpecValidation.storageChanges(table, three))
                .singleElement()
                .asString()
                .startsWith("replicasPerShard cannot change between 1 and 3 on a live table");
    }

    @Test
    void storageSizeMustBeAQuantity() {
        Table table = Tables.music();
        StorageSpec storage = new StorageSpec();
        storage.setSize("lots");
        table.getSpec().setStorage(storage);
        assertThat(problems(table)).containsExactly("storage.size is not a Kubernetes quantity: lots");
    }

    @Test
    void tableNameTooLongForStatefulSetPodsIsRefused() {
        Table table = Tables.music();
        table.getMetadata().setName("a".repeat(50));
        assertThat(problems(table))
                .singleElement()
                .asString()
                .startsWith("table name " + "a".repeat(50) + " is too long");
    }

    @Test
    void localIndexMustShareTheTablePartitionKeyAndHaveASortKey() {
        Table table = Tables.music();
        table.getSpec().getAttributeDefinitions().add(new AttributeDefinition("Album", "S"));
        SecondaryIndex byAlbum = new SecondaryIndex();
        byAlbum.setIndexName("ByAlbum");
        byAlbum.setKeySchema(List.of(new KeySchemaElement("Album", "HASH")));
        Projection all = new Projection();
        all.setProjectionType("ALL");
        byAlbum.setProjection(all);
        table.getSpec().setLocalSecondaryIndexes(List.of(byAlbum));
        assertThat(problems(table))
                .containsExactly(
                        "local secondary index ByAlbum must use the table's partition key Artist",
                        "local secondary index ByAlbum needs a RANGE key");
    }

    @Test
    void globalIndexOnDefinedAttributesIsValid() {
        Table table = Tables.music();
        table.getSpec().getAttributeDefinitions().add(new AttributeDefinition("Genre", "S"));
        GlobalSecondaryIndex byGenre = new GlobalSecondaryIndex();
        byGenre.setIndexName("ByGenre");
        byGenre.setKeySchema(
                List.of(new KeySchemaElement("Genre", "HASH"), new KeySchemaElement("SongTitle", "RANGE")));
        Projection keysOnly = new Projection();
        keysOnly.setProjectionType("KEYS_ONLY");
        byGenre.setProjection(keysOnly);
        table.getSpec().setGlobalSecondaryIndexes(List.of(byGenre));
        assertThat(problems(table)).isEmpty();
    }

    @Test
    void globalIndexMayHaveMultiAttributeKeysUpToFourOfEach() {
        Table table = Tables.music();
        for (String name : List.of("Genre", "Label", "Decade", "Year", "Country")) {
            table.getSpec().getAttributeDefinitions().add(new AttributeDefinition(name, "S"));
        }
        GlobalSecondaryIndex byScene = new GlobalSecondaryIndex();
        byScene.setIndexName("ByScene");
        byScene.setKeySchema(List.of(
                new KeySchemaElement("Genre", "HASH"),
                new KeySchemaElement("Country", "HASH"),
                new KeySchemaElement("Decade", "RANGE"),
                new KeySchemaElement("Year", "RANGE"),
                new KeySchemaElement("Label", "RANGE")));
        Projection all = new Projection();
        all.setProjectionType("ALL");
        byScene.setProjection(all);
        table.getSpec().setGlobalSecondaryIndexes(List.of(byScene));
        assertThat(problems(table)).isEmpty();

        byScene.setKeySchema(List.of(
                new KeySchemaElement("Genre", "HASH"),
                new KeySchemaElement("Country", "HASH"),
                new KeySchemaElement("Decade", "HASH"),
                new KeySchemaElement("Year", "HASH"),
                new KeySchemaElement("Label", "HASH")));
        assertThat(problems(table))
                .contains("keySchema of global secondary index ByScene needs one to 4 HASH (partition) keys, found 5");

        byScene.setKeySchema(List.of(
                new KeySchemaElement("Genre", "HASH"),
                new KeySchemaElement("Decade", "RANGE"),
                new KeySchemaElement("Country", "HASH")));
        assertThat(problems(table))
                .contains("keySchema of global secondary index ByScene must list its HASH (partition) keys first");
    }

    @Test
    void storageOfExistingShardsCannotChange() {
        Table table = Tables.music();
        var existing = List.of(ShardStatefulSet.desired(Tables.model(table), 0));
        assertThat(TableSpecValidation.storageChanges(table, existing)).isEmpty();

        StorageSpec bigger = new StorageSpec();
        bigger.setSize("1024Mi");
        table.getSpec().setStorage(bigger);
        assertThat(TableSpecValidation.storageChanges(table, existing))
                .as("1024Mi is 1Gi")
                .isEmpty();

        bigger.setSize("20Gi");
        assertThat(TableSpecValidation.storageChanges(table, existing))
                .singleElement()
                .asString()
                .startsWith("storage cannot change once shards exist: music-shard-0 has 1Gi");
    }

    @Test
    void whatIsAcceptedButNotServedIsListedFieldByField() {
        Table table = Tables.music();
        assertThat(TableSpecValidation.notServed(table.getSpec())).isEmpty();
        GlobalSecondaryIndex byGenre = new GlobalSecondaryIndex();
        byGenre.setIndexName("ByGenre");
        table.getSpec().setGlobalSecondaryIndexes(List.of(byGenre));
        TimeToLive ttl = new TimeToLive();
        ttl.setAttributeName("expiresAt");
        ttl.setEnabled(false);
        table.getSpec().setTimeToLive(ttl);
        SseSpecification sse = new SseSpecification();
        sse.setEnabled(true);
        sse.setSseType("KMS");
        sse.setKmsMasterKeyId("arn:aws:kms:eu-west-1:111122223333:key/abc");
        table.getSpec().setSseSpecification(sse);
        StreamSpecification stream = new StreamSpecification();
        stream.setStreamEnabled(true);
        stream.setStreamViewType("NEW_AND_OLD_IMAGES");
        table.getSpec().setStreamSpecification(stream);
        // Secondary indexes are served: only the KMS key is listed.
        assertThat(TableSpecValidation.notServed(table.getSpec()))
                .containsExactly("spec.sseSpecification is accepted but not served: AWS KMS keys are not used: data is"
                        + " encrypted at rest only as the volumes' storage class encrypts it");

        ttl.setEnabled(true);
        assertThat(TableSpecValidation.notServed(table.getSpec()))
                .noneMatch(field -> field.contains("timeToLive") || field.contains("streamSpecification"));
    }

    @Test
    void secondaryIndexesKeepDynamoDbsRulesInItsWords() {
        Table table = Tables.music();
        table.getSpec().getAttributeDefinitions().add(new AttributeDefinition("Genre", "S"));
        GlobalSecondaryIndex byGenre = new GlobalSecondaryIndex();
        byGenre.setIndexName("ByGenre");
        byGenre.setKeySchema(List.of(new KeySchemaElement("Genre", "HASH")));
        Projection include = new Projection();
        include.setProjectionType("INCLUDE");
        byGenre.setProjection(include);
        table.getSpec().setGlobalSecondaryIndexes(List.of(byGenre));
        assertThat(problems(table))
                .containsExactly("global secondary index ByGenre projects INCLUDE but lists no nonKeyAttributes");

        include.setNonKeyAttributes(List.of("Year"));
        table.getSpec().setBillingMode("PROVISIONED");
        table.getSpec().setProvisionedThroughput(new ProvisionedThroughput(5L, 5L));
        assertThat(problems(table))
                .containsExactly("One or more parameter values were invalid: "
                        + "ProvisionedThroughput must be specified for index: ByGenre");

        byGenre.setProvisionedThroughput(new ProvisionedThroughput(1L, 1L));
        assertThat(problems(table)).isEmpty();
    }

    @Test
    void tableNameFollowsDynamoDbsRuleAndResourceNameNamesServices() {
        Table table = Tables.music();
        table.getSpec().setTableName("Orders_v2.archive");
        assertThat(problems(table)).isEmpty();
        table.getSpec().setTableName("ab");
        assertThat(problems(table))
                .containsExactly("table name ab is not a DynamoDB table name: it needs at least 3 characters");
        table.getSpec().setTableName(null);
        table.getMetadata().setName("app.events");
        assertThat(problems(table))
                .singleElement()
                .asString()
                .startsWith("metadata.name app.events also names the shards' Services");
    }

    @Test
    void billingModeAndThroughputFollowCreateTablesRules() {
        Table table = Tables.music();
        table.getSpec().setBillingMode("PROVISIONED");
        assertThat(problems(table))
                .containsExactly("billingMode PROVISIONED needs"
                        + " provisionedThroughput.readCapacityUnits and writeCapacityUnits");
        table.getSpec().setProvisionedThroughput(new ProvisionedThroughput(5L, 5L));
        assertThat(problems(table)).isEmpty();
        table.getSpec().setBillingMode("PAY_PER_REQUEST");
        assertThat(problems(table))
                .singleElement()
                .asString()
                .startsWith("billingMode PAY_PER_REQUEST takes no provisionedThroughput");
    }
}
