package io.kubedyn.bench.micro;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.PrimaryKey;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The storage key of every item request: {@code hash(pk) | enc(pk) | enc(sk)}, for the
 * benchmark's two key shapes (a string hash key; a string hash key with a number sort key).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KeyEncodingBenchmark {
    private final AttributeValue hashKey = new AttributeValue.S("user0000012345");
    private final AttributeValue partition = new AttributeValue.S("part00000123");
    private final AttributeValue sortKey = AttributeValue.N.of("42");

    @Benchmark
    public PrimaryKey hashKeyOnly() {
        return PrimaryKey.of(hashKey, null);
    }

    @Benchmark
    public PrimaryKey hashAndNumberSortKey() {
        return PrimaryKey.of(partition, sortKey);
    }
}
