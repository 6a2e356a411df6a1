package io.kubedyn.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * One BatchWriteItem sent as the AWS SDK documentation tells callers to send it. DynamoDB may
 * answer a batch with success yet leave some of its writes undone (throttled, or an internal
 * failure), listing them in {@code UnprocessedItems}: a benchmark that counted that answer as a
 * success would credit the server with writes it never made. So the unprocessed items are resent,
 * after a pause that doubles each time (the documentation's exponential backoff), until none are
 * left; the whole loop is one operation, its latency from the first send to the last answer, and
 * a batch that still has unprocessed items after {@link #MAX_RESENDS} resends fails.
 */
final class BatchWriteLoop {
    static final int MAX_RESENDS = 10;
    /** The pause before the first resend; before the tenth it is 512 ms, about 1 s in all. */
    private static final long FIRST_PAUSE_MILLIS = 1;

    private BatchWriteLoop() {}

    /** Completes with true once every write is processed, or fails. */
    static CompletableFuture<Boolean> send(DynamoDbAsyncClient client, Map<String, List<WriteRequest>> requestItems) {
        return send(client, requestItems, 0);
    }

    private static CompletableFuture<Boolean> send(
            DynamoDbAsyncClient client, Map<String, List<WriteRequest>> items, int resends) {
        return client.batchWriteItem(
                        BatchWriteItemRequest.builder().requestItems(items).build())
                .thenCompose(response -> {
                    Map<String, List<WriteRequest>> unprocessed = nonEmpty(response.unprocessedItems());
                    if (unprocessed.isEmpty()) {
                        return CompletableFuture.completedFuture(true);
                    }
                    if (resends == MAX_RESENDS) {
                        int left = unprocessed.values().stream()
                                .mapToInt(List::size)
                                .sum();
                        return CompletableFuture.failedFuture(new WorkloadFailedException(String.format(
                                Locale.ROOT,
                                "BatchWriteItem: %d of the batch's writes still unprocessed after %d resends",
                                left,
                                MAX_RESENDS)));
                    }
                    return CompletableFuture.runAsync(
                                    () -> {},
                                    CompletableFuture.delayedExecutor(
                                            FIRST_PAUSE_MILLIS << resends, TimeUnit.MILLISECONDS))
                            .thenCompose(ignored -> send(client, unprocessed, resends + 1));
                });
    }

    /** The tables that have writes left ({@code UnprocessedItems} may be absent, or list a table with none). */
    private static Map<String, List<WriteRequest>> nonEmpty(Map<String, List<WriteRequest>> unprocessed) {
        Map<String, List<WriteRequest>> left = new LinkedHashMap<>();
        unprocessed.forEach((table, writes) -> {
            if (writes != null && !writes.isEmpty()) {
                left.put(table, writes);
            }
        });
        return left;
    }
}
