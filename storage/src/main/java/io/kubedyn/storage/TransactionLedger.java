package io.kubedyn.storage;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The ledger of transactions a store keeps: one record per transaction id, with the decision
 * that stands for it (committed or aborted, decided once: a record is never changed into the
 * other decision), when it was decided, the request's fingerprint (for ClientRequestToken's
 * idempotency) and whether every shard of the transaction has applied it.
 *
 * <p>Records live in the store's catalog family under {@code txn/ledger/}. A complete record is
 * kept for {@link #TOKEN_MILLIS} (DynamoDB's ten minutes of idempotency), an abort for
 * {@link #KEEP_MILLIS}, a commit not known to be complete until it is.
 */
public final class TransactionLedger {
    /** How long a ClientRequestToken makes a repeat of its request succeed without writing again. */
    public static final long TOKEN_MILLIS = 10 * 60 * 1000L;
    /** How long an abort is kept (a shard asking after that decides abort again, the same outcome). */
    public static final long KEEP_MILLIS = 24 * 60 * 60 * 1000L;

    static final byte[] PREFIX = "txn/ledger/".getBytes(StandardCharsets.UTF_8);

    public enum Decision {
        COMMITTED,
        ABORTED
    }

    /** One transaction's record. */
    public record Entry(Decision decision, long decidedAtMillis, byte[] fingerprint, boolean complete) {
        public Entry {
            fingerprint = fingerprint == null ? new byte[0] : fingerprint;
        }

        /** Whether {@code other} is the fingerprint of the request this record was decided for. */
        public boolean sameRequest(byte[] other) {
            return Arrays.equals(fingerprint, other == null ? new byte[0] : other);
        }

        /** Whether a ClientRequestToken still makes its request idempotent, at {@code nowMillis}. */
        public boolean idempotentAt(long nowMillis) {
            return decision == Decision.COMMITTED && nowMillis - decidedAtMillis < TOKEN_MILLIS;
        }

        /**
         * Whether the trim may drop this record at {@code nowMillis}: a complete one after the
         * token's ten minutes, an abort after a day (a shard asking later decides abort again).
         * A commit not known to be complete is never dropped: a shard still holding its items,
         * however long it was away, must find it.
         */
        boolean expiredAt(long nowMillis) {
            long age = nowMillis - decidedAtMillis;
            return complete ? age >= TOKEN_MILLIS : decision == Decision.ABORTED && age >= KEEP_MILLIS;
        }

        byte[] encode() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + fingerprint.length);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(decision.ordinal());
                out.writeLong(decidedAtMillis);
                out.writeBoolean(complete);
                out.write(fingerprint);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        static Entry decode(byte[] bytes) {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            Decision decision = Decision.values()[in.get()];
            long at = in.getLong();
            boolean complete = in.get() != 0;
            byte[] fingerprint = new byte[in.remaining()];
            in.get(fingerprint);
            return new Entry(decision, at, fingerprint, complete);
        }
    }

    private TransactionLedger() {}

    static byte[] key(String transactionId) {
        byte[] id = transactionId.getBytes(StandardCharsets.UTF_8);
        byte[] key = Arrays.copyOf(PREFIX, PREFIX.length + id.length);
        System.arraycopy(id, 0, key, PREFIX.length, id.length);
        return key;
    }
}
