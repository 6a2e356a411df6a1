package io.kubedyn.bench;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.ReturnItems;
import io.kubedyn.storage.WriteGroups;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * How many writes share each WAL sync: {@code writers} writes at a time putting records (the
 * benchmark's record shape, a new value every time, so every put changes its item) into one
 * {@link PartitionStore} on disk as fast as it answers, for a fixed time, at each writer count in
 * turn, each on a fresh store, two ways: {@code writers} threads each waiting for its write
 * ({@link PartitionStore#write}, grouped by RocksDB's own write groups, as a storage pod writes),
 * and {@code writers} writes kept in flight by at most two threads that never wait
 * ({@link PartitionStore#writeWithoutWaiting}, grouped by the store's group commit, as the
 * embedded server's event loops write). The store's own counters
 * ({@link PartitionStore#writeGroups}) say how many writes each sync carried; this process's CPU
 * time says what a write cost.
 */
final class WriteGroupsRun {
    /** One writer count's figures. */
    record Result(String how, int writers, double writesPerSecond, double writesPerSync, double cpuMicrosPerWrite) {
        String row() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d | %.0f | %.1f | %.1f |",
                    how,
                    writers,
                    writesPerSecond,
                    writesPerSync,
                    cpuMicrosPerWrite);
        }
    }

    private static final int KEYS_PER_WRITER = 5_000;
    /** Threads beginning writes without waiting: the event loops of a 2-core machine's server. */
    private static final int BEGINNING_THREADS = 2;

    private final Path scratch;
    private final Duration duration;
    private final int fieldCount;
    private final int fieldSize;

    WriteGroupsRun(Path scratch, Duration duration, int fieldCount, int fieldSize) {
        this.scratch = scratch;
        this.duration = duration;
        this.fieldCount = fieldCount;
        this.fieldSize = fieldSize;
    }

    List<Result> run(List<Integer> writerCounts, PrintStream log) throws Exception {
        List<Result> results = new ArrayList<>();
        log.println("| how | writes in flight | writes/s | writes per WAL sync | CPU us per write |");
        log.println("|---|---:|---:|---:|---:|");
        for (boolean begun : new boolean[] {false, true}) {
            for (int writers : writerCounts) {
                Result result = measure(writers, begun);
                log.println(result.row());
                results.add(result);
            }
        }
        return results;
    }

    /** A thread per writer, each waiting for its write; or, {@code begun}, writes begun without waiting. */
    Result measure(int writers, boolean begun) throws Exception {
        Path dir = scratch.resolve("write-groups-" + writers + "-" + UUID.randomUUID());
        try (PartitionStore store = PartitionStore.open(dir)) {
            TableDefinition table = new TableDefinition(
                    "bench_kv",
                    UUID.randomUUID().toString(),
                    KeySchema.of(new KeyAttribute("id", ScalarType.S), null),
                    Map.of("id", ScalarType.S),
                    "PAY_PER_REQUEST",
                    0,
                    0,
                    System.currentTimeMillis());
            store.createTable(table);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            WriteGroups before = store.writeGroups();
            long cpuBefore = processCpuNanos();
            long start = System.nanoTime();
            int threadCount = begun ? Math.min(writers, BEGINNING_THREADS) : writers;
            for (int t = 0; t < threadCount; t++) {
                int first = t;
                // Begun: each thread keeps its share of the writes in flight, one key range a write.
                int share = begun ? writers / threadCount + (t < writers % threadCount ? 1 : 0) : 1;
                Semaphore inFlight = new Semaphore(share);
                Thread thread = new Thread(
                        () -> {
                            long n = 0;
                            int writer = first;
                            while (!stop.get()) {
                                inFlight.acquireUninterruptibly();
                                AttributeValue id = new AttributeValue.S("w" + writer + "-" + (n++ % KEYS_PER_WRITER));
                                if (begun) {
                                    writer = writer + threadCount < writers ? writer + threadCount : first;
                                }
                                put(store, table, id, begun).thenRun(() -> {
                                    written.incrementAndGet();
                                    inFlight.release();
                                });
                            }
                            inFlight.acquireUninterruptibly(share); // every write answered
                        },
                        "writer-" + t);
                thread.start();
                threads.add(thread);
            }
            Thread.sleep(duration.toMillis());
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = processCpuNanos() - cpuBefore;
            WriteGroups groups = store.writeGroups().since(before);
            long writes = written.get();
            return new Result(
                    begun ? "begun without waiting" : "a thread each",
                    writers,
                    writes / seconds,
                    groups.writesPerSync(),
                    cpu / 1000.0 / writes);
        } finally {
            delete(dir);
        }
    }

    /**
     * Puts a record at {@code id}: waiting for it, or begun without waiting (waiting only when
     * the store cannot begin it so, as the embedded server then does on a worker thread).
     */
    private CompletableFuture<?> put(PartitionStore store, TableDefinition table, AttributeValue id, boolean begun) {
        PrimaryKey key = PrimaryKey.of(id, null);
        ItemChange change = ItemChange.put(record(id), null, null);
        CompletableFuture<?> written = begun ? store.writeWithoutWaiting(table, key, change, ReturnItems.NONE) : null;
        if (written == null) {
            store.write(table, key, change, ReturnItems.NONE);
            written = CompletableFuture.completedFuture(null);
        }
        return written;
    }

    private Map<String, AttributeValue> record(AttributeValue id) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("id", id);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int f = 0; f < fieldCount; f++) {
            StringBuilder value = new StringBuilder(fieldSize);
            for (int c = 0; c < fieldSize; c++) {
                value.append((char) ('a' + random.nextInt(26)));
            }
            item.put("field" + f, new AttributeValue.S(value.toString()));
        }
        return item;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }
}
