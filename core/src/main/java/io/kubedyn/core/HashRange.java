package io.kubedyn.core;

import java.math.BigInteger;

/**
 * A contiguous range of the 64-bit partition-hash space, bounds inclusive and compared as
 * unsigned numbers, so [0, 2^64 - 1] is expressible.
 */
public record HashRange(long first, long last) {
    private static final BigInteger SPACE = BigInteger.ONE.shiftLeft(64);

    public HashRange {
        if (Long.compareUnsigned(first, last) > 0) {
            throw new IllegalArgumentException("empty hash range");
        }
    }

    public static HashRange all() {
        return new HashRange(0L, -1L);
    }

    /** Scan segment {@code segment} of {@code totalSegments}: the hash space cut into equal parts. */
    public static HashRange segment(int segment, int totalSegments) {
        BigInteger n = BigInteger.valueOf(totalSegments);
        long first = SPACE.multiply(BigInteger.valueOf(segment)).divide(n).longValue();
        long last = SPACE.multiply(BigInteger.valueOf(segment + 1L)).divide(n).subtract(BigInteger.ONE).longValue();
        return new HashRange(first, last);
    }

    public boolean contains(long hash) {
        return Long.compareUnsigned(hash, first) >= 0 && Long.compareUnsigned(hash, last) <= 0;
    }
}
