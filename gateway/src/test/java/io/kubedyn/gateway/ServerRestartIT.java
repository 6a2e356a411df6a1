package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** Data outlives the server process: after a clean stop, and after kill -9 in the middle of writes. */
class ServerRestartIT {
    @TempDir
    Path data;

    private static void createMusicTable(DynamoDbClient dynamo) {
        dynamo.createTable(b -> b.tableName("Music")
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        a -> a.attributeName("Artist").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("SongTitle").attributeType(ScalarAttributeType.S))
                .keySchema(
                        k -> k.attributeName("Artist").keyType(KeyType.HASH),
                        k -> k.attributeName("SongTitle").keyType(KeyType.RANGE)));
        DynamoDbClients.awaitActive(dynamo, "Music");
    }

    private static Map<String, AttributeValue> song(String artist, String title) {
        return Map.of("Artist", AttributeValue.fromS(artist), "SongTitle", AttributeValue.fromS(title));
    }

    /** One write of writer {@code writer}'s {@code i}-th item; answers what to remember of it once acknowledged. */
    @FunctionalInterface
    private interface Write {
        String write(int writer, int i);
    }

    /**
     * Four writers write until the server is killed with -9 after 1.5 s; every write the server
     * acknowledged is added to {@code acknowledged}.
     */
    private static void writeUntilKilled(ServerProcess server, Write write, List<String> acknowledged)
            throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(4);
        for (int w = 0; w < 4; w++) {
            int writer = w;
            writers.submit(() -> {
                for (int i = 0; running.get() && i < 100_000; i++) {
                    try {
                        acknowledged.add(write.write(writer, i));
                    } catch (RuntimeException serverGone) {
                        return;
                    }
                }
            });
        }
        Thread.sleep(1500);
        server.kill();
        running.set(false);
        writers.shutdown();
        assertThat(writers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void tablesAndItemsSurviveAStopAndStart() throws Exception {
        try (ServerProcess server = new ServerProcess(data).start();
                DynamoDbClient dynamo = DynamoDbClients.at(server.endpoint())) {
            createMusicTable(dynamo);
            dynamo.putItem(b -> b.tableName("Music").item(song("Kyuss", "Space Cadet")));
            server.stop();
        }
        try (ServerProcess server = new ServerProcess(data).start();
                DynamoDbClient dynamo = DynamoDbClients.at(server.endpoint())) {
            assertThat(dynamo.listTables().tableNames()).containsExactly("Music");
            assertThat(dynamo.getItem(b -> b.tableName("Music").key(song("Kyuss", "Space Cadet")))
                            .item())
                    .isEqualTo(song("Kyuss", "Space Cadet"));
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ServerProcess server = new ServerProcess(data).start();
                DynamoDbClient dynamo = DynamoDbClients.at(server.endpoint())) {
            createMusicTable(dynamo);
            writeUntilKilled(
                    server,
                    (writer, i) -> {
                        String title = "song-" + writer + "-" + i;
                        dynamo.putItem(b -> b.tableName("Music").item(song("artist-" + writer, title)));
                        return writer + "/" + title;
                    },
                    acknowledged);
        }
        assertThat(acknowledged).hasSizeGreaterThan(10);
        try (ServerProcess server = new ServerProcess(data).start();
                DynamoDbClient dynamo = DynamoDbClients.at(server.endpoint())) {
            for (String entry : acknowledged) {
                String[] parts = entry.split("/");
                assertThat(dynamo.getItem(b -> b.tableName("Music")
                                        .key(song("artist-" + parts[0], parts[1]))
                                        .consistentRead(true))
                                .hasItem())
                        .as("acknowledged write %s", entry)
                        .isTrue();
            }
        }
    }

    @Test
    void theStreamHoldsARecordForExactlyTheWritesThatHappenedAfterKillNine() throws Exception {
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ServerProcess server = new ServerProcess(data).start();
                DynamoDbClient dynamo = DynamoDbClients.at(server.endpoint())) {
            dynamo.createTable(b -> b.tableName("Orders")
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                    .streamSpecification(st -> st.streamEnabled(true).streamViewType("NEW_IMAGE")));
            DynamoDbClients.awaitActive(dynamo, "Orders");
            writeUntilKilled(
                    server,
                    (writer, i) -> {
                        String id = "order-" + writer + "-" + i;
                        dynamo.putItem(b -> b.tableName("Orders").item(Map.of("id", AttributeValue.fromS(id))));
                        return id;
                    },
                    acknowledged);
        }
        assertThat(acknowledged).hasSizeGreaterThan(10);
        try (ServerProcess server = new ServerProcess(data).start();
                DynamoDbClient dynamo = DynamoDbClients.at(server.endpoint());
                DynamoDbStreamsClient streams = DynamoDbClients.streamsAt(server.endpoint())) {
            String arn =
                    dynamo.describeTable(b -> b.tableName("Orders")).table().latestStreamArn();
            String shard = streams.describeStream(b -> b.streamArn(arn))
                    .streamDescription()
                    .shards()
                    .get(0)
                    .shardId();
            String iterator = streams.getShardIterator(
                            b -> b.streamArn(arn).shardId(shard).shardIteratorType("TRIM_HORIZON"))
                    .shardIterator();
            List<String> recorded = new ArrayList<>();
            while (true) {
                String at = iterator;
                var page = streams.getRecords(b -> b.shardIterator(at));
                page.records()
                        .forEach(r -> recorded.add(r.dynamodb().keys().get("id").s()));
                iterator = page.nextShardIterator();
                if (page.records().isEmpty()) {
                    break;
                }
            }
            java.util.Set<String> stored = new java.util.HashSet<>();
            dynamo.scanPaginator(b -> b.tableName("Orders").consistentRead(true))
                    .items()
                    .forEach(item -> stored.add(item.get("id").s()));
            assertThat(recorded).as("one record per item written, none twice").doesNotHaveDuplicates();
            assertThat(new java.util.HashSet<>(recorded))
                    .as("records for exactly the writes that happened")
                    .isEqualTo(stored);
            assertThat(stored).containsAll(acknowledged);
        }
    }
}
