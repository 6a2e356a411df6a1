package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

@QuarkusTest
class BatchOperationsTest extends EmbeddedServerTest {

    @BeforeEach
    void musicTable() {
        createMusicTable();
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(p -> p.item(item)).build();
    }

    private static WriteRequest delete(Map<String, AttributeValue> key) {
        return WriteRequest.builder().deleteRequest(d -> d.key(key)).build();
    }

    private List<Map<String, AttributeValue>> all() {
        return dynamo.scan(b -> b.tableName(table)).items();
    }

    @Test
    void batchWritePutsAndDeletesAcrossTables() {
        String other = table + "-other";
        createTable(other, "id", software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType.S, null, null);
        dynamo.putItem(b -> b.tableName(table).item(song("Kyuss", "Space Cadet")));
        BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(Map.of(
                table,
                        List.of(
                                put(song("1000mods", "Vidage")),
                                put(song("1000mods", "Claws")),
                                delete(song("Kyuss", "Space Cadet"))),
                other, List.of(put(Map.of("id", s("x")))))));
        assertThat(response.unprocessedItems()).isEmpty();
        assertThat(all()).containsExactlyInAnyOrder(song("1000mods", "Vidage"), song("1000mods", "Claws"));
        assertThat(dynamo.scan(b -> b.tableName(other)).items()).containsExactly(Map.of("id", s("x")));
    }

    @Test
    void batchWriteOfTwentyFiveIsAcceptedAndTwentySixRefused() {
        List<WriteRequest> writes = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            writes.add(put(song("a", "song" + i)));
        }
        // DynamoDB's model limits each table's list to 25 write requests.
        assertThatThrownBy(() -> dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, writes))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("at 'requestItems' failed to satisfy "
                        + "constraint: Map value must satisfy constraint: [Member must have length less than or equal "
                        + "to 25, Member must have length greater than or equal to 1]");
        assertThat(all()).isEmpty();
        dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, writes.subList(0, 25))));
        assertThat(all()).hasSize(25);
    }

    /**
     * The largest batch DynamoDB takes, all of it for one partition and so for one shard: 25 items
     * of about 390 KB, near 10 MB, more than gRPC's default 4 MB message between gateway and pod.
     */
    @Test
    void aBatchOfTwentyFiveItemsNearTheSizeLimitInOnePartitionIsWrittenAndReadBack() {
        String padding = "p".repeat(390_000);
        List<WriteRequest> writes = new ArrayList<>();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Map<String, AttributeValue> key = song("Sleep", "Dopesmoker part " + i);
            keys.add(key);
            Map<String, AttributeValue> item = new java.util.HashMap<>(key);
            item.put("Riff", s(padding));
            writes.add(put(item));
        }
        BatchWriteItemResponse written = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, writes)));
        assertThat(written.unprocessedItems()).isEmpty();
        BatchGetItemResponse read = dynamo.batchGetItem(b -> b.requestItems(
                Map.of(table, KeysAndAttributes.builder().keys(keys).build())));
        assertThat(read.responses().get(table))
                .hasSize(25)
                .allSatisfy(item -> assertThat(item.get("Riff").s()).hasSize(390_000));
    }

    @Test
    void batchWriteWithDuplicateKeysIsRefusedWhole() {
        assertThatThrownBy(() -> dynamo.batchWriteItem(b -> b.requestItems(
                        Map.of(table, List.of(put(song("a", "x")), put(song("b", "y")), delete(song("a", "x")))))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("contains duplicates");
        assertThat(all()).isEmpty();
    }

    @Test
    void batchWriteWithOneBadEntryWritesNothing() {
        assertThatThrownBy(() -> dynamo.batchWriteItem(b -> b.requestItems(Map.of(
                        table, List.of(put(song("a", "x")), put(Map.of("Artist", s("no sort key"))))))))
                // A batch's PutRequest words a missing key attribute as a Key's, as DynamoDB does.
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("The provided key element does not match the schema");
        assertThatThrownBy(() -> dynamo.batchWriteItem(b -> b.requestItems(
                        Map.of(table, List.of(put(song("a", "x"))), "no-such-table", List.of(put(song("a", "x")))))))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(all()).isEmpty();
    }

    @Test
    void batchGetReturnsTheItemsThatExist() {
        dynamo.putItem(b -> b.tableName(table)
                .item(Map.of("Artist", s("Kyuss"), "SongTitle", s("Space Cadet"), "Year", n("1994"))));
        dynamo.putItem(b -> b.tableName(table).item(song("1000mods", "Vidage")));
        BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(Map.of(
                table,
                KeysAndAttributes.builder()
                        .keys(song("Kyuss", "Space Cadet"), song("1000mods", "Vidage"), song("nobody", "nothing"))
                        .attributesToGet("SongTitle", "Year")
                        .build())));
        assertThat(response.unprocessedKeys()).isEmpty();
        assertThat(response.responses().get(table))
                .containsExactlyInAnyOrder(
                        Map.of("SongTitle", s("Space Cadet"), "Year", n("1994")), Map.of("SongTitle", s("Vidage")));
    }

    @Test
    void batchGetRefusesDuplicatesAndMoreThanOneHundredKeys() {
        assertThatThrownBy(() -> dynamo.batchGetItem(b -> b.requestItems(Map.of(
                        table,
                        KeysAndAttributes.builder()
                                .keys(song("a", "b"), song("a", "b"))
                                .build()))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("contains duplicates");
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            keys.add(song("a", "song" + i));
        }
        // DynamoDB's model limits each table's Keys to 100.
        assertThatThrownBy(() -> dynamo.batchGetItem(b -> b.requestItems(
                        Map.of(table, KeysAndAttributes.builder().keys(keys).build()))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining(".member.keys' failed to satisfy "
                        + "constraint: Member must have length less than or equal to 100");
        assertThat(dynamo.batchGetItem(b -> b.requestItems(Map.of(
                                table,
                                KeysAndAttributes.builder()
                                        .keys(keys.subList(0, 100))
                                        .build())))
                        .responses()
                        .get(table))
                .isEmpty();
    }
}
