package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A batch across three storage pods while one of them is down: the down shard's part comes back
 * in UnprocessedItems / UnprocessedKeys and the other shards' work stands, as DynamoDB reports
 * partial failure; the retry loop the AWS documentation prescribes (resend what is unprocessed,
 * with backoff) completes the batch once the shard is back.
 */
class BatchPartialFailureIT {
    private static final int SHARDS = 3;
    private static final int DOWN = 1;

    @TempDir
    Path data;

    private static int shardOf(String id) {
        return EvenShards.shardOf(id, SHARDS);
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("id", AttributeValue.fromS(id));
    }

    private static String id(Map<String, AttributeValue> item) {
        return item.get("id").s();
    }

    @Test
    void aDownShardsPartIsUnprocessedAndTheRetryLoopCompletesTheBatchWhenItIsBack() throws Exception {
        try (PackagedCluster cluster = new PackagedCluster(data, SHARDS)) {
            List<StoragePodProcess> pods = cluster.pods;
            DynamoDbClient dynamo = cluster.dynamo;
            cluster.createTable("Batch");
            List<WriteRequest> writes = new ArrayList<>();
            Set<String> onDownShard = new HashSet<>();
            for (int i = 0; i < 25; i++) {
                String id = "item-" + i;
                writes.add(WriteRequest.builder()
                        .putRequest(PutRequest.builder()
                                .item(Map.of(
                                        "id", AttributeValue.fromS(id), "n", AttributeValue.fromN(Integer.toString(i))))
                                .build())
                        .build());
                if (shardOf(id) == DOWN) {
                    onDownShard.add(id);
                }
            }
            assertThat(onDownShard)
                    .as("the batch spans the down shard")
                    .isNotEmpty()
                    .hasSizeLessThan(25);

            pods.get(DOWN).kill();
            BatchWriteItemResponse first = dynamo.batchWriteItem(b -> b.requestItems(Map.of("Batch", writes)));
            List<WriteRequest> unprocessed = first.unprocessedItems().getOrDefault("Batch", List.of());
            assertThat(unprocessed)
                    .as("exactly the down shard's writes are unprocessed")
                    .extracting(w -> id(w.putRequest().item()))
                    .containsExactlyInAnyOrderElementsOf(onDownShard);
            for (WriteRequest write : writes) {
                String id = id(write.putRequest().item());
                if (!onDownShard.contains(id)) {
                    assertThat(dynamo.getItem(b -> b.tableName("Batch").key(key(id)))
                                    .item())
                            .as("the other shards' writes stand")
                            .containsEntry("id", AttributeValue.fromS(id));
                }
            }
            List<Map<String, AttributeValue>> keys =
                    writes.stream().map(w -> key(id(w.putRequest().item()))).toList();
            BatchGetItemResponse read = dynamo.batchGetItem(b -> b.requestItems(
                    Map.of("Batch", KeysAndAttributes.builder().keys(keys).build())));
            assertThat(read.responses().get("Batch")).hasSize(25 - onDownShard.size());
            assertThat(read.unprocessedKeys().get("Batch").keys())
                    .extracting(k -> k.get("id").s())
                    .containsExactlyInAnyOrderElementsOf(onDownShard);

            // The shard comes back while the client's retry loop is resending.
            CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(1_000);
                    pods.get(DOWN).start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Map<String, List<WriteRequest>> pending = first.unprocessedItems();
            Duration backoff = Duration.ofMillis(100);
            Instant deadline = Instant.now().plusSeconds(60);
            while (!pending.isEmpty() && Instant.now().isBefore(deadline)) {
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0
                        ? Duration.ofSeconds(2)
                        : backoff.multipliedBy(2);
                Map<String, List<WriteRequest>> resend = pending;
                try {
                    pending = dynamo.batchWriteItem(b -> b.requestItems(resend)).unprocessedItems();
                } catch (software.amazon.awssdk.services.dynamodb.model.DynamoDbException e) {
                    assertThat(e.statusCode())
                            .as("a batch nothing of which could be done is retryable")
                            .isEqualTo(500);
                }
            }
            restart.get();
            assertThat(pending).as("the retry loop completed the batch").isEmpty();
            for (String id : onDownShard) {
                assertThat(dynamo.getItem(b -> b.tableName("Batch").key(key(id)))
                                .item())
                        .containsEntry("id", AttributeValue.fromS(id));
            }
        }
    }
}
