package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The bank: 50 accounts spread over three storage-pod processes, 8 clients moving random
 * amounts between them with TransactWriteItems, 2 clients reading all of them with
 * TransactGetItems, and 2 clients racing single-item UpdateItems against the transactions. In
 * the middle of the run, kill -9 of the gateway (another one takes over) or of a storage pod
 * (restarted three seconds later). Throughout and at the end: the total never changes in any
 * snapshot, every acknowledged transfer and update is there, every transfer that is there is
 * there on both of its accounts, and no item is left held once the pods' transaction timeout
 * has passed.
 */
class TransactionBankIT {
    private static final int ACCOUNTS = 50;
    private static final int OPENING = 1000;
    private static final int TRANSFER_CLIENTS = 8;
    private static final Duration RUN = Duration.ofSeconds(12);
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path data;

    private static String account(int i) {
        return "acct-" + i;
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("id", AttributeValue.fromS(id));
    }

    /** A transfer; its mark, written on both accounts, names it and them. */
    private record Transfer(String id, String from, String to) {
        String mark() {
            return id + "|" + from + "|" + to;
        }

        static Transfer of(String mark) {
            String[] parts = mark.split("\\|");
            return new Transfer(parts[0], parts[1], parts[2]);
        }
    }

    /** What the clients saw: acknowledged transfers and racing updates, and any broken snapshot. */
    private static final class Ledger {
        final Queue<Transfer> acknowledged = new ConcurrentLinkedQueue<>();
        final Queue<String> racedUpdates = new ConcurrentLinkedQueue<>();
        final Queue<String> brokenSnapshots = new ConcurrentLinkedQueue<>();
        final AtomicInteger pairSnapshots = new AtomicInteger();
        final AtomicInteger wholeSnapshots = new AtomicInteger();
        final AtomicInteger cancelled = new AtomicInteger();
    }

    @Test
    void killNineOfTheGatewayMidRunLosesNoTransferAndKeepsTheTotalWithRacingUpdates() throws Exception {
        run(PackagedCluster::replaceGateway);
    }

    @Test
    void killNineOfAStoragePodMidRunLosesNoTransferAndKeepsTheTotalWithRacingUpdates() throws Exception {
        run(cluster -> {
            cluster.pods.get(1).kill();
            Thread.sleep(3000);
            cluster.pods.get(1).start();
        });
    }

    private interface Disruption {
        void apply(PackagedCluster cluster) throws Exception;
    }

    private void run(Disruption disruption) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(TRANSFER_CLIENTS + 4);
        try (PackagedCluster cluster = new PackagedCluster(
                data, 3, List.of("-Dkubedyn.storage.transaction-timeout=" + TRANSACTION_TIMEOUT.toSeconds() + "s"))) {
            cluster.createTable("Bank");
            for (int i = 0; i < ACCOUNTS; i++) {
                int n = i;
                cluster.dynamo.putItem(b -> b.tableName("Bank")
                        .item(Map.of(
                                "id",
                                AttributeValue.fromS(account(n)),
                                "balance",
                                AttributeValue.fromN(Integer.toString(OPENING)))));
            }
            Supplier<URI> endpoint = () -> cluster.gateway().endpoint();
            Ledger ledger = new Ledger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < TRANSFER_CLIENTS; c++) {
                work.add(clients.submit(() -> transfers(endpoint, stop, ledger)));
            }
            for (int c = 0; c < 2; c++) {
                work.add(clients.submit(() -> snapshots(endpoint, stop, ledger)));
                work.add(clients.submit(() -> racingUpdates(endpoint, stop, ledger)));
            }
            Thread.sleep(RUN.toMillis() / 2);
            int before = ledger.acknowledged.size();
            disruption.apply(cluster);
            Thread.sleep(RUN.toMillis() / 2);
            stop.set(true);
            for (Future<?> f : work) {
                f.get();
            }
            assertThat(before).as("transfers before the disruption").isGreaterThan(20);
            assertThat(ledger.acknowledged.size()).as("transfers after it").isGreaterThan(before);
            assertThat(ledger.pairSnapshots.get())
                    .as("snapshots of two accounts read")
                    .isGreaterThan(0);
            assertThat(ledger.brokenSnapshots).as("inconsistent snapshots").isEmpty();

