package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.kubedyn.storage.Page;
import io.kubedyn.storage.ReturnItems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A range of a table with a global secondary index handed to a new pod while four writers move
 * items from one index partition to another: both pods were started with the map of one shard
 * owning everything, as the operator starts a new shard's pods. Afterwards the index holds
 * exactly one entry per item, under the item's newest partition key: none lost, none stale, with
 * the entries of the moved range on the new pod.
 */
class GlobalIndexHandOffIT {
    private static final HashRange WHOLE = new HashRange(0L, -1L);
    private static final HashRange LOWER = new HashRange(0L, 0x7fffffffffffffffL);
    private static final HashRange UPPER = new HashRange(0x8000000000000000L, -1L);
    private static final String INDEX = "ByBucket";
    private static final int KEYS = 1000;
    private static final int BUCKETS = 32;

    @TempDir
    Path data;

    private static TableDefinition games() {
        Map<String, ScalarType> attributes = new LinkedHashMap<>();
        attributes.put("id", ScalarType.S);
        attributes.put("bucket", ScalarType.N);
        return new TableDefinition(
                "Games",
                UUID.randomUUID().toString(),
                KeySchema.of(new KeyAttribute("id", ScalarType.S), null),
                attributes,
                "PAY_PER_REQUEST",
                0,
                0,
                System.currentTimeMillis(),
                false,
                null,
                null,
                List.of(SecondaryIndex.global(
                        INDEX,
                        KeySchema.of(new KeyAttribute("bucket", ScalarType.N), new KeyAttribute("id", ScalarType.S)),
                        IndexProjection.KEYS_ONLY)));
    }

    private static PrimaryKey key(int id) {
        return PrimaryKey.of(new AttributeValue.S("game-" + id), null);
    }

