package io.kubedyn.gateway;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** The real AWS SDK v2 client, pointed at a kubedyn endpoint with dummy credentials as a user would. */
final class DynamoDbClients {
    private DynamoDbClients() {}

    static DynamoDbClient at(URI endpoint) {
        return configured(DynamoDbClient.builder(), endpoint).build();
    }

    /** The client signing with the access key {@code accessKeyId} and its secret. */
    static DynamoDbClient at(URI endpoint, String accessKeyId, String secretAccessKey) {
        return configured(DynamoDbClient.builder(), endpoint)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .build();
    }

    /** The client over HTTPS, trusting the certificates {@code trust} trusts. */
    static DynamoDbClient atTls(URI endpoint, javax.net.ssl.TrustManager[] trust) {
        return configured(DynamoDbClient.builder(), endpoint)
                .httpClient(UrlConnectionHttpClient.builder()
                        .tlsTrustManagersProvider(() -> trust)
                        .build())
                .build();
    }

    /**
     * Over HTTPS as {@link #atTls}, with the SDK's standard retries (ten attempts rather than three), as a user's
     * client runs: a connection the server closes while it swaps its certificate is tried again.
     */
    static DynamoDbClient atTlsRetrying(URI endpoint, javax.net.ssl.TrustManager[] trust) {
        return configured(DynamoDbClient.builder(), endpoint)
                .httpClient(UrlConnectionHttpClient.builder()
                        .tlsTrustManagersProvider(() -> trust)
                        .build())
                .overrideConfiguration(
                        c -> c.retryStrategy(software.amazon.awssdk.retries.StandardRetryStrategy.builder()
                                .maxAttempts(10)
                                .build()))
                .build();
    }

    /** A new table is CREATING for a moment, as in DynamoDB: waits for it as a client would, polling often. */
    static void awaitActive(DynamoDbClient dynamo, String table) {
        try (software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter waiter =
                software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter.builder()
                        .client(dynamo)
                        .overrideConfiguration(o -> o.backoffStrategy(
                                software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy.create(
                                        java.time.Duration.ofMillis(50))))
                        .build()) {
            waiter.waitUntilTableExists(b -> b.tableName(table));
        }
    }

    /** The SDK's DynamoDB Streams client, at the same endpoint (as with DynamoDB Local). */
    static DynamoDbStreamsClient streamsAt(URI endpoint) {
        return configured(DynamoDbStreamsClient.builder(), endpoint).build();
    }

    /** Endpoint, region, dummy credentials, URL-connection HTTP and no retries, for either client. */
    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configured(
            B builder, URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)));
    }
}
