package io.kubedyn.storage;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.ItemCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A transaction's writes prepared in one store (phase one of the cluster's two-phase commit):
 * for each item the image it will have once the transaction commits, decided under the item's
 * lock when it was prepared. Until the transaction is committed or aborted its items are held:
 * every other write to them is refused, so the images stay right. Kept durably (one record per
 * transaction, in the catalog family under {@code txn/prepared/}) with the address of the store
 * keeping the transaction's ledger, which says how it ended if its coordinator cannot.
 */
public record PreparedTransaction(String id, String ledgerAddress, long preparedAtMillis, List<Write> writes) {
    static final byte[] PREFIX = "txn/prepared/".getBytes(StandardCharsets.UTF_8);

    /** What a prepared write does on commit. */
    public enum Outcome {
        PUT,
        DELETE,
        NOTHING
    }

    /** One item's prepared write: the table incarnation, the key attributes and the image on commit. */
    public record Write(
            String table,
            String tableId,
            Map<String, AttributeValue> key,
            Outcome outcome,
            Map<String, AttributeValue> image) {}

    static byte[] key(String transactionId) {
        byte[] id = transactionId.getBytes(StandardCharsets.UTF_8);
        byte[] key = Arrays.copyOf(PREFIX, PREFIX.length + id.length);
        System.arraycopy(id, 0, key, PREFIX.length, id.length);
        return key;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(id);
            out.writeUTF(ledgerAddress);
            out.writeLong(preparedAtMillis);
            out.writeInt(writes.size());
            for (Write write : writes) {
                out.writeUTF(write.table());
                out.writeUTF(write.tableId());
                writeBytes(out, ItemCodec.encode(write.key()));
                out.writeByte(write.outcome().ordinal());
                if (write.outcome() == Outcome.PUT) {
                    writeBytes(out, ItemCodec.encode(write.image()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static PreparedTransaction decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            String id = in.readUTF();
            String ledger = in.readUTF();
            long at = in.readLong();
            int count = in.readInt();
            List<Write> writes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String table = in.readUTF();
                String tableId = in.readUTF();
                Map<String, AttributeValue> key = ItemCodec.decode(in.readNBytes(in.readInt()));
                Outcome outcome = Outcome.values()[in.readByte()];
                Map<String, AttributeValue> image =
                        outcome == Outcome.PUT ? ItemCodec.decode(in.readNBytes(in.readInt())) : null;
                writes.add(new Write(table, tableId, key, outcome, image));
            }
            return new PreparedTransaction(id, ledger, at, List.copyOf(writes));
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt prepared transaction", e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }
}