            // Past the timeout, every transaction left held by the disruption has been resolved.
            Thread.sleep(TRANSACTION_TIMEOUT.toMillis() + 2000);
            try (DynamoDbClient dynamo = DynamoDbClients.at(endpoint.get())) {
                long total = 0;
                Map<String, Set<String>> transfersOf = new HashMap<>();
                Map<String, Set<String>> updatesOf = new HashMap<>();
                for (int i = 0; i < ACCOUNTS; i++) {
                    String id = account(i);
                    Map<String, AttributeValue> item = dynamo.getItem(
                                    b -> b.tableName("Bank").key(key(id)).consistentRead(true))
                            .item();
                    total += Long.parseLong(item.get("balance").n());
                    transfersOf.put(
                            id,
                            item.containsKey("transfers")
                                    ? Set.copyOf(item.get("transfers").ss())
                                    : Set.of());
                    updatesOf.put(
                            id,
                            item.containsKey("raced")
                                    ? Set.copyOf(item.get("raced").ss())
                                    : Set.of());
                    // Not held: a single-item write goes through.
                    dynamo.updateItem(b -> b.tableName("Bank")
                            .key(key(id))
                            .updateExpression("SET checked = :t")
                            .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))));
                }
                assertThat(total).as("the total at the end").isEqualTo((long) ACCOUNTS * OPENING);
                List<TransactGetItem> all = new ArrayList<>();
                for (int i = 0; i < ACCOUNTS; i++) {
                    String id = account(i);
                    all.add(TransactGetItem.builder()
                            .get(g -> g.tableName("Bank").key(key(id)))
                            .build());
                }
                long snapshotTotal = 0;
                for (ItemResponse response :
                        dynamo.transactGetItems(b -> b.transactItems(all)).responses()) {
                    snapshotTotal +=
                            Long.parseLong(response.item().get("balance").n());
                }
                assertThat(snapshotTotal)
                        .as("a snapshot of every account, none held any more")
                        .isEqualTo((long) ACCOUNTS * OPENING);
                for (Transfer t : ledger.acknowledged) {
                    assertThat(transfersOf.get(t.from()))
                            .as("acknowledged %s on its source", t.id())
                            .contains(t.mark());
                    assertThat(transfersOf.get(t.to()))
                            .as("acknowledged %s on its target", t.id())
                            .contains(t.mark());
                }
                Map<String, Integer> sides = new HashMap<>();
                transfersOf.values().forEach(ids -> ids.forEach(id -> sides.merge(id, 1, Integer::sum)));
                System.out.printf(
                        "bank: %d transfers acknowledged, %d cancelled, %d pair and %d whole snapshots%n",
                        ledger.acknowledged.size(),
                        ledger.cancelled.get(),
                        ledger.pairSnapshots.get(),
                        ledger.wholeSnapshots.get());
                assertThat(sides)
                        .as("every transfer applied is applied on both of its accounts")
                        .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(2));
                Set<String> raced = new java.util.HashSet<>();
                updatesOf.values().forEach(raced::addAll);
                assertThat(raced).as("no acknowledged single-item update lost").containsAll(ledger.racedUpdates);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** Random transfers, each retried with its ClientRequestToken until it is answered. */
    private static void transfers(Supplier<URI> endpoint, AtomicBoolean stop, Ledger ledger) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        DynamoDbClient dynamo = DynamoDbClients.at(endpoint.get());
        try {
            while (!stop.get()) {
                int from = random.nextInt(ACCOUNTS);
                int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                Transfer transfer = new Transfer(UUID.randomUUID().toString(), account(from), account(to));
                String amount = Integer.toString(1 + random.nextInt(50));
                Map<String, AttributeValue> values = Map.of(
                        ":a", AttributeValue.fromN(amount), ":id", AttributeValue.fromSs(List.of(transfer.mark())));
                List<TransactWriteItem> items = List.of(
                        TransactWriteItem.builder()
                                .update(u -> u.tableName("Bank")
                                        .key(key(transfer.from()))
                                        .updateExpression("SET balance = balance - :a ADD transfers :id")
                                        .conditionExpression("balance >= :a")
                                        .expressionAttributeValues(values))
                                .build(),
                        TransactWriteItem.builder()
                                .update(u -> u.tableName("Bank")
                                        .key(key(transfer.to()))
                                        .updateExpression("SET balance = balance + :a ADD transfers :id")
                                        .expressionAttributeValues(values))
                                .build());
                Instant giveUp = Instant.now().plusSeconds(20);
                while (Instant.now().isBefore(giveUp)) {
                    try {
                        dynamo.transactWriteItems(b -> b.transactItems(items).clientRequestToken(transfer.id()));
                        ledger.acknowledged.add(transfer);
                        break;
                    } catch (TransactionCanceledException e) {
                        ledger.cancelled.incrementAndGet();
                        if (e.cancellationReasons().stream()
                                .anyMatch(r -> r.code().equals("ConditionalCheckFailed"))) {
                            break; // not enough money: nothing moved
                        }
                    } catch (AwsServiceException e) {
                        // A shard down (retryable): the same request again, with its token.
                    } catch (SdkClientException e) {
                        // The gateway is gone: the same request again, with its token, to the one in its place.
                        dynamo = reconnect(dynamo, endpoint);
                    }
                    pause(20);
                }
            }
        } finally {
            dynamo.close();
        }
    }

    /**
     * TransactGetItems of two random accounts (and, every tenth read, of all of them): in any
     * snapshot, a transfer between two accounts read is on both or on neither, and all the
     * accounts add up to the total. (A snapshot of all 50 is often cancelled: with 8 clients
     * transferring, some account is nearly always held.)
     */
    private static void snapshots(Supplier<URI> endpoint, AtomicBoolean stop, Ledger ledger) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        DynamoDbClient dynamo = DynamoDbClients.at(endpoint.get());
        try {
            for (int read = 0; !stop.get(); read++) {
                List<String> ids = new ArrayList<>();
                if (read % 10 == 9) {
                    for (int i = 0; i < ACCOUNTS; i++) {
                        ids.add(account(i));
                    }
                } else {
                    int a = random.nextInt(ACCOUNTS);
                    ids.add(account(a));
                    ids.add(account((a + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS));
                }
                List<TransactGetItem> gets = ids.stream()
                        .map(id -> TransactGetItem.builder()
                                .get(g -> g.tableName("Bank").key(key(id)))
                                .build())
                        .toList();
                try {
                    List<ItemResponse> responses =
                            dynamo.transactGetItems(b -> b.transactItems(gets)).responses();
                    check(ids, responses, ledger);
                } catch (AwsServiceException e) {
                    // a transfer in progress on an account read (TransactionCanceledException), or a shard down
                } catch (SdkClientException e) {
                    dynamo = reconnect(dynamo, endpoint);
                }
                pause(5);
            }
        } finally {
            dynamo.close();
        }
    }

    private static void check(List<String> ids, List<ItemResponse> responses, Ledger ledger) {
        Map<String, Set<String>> marks = new HashMap<>();
        long total = 0;
        for (int i = 0; i < ids.size(); i++) {
            Map<String, AttributeValue> item = responses.get(i).item();
            total += Long.parseLong(item.get("balance").n());
            marks.put(
                    ids.get(i),
                    item.containsKey("transfers")
                            ? Set.copyOf(item.get("transfers").ss())
                            : Set.of());
        }
        for (Map.Entry<String, Set<String>> account : marks.entrySet()) {
            for (String mark : account.getValue()) {
                Transfer t = Transfer.of(mark);
                String other = t.from().equals(account.getKey()) ? t.to() : t.from();
                if (marks.containsKey(other) && !marks.get(other).contains(mark)) {
                    ledger.brokenSnapshots.add(mark + " on " + account.getKey() + " but not on " + other);
                }
            }
        }
        if (ids.size() == ACCOUNTS) {
            ledger.wholeSnapshots.incrementAndGet();
            if (total != (long) ACCOUNTS * OPENING) {
                ledger.brokenSnapshots.add("total " + total);
            }
        } else {
            ledger.pairSnapshots.incrementAndGet();
        }
    }

    /** Single-item updates racing the transfers: each acknowledged one must survive them. */
    private static void racingUpdates(Supplier<URI> endpoint, AtomicBoolean stop, Ledger ledger) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        DynamoDbClient dynamo = DynamoDbClients.at(endpoint.get());
        try {
            while (!stop.get()) {
                String id = UUID.randomUUID().toString();
                String account = account(random.nextInt(ACCOUNTS));
                try {
                    dynamo.updateItem(b -> b.tableName("Bank")
                            .key(key(account))
                            .updateExpression("ADD raced :id")
                            .expressionAttributeValues(Map.of(":id", AttributeValue.fromSs(List.of(id)))));
                    ledger.racedUpdates.add(id);
                } catch (AwsServiceException e) {
                    // TransactionConflictException (a transfer holds the account), or a shard down
                } catch (SdkClientException e) {
                    dynamo = reconnect(dynamo, endpoint);
                }
                pause(5);
            }
        } finally {
            dynamo.close();
        }
    }

    private static DynamoDbClient reconnect(DynamoDbClient dynamo, Supplier<URI> endpoint) {
        dynamo.close();
        return DynamoDbClients.at(endpoint.get());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
