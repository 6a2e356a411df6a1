package io.kubedyn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * kubedyn always processes a whole batch, so the resend loop is checked against a client that
 * answers as a throttled DynamoDB does: success, with the batch's last write left unprocessed.
 */
class BatchWriteLoopTest {
    private static final List<WriteRequest> BATCH = List.of(put("a"), put("b"), put("c"));

    private static WriteRequest put(String id) {
        return WriteRequest.builder()
                .putRequest(PutRequest.builder()
                        .item(Map.of("id", AttributeValue.fromS(id)))
                        .build())
                .build();
    }

    @Test
    void aBatchWithNothingUnprocessedIsOneRequest() throws Exception {
        LeavesTheLastWrite client = new LeavesTheLastWrite(0);
        assertThat(BatchWriteLoop.send(client, Map.of(Dataset.KV_TABLE, BATCH)).get(10, TimeUnit.SECONDS))
                .isTrue();
        assertThat(client.sent).hasSize(1);
    }

    @Test
    void unprocessedItemsAreResentAloneUntilNoneAreLeft() throws Exception {
        LeavesTheLastWrite client = new LeavesTheLastWrite(3);
        assertThat(BatchWriteLoop.send(client, Map.of(Dataset.KV_TABLE, BATCH)).get(10, TimeUnit.SECONDS))
                .isTrue();
        assertThat(client.sent).hasSize(4);
        assertThat(client.sent.get(0).requestItems().get(Dataset.KV_TABLE)).isEqualTo(BATCH);
        for (BatchWriteItemRequest resent : client.sent.subList(1, 4)) {
            assertThat(resent.requestItems()).isEqualTo(Map.of(Dataset.KV_TABLE, List.of(put("c"))));
        }
    }

    @Test
    void aBatchStillUnprocessedAfterTenResendsFails() {
        LeavesTheLastWrite client = new LeavesTheLastWrite(Integer.MAX_VALUE);
        assertThatThrownBy(() -> BatchWriteLoop.send(client, Map.of(Dataset.KV_TABLE, BATCH))
                        .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(WorkloadFailedException.class)
                .hasMessageContaining("1 of the batch's writes still unprocessed after 10 resends");
        assertThat(client.sent).hasSize(1 + BatchWriteLoop.MAX_RESENDS);
    }

    @Test
    void theLoadGeneratorCountsABatchLeftUnprocessedAsAnErrorNotASuccess() throws Exception {
        BenchConfig config =
                new BenchConfig(100, 3, 20, 10, 5, 4, Duration.ZERO, Duration.ofMillis(300), 100_000, "uniform");
        LatencyReport report = new LoadGenerator(
                        new LeavesTheLastWrite(Integer.MAX_VALUE), new Dataset(config, 1), true)
                .measure(Workload.BATCH_WRITE_ITEM);
        assertThat(report.operations()).isPositive();
        assertThat(report.errors()).isEqualTo(report.operations());
        assertThat(report.firstError()).contains("still unprocessed after 10 resends");
    }

    /** Leaves the last write of each of its first {@code leftovers} batches unprocessed. */
    private static final class LeavesTheLastWrite implements DynamoDbAsyncClient {
        private final List<BatchWriteItemRequest> sent = new CopyOnWriteArrayList<>();
        private final int leftovers;

        LeavesTheLastWrite(int leftovers) {
            this.leftovers = leftovers;
        }

        @Override
        public CompletableFuture<BatchWriteItemResponse> batchWriteItem(BatchWriteItemRequest request) {
            sent.add(request);
            if (sent.size() > leftovers) {
                // No UnprocessedItems at all, as a server may answer: nothing is left.
                return CompletableFuture.completedFuture(
                        BatchWriteItemResponse.builder().build());
            }
            List<WriteRequest> writes = request.requestItems().get(Dataset.KV_TABLE);
            return CompletableFuture.completedFuture(BatchWriteItemResponse.builder()
                    .unprocessedItems(
                            Map.of(Dataset.KV_TABLE, List.of(writes.get(writes.size() - 1)), "other_table", List.of()))
                    .build());
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {}
    }
}
