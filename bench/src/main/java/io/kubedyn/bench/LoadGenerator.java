package io.kubedyn.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Drives one target with the async client. Closed loop ({@link #run}, {@link #load}): a fixed
 * number of lanes, each sending its next request when the last one is answered, which finds the
 * saturation throughput at that concurrency. Open loop ({@link #runAtRate}): requests are due on
 * a fixed schedule and each one's latency counts from when it was due, so a server that stalls is
 * charged for the requests it held back (no coordinated omission).
 *
 * <p>Every run is bounded in time and in request count, and any error fails it.
 */
public final class LoadGenerator {
    /** A run that has not drained this long after its end is stuck, and fails. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

    private final DynamoDbAsyncClient client;
    private final Dataset dataset;
    private final boolean verify;

    /** {@code verify}: check every answer against the loaded data (off for a target that stores nothing). */
    public LoadGenerator(DynamoDbAsyncClient client, Dataset dataset, boolean verify) {
        this.client = client;
        this.dataset = dataset;
        this.verify = verify;
    }

    /** Writes every record of both tables once, within {@code limit}. */
    public LatencyReport load(Duration limit) throws InterruptedException {
        return load(limit, dataset.loadOperations());
    }

    /** Writes the first {@code total} load-phase records once ({@link Dataset#insert}), within {@code limit}. */
    public LatencyReport load(Duration limit, long total) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        LatencyReport report = closedLoop(Workload.LOAD, dataset.config().concurrency(), limit, total, ignored -> {
                    long index = next.getAndIncrement();
                    return index < total ? dataset.insert(client, index) : null;
                })
                .report();
        if (report.operations() < total) {
            throw new WorkloadFailedException("load phase wrote " + report.operations() + " of " + total
                    + " records within " + limit.toSeconds() + " s");
        }
        return report;
    }

    /** Warms up, then measures the workload at the configured concurrency. */
    public LatencyReport run(Workload workload) throws InterruptedException {
        warmUp(workload);
        return measure(workload);
    }

    /** Runs the workload for the configured warm-up time; its figures are dropped unless it fails. */
    public void warmUp(Workload workload) throws InterruptedException {
        BenchConfig config = dataset.config();
        if (!config.warmup().isZero()) {
            LatencyReport warmup = closedLoop(
                            workload.name() + " warm-up",
                            config.concurrency(),
                            config.warmup(),
                            config.maxOperations(),
                            ignored -> next(workload))
                    .report();
            if (warmup.failed()) {
                throw new WorkloadFailedException(
                        warmup.workload() + ": " + warmup.errors() + " errors, the first: " + warmup.firstError());
            }
        }
    }

    /** Measures the workload at the configured concurrency for the configured duration. */
    public LatencyReport measure(Workload workload) throws InterruptedException {
        BenchConfig config = dataset.config();
        return closedLoop(
                        workload.name(),
                        config.concurrency(),
                        config.duration(),
                        config.maxOperations(),
                        ignored -> next(workload))
                .report();
    }

    /**
     * Measures the workload with {@code concurrency} requests in flight for the configured
     * duration, and adds the latencies of its answered requests to {@code totals} as well: the
     * figures of several short rounds, interleaved with another target's, are read from one
     * histogram rather than averaged from each round's percentiles.
     */
    public LatencyReport measure(Workload workload, int concurrency, Histogram totals) throws InterruptedException {
        BenchConfig config = dataset.config();
        Run run = closedLoop(
                workload.name(), concurrency, config.duration(), config.maxOperations(), ignored -> next(workload));
        totals.add(run.latencies);
        return run.report();
    }

    /**
     * Measures the workload at the configured concurrency for {@code duration}, adding the
     * latencies of its answered requests to {@code totals}: one of several windows read together.
     */
    public LatencyReport measure(Workload workload, Duration duration, Histogram totals) throws InterruptedException {
        BenchConfig config = dataset.config();
        Run run = closedLoop(
                workload.name(), config.concurrency(), duration, config.maxOperations(), ignored -> next(workload));
        totals.add(run.latencies);
        return run.report();
    }

    private CompletableFuture<Boolean> next(Workload workload) {
        return dataset.send(client, workload.pick(ThreadLocalRandom.current().nextDouble()), verify);
    }

    private Run closedLoop(
            String name,
            int lanes,
            Duration duration,
            long maxOperations,
            LongFunction<CompletableFuture<Boolean>> nextRequest)
            throws InterruptedException {
        Run run = new Run(name);
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        AtomicLong admitted = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(lanes);
        for (int i = 0; i < lanes; i++) {
            new Lane(run, deadline, maxOperations, admitted, finished, nextRequest).next();
        }
        if (!finished.await(duration.plus(DRAIN_LIMIT).toNanos(), TimeUnit.NANOSECONDS)) {
            throw new WorkloadFailedException(
                    name + ": requests still unanswered " + DRAIN_LIMIT.toSeconds() + " s after the end of the run");
        }
        run.ended(Duration.ofNanos(System.nanoTime() - start));
        return run;
    }

    /** One request in flight at a time, the next sent from the completion of the last. */
    private final class Lane {
        private final Run run;
        private final long deadline;
        private final long maxOperations;
        private final AtomicLong admitted;
        private final CountDownLatch finished;
        private final LongFunction<CompletableFuture<Boolean>> nextRequest;

        Lane(
                Run run,
                long deadline,
                long maxOperations,
                AtomicLong admitted,
                CountDownLatch finished,
                LongFunction<CompletableFuture<Boolean>> nextRequest) {
            this.run = run;
            this.deadline = deadline;
            this.maxOperations = maxOperations;
            this.admitted = admitted;
            this.finished = finished;
            this.nextRequest = nextRequest;
        }

        /**
         * Sends requests until the run ends. A request already answered when sent (an immediate
         * failure) is handled in this loop rather than by recursion, so the stack stays flat.
         */
        void next() {
            while (true) {
                CompletableFuture<Boolean> request = null;
                long sent = System.nanoTime();
                if (sent < deadline && admitted.incrementAndGet() <= maxOperations) {
                    try {
                        request = nextRequest.apply(sent);
                    } catch (RuntimeException e) {
                        request = CompletableFuture.failedFuture(e);
                    }
                }
                if (request == null) {
                    finished.countDown();
                    return;
                }
                if (!request.isDone()) {
                    request.whenComplete((ok, error) -> {
                        run.record(sent, ok, error);
                        next();
                    });
                    return;
                }
                // An answer that failed at once: getNow would throw it here, ending the lane.
                boolean failed = request.isCompletedExceptionally();
                run.record(sent, failed ? null : request.getNow(false), failed ? failure(request) : null);
            }
        }
    }

    private static Throwable failure(CompletableFuture<?> request) {
        try {
            request.join();
            return null;
        } catch (RuntimeException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }

    /**
     * Sends the workload at {@code ratePerSecond} for {@code duration}, with at most the configured
     * concurrency in flight; a request that waits for a free slot is charged for the wait.
     */
    public LatencyReport runAtRate(Workload workload, double ratePerSecond, Duration duration)
            throws InterruptedException {
        BenchConfig config = dataset.config();
        Run run = new Run(pacedName(workload, ratePerSecond), ratePerSecond);
        Semaphore slots = new Semaphore(config.concurrency());
        double interval = 1e9 / ratePerSecond;
        long start = System.nanoTime();
        long count = Math.min(config.maxOperations(), (long) (duration.toNanos() / interval));
        for (long i = 0; i < count; i++) {
            long due = start + (long) (i * interval);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            if (!slots.tryAcquire(DRAIN_LIMIT.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new WorkloadFailedException(
                        run.name + ": no request answered for " + DRAIN_LIMIT.toSeconds() + " s");
            }
            CompletableFuture<Boolean> request;
            try {
                request = next(workload);
            } catch (RuntimeException e) {
                request = CompletableFuture.failedFuture(e);
            }
            request.whenComplete((ok, error) -> {
                run.record(due, ok, error);
                slots.release();
            });
        }
        if (!slots.tryAcquire(config.concurrency(), DRAIN_LIMIT.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new WorkloadFailedException(run.name + ": requests still unanswered " + DRAIN_LIMIT.toSeconds()
                    + " s after the end of the run");
        }
        run.ended(Duration.ofNanos(System.nanoTime() - start));
        return run.report();
    }

    /** How a paced run is named in tables: the workload and its rate, e.g. {@code A@1500/s}. */
    public static String pacedName(Workload workload, double ratePerSecond) {
        return workload.name() + "@" + Math.round(ratePerSecond) + "/s";
    }

    /** The figures of one run, written by the client's completion threads. */
    private static final class Run {
        private final String name;
        private final double offeredRate;
        private final Histogram latencies = new ConcurrentHistogram(3);
        private final AtomicLong errors = new AtomicLong();
        private final AtomicReference<String> firstError = new AtomicReference<>();
        private Duration elapsed = Duration.ZERO;

        Run(String name) {
            this(name, 0);
        }

        Run(String name, double offeredRate) {
            this.name = name;
            this.offeredRate = offeredRate;
        }

        void record(long startNanos, Boolean ok, Throwable error) {
            long elapsed = System.nanoTime() - startNanos;
            if (error != null) {
                errors.incrementAndGet();
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                firstError.compareAndSet(null, cause.toString());
            } else if (!Boolean.TRUE.equals(ok)) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, "an answer did not match the loaded data");
            } else {
                latencies.recordValue(Math.max(elapsed, 0));
            }
        }

        /** Called once every request of the run is answered. */
        void ended(Duration elapsed) {
            this.elapsed = elapsed;
        }

        LatencyReport report() {
            return LatencyReport.of(name, latencies.copy(), errors.get(), elapsed, firstError.get(), offeredRate);
        }
    }
}
