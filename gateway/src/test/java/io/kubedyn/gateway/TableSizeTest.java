package io.kubedyn.gateway;

import static io.kubedyn.gateway.IndexedMusicTable.item;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * DescribeTable's TableSizeBytes and IndexSizeBytes through the AWS SDK: estimates, as DynamoDB's
 * own are, that grow with what the table and each index hold: zero for an empty table, near the
 * bytes written once items are in, an index that projects less holding less.
 */
@QuarkusTest
class TableSizeTest extends EmbeddedServerTest {
    private static final int SONGS = 200;
    private static final int NOTES_BYTES = 1500;

    @Test
    void describeTableEstimatesTheBytesOfTheTableAndOfEachIndex() {
        IndexedMusicTable.create(dynamo, table);
        TableDescription empty = dynamo.describeTable(b -> b.tableName(table)).table();
        assertThat(empty.tableSizeBytes()).isZero();
        assertThat(empty.localSecondaryIndexes())
                .allSatisfy(index -> assertThat(index.indexSizeBytes()).isZero());

        Random random = new Random(7);
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 0; i < SONGS; i++) {
            byte[] notes = new byte[NOTES_BYTES * 3 / 4];
            random.nextBytes(notes);
            // Random text: compression cannot shrink it below what was written.
            Map<String, AttributeValue> song = item(
                    "Artist",
                    s("artist-" + i % 10),
                    "SongTitle",
                    s("song-" + i),
                    "Year",
                    n(Integer.toString(1960 + i % 60)),
                    "Album",
                    s("album-" + i % 25),
                    "Notes",
                    s(Base64.getEncoder().encodeToString(notes)));
            batch.add(WriteRequest.builder()
                    .putRequest(PutRequest.builder().item(song).build())
                    .build());
            if (batch.size() == 25) {
                List<WriteRequest> writes = List.copyOf(batch);
                dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, writes)));
                batch.clear();
            }
        }
        TableDescription full = dynamo.describeTable(b -> b.tableName(table)).table();
        long written = (long) SONGS * NOTES_BYTES;
        assertThat(full.tableSizeBytes())
                .as("estimate of %s bytes written", written)
                .isBetween(written / 2, written * 3);
        LocalSecondaryIndexDescription keysOnly = full.localSecondaryIndexes().stream()
                .filter(index -> index.indexName().equals(IndexedMusicTable.BY_ALBUM_KEYS))
                .findFirst()
                .orElseThrow();
        LocalSecondaryIndexDescription all = full.localSecondaryIndexes().stream()
                .filter(index -> !index.indexName().equals(IndexedMusicTable.BY_ALBUM_KEYS)
                        && index.projection().projectionTypeAsString().equals("ALL"))
                .findFirst()
                .orElseThrow();
        assertThat(all.indexSizeBytes()).as("an index projecting everything").isBetween(written / 2, written * 3);
        assertThat(keysOnly.indexSizeBytes())
                .as("a keys-only index")
                .isPositive()
                .isLessThan(written / 4);
    }
}
