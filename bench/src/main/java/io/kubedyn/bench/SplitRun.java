package io.kubedyn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableDefinitionCodec;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * A shard split under load, on this machine, as a table's split runs on Kubernetes without the
 * operator: one shard owning the whole hash space behind the gateway in cluster mode (a storage
 * pod, or a Raft group of {@code replicas} pods), loaded with the key-value table of
 * {@code compare}; workload A measured; then a new shard's pods started as they are in a split
 * (owning nothing, receiving the upper half of the hash space from the first shard) while
 * workload A runs, in one-second windows, until it serves its range. The gateway keeps its map
 * and follows the first shard's refusals, which name the new owner, as it does between the seal
 * and its informer seeing the new map. The client does not retry: every refusal that reached it
 * counts as an error.
 */
final class SplitRun {
    static final HashRange UPPER = new HashRange(0x8000000000000000L, -1L);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final Duration SPLIT_LIMIT = Duration.ofMinutes(30);

    private final Repository repo;
    private final BenchConfig config;
    private final List<String> jvmOptions;
    private final long bytesPerSecond;
    private final int replicas;
    private final Duration loadLimit;
    private final Path runDir;
    private final PrintStream out;

    /** What was measured: workload A before and during the split, and the split itself. */
    record Result(LatencyReport before, LatencyReport during, Duration split, long movedBytes, long storeBytes) {
        double throughputRatio() {
            return before.throughput() == 0 ? 0 : during.throughput() / before.throughput();
        }

        double p99Ratio() {
            return before.p99Micros() == 0 ? 0 : (double) during.p99Micros() / before.p99Micros();
        }

        /** Bytes moved per second of the split, as the receiving pod's store estimates what it holds. */
        double movedBytesPerSecond() {
            double seconds = split.toNanos() / 1e9;
            return seconds == 0 ? 0 : movedBytes / seconds;
        }

        String markdown() {
            StringBuilder table = new StringBuilder();
            table.append("| workload A | ops/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|\n");
            for (LatencyReport report : List.of(before, during)) {
                table.append(String.format(
                        Locale.ROOT,
                        "| %s | %.0f | %.2f | %.2f | %d |%n",
                        report.workload(),
                        report.throughput(),
                        report.p50Micros() / 1000.0,
                        report.p99Micros() / 1000.0,
                        report.errors()));
            }
            table.append(String.format(
                    Locale.ROOT, "%nduring/before: throughput %.2fx, p99 %.2fx%n", throughputRatio(), p99Ratio()));
            table.append(String.format(
                    Locale.ROOT,
                    "the split moved %.1f MB (of a %.1f MB store, RocksDB's estimates) in %.1f s: %.1f MB/s,"
                            + " %.0f s per GB%n",
                    movedBytes / 1e6,
                    storeBytes / 1e6,
                    split.toNanos() / 1e9,
                    movedBytesPerSecond() / 1e6,
                    movedBytesPerSecond() == 0 ? 0 : 1e9 / movedBytesPerSecond()));
            return table.toString();
        }
    }

    /**
     * @param bytesPerSecond the receiving pod's copy rate cap (the chart's
     *     {@code storage.splitBytesPerSecond}); 0 for none
     */
    SplitRun(
            Repository repo,
            BenchConfig config,
            List<String> jvmOptions,
            long bytesPerSecond,
            int replicas,
            Duration loadLimit,
            Path runDir,
            PrintStream out) {
        this.repo = repo;
        this.config = config;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.bytesPerSecond = bytesPerSecond;
        this.replicas = replicas;
        this.loadLimit = loadLimit;
        this.runDir = runDir;
        this.out = out;
    }

    Result run() throws Exception {
        Dataset dataset = new Dataset(config, 42);
        try (ClusterTarget cluster =
                new ClusterTarget(repo.gatewayJar(), repo.storagePodJar(), 1, replicas, jvmOptions)) {
            URI endpoint = cluster.start(runDir);
            List<StoragePod> source = cluster.pods();
            try (DynamoDbAsyncClient client = Clients.async(endpoint, config.concurrency())) {
                dataset.createKeyValueTable(client);
                LoadGenerator generator = new LoadGenerator(client, dataset, true);
                LatencyReport load = generator.load(loadLimit, dataset.keyValueRecords());
                out.println(load.summary());
                ComparisonRunner.withoutErrors("kubedyn cluster", load);
                awaitCaughtUp(source);
                long storeBytes = weight(source.get(0));
                generator.warmUp(Workload.A);
                LatencyReport before = rename(generator.measure(Workload.A), "before the split");
                out.println(before.summary());

                List<Integer> ports = ServerProcess.freeLoopbackPorts(3 * replicas);
                List<String> peers = new ArrayList<>();
                List<String> addresses = new ArrayList<>();
                for (int r = 0; r < replicas; r++) {
                    peers.add("127.0.0.1:" + ports.get(3 * r) + ":" + ports.get(3 * r + 2));
                    addresses.add("127.0.0.1:" + ports.get(3 * r));
                }
                List<String> options = receiverOptions(client, source, addresses);
                List<StoragePod> receiver = new ArrayList<>();
                for (int r = 0; r < replicas; r++) {
                    List<String> podOptions = new ArrayList<>(options);
                    if (replicas > 1) {
                        podOptions.addAll(List.of(
                                "-Dkubedyn.storage.replication.group=bench-split",
                                "-Dkubedyn.storage.replication.peers=" + String.join(",", peers),
                                "-Dkubedyn.storage.replication.self=" + addresses.get(r),
                                "-Dkubedyn.storage.replication.host=127.0.0.1"));
                    }
                    receiver.add(StoragePod.launch(
                            repo.storagePodJar(),
                            podOptions,
                            replicas + r,
                            "none",
                            ports.get(3 * r),
                            ports.get(3 * r + 1),
                            runDir));
                }
                try {
                    long started = System.nanoTime();
                    Histogram latencies = new Histogram(3);
                    long operations = 0;
                    long errors = 0;
                    String firstError = null;
                    while (serving(receiver) == null) {
                        if (System.nanoTime() - started > SPLIT_LIMIT.toNanos()) {
                            throw new WorkloadFailedException("the split did not complete within " + SPLIT_LIMIT
                                    + "; the receiving pod says " + handOff(receiver.get(0)));
                        }
                        LatencyReport window = generator.measure(Workload.A, WINDOW, latencies);
                        operations += window.operations();
                        errors += window.errors();
                        firstError = firstError != null ? firstError : window.firstError();
                    }
                    Duration split = Duration.ofNanos(System.nanoTime() - started);
                    LatencyReport during = LatencyReport.of("during the split", latencies, errors, split, firstError);
                    if (during.operations() != operations) {
                        throw new IllegalStateException(
                                "windows counted " + operations + " requests, the histogram " + during.operations());
                    }
                    out.println(during.summary());
                    return new Result(before, during, split, weight(serving(receiver)), storeBytes);
                } finally {
                    receiver.forEach(StoragePod::close);
                }
            }
        }
    }

