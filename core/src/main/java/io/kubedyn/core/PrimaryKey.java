package io.kubedyn.core;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A validated primary key and its storage key:
 * {@code hash(pk) (8 bytes, big-endian) | encode(pk) | encode(sk)}.
 */
public final class PrimaryKey {
    private final AttributeValue partitionKey;
    private final AttributeValue sortKey;
    private final byte[] storageKey;
    private final int partitionPrefixLength;

    private PrimaryKey(
            AttributeValue partitionKey, AttributeValue sortKey, byte[] storageKey, int partitionPrefixLength) {
        this.partitionKey = partitionKey;
        this.sortKey = sortKey;
        this.storageKey = storageKey;
        this.partitionPrefixLength = partitionPrefixLength;
    }

    public static PrimaryKey of(AttributeValue partitionKey, AttributeValue sortKeyOrNull) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        byte[] pk = KeyEncoding.encode(partitionKey);
        long hash = PartitionHash.of(pk);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (hash >>> shift));
        }
        out.writeBytes(pk);
        int prefixLength = out.size();
        if (sortKeyOrNull != null) {
            KeyEncoding.encode(sortKeyOrNull, out);
        }
        return new PrimaryKey(partitionKey, sortKeyOrNull, out.toByteArray(), prefixLength);
    }

    /** The storage-key prefix shared by every item of this key's partition. */
    public static byte[] partitionPrefix(AttributeValue partitionKey) {
        return PrimaryKey.of(partitionKey, null).storageKey();
    }

    public AttributeValue partitionKey() {
        return partitionKey;
    }

    /** The sort key value, or null for a table without one. */
    public AttributeValue sortKey() {
        return sortKey;
    }

    public byte[] storageKey() {
        return storageKey.clone();
    }

    public byte[] partitionPrefix() {
        return Arrays.copyOf(storageKey, partitionPrefixLength);
    }

    public long hash() {
        long hash = 0;
        for (int i = 0; i < 8; i++) {
            hash = (hash << 8) | (storageKey[i] & 0xFF);
        }
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrimaryKey other && Arrays.equals(storageKey, other.storageKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(storageKey);
    }
}
