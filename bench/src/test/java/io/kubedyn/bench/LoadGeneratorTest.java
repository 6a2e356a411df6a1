package io.kubedyn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The load generator's bookkeeping when an answer is already there as the request is sent: a
 * client whose futures complete at once (a server answering faster than the lane checks, made
 * certain here). Every such answer is counted once, failed or not, and every lane ends.
 */
class LoadGeneratorTest {
    private final BenchConfig config =
            new BenchConfig(50, 3, 20, 10, 5, 4, Duration.ZERO, Duration.ofMillis(200), 100_000, "uniform");
    private final Dataset dataset = new Dataset(config, 1);

    @Test
    @Timeout(60)
    void writesRefusedAtOnceAreCountedAsErrorsAndTheLoadEnds() throws Exception {
        try (DynamoDbAsyncClient client = new AnsweringAtOnce()) {
            LatencyReport load = new LoadGenerator(client, dataset, true).load(Duration.ofSeconds(10), 50);

            assertThat(load.operations()).isEqualTo(50);
            assertThat(load.errors()).isEqualTo(50);
            assertThat(load.firstError()).contains("ResourceNotFoundException");
        }
    }

    @Test
    @Timeout(60)
    void readsAnsweredAtOnceWithoutTheirItemAreErrorsNamingTheKey() throws Exception {
        try (DynamoDbAsyncClient client = new AnsweringAtOnce()) {
            LatencyReport reads = new LoadGenerator(client, dataset, true).measure(Workload.C);

            assertThat(reads.operations()).isPositive();
            assertThat(reads.errors()).isEqualTo(reads.operations());
            assertThat(reads.firstError()).contains("did not match").contains("answered no item");
        }
    }

    /** Refuses every PutItem and answers every GetItem without an item, each before it returns. */
    private static final class AnsweringAtOnce implements DynamoDbAsyncClient {
        @Override
        public CompletableFuture<PutItemResponse> putItem(PutItemRequest request) {
            return CompletableFuture.failedFuture(ResourceNotFoundException.builder()
                    .message("Requested resource not found")
                    .build());
        }

        @Override
        public CompletableFuture<PutItemResponse> putItem(Consumer<PutItemRequest.Builder> request) {
            return putItem(PutItemRequest.builder().applyMutation(request).build());
        }

        @Override
        public CompletableFuture<GetItemResponse> getItem(GetItemRequest request) {
            return CompletableFuture.completedFuture(GetItemResponse.builder().build());
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }
}
