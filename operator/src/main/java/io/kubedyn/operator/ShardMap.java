package io.kubedyn.operator;

import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.Table;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Cuts the 64-bit partition-key hash space [0, 2^64) into contiguous ranges, one per shard, of
 * sizes differing by at most one hash. Bounds are inclusive and written as {@code 0x} plus 16
 * lowercase hex digits (see {@link ShardRange}).
 */
public final class ShardMap {

  private static final BigInteger HASH_SPACE = BigInteger.ONE.shiftLeft(64);

  private ShardMap() {}

  public static List<ShardRange> evenlySplit(int shards, IntFunction<String> serviceOfShard) {
    if (shards < 1) {
      throw new IllegalArgumentException("a table needs at least one shard, got " + shards);
    }
    List<ShardRange> ranges = new ArrayList<>(shards);
    BigInteger count = BigInteger.valueOf(shards);
    for (int shard = 0; shard < shards; shard++) {
      BigInteger first = HASH_SPACE.multiply(BigInteger.valueOf(shard)).divide(count);
      BigInteger next = HASH_SPACE.multiply(BigInteger.valueOf(shard + 1L)).divide(count);
      ranges.add(new ShardRange(shard, hex(first), hex(next.subtract(BigInteger.ONE)),
          serviceOfShard.apply(shard), ShardIdentity.GRPC_PORT));
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
    return entry.map(r -> r.getFirstHash() + "-" + r.getLastHash()).orElse("none");
  }

  static String hex(BigInteger hash) {
    return "0x" + String.format("%016x", hash);
  }
}
