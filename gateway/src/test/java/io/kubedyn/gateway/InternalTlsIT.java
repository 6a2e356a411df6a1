package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.kubedyn.core.OperatorCertificate;
import io.kubedyn.core.ShardMap;
import io.kubedyn.gateway.cluster.RemoteStore;
import io.kubedyn.storage.InternalTls;
import io.kubedyn.storage.grpc.ListTablesRequest;
import io.kubedyn.storage.grpc.StorageGrpc;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Mutual TLS between kubedyn's processes (packaged gateway and storage pods, each given a
 * certificate from one authority with {@code kubedyn.internal-tls.directory}): the AWS SDK is
 * served through the gateway as before, and a storage pod's gRPC and Raft ports refuse anyone
 * else: a plain-text client, a TLS client without a certificate, or one whose certificate
 * another authority signed. Before, anyone reaching port 9090 could delete a table.
 */
class InternalTlsIT {
    @TempDir
    Path data;

    private static void createTable(DynamoDbClient dynamo, String name) {
        dynamo.createTable(b -> b.tableName(name)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .billingMode("PAY_PER_REQUEST"));
        DynamoDbClients.awaitActive(dynamo, name);
    }

    private static void writeAndReadBack(DynamoDbClient dynamo, String table) {
        for (int i = 0; i < 20; i++) {
            String id = "item-" + i;
            dynamo.putItem(p -> p.tableName(table).item(Map.of("id", AttributeValue.fromS(id))));
        }
        for (int i = 0; i < 20; i++) {
            String id = "item-" + i;
            assertThat(dynamo.getItem(g ->
                                    g.tableName(table).consistentRead(true).key(Map.of("id", AttributeValue.fromS(id))))
                            .item())
                    .as(id)
                    .isNotEmpty();
        }
    }

    @Test
    void storagePodsServeOnlyPeersWithACertificateFromTheirAuthority() throws Exception {
        TestAuthority authority = TestAuthority.create("kubedyn-internal");
        Path certificates = authority.issue(data.resolve("tls"), "kubedyn");
        Path rogue = TestAuthority.create("elsewhere").issue(data.resolve("rogue"), "kubedyn");
        List<String> tls = List.of("-Dkubedyn.internal-tls.directory=" + certificates);
        try (PackagedCluster cluster = new PackagedCluster(data, 2, tls, tls)) {
            createTable(cluster.dynamo, "Secured");
            writeAndReadBack(cluster.dynamo, "Secured");

            String pod = cluster.pods.get(0).address();
            try (RemoteStore plain = new RemoteStore(pod, Duration.ofSeconds(3));
                    InternalTls other = InternalTls.fromDirectory(rogue);
                    RemoteStore foreign = new RemoteStore(pod, Duration.ofSeconds(3), other)) {
                assertThatThrownBy(() -> plain.deleteTable("Secured"))
                        .as("plain text")
                        .isNotNull();
                assertThatThrownBy(() -> foreign.deleteTable("Secured"))
                        .as("another authority's certificate")
                        .isNotNull();
            }
            ManagedChannel anonymous = NettyChannelBuilder.forTarget(pod)
                    .sslContext(GrpcSslContexts.forClient()
                            .trustManager(certificates.resolve("ca.crt").toFile())
                            .build())
                    .build();
            try {
                assertThatThrownBy(() -> StorageGrpc.newBlockingStub(anonymous)
                                .withDeadlineAfter(3, TimeUnit.SECONDS)
                                .listTables(ListTablesRequest.getDefaultInstance()))
                        .as("no client certificate")
                        .isInstanceOf(StatusRuntimeException.class);
            } finally {
                anonymous.shutdownNow();
            }
            // A client with the authority's certificate is served: the refusals were the certificates'.
            try (InternalTls own = InternalTls.fromDirectory(certificates);
                    RemoteStore trusted = new RemoteStore(pod, Duration.ofSeconds(3), own)) {
                assertThat(trusted.tableNames()).isNotEmpty();
            }
            writeAndReadBack(cluster.dynamo, "Secured");
        }
    }

