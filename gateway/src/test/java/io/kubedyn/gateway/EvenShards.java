package io.kubedyn.gateway;

import io.kubedyn.core.HashRange;
import io.kubedyn.core.PrimaryKey;

/** Which of N storage pods owning equal hash ranges (as {@code i/N}) holds a string partition key. */
final class EvenShards {
    private EvenShards() {}

    static int shardOf(String id, int shards) {
        long hash =
                PrimaryKey.of(new io.kubedyn.core.AttributeValue.S(id), null).hash();
        for (int i = 0; i < shards; i++) {
            if (HashRange.segment(i, shards).contains(hash)) {
                return i;
            }
        }
        throw new IllegalStateException("the segments cover the hash space");
    }
}
