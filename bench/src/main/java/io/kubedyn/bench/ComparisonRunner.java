package io.kubedyn.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Runs the comparison: each target in turn, alone on the machine, is started, loaded with the
 * same records and driven through the same workloads. Then workloads A and C are run again open
 * loop at half of the throughput the first target (kubedyn) reached, to read its p99 below
 * saturation, and at the same rates on every peer that can sustain them, so that the machine's
 * and the client's own share of that p99 shows. Any target that does not start, and any error in
 * any run, fails the whole comparison: figures from a broken run are not a result.
 */
public final class ComparisonRunner {
    /** Workloads re-run at half of the subject's saturation throughput. */
    private static final List<Workload> HALF_LOAD = List.of(Workload.A, Workload.C);

    private final BenchConfig config;
    private final List<Workload> workloads;
    private final Duration loadLimit;
    private final Path runDir;
    private final boolean profile;
    private final PrintStream log;

    /**
     * @param runDir  servers' data and logs, and the flight recordings when {@code profile}
     * @param profile record the subject's server with JFR during each measured workload
     */
    public ComparisonRunner(
            BenchConfig config,
            List<Workload> workloads,
            Duration loadLimit,
            Path runDir,
            boolean profile,
            PrintStream log) {
        this.config = config;
        this.workloads = List.copyOf(workloads);
        this.loadLimit = loadLimit;
        this.runDir = runDir;
        this.profile = profile;
        this.log = log;
    }

