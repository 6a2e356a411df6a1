package io.kubedyn.bench;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** The one client configuration every target is measured with. */
public final class Clients {
    /** The bench client's access key (any key works, unless a target checks signatures). */
    static final String ACCESS_KEY_ID = "bench";

    static final String SECRET_ACCESS_KEY = "bench";

    private Clients() {}

    /**
     * The AWS SDK v2 async client on Netty, with a connection per lane and no retries: a failed
     * request must count as an error, not hide behind a retry.
     */
    public static DynamoDbAsyncClient async(URI endpoint, int concurrency) {
        return DynamoDbAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        // An https endpoint is the TLS target's, serving the run's own certificate.
                        .tlsTrustManagersProvider(endpoint.getScheme().equals("https") ? BenchTls::trustManagers : null)
                        .maxConcurrency(concurrency)
                        .maxPendingConnectionAcquires(concurrency * 4)
                        .connectionAcquisitionTimeout(Duration.ofSeconds(10)))
                .overrideConfiguration(
                        c -> c.retryStrategy(b -> b.maxAttempts(1)).apiCallTimeout(Duration.ofSeconds(10)))
                .build();
    }
}
