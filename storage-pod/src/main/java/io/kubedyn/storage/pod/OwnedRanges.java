package io.kubedyn.storage.pod;

import io.kubedyn.core.HashRange;
import java.util.ArrayList;
import java.util.List;

/**
 * The partition-hash ranges a storage pod serves. A request for a key or a range outside them
 * comes from a gateway with a stale or wrong shard map, and is refused rather than answered
 * from a store that does not hold that data.
 *
 * <p>Written as {@code all}, as {@code none} (a shard provisioned but not yet given a range),
 * as {@code i/n} (the i-th of n equal contiguous ranges, counted from 0: the share a gateway
 * gives the i-th of n shard addresses), or as comma-separated {@code first-last} pairs of
 * unsigned 64-bit hexadecimal numbers, bounds inclusive, each with or without a {@code 0x}
 * prefix ({@code 0x0000000000000000-0x5555555555555554}: the bounds of a {@code Table}'s
 * {@code status.shardMap} entry, which is what the operator passes to each shard's pods).
 */
public record OwnedRanges(List<HashRange> ranges) {
    public OwnedRanges {
        ranges = List.copyOf(ranges);
    }

    public static OwnedRanges parse(String text) {
        String spec = text.trim();
        if (spec.equals("all")) {
            return new OwnedRanges(List.of(HashRange.all()));
        }
        if (spec.equals("none")) {
            return new OwnedRanges(List.of());
        }
        if (spec.matches("\\d+/\\d+")) {
            int slash = spec.indexOf('/');
            int index = Integer.parseInt(spec.substring(0, slash));
            int count = Integer.parseInt(spec.substring(slash + 1));
            if (count < 1 || index >= count) {
                throw new IllegalArgumentException("owned ranges " + spec + ": expected i/n with 0 <= i < n");
            }
            return new OwnedRanges(List.of(HashRange.segment(index, count)));
        }
        List<HashRange> ranges = new ArrayList<>();
        for (String part : spec.split(",")) {
            try {
                ranges.add(HashRange.parse(part));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("owned ranges " + spec + ": " + e.getMessage(), e);
            }
        }
        return new OwnedRanges(ranges);
    }

    public boolean containsHash(long hash) {
        return ranges.stream().anyMatch(r -> r.contains(hash));
    }

    /** Whether the whole of {@code range} lies in one owned range. */
    public boolean covers(HashRange range) {
        return ranges.stream().anyMatch(r -> r.contains(range.first()) && r.contains(range.last()));
    }

    /** Whether any owned range shares a hash with {@code range}. */
    public boolean intersects(HashRange range) {
        return ranges.stream()
                .anyMatch(r -> Long.compareUnsigned(r.first(), range.last()) <= 0
                        && Long.compareUnsigned(range.first(), r.last()) <= 0);
    }

    /** These ranges without {@code range}, which must lie in one of them (what a hand-off gives away). */
    public OwnedRanges without(HashRange range) {
        if (!covers(range)) {
            throw new IllegalArgumentException("hash range " + range + " is not owned here (" + this + ")");
        }
        List<HashRange> left = new ArrayList<>();
        for (HashRange r : ranges) {
            if (!(r.contains(range.first()) && r.contains(range.last()))) {
                left.add(r);
                continue;
            }
            if (Long.compareUnsigned(r.first(), range.first()) < 0) {
                left.add(new HashRange(r.first(), range.first() - 1));
            }
            if (Long.compareUnsigned(range.last(), r.last()) < 0) {
                left.add(new HashRange(range.last() + 1, r.last()));
            }
        }
        return new OwnedRanges(left);
    }

    /** These ranges and {@code range}, which must share no hash with them (what a hand-off receives). */
    public OwnedRanges with(HashRange range) {
        if (intersects(range)) {
            throw new IllegalArgumentException("hash range " + range + " overlaps what is owned here (" + this + ")");
        }
        List<HashRange> all = new ArrayList<>(ranges);
        all.add(range);
        all.sort((a, b) -> Long.compareUnsigned(a.first(), b.first()));
        return new OwnedRanges(all);
    }

    @Override
    public String toString() {
        if (ranges.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (HashRange r : ranges) {
            parts.add(r.toString());
        }
        return String.join(",", parts);
    }
}