    public Comparison run(List<Target> targets) throws Exception {
        MachineInfo machine = MachineInfo.current();
        log.println("machine: " + machine.describe());
        long start = System.nanoTime();
        Dataset dataset = new Dataset(config, 42);
        if (!targets.isEmpty()) {
            warmUpClient(targets.get(0), dataset);
        }
        List<TargetResult> results = new ArrayList<>();
        Map<String, Map<String, Double>> cpuPerRequest = new LinkedHashMap<>();
        for (Target target : targets) {
            boolean subject = results.isEmpty();
            List<LatencyReport> reports = new ArrayList<>();
            Path work = runDir.resolve(target.name().replaceAll("[^A-Za-z0-9]+", "-"));
            log.println("== " + target.name());
            try (target) {
                URI endpoint = target.start(work);
                log.println("   started on " + endpoint);
                try (DynamoDbAsyncClient client = Clients.async(endpoint, config.concurrency())) {
                    dataset.createTables(client, target.storesData(), target.tables());
                    LoadGenerator generator = new LoadGenerator(client, dataset, target.storesData());
                    Map<String, Double> cpu =
                            cpuPerRequest.computeIfAbsent(target.name(), name -> new LinkedHashMap<>());
                    generator.warmUp(Workload.LOAD_WARMUP);
                    reports.add(checked(target, cpu, () -> generator.load(loadLimit)));
                    for (Workload workload : workloads) {
                        generator.warmUp(workload);
                        reports.add(checked(target, cpu, () -> measure(target, subject, generator, workload)));
                    }
                    TargetResult subjectResult = subject ? new TargetResult(target.name(), reports) : results.get(0);
                    for (Workload workload : HALF_LOAD) {
                        Optional<LatencyReport> subjectSaturated = subjectResult.report(workload.name());
                        Optional<LatencyReport> saturated =
                                new TargetResult(target.name(), reports).report(workload.name());
                        if (subjectSaturated.isPresent() && saturated.isPresent()) {
                            double rate = subjectSaturated.get().throughput() / 2;
                            // A peer that cannot reach the rate would only show its queue growing.
                            if (saturated.get().throughput() > rate) {
                                reports.add(checked(
                                        target, cpu, () -> generator.runAtRate(workload, rate, config.duration())));
                            }
                        }
                    }
                }
            }
            deleteData(work);
            results.add(new TargetResult(target.name(), reports));
        }
        printCpuPerRequest(cpuPerRequest);
        return new Comparison(machine, config, results, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Runs the load phase and every workload's warm-up against a throwaway instance of the
     * first target, before anything is measured. The client shares this JVM with every target's
     * run: without this, the first target alone would be measured while the client's own code is
     * still being compiled (the same build measured first and third differed by 1.5x).
     */
    private void warmUpClient(Target first, Dataset dataset) throws Exception {
        Path work = runDir.resolve("client-warm-up");
        log.println("== client warm-up against " + first.name() + " (not measured)");
        try (first) {
            URI endpoint = first.start(work);
            try (DynamoDbAsyncClient client = Clients.async(endpoint, config.concurrency())) {
                dataset.createTables(client, first.storesData(), first.tables());
                LoadGenerator generator = new LoadGenerator(client, dataset, first.storesData());
                generator.warmUp(Workload.LOAD_WARMUP);
                generator.load(loadLimit);
                for (Workload workload : workloads) {
                    generator.warmUp(workload);
                }
            }
        }
        deleteData(work);
    }

    /** A run of the generator, as measured. */
    @FunctionalInterface
    private interface Measured {
        LatencyReport run() throws Exception;
    }

    /**
     * Runs {@code measured}, prints its summary with the server CPU time it took per request
     * (recorded in {@code cpu} by workload) and returns the report if it had no errors.
     */
    private LatencyReport checked(Target target, Map<String, Double> cpu, Measured measured) throws Exception {
        Optional<Duration> before = ServerCpu.used(target.serverPid());
        Optional<Duration> clientBefore =
                ServerCpu.used(OptionalLong.of(ProcessHandle.current().pid()));
        LatencyReport report = measured.run();
        Optional<Duration> after = ServerCpu.used(target.serverPid());
        Optional<Duration> clientAfter =
                ServerCpu.used(OptionalLong.of(ProcessHandle.current().pid()));
        String cpuText = "";
        if (before.isPresent() && after.isPresent() && report.operations() > 0) {
            double micros = after.get().minus(before.get()).toNanos() / 1000.0 / report.operations();
            cpu.put(report.workload(), micros);
            cpuText = String.format(Locale.ROOT, "  server CPU %.0f us/request", micros);
        }
        if (clientBefore.isPresent() && clientAfter.isPresent() && report.operations() > 0) {
            // The load generator's own (the AWS SDK's signing and parsing): it shares the machine.
            cpuText += String.format(
                    Locale.ROOT,
                    "  client CPU %.0f us/request",
                    clientAfter.get().minus(clientBefore.get()).toNanos() / 1000.0 / report.operations());
        }
        log.println("   " + report.summary() + cpuText);
        return withoutErrors(target.name(), report);
    }

    /** Server CPU per request by workload and target, and each peer's against the first target. */
    private void printCpuPerRequest(Map<String, Map<String, Double>> cpuPerRequest) {
        if (cpuPerRequest.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(cpuPerRequest.keySet());
        log.println();
        log.println("Server CPU time per request, in microseconds (the server process's user and system time"
                + " over the run, divided by its requests; below 1 means the first target spends less):");
        log.println();
        StringBuilder header = new StringBuilder("| workload |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String name : names) {
            header.append(' ').append(name).append(" |");
            rule.append("---:|");
        }
        for (String name : names.subList(1, names.size())) {
            header.append(' ').append(names.get(0)).append(" / ").append(name).append(" |");
            rule.append("---:|");
        }
        log.println(header);
        log.println(rule);
        for (String workload : cpuPerRequest.get(names.get(0)).keySet()) {
            StringBuilder row = new StringBuilder("| ").append(workload).append(" |");
            Double first = cpuPerRequest.get(names.get(0)).get(workload);
            for (String name : names) {
                Double value = cpuPerRequest.get(name).get(workload);
                row.append(value == null ? " - |" : String.format(Locale.ROOT, " %.0f |", value));
            }
            for (String name : names.subList(1, names.size())) {
                Double value = cpuPerRequest.get(name).get(workload);
                row.append(
                        value == null || first == null
                                ? " - |"
                                : String.format(Locale.ROOT, " %.2fx |", first / value));
            }
            log.println(row);
        }
        log.println();
    }

    private LatencyReport measure(Target target, boolean subject, LoadGenerator generator, Workload workload)
            throws Exception {
        if (!(profile && subject && target.jvmPid().isPresent())) {
            return generator.measure(workload);
        }
        JfrProfiler profiler = new JfrProfiler(target.jvmPid().getAsLong());
        profiler.start();
        try {
            return generator.measure(workload);
        } finally {
            Path recording = runDir.resolve("profile-" + workload.name() + ".jfr");
            profiler.stop(recording);
            log.println("   flight recording: " + recording);
        }
    }

    /** The report, if no request of its run failed or got a wrong answer: a run with errors is not a result. */
    static LatencyReport withoutErrors(String target, LatencyReport report) {
        if (report.failed()) {
            throw new WorkloadFailedException(String.format(
                    Locale.ROOT,
                    "%s, %s: %d of %d requests failed (the first: %s);" + " a run with errors is not a result",
                    target,
                    report.workload(),
                    report.errors(),
                    report.operations(),
                    report.firstError()));
        }
        return report;
    }

    /** The servers' stored data (under {@code work/data} or {@code work/leveldb}) is scratch; their logs stay for a post-mortem. */
    static void deleteData(Path work) throws IOException {
        for (String dir : List.of("data", "leveldb")) {
            Path data = work.resolve(dir);
            if (Files.exists(data)) {
                try (Stream<Path> files = Files.walk(data)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
        }
    }
}
