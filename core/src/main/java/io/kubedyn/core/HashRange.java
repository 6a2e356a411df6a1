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
        long last = SPACE.multiply(BigInteger.valueOf(segment + 1L))
                .divide(n)
                .subtract(BigInteger.ONE)
                .longValue();
        return new HashRange(first, last);
    }

    /**
     * A range written as {@code first-last}, each bound an unsigned 64-bit hexadecimal number
     * ({@link #parseBound}): the form of a shard-map entry and of a storage pod's owned range.
     */
    public static HashRange parse(String text) {
        String[] bounds = text.trim().split("-");
        if (bounds.length != 2) {
            throw new IllegalArgumentException("hash range " + text.trim() + ": expected first-last in hex");
        }
        return new HashRange(parseBound(bounds[0]), parseBound(bounds[1]));
    }

    /**
     * One bound: an unsigned 64-bit hexadecimal number of 1 to 16 digits, with or without
     * {@code 0x}. The one parser of hash bounds, for shard maps, owned ranges and settings alike.
     */
    public static long parseBound(String text) {
        String digits = text == null ? "" : text.trim();
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            digits = digits.substring(2);
        }
        if (!digits.matches("[0-9a-fA-F]{1,16}")) {
            throw new IllegalArgumentException(text + " is not an unsigned 64-bit hexadecimal number");
        }
        return Long.parseUnsignedLong(digits, 16);
    }

    /** A bound as shard maps publish it: {@code 0x} and 16 lowercase hexadecimal digits. */
    public static String formatBound(long bound) {
        return String.format("0x%016x", bound);
    }

    /** {@code 0x...-0x...}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        return formatBound(first) + "-" + formatBound(last);
    }

    /** One less than the number of hashes it holds (unsigned): 2^64 - 1 for the whole space. */
    public long span() {
        return last - first;
    }

    public boolean contains(long hash) {
        return Long.compareUnsigned(hash, first) >= 0 && Long.compareUnsigned(hash, last) <= 0;
    }
}
