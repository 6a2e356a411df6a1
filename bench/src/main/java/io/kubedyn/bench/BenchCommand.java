package io.kubedyn.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** {@code java -jar bench/target/kubedyn-bench.jar <command>}. */
@Command(
        name = "kubedyn-bench",
        mixinStandardHelpOptions = true,
        description = "kubedyn's benchmark: YCSB-style load over the DynamoDB wire protocol, side by side with peers.",
        subcommands = {
            BenchCommand.Compare.class,
            BenchCommand.Routing.class,
            BenchCommand.Run.class,
            BenchCommand.Hot.class,
            BenchCommand.Micro.class,
            BenchCommand.WriteGroupsCommand.class,
            BenchCommand.Split.class
        })
public final class BenchCommand implements Runnable {

    public static void main(String[] args) {
        // The chart is drawn off-screen; no display is needed or wanted.
        System.setProperty("java.awt.headless", "true");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The load's shape, shared by {@code compare} and {@code run}. */
    static final class LoadOptions {
        @Option(
                names = "--records",
                defaultValue = "20000",
                description = "Records in each table (default ${DEFAULT-VALUE}).")
        int records;

        @Option(
                names = "--field-count",
                defaultValue = "10",
                description = "Attributes per record besides the key (default ${DEFAULT-VALUE}).")
        int fieldCount;

        @Option(
                names = "--field-size",
                defaultValue = "100",
                description = "Characters per attribute (default ${DEFAULT-VALUE}).")
        int fieldSize;

        @Option(
                names = "--items-per-partition",
                defaultValue = "100",
                description = "Range table items per partition (default ${DEFAULT-VALUE}).")
        int itemsPerPartition;

        @Option(
                names = "--max-query-limit",
                defaultValue = "10",
                description = "Workload E queries 1..N items (default ${DEFAULT-VALUE}).")
        int maxQueryLimit;

        @Option(
                names = "--concurrency",
                defaultValue = "32",
                description = "Requests in flight (default ${DEFAULT-VALUE}).")
        int concurrency;

        @Option(
                names = "--warmup-seconds",
                defaultValue = "5",
                description = "Warm-up per workload (default ${DEFAULT-VALUE}).")
        int warmupSeconds;

        @Option(
                names = "--seconds",
                defaultValue = "20",
                description = "Measurement per workload (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(
                names = "--max-operations",
                defaultValue = "20000000",
                description = "Bound on any one run's requests (default ${DEFAULT-VALUE}).")
        long maxOperations;

        @Option(
                names = "--load-limit-seconds",
                defaultValue = "180",
                description = "The load phase fails past this (default ${DEFAULT-VALUE}).")
        int loadLimitSeconds;

        @Option(
                names = "--workloads",
                split = ",",
                defaultValue = "A,B,C,E",
                description = "Workloads to run (default ${DEFAULT-VALUE}).")
        List<String> workloads;

        @Option(
                names = "--distribution",
                defaultValue = "uniform",
                description =
                        "How requests pick records: uniform or zipfian (YCSB's scrambled Zipfian, theta 0.99) (default ${DEFAULT-VALUE}).")
        String distribution;

        BenchConfig config() {
            return new BenchConfig(
                    records,
                    fieldCount,
                    fieldSize,
                    itemsPerPartition,
                    maxQueryLimit,
                    concurrency,
                    Duration.ofSeconds(warmupSeconds),
                    Duration.ofSeconds(seconds),
                    maxOperations,
                    distribution);
        }

        List<Workload> workloadList() {
            return workloads.stream().map(Workload::named).toList();
        }
    }

    @Command(
            name = "compare",
            mixinStandardHelpOptions = true,
            description =
                    "Start kubedyn and each peer on loopback in turn, load and measure them alike, print the ratio table and write a chart.")
    static final class Compare implements Callable<Integer> {
        @Mixin
        LoadOptions load = new LoadOptions();

        @Option(
                names = "--targets",
                split = ",",
                defaultValue = "kubedyn,dynalite,noop",
                description =
                        "kubedyn first, then peers: dynalite, noop, kubedyn-streams (kubedyn with a stream on every table), kubedyn-gsi (two global secondary indexes on the key-value table), kubedyn-sigv4 (checking every signature), kubedyn-tls (serving HTTPS only) or kubedyn-baseline (--baseline-jar) (default ${DEFAULT-VALUE}).")
        List<String> targets;

        @Option(names = "--out", description = "Where the table, CSV and chart go (default bench/target/results).")
        Path out;

        @Option(names = "--profile", description = "Record kubedyn with JFR during each measured workload.")
        boolean profile;

        @Option(
                names = "--server-jvm-option",
                description = "Extra JVM option for the Java servers (kubedyn and the ceiling alike).")
        List<String> serverJvmOptions = new ArrayList<>();

        @Option(
                names = "--baseline-jar",
                description = "The quarkus-run.jar of another kubedyn build, measured as the "
                        + "kubedyn-baseline target (its quarkus-app directory must be whole).")
        Path baselineJar;

        @Override
        public Integer call() throws Exception {
            Repository repo = Repository.locate(Path.of(""));
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
            Path runDir = repo.benchTarget().resolve("runs").resolve(stamp);
            Path outDir = out != null ? out : repo.benchTarget().resolve("results");
            List<Target> list = new ArrayList<>();
            for (String name : targets) {
                list.add(
                        switch (name.trim().toLowerCase(Locale.ROOT)) {
                            case "kubedyn" -> new KubedynTarget(repo.gatewayJar(), serverJvmOptions);
                            case KubedynTarget.WITH_STREAMS ->
                                new KubedynTarget(repo.gatewayJar(), serverJvmOptions, TableFeatures.STREAMS);
                            case KubedynTarget.WITH_GLOBAL_INDEXES ->
                                new KubedynTarget(repo.gatewayJar(), serverJvmOptions, TableFeatures.GLOBAL_INDEXES);
                            case KubedynTarget.WITH_SIGNATURES ->
                                KubedynTarget.checkingSignatures(repo.gatewayJar(), serverJvmOptions);
                            case KubedynTarget.WITH_TLS ->
                                KubedynTarget.servingTls(repo.gatewayJar(), serverJvmOptions);
                            case "dynalite" ->
                                new DynaliteTarget(repo.benchTarget().resolve("dynalite"));
                            case "noop" -> new NoopCeilingTarget(repo.noopServerJar(), serverJvmOptions);
                            case KubedynTarget.BASELINE -> {
                                if (baselineJar == null) {
                                    throw new CommandLine.ParameterException(
                                            new CommandLine(this),
                                            "target " + KubedynTarget.BASELINE + " needs --baseline-jar");
                                }
                                yield KubedynTarget.baseline(baselineJar.toAbsolutePath(), serverJvmOptions);
                            }
                            default ->
                                throw new CommandLine.ParameterException(
                                        new CommandLine(this), "unknown target " + name);
                        });
            }
            if (!(list.get(0) instanceof KubedynTarget)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "the first target must be kubedyn");
            }
            Comparison comparison = new ComparisonRunner(
                            load.config(),
                            load.workloadList(),
                            Duration.ofSeconds(load.loadLimitSeconds),
                            runDir,
                            profile,
                            System.out)
                    .run(list);
            ComparisonReport report = new ComparisonReport(comparison);
            report.write(outDir);
            System.out.println();
            System.out.println(report.markdown());
            System.out.println("written: " + outDir.resolve("comparison.md") + ", comparison.csv, comparison.png");
            if (profile) {
                System.out.println(
                        "flight recordings in " + runDir + "; summarise with: hot-frames " + runDir + "/profile-A.jfr");
            }
            return 0;
        }
    }

