package io.kubedyn.operator;

import io.kubedyn.core.HashRange;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Which shard owns which range of the 64-bit partition-key hash space: the entries the operator
 * publishes as {@code status.shardMap} and hands each shard's pods as their owned ranges. (Not
 * core's {@code ShardMap}, which is the gateway's routing table from ranges to addresses.) The
 * first assignment cuts the space into contiguous ranges of sizes differing by at most one hash,
 * exactly as a Scan's segments are cut ({@link HashRange#segment}); bounds are inclusive and
 * written as {@link HashRange#formatBound} writes them.
 */
public final class ShardAssignment {

  private ShardAssignment() {}

  public static List<ShardRange> evenlySplit(int shards, IntFunction<String> serviceOfShard) {
    if (shards < 1) {
      throw new IllegalArgumentException("a table needs at least one shard, got " + shards);
    }
    List<ShardRange> ranges = new ArrayList<>(shards);
    for (int shard = 0; shard < shards; shard++) {
      HashRange range = HashRange.segment(shard, shards);
      ranges.add(new ShardRange(shard, HashRange.formatBound(range.first()),
          HashRange.formatBound(range.last()), serviceOfShard.apply(shard),
          ShardIdentity.GRPC_PORT));
    }
    return ranges;
  }

  /**
   * The shard map a Table routes by: the one published in its status once there is one (it is
   * kept as written, since a key's shard is where its data is), else the even split of
   * {@code spec.shards} that the operator is about to publish.
   */
  public static List<ShardRange> inEffect(Table table, IntFunction<String> serviceOfShard) {
    List<ShardRange> published = table.getStatus() == null ? null
        : table.getStatus().getShardMap();
    return published == null || published.isEmpty()
        ? evenlySplit(table.getSpec().getShards(), serviceOfShard)
        : published;
  }

  /**
   * What a shard's storage pods own, in the form of their {@code kubedyn.storage.owned-ranges}
   * setting: its shard-map entry's inclusive bounds ({@code 0x...-0x...}), or {@code none} for
   * a shard provisioned beyond the published map, which owns no hash yet.
   */
  public static String ownedRanges(Table table, int shard) {
    Optional<ShardRange> entry = inEffect(table, s -> "").stream()
        .filter(r -> r.getShard() != null && r.getShard() == shard)
        .findFirst();
    return entry.map(ShardAssignment::rangeOf).map(HashRange::toString).orElse("none");
  }

  /** The hash range of a shard-map entry, its bounds parsed as every bound is. */
  public static HashRange rangeOf(ShardRange entry) {
    return new HashRange(HashRange.parseBound(entry.getFirstHash()),
        HashRange.parseBound(entry.getLastHash()));
  }
}
