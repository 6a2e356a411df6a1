package io.kubedyn.operator;

import io.kubedyn.crd.ShardRange;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
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

  static String hex(BigInteger hash) {
    return "0x" + String.format("%016x", hash);
  }
}
