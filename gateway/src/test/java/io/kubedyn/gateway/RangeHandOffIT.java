package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoNumber;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.IndexProjection;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.gateway.cluster.RemoteStore;
import io.kubedyn.storage.ReturnItems;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A range hand-off between two real storage pods while four writers write: the pod owning the
 * whole table hands the upper half of the hash space to a new pod started to receive it. No
 * acknowledged write is lost; afterwards each pod serves exactly its half (and refuses the other
 * as not owned), across restarts of both; the writers saw at most a short run of retryable
 * refusals while the range was sealed.
 */
class RangeHandOffIT {
    private static final HashRange LOWER = new HashRange(0L, 0x7fffffffffffffffL);
    private static final HashRange UPPER = new HashRange(0x8000000000000000L, -1L);
    private static final int KEYS = 2000;

    @TempDir
    Path data;

    private static TableDefinition music() {
        Map<String, ScalarType> attributes = new LinkedHashMap<>();
        attributes.put("id", ScalarType.S);
        attributes.put("part", ScalarType.N);
        attributes.put("version", ScalarType.N);
        KeyAttribute id = new KeyAttribute("id", ScalarType.S);
        return new TableDefinition(
                        "Music",
                        UUID.randomUUID().toString(),
                        KeySchema.of(id, new KeyAttribute("part", ScalarType.N)),
                        attributes,
                        "PAY_PER_REQUEST",
                        0,
                        0,
                        System.currentTimeMillis(),
                        false,
                        null,
                        null,
                        List.of(SecondaryIndex.local(
                                "ByVersion",
                                KeySchema.of(id, new KeyAttribute("version", ScalarType.N)),
                                IndexProjection.KEYS_ONLY)))
                .withTimeToLive("expiresAt");
    }

    private static PrimaryKey key(int id) {
        return PrimaryKey.of(new AttributeValue.S("item-" + id), new AttributeValue.N(DynamoNumber.of(1)));
    }

