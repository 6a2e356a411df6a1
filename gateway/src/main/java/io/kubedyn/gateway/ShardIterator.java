package io.kubedyn.gateway;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A DynamoDB Streams shard iterator: where a reader is in one stream shard (the next sequence
 * number it wants, 0 for the shard's oldest) and when the iterator was handed out, as an opaque
 * string. Iterators carry their table's incarnation, so one outlives neither the table nor its
 * stream, and the storage shard whose log holds the stream shard.
 */
record ShardIterator(
        String table, String tableId, String label, String shardId, String address, long next, long issuedMillis) {
    /** DynamoDB's shard iterators expire 15 minutes after they are returned. */
    static final Duration LIFETIME = Duration.ofMinutes(15);

    private static final String VERSION = "k2";

    String encode() {
        String plain = String.join(
                "\n",
                VERSION,
                table,
                tableId,
                label,
                shardId,
                address,
                Long.toString(next),
                Long.toString(issuedMillis));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The iterator a client sent back; ValidationException for anything kubedyn did not hand out. */
    static ShardIterator decode(String encoded) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8).split("\n", -1);
            if (parts.length != 8 || !parts[0].equals(VERSION)) {
                throw invalid();
            }
            return new ShardIterator(
                    parts[1],
                    parts[2],
                    parts[3],
                    parts[4],
                    parts[5],
                    Long.parseLong(parts[6]),
                    Long.parseLong(parts[7]));
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    /** ExpiredIteratorException when the iterator is older than {@link #LIFETIME} at {@code nowMillis}. */
    void checkFresh(long nowMillis) {
        if (nowMillis - issuedMillis > LIFETIME.toMillis()) {
            throw new DynamoDbException(
                    DynamoDbError.EXPIRED_ITERATOR,
                    "Iterator expired. The iterator was created at "
                            + "time " + java.time.Instant.ofEpochMilli(issuedMillis) + " while right now it is "
                            + java.time.Instant.ofEpochMilli(nowMillis)
                            + " which is further in the future than the tolerated "
                            + "delay of " + LIFETIME.toMillis() + " milliseconds.");
        }
    }

    ShardIterator at(long nextSequence, long nowMillis) {
        return new ShardIterator(table, tableId, label, shardId, address, nextSequence, nowMillis);
    }

    private static DynamoDbException invalid() {
        return DynamoDbException.validation("Invalid ShardIterator");
    }
}