    /**
     * What a new shard's pod is handed on Kubernetes: no range of its own, the range to receive,
     * from where, its own address for the source to name, the copy rate, and the table's
     * definition with the source store's table id.
     */
    private List<String> receiverOptions(
            DynamoDbAsyncClient client, List<StoragePod> source, List<String> receiverAddresses) throws Exception {
        TableDescription described =
                client.describeTable(b -> b.tableName(Dataset.KV_TABLE)).get().table();
        TableDefinition table = new TableDefinition(
                Dataset.KV_TABLE,
                described.tableId(),
                KeySchema.of(new KeyAttribute("id", ScalarType.S), null),
                Map.of("id", ScalarType.S),
                "PAY_PER_REQUEST",
                0,
                0,
                described.creationDateTime().toEpochMilli());
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(List.of(
                "-Dkubedyn.storage.receive-range=" + UPPER,
                "-Dkubedyn.storage.receive-from="
                        + String.join(
                                ",", source.stream().map(StoragePod::address).toList()),
                "-Dkubedyn.storage.receive-holder=bench-receiver",
                "-Dkubedyn.storage.receive-address=" + io.kubedyn.core.ShardMap.replicaAddress(receiverAddresses),
                "-Dkubedyn.storage.hand-off.bytes-per-second=" + bytesPerSecond,
                "-Dkubedyn.storage.table-definition="
                        + new String(new TableDefinitionCodec().encode(table), StandardCharsets.UTF_8)));
        return options;
    }

    private static String handOff(StoragePod pod) {
        try {
            return pod.get("/kubedyn/hand-off");
        } catch (Exception e) {
            return "(not answering yet: " + e.getMessage() + ")";
        }
    }

    private static boolean serving(StoragePod pod) throws Exception {
        String status = handOff(pod);
        return status.startsWith("{")
                && "Serving".equals(JSON.readTree(status).path("phase").asText());
    }

    /** The new shard's pod that serves its range (any, once its group logged it), or null while none does. */
    private static StoragePod serving(List<StoragePod> pods) throws Exception {
        for (StoragePod pod : pods) {
            if (serving(pod)) {
                return pod;
            }
        }
        return null;
    }

    /** RocksDB's estimate of the bytes of every range a pod owns ({@code GET /kubedyn/ranges}). */
    private static long weight(StoragePod pod) throws Exception {
        long bytes = 0;
        for (JsonNode range : JSON.readTree(pod.get("/kubedyn/ranges")).path("ranges")) {
            bytes += range.path("bytes").asLong();
        }
        return bytes;
    }

    /**
     * Until every replica of a replicated shard has applied what its group had logged when the
     * load ended: workload A's eventually consistent reads go to any replica, and one still
     * applying the load would answer that a loaded record does not exist.
     */
    private static void awaitCaughtUp(List<StoragePod> replicas) throws Exception {
        if (replicas.size() < 2) {
            return;
        }
        long logged = 0;
        for (StoragePod pod : replicas) {
            logged = Math.max(logged, pod.appliedIndex());
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        for (StoragePod pod : replicas) {
            while (pod.appliedIndex() < logged) {
                if (System.nanoTime() > deadline) {
                    throw new WorkloadFailedException(pod.address() + " did not apply its group's log up to " + logged
                            + " within 5 minutes of the load");
                }
                Thread.sleep(200);
            }
        }
    }

    private static LatencyReport rename(LatencyReport report, String workload) {
        return new LatencyReport(
                workload,
                report.operations(),
                report.errors(),
                report.elapsed(),
                report.p50Micros(),
                report.p99Micros(),
                report.p999Micros(),
                report.maxMicros(),
                report.firstError(),
                report.offeredRate());
    }
}