    /** Each version of an item sits in another index partition: every write moves its entry. */
    private static Map<String, AttributeValue> item(int id, long version) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("id", new AttributeValue.S("game-" + id));
        item.put("bucket", new AttributeValue.N(DynamoNumber.of(version % BUCKETS)));
        item.put("version", new AttributeValue.N(DynamoNumber.of(version)));
        return item;
    }

    @Test
    void indexEntriesFollowTheirRangeToTheNewPodAndNoneIsLostOrLeftStale() throws Exception {
        LoopbackPorts ports = new LoopbackPorts();
        StoragePodProcess source = new StoragePodProcess(data.resolve("source"), 0, 1, ports);
        StoragePodProcess receiver = new StoragePodProcess(data.resolve("receiver"), 0, 1, ports);
        // The map both pods start with, as the operator gives it before the split.
        String map = WHOLE + "=" + source.address();
        source.withShardMap(map);
        receiver.withShardMap(map);
        try (source;
                receiver) {
            source.start();
            TableDefinition table;
            try (RemoteStore toSource = new RemoteStore(source.address(), Duration.ofSeconds(10))) {
                toSource.createTable(games());
                table = toSource.describeTable("Games").orElseThrow();
                for (int id = 0; id < KEYS; id++) {
                    toSource.write(table, key(id), ItemChange.put(item(id, id), null, null), ReturnItems.NONE);
                }
            }
            receiver.receiving(UPPER, source, table);

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong versions = new AtomicLong(KEYS);
            List<Thread> writers = new ArrayList<>();
            try (RemoteStore toSource = new RemoteStore(source.address(), Duration.ofSeconds(10));
                    RemoteStore toReceiver = new RemoteStore(receiver.address(), Duration.ofSeconds(10))) {
                for (int w = 0; w < 4; w++) {
                    Thread writer = new Thread(() -> {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        while (writing.get()) {
                            int id = random.nextInt(KEYS);
                            write(table, id, versions.incrementAndGet(), toSource, toReceiver);
                        }
                    });
                    writer.start();
                    writers.add(writer);
                }
                Thread.sleep(500);
                receiver.start();
                receiver.awaitServing(Duration.ofSeconds(90));
                Thread.sleep(1000);
                writing.set(false);
                for (Thread writer : writers) {
                    writer.join();
                }
                assertThat(versions.get() - KEYS)
                        .as("writes during the hand-off")
                        .isGreaterThan(KEYS / 2);

                // What each item's entry must be now: its bucket, read from the pod owning it.
                Map<String, List<Long>> expected = new TreeMap<>();
                for (int id = 0; id < KEYS; id++) {
                    RemoteStore owner = UPPER.contains(key(id).hash()) ? toReceiver : toSource;
                    Map<String, AttributeValue> item = owner.get(table, key(id), true);
                    assertThat(item).as("game-" + id).isNotNull();
                    expected.put("game-" + id, List.of(bucketOf(item)));
                }
                // The index is eventually consistent: its feeds catch up within seconds.
                Map<String, List<Long>> entries = Map.of();
                long until = System.currentTimeMillis() + 60_000;
                while (System.currentTimeMillis() < until) {
                    entries = entries(toSource, LOWER, toReceiver, UPPER, table);
                    if (entries.equals(expected)) {
                        break;
                    }
                    Thread.sleep(500);
                }
                List<String> wrong = new ArrayList<>();
                Map<String, List<Long>> found = entries;
                expected.forEach((id, bucket) -> {
                    if (!bucket.equals(found.get(id))) {
                        wrong.add(id + ": entries under " + found.get(id) + ", item in " + bucket);
                    }
                });
                assertThat(wrong)
                        .as("items whose index entries are missing, stale or doubled")
                        .isEmpty();
                assertThat(entries).isEqualTo(expected);
                assertThat(scanIndex(toReceiver, UPPER, table))
                        .as("the new pod serves the moved range's entries")
                        .isNotEmpty();
                assertThat(scanIndex(toSource, LOWER, table)).isNotEmpty();
            }
        }
    }

    /** Writes the item to whichever pod owns it, trying both (as a gateway following the map would). */
    private static void write(TableDefinition table, int id, long version, RemoteStore... pods) {
        long deadline = System.currentTimeMillis() + 10_000;
        for (int attempt = 0; ; attempt++) {
            // One writer of a key at a time: the last write is the item.
            synchronized (LOCKS[id % LOCKS.length]) {
                try {
                    pods[attempt % pods.length].write(
                            table, key(id), ItemChange.put(item(id, version), null, null), ReturnItems.NONE);
                    return;
                } catch (RuntimeException refused) {
                    if (System.currentTimeMillis() > deadline) {
                        throw refused;
                    }
                }
            }
            if (attempt % pods.length == pods.length - 1) {
                sleep(20);
            }
        }
    }

    /** Every index entry on both pods, each over the range it owns: item id to the buckets it is found under. */
    private static Map<String, List<Long>> entries(
            RemoteStore lower, HashRange lowerRange, RemoteStore upper, HashRange upperRange, TableDefinition table) {
        Map<String, List<Long>> entries = new TreeMap<>();
        List<Map<String, AttributeValue>> all = new ArrayList<>(scanIndex(lower, lowerRange, table));
        all.addAll(scanIndex(upper, upperRange, table));
        for (Map<String, AttributeValue> entry : all) {
            String id = ((AttributeValue.S) entry.get("id")).value();
            entries.computeIfAbsent(id, k -> new ArrayList<>()).add(bucketOf(entry));
        }
        entries.values().forEach(buckets -> buckets.sort(null));
        return entries;
    }

    private static List<Map<String, AttributeValue>> scanIndex(
            RemoteStore pod, HashRange range, TableDefinition table) {
        Page page = pod.scan(table, INDEX, range, 10 * KEYS, Long.MAX_VALUE, null);
        assertThat(page.lastEvaluated()).as("one page holds every entry").isNull();
        return page.items();
    }

    private static long bucketOf(Map<String, AttributeValue> item) {
        return ((AttributeValue.N) item.get("bucket")).value().value().longValueExact();
    }

    private static final Object[] LOCKS = new Object[64];

    static {
        for (int i = 0; i < LOCKS.length; i++) {
            LOCKS[i] = new Object();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
