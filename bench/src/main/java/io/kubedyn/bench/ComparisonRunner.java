package io.kubedyn.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
    public ComparisonRunner(BenchConfig config, List<Workload> workloads, Duration loadLimit, Path runDir,
                            boolean profile, PrintStream log) {
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
        List<TargetResult> results = new ArrayList<>();
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
                    generator.warmUp(Workload.LOAD_WARMUP);
                    reports.add(checked(target, generator.load(loadLimit)));
                    for (Workload workload : workloads) {
                        generator.warmUp(workload);
                        reports.add(checked(target, measure(target, subject, generator, workload)));
                    }
                    TargetResult subjectResult = subject ? new TargetResult(target.name(), reports) : results.get(0);
                    for (Workload workload : HALF_LOAD) {
                        Optional<LatencyReport> subjectSaturated = subjectResult.report(workload.name());
                        Optional<LatencyReport> saturated = new TargetResult(target.name(), reports).report(workload.name());
                        if (subjectSaturated.isPresent() && saturated.isPresent()) {
                            double rate = subjectSaturated.get().throughput() / 2;
                            // A peer that cannot reach the rate would only show its queue growing.
                            if (saturated.get().throughput() > rate) {
                                reports.add(checked(target, generator.runAtRate(workload, rate, config.duration())));
                            }
                        }
                    }
                }
            }
            deleteData(work);
            results.add(new TargetResult(target.name(), reports));
        }
        return new Comparison(machine, config, results, Duration.ofNanos(System.nanoTime() - start));
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

    private LatencyReport checked(Target target, LatencyReport report) {
        log.println("   " + report.summary());
        return withoutErrors(target.name(), report);
    }

    /** The report, if no request of its run failed or got a wrong answer: a run with errors is not a result. */
    static LatencyReport withoutErrors(String target, LatencyReport report) {
        if (report.failed()) {
            throw new WorkloadFailedException(String.format(Locale.ROOT, "%s, %s: %d of %d requests failed (the first: %s);"
                    + " a run with errors is not a result", target, report.workload(), report.errors(),
                    report.operations(), report.firstError()));
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
