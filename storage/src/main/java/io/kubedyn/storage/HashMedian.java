package io.kubedyn.storage;

import io.kubedyn.core.HashRange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongUnaryOperator;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Where a hash range splits in two halves of its items' bytes, the way DynamoDB splits a
 * partition at its median key rather than in the middle. Exactly ({@link #of}): one pass over the
 * items in key (hence hash) order, keeping the running total at the end of each partition hash (every other one
 * dropped, and later ones taken half as often, whenever they pass a few thousand), then the
 * sample nearest half the total. A partition
 * hash's items stay on one side, so a range whose items share one hash has no median.
 */
final class HashMedian {
    /** Samples kept at most; past this every other one is dropped and they are taken half as often. */
    private static final int MAX_SAMPLES = 4096;

    private HashMedian() {}

    /** A hash's items end at a running total of {@code bytes} (its own included). */
    private record Sample(long hash, long bytes) {}

    /**
     * The hash after which {@code range}'s items are split in half by bytes (keys and values):
     * the range's lower part ends there and is never empty, nor is the upper. Empty when the
     * range holds items of fewer than two hashes.
     *
     * @param items an iterator over the table's items family (keys start with the 8-byte hash)
     */
    static OptionalLong of(RocksIterator items, HashRange range) throws RocksDBException {
        KeyRange keys = KeyRange.ofHashRange(range);
        long every = 1;
        List<Sample> samples = new ArrayList<>();
        long total = 0;
        long next = every;
        long current = 0;
        boolean any = false;
        for (items.seek(keys.start()); items.isValid() && keys.contains(items.key()); items.next()) {
            byte[] key = items.key();
            long hash = ByteBuffer.wrap(key, 0, Long.BYTES).getLong();
            if (any && hash != current && total >= next) {
                samples.add(new Sample(current, total));
                next = total + every;
                if (samples.size() > MAX_SAMPLES) {
                    List<Sample> thinned = new ArrayList<>(samples.size() / 2 + 1);
                    for (int i = 1; i < samples.size(); i += 2) {
                        thinned.add(samples.get(i));
                    }
                    samples = thinned;
                    every *= 2;
                }
            }
            current = hash;
            any = true;
            total += key.length + items.value().length;
        }
        items.status();
        long half = total / 2;
        Sample nearest = null;
        for (Sample sample : samples) {
            if (nearest == null || Math.abs(sample.bytes() - half) < Math.abs(nearest.bytes() - half)) {
                nearest = sample;
            }
        }
        return nearest == null ? OptionalLong.empty() : OptionalLong.of(nearest.hash());
    }

    /**
     * The same from estimates rather than items: the least hash {@code h} of {@code range} whose
     * part {@code [first, h]} weighs at least half of {@code total} ({@code weightThrough}, an
     * estimate of the bytes up to and including a hash), by bisecting the hash space; then,
     * since an item collection never parts, that hash's items stay below the cut. Empty unless
     * items lie on both sides.
     */
    static OptionalLong bisect(RocksIterator items, HashRange range, long total, LongUnaryOperator weightThrough)
            throws RocksDBException {
        long low = range.first();
        long high = range.last();
        while (Long.compareUnsigned(low, high) < 0) {
            long middle = low + ((high - low) >>> 1);
            if (weightThrough.applyAsLong(middle) * 2 >= total) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        long cut = low;
        if (cut == range.last()) {
            return OptionalLong.empty();
        }
        boolean below = hasItems(items, new HashRange(range.first(), cut));
        boolean above = hasItems(items, new HashRange(cut + 1, range.last()));
        return below && above ? OptionalLong.of(cut) : OptionalLong.empty();
    }

    private static boolean hasItems(RocksIterator items, HashRange range) throws RocksDBException {
        KeyRange keys = KeyRange.ofHashRange(range);
        items.seek(keys.start());
        boolean found = items.isValid() && keys.contains(items.key());
        items.status();
        return found;
    }
}
