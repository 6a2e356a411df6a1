package io.kubedyn.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Which shard owns which part of a table's partition-hash space: contiguous ranges in hash
 * order that together cover [0, 2^64) exactly once. The gateway routes every key by it.
 */
public record ShardMap(List<Shard> shards) {

    /**
     * One shard: the hash range it owns and where it is reached: {@code host:port}, or for a
     * replicated shard its replicas' {@code host:port} joined by {@code |} ({@link #replicaAddress}).
     */
    public record Shard(HashRange range, String address) {}

    /** Between the replicas of a replicated shard's address. */
    public static final char REPLICA_SEPARATOR = '|';

    /** The address of a shard reached at {@code replicas} (one: just its address). */
    public static String replicaAddress(List<String> replicas) {
        return String.join(String.valueOf(REPLICA_SEPARATOR), replicas);
    }

    /** The replicas' addresses of a shard's address (one, for an unreplicated shard). */
    public static List<String> replicas(String address) {
        List<String> replicas = new ArrayList<>();
        for (String replica : address.split("\\" + REPLICA_SEPARATOR)) {
            if (!replica.isBlank()) {
                replicas.add(replica.trim());
            }
        }
        return replicas;
    }

    public ShardMap {
        shards = List.copyOf(shards);
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("a shard map needs at least one shard");
        }
        long expectedFirst = 0;
        for (int i = 0; i < shards.size(); i++) {
            HashRange range = shards.get(i).range();
            if (range.first() != expectedFirst) {
                throw new IllegalArgumentException("shard ranges must be contiguous from 0: shard " + i + " starts at "
                        + Long.toUnsignedString(range.first()));
            }
            boolean lastShard = i == shards.size() - 1;
            if (lastShard != (range.last() == -1L)) {
                throw new IllegalArgumentException("only the last shard's range ends at 2^64 - 1");
            }
            expectedFirst = range.last() + 1;
        }
    }

    /** N addresses, in hash-range order, owning N equal contiguous ranges ({@link HashRange#segment}). */
    public static ShardMap equalRanges(List<String> addresses) {
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            shards.add(new Shard(HashRange.segment(i, addresses.size()), addresses.get(i)));
        }
        return new ShardMap(shards);
    }

    /** The shard that owns {@code hash}. */
    public Shard shardFor(long hash) {
        int lo = 0;
        int hi = shards.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(hash, shards.get(mid).range().last()) <= 0) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return shards.get(lo);
    }

    /**
     * The shards that own some of {@code range}, in hash order, each with its range narrowed to
     * the part of {@code range} it owns.
     */
    public List<Shard> shardsFor(HashRange range) {
        List<Shard> out = new ArrayList<>();
        for (Shard shard : shards) {
            HashRange r = shard.range();
            if (Long.compareUnsigned(r.last(), range.first()) < 0
                    || Long.compareUnsigned(r.first(), range.last()) > 0) {
                continue;
            }
            long first = Long.compareUnsigned(r.first(), range.first()) >= 0 ? r.first() : range.first();
            long last = Long.compareUnsigned(r.last(), range.last()) <= 0 ? r.last() : range.last();
            out.add(new Shard(new HashRange(first, last), shard.address()));
        }
        return out;
    }

    /**
     * A map written as {@link #toString} writes it: comma-separated {@code first-last=address}
     * entries ({@link HashRange#parse} bounds), in any order.
     */
    public static ShardMap parse(String text) {
        List<Shard> shards = new ArrayList<>();
        for (String entry : text.trim().split(",")) {
            int equals = entry.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("shard map entry " + entry.trim() + ": expected first-last=address");
            }
            shards.add(new Shard(
                    HashRange.parse(entry.substring(0, equals)),
                    entry.substring(equals + 1).trim()));
        }
        shards.sort((a, b) -> Long.compareUnsigned(a.range().first(), b.range().first()));
        return new ShardMap(shards);
    }

    /** The map as {@link #parse} reads it. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Shard shard : shards) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(shard.range()).append('=').append(shard.address());
        }
        return out.toString();
    }

    /** The distinct addresses, in hash order. */
    public List<String> addresses() {
        return shards.stream().map(Shard::address).distinct().toList();
    }
}