    private static Map<String, AttributeValue> item(int id, long version) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("id", new AttributeValue.S("item-" + id));
        item.put("part", new AttributeValue.N(DynamoNumber.of(1)));
        item.put("version", new AttributeValue.N(DynamoNumber.of(version)));
        item.put("expiresAt", new AttributeValue.N(DynamoNumber.of(4_000_000_000L)));
        item.put("payload", new AttributeValue.S("p".repeat(200)));
        return item;
    }

    @Test
    void aRangeHandedToANewPodUnderWritesLosesNothingAndEachPodServesItsHalfAfterRestarts() throws Exception {
        LoopbackPorts ports = new LoopbackPorts();
        StoragePodProcess source = new StoragePodProcess(data.resolve("source"), 0, 1, ports);
        StoragePodProcess receiver = new StoragePodProcess(data.resolve("receiver"), 0, 1, ports);
        try (source;
                receiver) {
            source.start();
            Map<Integer, Long> acknowledged = new ConcurrentHashMap<>();
            TableDefinition table = createAndFill(source, acknowledged);
            // A copy capped below the rate the writers below write the range at: the follow must
            // still catch up, and the switch stay short.
            receiver.receiving(UPPER, source, table, "-Dkubedyn.storage.hand-off.bytes-per-second=" + (32 * 1024));

            try (RemoteStore toSource = new RemoteStore(source.address(), Duration.ofSeconds(10));
                    RemoteStore toReceiver = new RemoteStore(receiver.address(), Duration.ofSeconds(10))) {
                Writers writers = new Writers(table, toSource, toReceiver, acknowledged);
                Thread.sleep(500);
                receiver.start();
                receiver.awaitServing(Duration.ofSeconds(90));
                Thread.sleep(1000);
                writers.stop();
                assertThat(writers.versions.get())
                        .as("writes during the hand-off")
                        .isGreaterThan(KEYS / 2);
                // Longer, and a request through a gateway behind on its map would fail.
                assertThat(writers.longestRefusalMillis.get())
                        .as("the longest run of refusals of one write")
                        .isLessThan(ShardRouter.MAP_FOLLOW_MILLIS);
                checkEachPodServesItsHalf(toSource, toReceiver, table, acknowledged);
                // The source names where the range went, so a gateway behind on its map goes there.
                int moved = acknowledged.keySet().stream()
                        .filter(id -> UPPER.contains(key(id).hash()))
                        .findFirst()
                        .orElseThrow();
                assertThatThrownBy(() -> toSource.get(table, key(moved), true))
                        .isInstanceOfSatisfying(
                                StaleShardMapException.class,
                                stale -> assertThat(stale.owner()).isEqualTo(receiver.address()));
            }

            source.close();
            receiver.close();
            source.start();
            receiver.start();
            try (RemoteStore toSource = new RemoteStore(source.address(), Duration.ofSeconds(10));
                    RemoteStore toReceiver = new RemoteStore(receiver.address(), Duration.ofSeconds(10))) {
                checkEachPodServesItsHalf(toSource, toReceiver, table, acknowledged);
                long sourceItems = toSource.scan(table, null, LOWER, 10_000, Long.MAX_VALUE, null)
                        .items()
                        .size();
                long receiverItems = toReceiver
                        .scan(table, null, UPPER, 10_000, Long.MAX_VALUE, null)
                        .items()
                        .size();
                assertThat(sourceItems + receiverItems).isEqualTo(KEYS);
            }
            checkRangeSizes(source, LOWER, receiver, UPPER);
        }
    }

    @Test
    void theSourceKilledWhileFollowedAndTheReceiverKilledOnceSealedTheHandOffResumesAndLosesNothing() throws Exception {
        LoopbackPorts ports = new LoopbackPorts();
        StoragePodProcess source = new StoragePodProcess(data.resolve("source"), 0, 1, ports);
        StoragePodProcess receiver = new StoragePodProcess(data.resolve("receiver"), 0, 1, ports);
        try (source;
                receiver) {
            source.start();
            Map<Integer, Long> acknowledged = new ConcurrentHashMap<>();
            TableDefinition table = createAndFill(source, acknowledged);
            // Held a few seconds once copied and once sealed (each time the receiver starts), so
            // the kills below land in those steps.
            receiver.receiving(UPPER, source, table, "-Dkubedyn.storage.hand-off.hold=Following=4s,Sealing=4s");
            try (RemoteStore toSource = new RemoteStore(source.address(), Duration.ofSeconds(10));
                    RemoteStore toReceiver = new RemoteStore(receiver.address(), Duration.ofSeconds(10))) {
                Writers writers = new Writers(table, toSource, toReceiver, acknowledged);
                receiver.start();
                // The source killed while the receiver follows its write-ahead log: restarted, it
                // numbers its writes anew, and the range is copied again.
                awaitHandOff(receiver, "\"phase\":\"Following\"");
                source.kill();
                source.start();
                // The receiver killed once the source sealed the range, before it serves it: the
                // range has no owner until it is back, and then it finishes the hand-off.
                awaitHandOff(receiver, "sealed by the source");
                receiver.kill();
                receiver.start();
                receiver.awaitServing(Duration.ofSeconds(90));
                Thread.sleep(1000);
                writers.stop();
                assertThat(writers.versions.get())
                        .as("writes during the hand-off")
                        .isGreaterThan(KEYS / 2);
                checkEachPodServesItsHalf(toSource, toReceiver, table, acknowledged);
            }
            assertThat(java.util.regex.Pattern.compile("keys copied from")
                            .matcher(receiver.logText())
                            .results()
                            .count())
                    .as("copies of the range: again once the restarted source lost the receiver's place")
                    .isGreaterThanOrEqualTo(2);
        }
    }

    /** Waits until the receiver's hand-off status holds {@code text}. */
    private static void awaitHandOff(StoragePodProcess receiver, String text) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (!receiver.handOff().contains(text)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no " + text + " in the hand-off within 90 s; now " + receiver.handOff());
            }
            Thread.sleep(50);
        }
    }

    /** Creates the table on {@code source} and writes its {@link #KEYS} items there, version 1 each. */
    private static TableDefinition createAndFill(StoragePodProcess source, Map<Integer, Long> acknowledged) {
        try (RemoteStore toSource = new RemoteStore(source.address(), Duration.ofSeconds(10))) {
            toSource.createTable(music());
            TableDefinition table = toSource.describeTable("Music").orElseThrow();
            for (int id = 0; id < KEYS; id++) {
                toSource.write(table, key(id), ItemChange.put(item(id, 1), null, null), ReturnItems.NONE);
                acknowledged.put(id, 1L);
            }
            return table;
        }
    }

    /**
     * What the operator asks a pod before it splits a shard by itself: each pod weighs exactly
     * the range it owns and finds its median there, and refuses the other's.
     */
    private static void checkRangeSizes(
            StoragePodProcess source, HashRange sourceRange, StoragePodProcess receiver, HashRange receiverRange)
            throws Exception {
        for (StoragePodProcess pod : List.of(source, receiver)) {
            HashRange owned = pod == source ? sourceRange : receiverRange;
            HashRange other = pod == source ? receiverRange : sourceRange;
            io.vertx.core.json.JsonObject sizes =
                    new io.vertx.core.json.JsonObject(pod.get("/kubedyn/ranges").body());
            assertThat(sizes.getString("table")).isEqualTo("Music");
            assertThat(sizes.getJsonArray("ranges")).hasSize(1);
            io.vertx.core.json.JsonObject range = sizes.getJsonArray("ranges").getJsonObject(0);
            assertThat(range.getString("range")).isEqualTo(owned.toString());
            assertThat(range.getLong("bytes"))
                    .as("the estimate of about %d items of 250 bytes", KEYS / 2)
                    .isGreaterThan(KEYS / 2 * 100L);
            HttpResponse<String> median = pod.get("/kubedyn/ranges/median?range=" + owned);
            assertThat(median.statusCode()).as(median.body()).isEqualTo(200);
            long hash = HashRange.parseBound(new io.vertx.core.json.JsonObject(median.body()).getString("median"));
            assertThat(owned.contains(hash) && hash != owned.last())
                    .as("a median inside " + owned)
                    .isTrue();
            assertThat(pod.get("/kubedyn/ranges/median?range=" + other).statusCode())
                    .isEqualTo(409);
            assertThat(pod.get("/kubedyn/ranges/median?range=nonsense").statusCode())
                    .isEqualTo(400);
        }
    }

    /**
     * Four writers putting items of either half, each write retried (at the other pod every
     * other time) until a pod takes it, while they run; the last acknowledged version of each.
     */
    private static final class Writers {
        final AtomicBoolean writing = new AtomicBoolean(true);
        final AtomicLong versions = new AtomicLong(1);
        final AtomicInteger refusals = new AtomicInteger();
        final AtomicLong longestRefusalMillis = new AtomicLong();
        private final List<Thread> threads = new ArrayList<>();

        Writers(TableDefinition table, RemoteStore toSource, RemoteStore toReceiver, Map<Integer, Long> acknowledged) {
            for (int w = 0; w < 4; w++) {
                Thread writer = new Thread(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (writing.get()) {
                        int id = random.nextInt(KEYS);
                        long version = versions.incrementAndGet();
                        long refusedSince = 0;
                        boolean toReceiverFirst = UPPER.contains(key(id).hash()) && random.nextBoolean();
                        for (int attempt = 0; writing.get() || attempt == 0; attempt++) {
                            RemoteStore pod = (toReceiverFirst ^ attempt % 2 == 1) ? toReceiver : toSource;
                            try {
                                // One writer of a key at a time: its last acknowledged write is the item.
                                synchronized (lockOf(id)) {
                                    pod.write(
                                            table,
                                            key(id),
                                            ItemChange.put(item(id, version), null, null),
                                            ReturnItems.NONE);
                                    acknowledged.put(id, version);
                                }
                                break;
                            } catch (RuntimeException refused) {
                                refusals.incrementAndGet();
                                long now = System.currentTimeMillis();
                                refusedSince = refusedSince == 0 ? now : refusedSince;
                                longestRefusalMillis.accumulateAndGet(now - refusedSince, Math::max);
                                if (attempt % 2 == 1) {
                                    sleep(20);
                                }
                            }
                        }
                    }
                });
                writer.start();
                threads.add(writer);
            }
        }

        void stop() throws InterruptedException {
            writing.set(false);
            for (Thread writer : threads) {
                writer.join();
            }
            System.out.printf(
                    "hand-off: %d writes, %d refusals, the longest run of one write's %d ms%n",
                    versions.get() - 1, refusals.get(), longestRefusalMillis.get());
        }
    }

    private static final Object[] LOCKS = new Object[64];

    static {
        for (int i = 0; i < LOCKS.length; i++) {
            LOCKS[i] = new Object();
        }
    }

    private static Object lockOf(int id) {
        return LOCKS[id % LOCKS.length];
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void checkEachPodServesItsHalf(
            RemoteStore source, RemoteStore receiver, TableDefinition table, Map<Integer, Long> acknowledged) {
        int upper = 0;
        for (Map.Entry<Integer, Long> written : acknowledged.entrySet()) {
            PrimaryKey key = key(written.getKey());
            boolean moved = UPPER.contains(key.hash());
            RemoteStore owner = moved ? receiver : source;
            RemoteStore other = moved ? source : receiver;
            upper += moved ? 1 : 0;
            Map<String, AttributeValue> item = owner.get(table, key, true);
            assertThat(item).as("item-" + written.getKey()).isNotNull();
            assertThat(item.get("version"))
                    .as("item-" + written.getKey())
                    .isEqualTo(new AttributeValue.N(DynamoNumber.of(written.getValue())));
            assertThatThrownBy(() -> other.get(table, key, true))
                    .as("the other pod refuses item-" + written.getKey())
                    .hasMessageContaining("shard map out of date");
        }
        assertThat(upper).isBetween(KEYS / 3, 2 * KEYS / 3);
    }
}
