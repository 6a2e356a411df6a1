package io.kubedyn.gateway;

import io.kubedyn.core.HashRange;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.storage.ChangePage;
import io.kubedyn.storage.StreamEpoch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One shard of a table's stream: a stretch of one storage shard's change log, the records after
 * {@code after} through {@code through}. A storage shard's log is one stream shard until the
 * shard hands part of its range to a new one (a split): the stretch so far closes, the parent of
 * a new stretch for the ranges kept and of the new shard's log, as DynamoDB closes a partition's
 * stream shard when the partition splits and opens one for each half.
 *
 * @param id DynamoDB-shaped ({@code shardId-<20 digits>-<8 hex>}): the first hash of its ranges,
 *     and a digest of the table's id and its ranges; ranges are never owned twice, so it is unique
 * @param address the storage shard whose log holds it
 * @param ranges the hash ranges its records are of
 * @param after the sequence number its records come after (0: from the log's start)
 * @param through its last sequence number; {@link Long#MAX_VALUE} while it is open
 * @param parentId the shard it split from, or null
 */
record StreamShard(String id, String address, List<HashRange> ranges, long after, long through, String parentId) {
    static final long OPEN = Long.MAX_VALUE;

    StreamShard {
        ranges = List.copyOf(ranges);
    }

    boolean closed() {
        return through != OPEN;
    }

    StreamShard withParent(String parent) {
        return new StreamShard(id, address, ranges, after, through, parent);
    }

    /**
     * The stream shards of the storage shard at {@code address}, oldest first, from what its log
     * says ({@code page}); {@code mapRange} stands for the ranges it owns when it does not say
     * (a store in this process owns the whole table).
     */
    static List<StreamShard> of(TableDefinition table, String address, HashRange mapRange, ChangePage page) {
        List<HashRange> open = page.owned().isEmpty() ? List.of(mapRange) : page.owned();
        List<StreamEpoch> closed = new ArrayList<>(page.closedEpochs());
        if (!closed.isEmpty() && closed.get(closed.size() - 1).ranges().equals(open)) {
            // Closed by a seal that did not take (the store stopped before giving the range up):
            // the stretch goes on, and a seal made again closes it later.
            closed.remove(closed.size() - 1);
        }
        List<StreamShard> shards = new ArrayList<>();
        long after = 0;
        for (StreamEpoch epoch : closed) {
            shards.add(
                    new StreamShard(id(table, epoch.ranges()), address, epoch.ranges(), after, epoch.through(), null));
            after = epoch.through();
        }
        shards.add(new StreamShard(id(table, open), address, open, after, OPEN, null));
        return shards;
    }

    /**
     * Every stream shard of the table, parents before children (by first hash, then age), each
     * with its parent: the smallest closed shard whose ranges hold its own.
     */
    static List<StreamShard> lineage(List<StreamShard> shards) {
        List<StreamShard> out = new ArrayList<>();
        for (StreamShard shard : shards) {
            StreamShard parent = null;
            for (StreamShard candidate : shards) {
                if (candidate.closed()
                        && candidate != shard
                        && !candidate.ranges.equals(shard.ranges)
                        && holds(candidate.ranges, shard.ranges)
                        && (parent == null || Long.compareUnsigned(size(candidate.ranges), size(parent.ranges)) < 0)) {
                    parent = candidate;
                }
            }
            out.add(shard.withParent(parent == null ? null : parent.id));
        }
        out.sort(Comparator.<StreamShard, Long>comparing(
                        s -> s.ranges.isEmpty() ? 0 : s.ranges.get(0).first(), Long::compareUnsigned)
                .thenComparingLong(StreamShard::after));
        return out;
    }

    static String id(TableDefinition table, List<HashRange> ranges) {
        long first = ranges.isEmpty() ? 0 : ranges.get(0).first();
        String digits = Long.toUnsignedString(first);
        int digest = (table.tableId() + "/" + ranges).hashCode();
        return "shardId-" + "0".repeat(20 - digits.length()) + digits + "-" + String.format("%08x", digest);
    }

    private static boolean holds(List<HashRange> outer, List<HashRange> inner) {
        for (HashRange range : inner) {
            if (outer.stream().noneMatch(o -> o.contains(range.first()) && o.contains(range.last()))) {
                return false;
            }
        }
        return !inner.isEmpty();
    }

    /** The hashes in {@code ranges}, less one (unsigned; disjoint ranges never pass 2^64). */
    private static long size(List<HashRange> ranges) {
        long size = 0;
        for (HashRange range : ranges) {
            size += range.span();
        }
        return size;
    }
}