    @Test
    void aShardsRaftPeersTalkMutualTlsAndRefuseAPeerWithoutACertificate() throws Exception {
        TestAuthority authority = TestAuthority.create("kubedyn-internal");
        Path certificates = authority.issue(data.resolve("tls"), "kubedyn");
        String tls = "-Dkubedyn.internal-tls.directory=" + certificates;
        LoopbackPorts ports = new LoopbackPorts();
        List<StoragePodProcess> pods = new ArrayList<>();
        List<Integer> raftPorts = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            StoragePodProcess pod = new StoragePodProcess(data.resolve("replica-" + r), 0, 1, ports);
            pods.add(pod);
            raftPorts.add(ports.next());
            peers.add(pod.address() + ":" + raftPorts.get(r));
        }
        try {
            for (StoragePodProcess pod : pods) {
                pod.withProperties(List.of(
                                tls,
                                "-Dkubedyn.storage.replication.group=secured",
                                "-Dkubedyn.storage.replication.peers=" + String.join(",", peers),
                                "-Dkubedyn.storage.replication.self=" + pod.address(),
                                "-Dkubedyn.storage.replication.host=127.0.0.1"))
                        .launch();
            }
            for (StoragePodProcess pod : pods) {
                pod.awaitReady();
            }
            String shard = ShardMap.replicaAddress(
                    pods.stream().map(StoragePodProcess::address).toList());
            try (ServerProcess gateway = new ServerProcess(
                                    data.resolve("gateway"),
                                    List.of(tls, "-Dkubedyn.backend=cluster", "-Dkubedyn.cluster.shards=" + shard))
                            .start();
                    DynamoDbClient dynamo = DynamoDbClients.at(gateway.endpoint())) {
                // Writes are acknowledged only once a majority has them: the peers replicate over TLS.
                createTable(dynamo, "Replicated");
                writeAndReadBack(dynamo, "Replicated");
            }
            for (int raftPort : raftPorts) {
                assertThat(answered(raftPort, certificates, true))
                        .as("raft port %d, with a certificate", raftPort)
                        .isTrue();
                assertThat(answered(raftPort, certificates, false))
                        .as("raft port %d, without", raftPort)
                        .isFalse();
            }
            // Who votes is changed only by the operator: not on the plain HTTP port (which the
            // kubelet and Prometheus reach), not on the mutual-TLS port without a certificate or
            // with another of the authority's (the gateway's and the pods' own).
            StoragePodProcess pod = pods.get(0);
            String voters = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(pod.httpBase().resolve("/kubedyn/replication/voters"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(voters.split(",")).hasSize(3);
            HttpResponse<String> plain = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(pod.httpBase().resolve("/kubedyn/replication/voters"))
                                    .PUT(HttpRequest.BodyPublishers.ofString(peers.get(0)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode())
                    .as("a change on the plain port: " + plain.body())
                    .isEqualTo(403);
            assertThat(changeVoters(pod.adminPort(), certificates, false, peers.get(0)))
                    .as("without a certificate")
                    .isNull();
            assertThat(changeVoters(pod.adminPort(), certificates, true, peers.get(0)))
                    .as("with the authority's certificate for the pods")
                    .isEqualTo("HTTP/1.1 403 Forbidden");
            // Taken with the operator's (as the voters it has: the group's leader answers 200, another 409).
            Path operator = authority.issue(data.resolve("operator"), OperatorCertificate.COMMON_NAME);
            assertThat(changeVoters(pod.adminPort(), operator, true, voters))
                    .as("with the operator's certificate")
                    .isIn("HTTP/1.1 200 OK", "HTTP/1.1 409 Conflict");
            HttpResponse<String> after = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(pod.httpBase().resolve("/kubedyn/replication/voters"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(after.body().split(","))
                    .as("the voters, unchanged by the refusals")
                    .hasSize(3);
        } finally {
            for (StoragePodProcess pod : pods) {
                pod.close();
            }
        }
    }

    /**
     * Whether a TLS client trusting the authority is answered on {@code port} (HTTP/2's preface
     * sent, the server's first frame read): with the authority's certificate if {@code withOwn},
     * without any certificate otherwise. False for a refusal: a failed handshake, or (TLS 1.3,
     * where the server judges the client's certificate after the handshake) a closed connection.
     */
    private static boolean answered(int port, Path certificates, boolean withOwn) throws Exception {
        SSLContext context = context(certificates, withOwn);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.setSSLParameters(withAlpn(socket));
            socket.startHandshake();
            socket.getOutputStream()
                    .write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            socket.getOutputStream().flush();
            return socket.getInputStream().read() >= 0;
        } catch (IOException refused) {
            return false;
        }
    }

    /**
     * The status line a pod's mutual-TLS port answers a {@code PUT} of {@code voters} with, from a
     * TLS client trusting the authority, holding its certificate if {@code withOwn}; null when the
     * connection is refused (a failed handshake, or closed before any answer).
     */
    private static String changeVoters(int port, Path certificates, boolean withOwn, String voters) throws Exception {
        SSLContext context = context(certificates, withOwn);
        byte[] body = voters.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            socket.getOutputStream()
                    .write(("PUT /kubedyn/replication/voters HTTP/1.1\r\nHost: pod\r\n"
                                    + "Content-Type: text/plain\r\nContent-Length: " + body.length
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return answer.isEmpty() ? null : answer.lines().findFirst().orElseThrow();
        } catch (IOException refused) {
            return null;
        }
    }

    /** A TLS client context trusting the authority, holding its certificate if {@code withOwn}. */
    private static SSLContext context(Path certificates, boolean withOwn) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        java.security.cert.CertificateFactory x509 = java.security.cert.CertificateFactory.getInstance("X.509");
        try (var in = java.nio.file.Files.newInputStream(certificates.resolve("ca.crt"))) {
            trusted.setCertificateEntry("ca", x509.generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        javax.net.ssl.KeyManager[] keys = null;
        if (withOwn) {
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            java.security.cert.Certificate certificate;
            try (var in = java.nio.file.Files.newInputStream(certificates.resolve("tls.crt"))) {
                certificate = x509.generateCertificate(in);
            }
            String pem = java.nio.file.Files.readString(certificates.resolve("tls.key"))
                    .replaceAll("-----[A-Z ]+-----", "")
                    .replaceAll("\\s", "");
            java.security.PrivateKey key = java.security.KeyFactory.getInstance("EC")
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(
                            java.util.Base64.getDecoder().decode(pem)));
            own.setKeyEntry("own", key, new char[0], new java.security.cert.Certificate[] {certificate});
            javax.net.ssl.KeyManagerFactory factory =
                    javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            factory.init(own, new char[0]);
            keys = factory.getKeyManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust.getTrustManagers(), null);
        return context;
    }

    private static javax.net.ssl.SSLParameters withAlpn(SSLSocket socket) {
        javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        return parameters;
    }
}
