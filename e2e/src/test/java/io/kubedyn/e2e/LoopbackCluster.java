package io.kubedyn.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The whole system on one machine, wired as the Helm chart wires it in a cluster: a Kubernetes
 * API server (fabric8's mock, CRUD mode) with the chart's CRD, the packaged operator reconciling
 * {@code Table}s into StatefulSets, a {@link LoopbackKubelet} running the StatefulSets' pods as
 * storage-pod processes, an {@link OwnerGarbageCollector} deleting what a deleted owner leaves, and the packaged gateway in cluster mode with Kubernetes discovery,
 * resolving the shards' Service names through {@link ClusterDns}. Users reach it as in a
 * cluster: the AWS SDK at the gateway's endpoint, kubectl at the API server.
 */
final class LoopbackCluster implements AutoCloseable {
    static final String NAMESPACE = "kubedyn";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration PROVISIONING = Duration.ofSeconds(120);
    private static final Pattern JAVA_OPTS_APPEND = Pattern.compile("ENV JAVA_OPTS_APPEND=\"([^\"]*)\"");

    private final Path workDir;
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final MockApiServer api;
    private final LoopbackKubelet kubelet;
    private final PackagedService operator;
    private final PackagedService gateway;
    private final int operatorPort;
    private final int gatewayPort;
    private final DynamoDbClient dynamoDb;

    /**
     * Starts everything and returns once the operator is ready and the gateway answers.
     *
     * @param tableShards shards of a table made through the DynamoDB API (CreateTable)
     * @param restartBackOff how long the kubelet leaves a crashed pod down before restarting it
     */
    /** The access key the gateway's policy limits to {@link #LIMITED_TABLE}. */
    static final String LIMITED_KEY = "AKIDE2ELIMITED";

    static final String LIMITED_SECRET = "c0ffee";
    static final String LIMITED_TABLE = "limited";
    static final String GATEWAY_TLS_SECRET = "kubedyn-gateway-internal-tls";

    LoopbackCluster(Path workDir, int tableShards, Duration restartBackOff) throws Exception {
        this(workDir, tableShards, restartBackOff, List.of());
    }

    /** @param operatorSettings {@code -D} settings of the operator beyond this cluster's own */
    LoopbackCluster(Path workDir, int tableShards, Duration restartBackOff, List<String> operatorSettings)
            throws Exception {
        this.workDir = workDir;
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        try {
            api = own(new MockApiServer(NAMESPACE));
            ClusterDns dns = new ClusterDns(workDir.resolve("hosts"));
            // A /24 of its own per cluster, so the pods of one test class never meet the
            // lingering sockets of another's.
            String subnet = "127." + ThreadLocalRandom.current().nextInt(100, 200) + "."
                    + ThreadLocalRandom.current().nextInt(0, 256);
            own(new OwnerGarbageCollector(api.client(), NAMESPACE));
            kubelet = own(new LoopbackKubelet(api.client(), NAMESPACE, workDir, dns, subnet, restartBackOff));
            operatorPort = freePort();
            List<String> operatorOptions = new ArrayList<>(api.quarkusClientOptions());
            operatorOptions.addAll(List.of(
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + operatorPort,
                    "-Dkubedyn.operator.storage-image=kubedyn/storage-pod:e2e",
                    "-Dkubedyn.operator.cluster-domain=" + ClusterDns.CLUSTER_DOMAIN,
                    "-Dkubedyn.operator.item-count-interval=2s",
                    dns.resolverOption(),
                    // Mutual TLS between the gateway and the pods, as the chart's internalTls.
                    "-Dkubedyn.operator.internal-tls.enabled=true",
                    "-Dkubedyn.operator.internal-tls.authority-secret=" + NAMESPACE + "/kubedyn-internal-ca",
                    "-Dkubedyn.operator.internal-tls.gateway-secret=" + NAMESPACE + "/" + GATEWAY_TLS_SECRET));
            operatorOptions.addAll(operatorSettings);
            operator = own(new PackagedService(
                            "operator",
                            "operator",
                            operatorOptions,
                            Map.of(),
                            workDir.resolve("logs").resolve("operator.log"))
                    .start());
            gatewayPort = freePort();
            // The JVM options of the gateway's image first (DNS caching among them), then where
            // this run differs from a pod: loopback, its port, its directory, the API server.
            List<String> gatewayOptions = new ArrayList<>(imageJvmOptions("gateway"));
            gatewayOptions.addAll(api.clientOptions());
            gatewayOptions.add(dns.resolverOption());
            // Signatures checked and one key limited by an access policy, as the chart runs the
            // gateway: every client here signs with the key e2e.
            Path keys = workDir.resolve("access-keys.properties");
            Files.writeString(keys, "e2e=e2e\n" + LIMITED_KEY + "=" + LIMITED_SECRET + "\n");
            Path policy = workDir.resolve("access-policy.json");
            Files.writeString(
                    policy,
                    "{\"" + LIMITED_KEY + "\": {\"Statement\": [{\"Effect\": \"Allow\","
                            + " \"Action\": \"dynamodb:*\", \"Resource\": \"arn:aws:dynamodb:*:*:table/" + LIMITED_TABLE
                            + "\"}]}}");
            gatewayOptions.add("-Dkubedyn.auth.access-keys-file=" + keys.toAbsolutePath());
            // The gateway's internal certificate, which the operator makes when it starts (the
            // chart's gateway pod waits for the Secret as this does).
            gatewayOptions.add("-Dkubedyn.internal-tls.directory=" + gatewayCertificate(api.client()));
            gatewayOptions.add("-Dkubedyn.auth.policy-file=" + policy.toAbsolutePath());
            gatewayOptions.addAll(List.of(
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + gatewayPort,
                    "-Dkubedyn.backend=cluster",
                    "-Dkubedyn.cluster.discovery=kubernetes",
                    "-Dkubedyn.cluster.namespace=" + NAMESPACE,
                    "-Dkubedyn.cluster.table-shards=" + tableShards,
                    "-Dkubedyn.data-dir=" + workDir.resolve("gateway-data").toAbsolutePath()));
            gateway = own(new PackagedService(
                            "gateway",
                            "gateway",
                            gatewayOptions,
                            Map.of(),
                            workDir.resolve("logs").resolve("gateway.log"))
                    .start());
            awaitStarted(operator, () -> httpOk(URI.create("http://127.0.0.1:" + operatorPort + "/q/health/ready")));
            awaitStarted(gateway, this::gatewayAnswers);
            dynamoDb = own(client(3));
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** The gateway's internal certificate, key and authority, as its process reads them. */
    Path gatewayCertificates() {
        return workDir.resolve("gateway-internal-tls").toAbsolutePath();
    }

    /** Waits for the gateway's certificate Secret and writes its files, as the kubelet mounts it. */
    private Path gatewayCertificate(io.fabric8.kubernetes.client.KubernetesClient client) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        io.fabric8.kubernetes.api.model.Secret secret;
        while ((secret = client.secrets()
                        .inNamespace(NAMESPACE)
                        .withName(GATEWAY_TLS_SECRET)
                        .get())
                == null) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        "the operator made no Secret " + GATEWAY_TLS_SECRET + "; its log ends:\n" + operator.logTail());
            }
            Thread.sleep(200);
        }
        return LoopbackKubelet.project(secret, gatewayCertificates());
    }

    /**
     * An AWS SDK v2 client at the gateway, configured as a user's: the SDK's standard retries.
     * One per cluster, closed with it.
     */
    DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    /** Waits, as a user's SDK waiter does, until DescribeTable answers ACTIVE; what it answered then. */
    TableDescription awaitActive(String table) {
        try {
            return dynamoDb.waiter()
                    .waitUntilTableExists(b -> b.tableName(table), LoopbackCluster::provisioningWaiter)
                    .matched()
                    .response()
                    .orElseThrow()
                    .table();
        } catch (RuntimeException e) {
            throw new AssertionError("table " + table + " did not become ACTIVE:\n" + controlPlaneLogs(), e);
        }
    }

    /** Waits until DescribeTable answers ResourceNotFoundException. */
    void awaitGone(String table) {
        try {
            dynamoDb.waiter().waitUntilTableNotExists(b -> b.tableName(table), LoopbackCluster::provisioningWaiter);
        } catch (RuntimeException e) {
            throw new AssertionError("table " + table + " was not deleted:\n" + controlPlaneLogs(), e);
        }
    }

    /** The SDK's table waiters poll every 20 s by default; starting pods takes seconds here. */
    private static void provisioningWaiter(WaiterOverrideConfiguration.Builder waiter) {
        waiter.waitTimeout(PROVISIONING)
                .maxAttempts(1000)
                .backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(500)));
    }

    /** An AWS SDK v2 DynamoDB Streams client at the gateway; the caller closes it. */
    DynamoDbStreamsClient dynamoDbStreams() {
        return atGateway(DynamoDbStreamsClient.builder()).build();
    }

    /** A client that reports the first error rather than retrying it, to see what the gateway answers. */
    DynamoDbClient dynamoDbWithoutRetries() {
        return client(1);
    }

    /** A client of its own with the SDK's standard retries (3 attempts), as a user's; the caller closes it. */
    DynamoDbClient dynamoDbWithStandardRetries() {
        return client(3);
    }

    /** As {@link #dynamoDbWithStandardRetries()}, or without retries, seen by {@code interceptor}. */
    DynamoDbClient dynamoDb(boolean retries, ExecutionInterceptor interceptor) {
        return client(retries ? 3 : 1, interceptor);
    }

    private DynamoDbClient client(int attempts, ExecutionInterceptor... interceptors) {
        return atGateway(DynamoDbClient.builder())
                .overrideConfiguration(
                        c -> c.retryStrategy(b -> b.maxAttempts(attempts)).executionInterceptors(List.of(interceptors)))
                .build();
    }

    /** Either SDK client pointed at the gateway as a user's: region, credentials, HTTP client. */
    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B atGateway(B builder) {
        return atGateway(builder, "e2e", "e2e");
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B atGateway(
            B builder, String accessKeyId, String secret) {
        return builder.endpointOverride(URI.create("http://127.0.0.1:" + gatewayPort))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)))
                .httpClient(UrlConnectionHttpClient.create());
    }

    /**
     * A client signing with another key: {@link #LIMITED_KEY} (its secret {@link #LIMITED_SECRET})
     * may do anything to the table {@link #LIMITED_TABLE} and nothing else; any other key or
     * secret is refused. Without retries; the caller closes it.
     */
    DynamoDbClient dynamoDbSigningWith(String accessKeyId, String secret) {
        return atGateway(DynamoDbClient.builder(), accessKeyId, secret)
                .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    /** kubectl's view: a client of the API server in the system's namespace. */
    KubernetesClient kubectl() {
        return api.client();
    }

    LoopbackKubelet kubelet() {
        return kubelet;
    }

    /** kill -9 of the operator (its Deployment's pod), then a new one started as Kubernetes would. */
    void killOperator(Duration down) throws Exception {
        operator.kill();
        Thread.sleep(down.toMillis());
        operator.start();
        awaitStarted(operator, () -> httpOk(URI.create("http://127.0.0.1:" + operatorPort + "/q/health/ready")));
    }

    /** The logs of the operator and the gateway, for failure messages. */
    String controlPlaneLogs() {
        return "--- operator (" + operator.log() + ")\n" + operator.logTail() + "\n--- gateway (" + gateway.log()
                + ")\n" + gateway.logTail();
    }

    private boolean gatewayAnswers() {
        try (DynamoDbClient client = dynamoDbWithoutRetries()) {
            client.listTables();
            return true;
        } catch (SdkException e) {
            return false;
        }
    }

    private static boolean httpOk(URI uri) {
        try {
            return HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(uri)
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitStarted(PackagedService service, BooleanSupplier started) throws InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!started.getAsBoolean()) {
            if (!service.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the " + service.name() + " did not start; its log (" + service.log()
                        + ") ends:\n" + service.logTail());
            }
            Thread.sleep(200);
        }
    }

    /**
     * The {@code -D} options a module's container image gives the JVM ({@code JAVA_OPTS_APPEND}
     * in its Dockerfile), so the process runs configured as in its pod. Later options on the
     * command line override these.
     */
    static List<String> imageJvmOptions(String module) throws IOException {
        Path dockerfile = Path.of("..", module, "src", "main", "docker", "Dockerfile.jvm");
        for (String line : Files.readAllLines(dockerfile)) {
            Matcher options = JAVA_OPTS_APPEND.matcher(line.trim());
            if (options.matches()) {
                return List.of(options.group(1).trim().split("\\s+"));
            }
        }
        throw new IllegalStateException(dockerfile + " sets no JAVA_OPTS_APPEND");
    }

    private <T extends AutoCloseable> T own(T part) {
        parts.add(0, part);
        return part;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** Stops the gateway, the operator, the pods and the API server, in that order. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        parts.clear();
        if (first != null) {
            throw first;
        }
    }
}
