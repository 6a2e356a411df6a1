package io.kubedyn.gateway;

import static io.kubedyn.gateway.IndexedMusicTable.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ItemCollectionMetrics;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnItemCollectionMetrics;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * ReturnItemCollectionMetrics through the AWS SDK, as DynamoDB answers it: for a table with local
 * secondary indexes, PutItem, UpdateItem, DeleteItem and BatchWriteItem asking SIZE get the item
 * collection's partition key and a size estimate in whole gigabytes; a table without local
 * indexes, or a request not asking, gets none; a bad value is refused before anything is written.
 */
@QuarkusTest
class ItemCollectionMetricsTest extends EmbeddedServerTest {
    private static final Map<String, AttributeValue> KYUSS = Map.of("Artist", s("Kyuss"));
    private static final List<Double> UNDER_A_GIGABYTE = List.of(0.0, 1.0);

    private Map<String, AttributeValue> thumb() {
        return item("Artist", s("Kyuss"), "SongTitle", s("Thumb"), "Year", n("1992"), "Album", s("Wretch"));
    }

    private static void assertKyussCollection(ItemCollectionMetrics metrics) {
        assertThat(metrics).isNotNull();
        assertThat(metrics.itemCollectionKey()).isEqualTo(KYUSS);
        assertThat(metrics.sizeEstimateRangeGB()).isEqualTo(UNDER_A_GIGABYTE);
    }

    @Test
    void writesToATableWithLocalIndexesReportTheirItemCollection() {
        IndexedMusicTable.create(dynamo, table);
        assertKyussCollection(dynamo.putItem(b ->
                        b.tableName(table).item(thumb()).returnItemCollectionMetrics(ReturnItemCollectionMetrics.SIZE))
                .itemCollectionMetrics());
        assertKyussCollection(dynamo.updateItem(b -> b.tableName(table)
                        .key(Map.of("Artist", s("Kyuss"), "SongTitle", s("Thumb")))
                        .updateExpression("SET Plays = :p")
                        .expressionAttributeValues(Map.of(":p", n("3")))
                        .returnItemCollectionMetrics(ReturnItemCollectionMetrics.SIZE))
                .itemCollectionMetrics());
        assertThat(dynamo.putItem(b -> b.tableName(table).item(thumb())).itemCollectionMetrics())
                .as("not asked for")
                .isNull();
        assertThat(dynamo.putItem(b -> b.tableName(table)
                                .item(thumb())
                                .returnItemCollectionMetrics(ReturnItemCollectionMetrics.NONE))
                        .itemCollectionMetrics())
                .isNull();
        assertKyussCollection(dynamo.deleteItem(b -> b.tableName(table)
                        .key(Map.of("Artist", s("Kyuss"), "SongTitle", s("Thumb")))
                        .returnItemCollectionMetrics(ReturnItemCollectionMetrics.SIZE))
                .itemCollectionMetrics());
    }

    @Test
    void batchWritesReportEachCollectionTheyTouchedByTable() {
        IndexedMusicTable.create(dynamo, table);
        List<WriteRequest> writes = List.of(
                put(thumb()),
                put(item("Artist", s("Kyuss"), "SongTitle", s("Gardenia"), "Year", n("1994"))),
                put(item("Artist", s("Sleep"), "SongTitle", s("Dopesmoker"), "Year", n("1999"))));
        BatchWriteItemResponse response = dynamo.batchWriteItem(b ->
                b.requestItems(Map.of(table, writes)).returnItemCollectionMetrics(ReturnItemCollectionMetrics.SIZE));
        assertThat(response.unprocessedItems()).isEmpty();
        assertThat(response.itemCollectionMetrics()).containsOnlyKeys(table);
        assertThat(response.itemCollectionMetrics().get(table))
                .hasSize(2)
                .extracting(ItemCollectionMetrics::itemCollectionKey)
                .containsExactlyInAnyOrder(KYUSS, Map.of("Artist", s("Sleep")));
        assertThat(response.itemCollectionMetrics().get(table))
                .allSatisfy(m -> assertThat(m.sizeEstimateRangeGB()).isEqualTo(UNDER_A_GIGABYTE));
    }

    @Test
    void aTableWithoutLocalIndexesReportsNoItemCollections() {
        createTable(table, "Artist", ScalarAttributeType.S, "SongTitle", ScalarAttributeType.S);
        assertThat(dynamo.putItem(b -> b.tableName(table)
                                .item(thumb())
                                .returnItemCollectionMetrics(ReturnItemCollectionMetrics.SIZE))
                        .itemCollectionMetrics())
                .isNull();
        BatchWriteItemResponse response =
                dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, List.of(put(thumb()))))
                        .returnItemCollectionMetrics(ReturnItemCollectionMetrics.SIZE));
        assertThat(response.itemCollectionMetrics()).isEmpty();
    }

    @Test
    void anUnknownValueIsRefusedAndWritesNothing() {
        IndexedMusicTable.create(dynamo, table);
        assertThatThrownBy(() ->
                        dynamo.putItem(b -> b.tableName(table).item(thumb()).returnItemCollectionMetrics("COUNT")))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("1 validation error detected: Value 'COUNT' at 'returnItemCollectionMetrics' "
                        + "failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]");
        assertThatThrownBy(() ->
                        dynamo.putItem(b -> b.tableName(table).item(thumb()).returnConsumedCapacity("ALL")))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("Value 'ALL' at 'returnConsumedCapacity'");
        assertThatThrownBy(() -> dynamo.batchWriteItem(b ->
                        b.requestItems(Map.of(table, List.of(put(thumb())))).returnItemCollectionMetrics("COUNT")))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("Value 'COUNT' at 'returnItemCollectionMetrics'");
        assertThat(dynamo.getItem(b -> b.tableName(table).key(Map.of("Artist", s("Kyuss"), "SongTitle", s("Thumb"))))
                        .hasItem())
                .as("a refused request writes nothing")
                .isFalse();
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder()
                .putRequest(PutRequest.builder().item(item).build())
                .build();
    }
}