    @Command(
            name = "routing",
            mixinStandardHelpOptions = true,
            description =
                    "What routing through storage pods costs: the embedded gateway and the cluster gateway in front of"
                            + " N storage pods, both on loopback, measured per operation in alternating rounds of one run;"
                            + " prints the cluster/embedded ratio table.")
    static final class Routing implements Callable<Integer> {
        @Option(
                names = "--shards",
                defaultValue = "3",
                description = "Storage pods behind the cluster gateway (default ${DEFAULT-VALUE}).")
        int shards;

        @Option(
                names = "--records",
                defaultValue = "10000",
                description = "Records in each table (default ${DEFAULT-VALUE}).")
        int records;

        @Option(
                names = "--concurrency",
                defaultValue = "32",
                description =
                        "Requests in flight in the throughput runs; latency is measured with 1 (default ${DEFAULT-VALUE}).")
        int concurrency;

        @Option(names = "--rounds", defaultValue = "5", description = "Alternating rounds (default ${DEFAULT-VALUE}).")
        int rounds;

        @Option(
                names = "--seconds",
                defaultValue = "2",
                description =
                        "Measurement per operation, target, concurrency and round; fractions allowed (default ${DEFAULT-VALUE}).")
        double seconds;

        @Option(
                names = "--warmup-seconds",
                defaultValue = "5",
                description = "Warm-up per operation and target before the first round (default ${DEFAULT-VALUE}).")
        double warmupSeconds;

