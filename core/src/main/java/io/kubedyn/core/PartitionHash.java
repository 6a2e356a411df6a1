package io.kubedyn.core;

import org.apache.commons.codec.digest.MurmurHash3;

/**
 * The 64-bit partition hash: the first half of MurmurHash3 x64 128 (seed 0) of the encoded
 * partition-key value. Part of the on-disk format and of routing: never change it silently.
 */
public final class PartitionHash {
    private PartitionHash() {}

    public static long of(byte[] encodedPartitionKey) {
        return MurmurHash3.hash128x64(encodedPartitionKey, 0, encodedPartitionKey.length, 0)[0];
    }
}
