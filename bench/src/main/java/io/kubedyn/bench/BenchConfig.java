package io.kubedyn.bench;

import java.time.Duration;

/**
 * What every target is loaded with and measured by, so that all figures of one comparison come
 * from the same records and the same requests.
 *
 * @param records           records in each of the two tables
 * @param fieldCount        attributes besides the key (YCSB: 10)
 * @param fieldSize         characters per attribute (YCSB: 100)
 * @param itemsPerPartition items per partition of the range table (workload E)
 * @param maxQueryLimit     a Query asks for 1..maxQueryLimit items
 * @param concurrency       requests in flight at once
 * @param warmup            run before each measurement, not recorded
 * @param duration          each measurement
 * @param maxOperations     a bound on any one run's request count, whatever its duration
 * @param distribution      how requests pick records and partitions: uniform or zipfian
 */
public record BenchConfig(
        int records,
        int fieldCount,
        int fieldSize,
        int itemsPerPartition,
        int maxQueryLimit,
        int concurrency,
        Duration warmup,
        Duration duration,
        long maxOperations,
        String distribution) {
    public BenchConfig {
        if (records < 1
                || fieldCount < 0
                || fieldSize < 1
                || itemsPerPartition < 1
                || maxQueryLimit < 1
                || concurrency < 1
                || maxOperations < 1) {
            throw new IllegalArgumentException("every count must be positive: " + this);
        }
        if (duration.isNegative() || duration.isZero() || warmup.isNegative()) {
            throw new IllegalArgumentException("duration must be positive and warm-up not negative");
        }
        KeyChooser.of(distribution, 1, 0); // refuses an unknown name here rather than mid-run
    }

    public int partitions() {
        return (records + itemsPerPartition - 1) / itemsPerPartition;
    }
}