        @Option(
                names = "--operations",
                split = ",",
                defaultValue = "PutItem,GetItem,Query,Scan,BatchWriteItem",
                description = "Operations to measure; one BatchWriteItem request writes " + Dataset.BATCH_WRITE_ITEMS
                        + " records (default ${DEFAULT-VALUE}).")
        List<String> operations;

        @Option(
                names = "--load-limit-seconds",
                defaultValue = "180",
                description = "The load phase fails past this (default ${DEFAULT-VALUE}).")
        int loadLimitSeconds;

        @Option(names = "--out", description = "Where the table, CSV and chart go (default bench/target/results).")
        Path out;

        @Option(
                names = "--server-jvm-option",
                description = "Extra JVM option for the gateways and the storage pods alike.")
        List<String> serverJvmOptions = new ArrayList<>();

        @Option(
                names = "--replicas",
                defaultValue = "1",
                description = "1: the embedded gateway against the cluster of"
                        + " --shards pods; 3 or 5: that cluster against one whose shards are each replicated on this many pods"
                        + " (a Raft group) (default ${DEFAULT-VALUE}).")
        int replicas;

        @Override
        public Integer call() throws Exception {
            if (concurrency < 2) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this),
                        "--concurrency must be at least 2: latency is measured with 1 in flight already");
            }
            if (seconds <= 0 || warmupSeconds < 0) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--seconds must be positive and --warmup-seconds not negative");
            }
            List<Workload> measured = new ArrayList<>();
            for (String name : operations) {
                try {
                    measured.add(Workload.operation(name));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
                }
            }
            if (measured.contains(Workload.BATCH_WRITE_ITEM) && records < Dataset.BATCH_WRITE_ITEMS) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this),
                        "BatchWriteItem writes " + Dataset.BATCH_WRITE_ITEMS
                                + " distinct records per request: --records must be at least that");
            }
            Repository repo = Repository.locate(Path.of(""));
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
            Path runDir = repo.benchTarget().resolve("runs").resolve(stamp + "-routing");
            Path outDir = out != null ? out : repo.benchTarget().resolve("results");
            // The YCSB record shape of `compare`, so that both commands' figures describe the same requests.
            BenchConfig config = new BenchConfig(
                    records,
                    10,
                    100,
                    100,
                    10,
                    concurrency,
                    millis(warmupSeconds),
                    millis(seconds),
                    20_000_000,
                    "uniform");
            if (replicas != 1 && replicas != 3 && replicas != 5) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--replicas must be 1, 3 or 5");
            }
            RoutingRunner runner = new RoutingRunner(
                    config, measured, rounds, Duration.ofSeconds(loadLimitSeconds), runDir, System.out);
            ClusterTarget cluster =
                    new ClusterTarget(repo.gatewayJar(), repo.storagePodJar(), shards, serverJvmOptions);
            RoutingComparison routing = replicas == 1
                    ? runner.run(new KubedynTarget(repo.gatewayJar(), serverJvmOptions), cluster)
                    : runner.run(
                            cluster,
                            new ClusterTarget(
                                    repo.gatewayJar(), repo.storagePodJar(), shards, replicas, serverJvmOptions));
            RoutingReport report = new RoutingReport(routing);
            report.write(outDir);
            System.out.println();
            System.out.println(report.markdown());
            System.out.println(
                    "written: " + outDir.resolve("routing.md") + ", routing.csv, routing.png; logs in " + runDir);
            return 0;
        }

        private static Duration millis(double seconds) {
            return Duration.ofMillis(Math.round(seconds * 1000));
        }
    }

    @Command(
            name = "split",
            mixinStandardHelpOptions = true,
            description = "Workload A before and during a shard split: one storage pod behind the cluster gateway hands"
                    + " the upper half of the hash space to a new pod while A runs; prints throughput and p99 during"
                    + " against before, errors (the client does not retry), and how fast the split moved the data.")
    static final class Split implements Callable<Integer> {
        @Option(
                names = "--records",
                defaultValue = "200000",
                description = "Records of the key-value table (default ${DEFAULT-VALUE}).")
        int records;

        @Option(
                names = "--field-count",
                defaultValue = "10",
                description = "Attributes per record besides the key (default ${DEFAULT-VALUE}).")
        int fieldCount;

        @Option(
                names = "--field-size",
                defaultValue = "100",
                description = "Characters per attribute (default ${DEFAULT-VALUE}).")
        int fieldSize;

        @Option(
                names = "--concurrency",
                defaultValue = "32",
                description = "Requests in flight (default ${DEFAULT-VALUE}).")
        int concurrency;

        @Option(
                names = "--warmup-seconds",
                defaultValue = "5",
                description = "Warm-up before the measurement (default ${DEFAULT-VALUE}).")
        int warmupSeconds;

        @Option(
                names = "--seconds",
                defaultValue = "20",
                description = "Measurement before the split (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(
                names = "--bytes-per-second",
                defaultValue = "0",
                description =
                        "The new pod's copy rate cap, as the chart's storage.splitBytesPerSecond; 0 for none (default ${DEFAULT-VALUE}).")
        long bytesPerSecond;

        @Option(
                names = "--load-limit-seconds",
                defaultValue = "1800",
                description = "The load phase fails past this (default ${DEFAULT-VALUE}).")
        int loadLimitSeconds;

        @Option(
                names = "--replicas",
                defaultValue = "1",
                description = "Pods per shard, each shard a Raft group above 1: the source and the new shard alike"
                        + " (1, 3 or 5; default ${DEFAULT-VALUE}).")
        int replicas;

        @Option(
                names = "--server-jvm-option",
                description = "Extra JVM option for the gateway and the storage pods alike.")
        List<String> serverJvmOptions = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (replicas != 1 && replicas != 3 && replicas != 5) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--replicas must be 1, 3 or 5");
            }
            if (records < 2 || seconds <= 0 || warmupSeconds < 0 || bytesPerSecond < 0) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this),
                        "--records must be at least 2, --seconds positive, the others not negative");
            }
            Repository repo = Repository.locate(Path.of(""));
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
            Path runDir = repo.benchTarget().resolve("runs").resolve(stamp + "-split");
            BenchConfig config = new BenchConfig(
                    records,
                    fieldCount,
                    fieldSize,
                    100,
                    10,
                    concurrency,
                    Duration.ofSeconds(warmupSeconds),
                    Duration.ofSeconds(seconds),
                    200_000_000,
                    "uniform");
            SplitRun.Result result = new SplitRun(
                            repo,
                            config,
                            serverJvmOptions,
                            bytesPerSecond,
                            replicas,
                            Duration.ofSeconds(loadLimitSeconds),
                            runDir,
                            System.out)
                    .run();
            System.out.println();
            System.out.println(MachineInfo.current().describe());
            System.out.print(result.markdown());
            System.out.println("logs in " + runDir);
            return result.before().failed() || result.during().failed() ? 1 : 0;
        }
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description =
                    "Create the tables, load them and run the workloads against a server that is already running.")
    static final class Run implements Callable<Integer> {
        @Mixin
        LoadOptions load = new LoadOptions();

        @Option(names = "--endpoint", required = true, description = "e.g. http://127.0.0.1:8000 (loopback only).")
        URI endpoint;

        @Option(names = "--no-verify", description = "Do not check answers (for a server that stores nothing).")
        boolean noVerify;

        @Override
        public Integer call() throws Exception {
            if (!"127.0.0.1".equals(endpoint.getHost()) && !"localhost".equals(endpoint.getHost())) {
                throw new CommandLine.ParameterException(new CommandLine(this), "load goes to loopback only");
            }
            BenchConfig config = load.config();
            Dataset dataset = new Dataset(config, 42);
            try (DynamoDbAsyncClient client = Clients.async(endpoint, config.concurrency())) {
                dataset.createTables(client, !noVerify);
                LoadGenerator generator = new LoadGenerator(client, dataset, !noVerify);
                List<LatencyReport> reports = new ArrayList<>();
                generator.warmUp(Workload.LOAD_WARMUP);
                reports.add(generator.load(Duration.ofSeconds(load.loadLimitSeconds)));
                System.out.println(reports.get(0).summary());
                for (Workload workload : load.workloadList()) {
                    LatencyReport report = generator.run(workload);
                    System.out.println(report.summary());
                    reports.add(report);
                }
                for (LatencyReport report : reports) {
                    if (report.failed()) {
                        System.err.println(report.workload() + " failed; the first error: " + report.firstError());
                        return 1;
                    }
                }
            }
            return 0;
        }
    }

    @Command(
            name = "hot-frames",
            mixinStandardHelpOptions = true,
            description = "Summarise flight recordings: hottest methods and code areas by CPU samples.")
    static final class Hot implements Callable<Integer> {
        @Parameters(arity = "1..*", description = "JFR files.")
        List<Path> recordings;

        @Option(names = "--top", defaultValue = "25")
        int top;

        @Override
        public Integer call() throws Exception {
            System.out.print(HotFrames.of(recordings).report(top));
            return 0;
        }
    }

    @Command(
            name = "micro",
            description = "The JMH microbenchmarks; arguments go to JMH (e.g. micro -f 1 -wi 2 -i 3 Store).")
    static final class Micro implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> jmhArgs = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            List<String> args = new ArrayList<>(jmhArgs);
            if (!args.contains("-foe")) {
                // A benchmark that throws must fail the command, not vanish from the table.
                args.addAll(0, List.of("-foe", "true"));
            }
            org.openjdk.jmh.Main.main(args.toArray(String[]::new));
            return 0;
        }
    }

    @Command(
            name = "write-groups",
            mixinStandardHelpOptions = true,
            description =
                    "How many writes share each WAL sync: N writer threads putting records into one partition store"
                            + " on disk, at each writer count in turn; prints writes/s, writes per sync and CPU per write.")
    static final class WriteGroupsCommand implements Callable<Integer> {
        @Option(
                names = "--writers",
                split = ",",
                defaultValue = "1,8,32,128",
                description = "Writer counts, each measured on a fresh store (default ${DEFAULT-VALUE}).")
        List<Integer> writers;

        @Option(
                names = "--seconds",
                defaultValue = "5",
                description = "Measurement per writer count (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(
                names = "--field-count",
                defaultValue = "10",
                description = "Attributes per record besides the key (default ${DEFAULT-VALUE}).")
        int fieldCount;

        @Option(
                names = "--field-size",
                defaultValue = "100",
                description = "Characters per attribute (default ${DEFAULT-VALUE}).")
        int fieldSize;

        @Option(names = "--dir", description = "Where the stores go (default: bench/target/write-groups).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            Path scratch = dir != null
                    ? dir
                    : Repository.locate(Path.of("")).benchTarget().resolve("write-groups");
            Files.createDirectories(scratch);
            new WriteGroupsRun(scratch, Duration.ofSeconds(seconds), fieldCount, fieldSize).run(writers, System.out);
            return 0;
        }
    }
}
