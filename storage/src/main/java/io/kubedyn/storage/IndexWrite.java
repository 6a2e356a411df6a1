package io.kubedyn.storage;

/**
 * One change to a global secondary index's entries, as a base shard's change log feeds it to the
 * store owning the entry's hash: put {@code value} (the projected item, ItemCodec bytes) at
 * {@code entryKey}, or delete the entry when {@code value} is null. Applying one twice is the
 * same as applying it once, so a feed cut short by a crash simply resumes from its checkpoint.
 */
public record IndexWrite(String index, byte[] entryKey, byte[] value) {

    /** The partition hash of the entry's index key: the first 8 bytes of its storage key. */
    public long hash() {
        long hash = 0;
        for (int i = 0; i < 8; i++) {
            hash = (hash << 8) | (entryKey[i] & 0xFF);
        }
        return hash;
    }
}
