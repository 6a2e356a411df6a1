package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ShardMap;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.gateway.cluster.RemoteStore;
import io.kubedyn.storage.TableWrite;
import io.kubedyn.storage.TransactionLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * A coordinator that died between the two phases, played by calling a storage pod's internal
 * API directly (as the gateway would have): the pod holds the prepared items against every
 * client (TransactionConflict) until its transaction timeout, then ends the transaction as the
 * ledger on another pod says: aborted when no decision was recorded, committed when it was.
 */
class TransactionRecoveryIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path data;

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("id", AttributeValue.fromS(id));
    }

    private static io.kubedyn.core.AttributeValue s(String text) {
        return new io.kubedyn.core.AttributeValue.S(text);
    }

    @Test
    void heldItemsRefuseWritesUntilTheTimeoutThenFollowTheLedgerAbortedOrCommitted() throws Exception {
        try (PackagedCluster cluster = new PackagedCluster(
                data, 3, List.of("-Dkubedyn.storage.transaction-timeout=" + TIMEOUT.toSeconds() + "s"))) {
            DynamoDbClient dynamo = cluster.dynamo;
            cluster.createTable("Held");
            for (String id : List.of("undecided", "decided")) {
                dynamo.putItem(b -> b.tableName("Held")
                        .item(Map.of("id", AttributeValue.fromS(id), "v", AttributeValue.fromS("before"))));
            }
            List<String> addresses =
                    cluster.pods.stream().map(StoragePodProcess::address).toList();
            ShardMap shards = ShardMap.equalRanges(addresses);
            try (RemoteStore any = new RemoteStore(addresses.get(0), Duration.ofSeconds(5))) {
                TableDefinition table = any.describeTable("Held").orElseThrow();
                for (String id : List.of("undecided", "decided")) {
                    PrimaryKey itemKey = PrimaryKey.of(s(id), null);
                    String owner = shards.shardFor(itemKey.hash()).address();
                    String ledger = addresses.stream()
                            .filter(a -> !a.equals(owner))
                            .findFirst()
                            .orElseThrow();
                    Map<String, io.kubedyn.core.AttributeValue> after = Map.of("id", s(id), "v", s("after"));
                    try (RemoteStore pod = new RemoteStore(owner, Duration.ofSeconds(5));
                            RemoteStore ledgerPod = new RemoteStore(ledger, Duration.ofSeconds(5))) {
                        pod.prepare(
                                        "tx-" + id,
                                        ledger,
                                        List.of(new TableWrite(table, itemKey, ItemChange.put(after, null, null))))
                                .join();
                        if (id.equals("decided")) {
                            ledgerPod
                                    .decide(
                                            "tx-" + id,
                                            new TransactionLedger.Entry(
                                                    TransactionLedger.Decision.COMMITTED,
                                                    System.currentTimeMillis(),
                                                    null,
                                                    false),
                                            null)
                                    .join();
                        }
                    }
                }
            }
            Instant prepared = Instant.now();

            // Held: every write and transaction on the items is refused at once; reads see the committed item.
            assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName("Held").item(key("undecided"))))
                    .isInstanceOf(TransactionConflictException.class)
                    .hasMessageContaining("Transaction is ongoing for the item");
            assertThat(dynamo.getItem(
                                    b -> b.tableName("Held").key(key("decided")).consistentRead(true))
                            .item())
                    .containsEntry("v", AttributeValue.fromS("before"));
            assertThatThrownBy(() -> dynamo.transactGetItems(b -> b.transactItems(TransactGetItem.builder()
                            .get(g -> g.tableName("Held").key(key("undecided")))
                            .build())))
                    .isInstanceOfSatisfying(
                            TransactionCanceledException.class,
                            e -> assertThat(e.cancellationReasons())
                                    .extracting(CancellationReason::code)
                                    .containsExactly("TransactionConflict"));
            assertThatThrownBy(() -> dynamo.transactWriteItems(b -> b.transactItems(
                            TransactWriteItem.builder()
                                    .put(p -> p.tableName("Held").item(key("fresh")))
                                    .build(),
                            TransactWriteItem.builder()
                                    .delete(d -> d.tableName("Held").key(key("decided")))
                                    .build())))
                    .isInstanceOfSatisfying(
                            TransactionCanceledException.class,
                            e -> assertThat(e.cancellationReasons())
                                    .extracting(CancellationReason::code)
                                    .containsExactly("None", "TransactionConflict"));

            // Past the timeout the pods end both from the ledger.
            Map<String, AttributeValue> undecided = awaitWritable(dynamo, "undecided", prepared);
            assertThat(undecided)
                    .as("no decision recorded: aborted")
                    .containsEntry("v", AttributeValue.fromS("before"));
            Map<String, AttributeValue> decided = awaitWritable(dynamo, "decided", prepared);
            assertThat(decided)
                    .as("committed in the ledger: applied")
                    .containsEntry("v", AttributeValue.fromS("after"));
            assertThat(dynamo.getItem(b -> b.tableName("Held").key(key("fresh")))
                            .hasItem())
                    .isFalse();
        }
    }

    /** Waits until a single-item write of the item goes through; answers the item as it was then. */
    private static Map<String, AttributeValue> awaitWritable(DynamoDbClient dynamo, String id, Instant prepared)
            throws InterruptedException {
        Instant deadline = prepared.plus(TIMEOUT).plusSeconds(10);
        while (true) {
            try {
                return dynamo.updateItem(b -> b.tableName("Held")
                                .key(key(id))
                                .updateExpression("SET checked = :t")
                                .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true)))
                                .returnValues("ALL_OLD"))
                        .attributes();
            } catch (TransactionConflictException e) {
                assertThat(Instant.now())
                        .as(id + " still held well past the timeout")
                        .isBefore(deadline);
                Thread.sleep(200);
            }
        }
    }
}
