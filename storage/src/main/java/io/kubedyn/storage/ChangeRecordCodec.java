package io.kubedyn.storage;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.ItemCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A change record as it is kept in a table's log column family: the key is the sequence number
 * (8 bytes, big-endian, so the log is in sequence order), the value version 1 of:
 * {@code version:1 | event:1 | flags:1 | creationMillis:8 | keys | [old] | [new]}, each item
 * {@code length:4 | ItemCodec bytes}; flag bits say which images are there, whether Time to
 * Live made the change and whether the record is the stream's. It crosses to storage pods' callers in the same form.
 */
public final class ChangeRecordCodec {
    private static final byte VERSION = 1;
    private static final int BY_TIME_TO_LIVE = 1;
    private static final int HAS_OLD = 2;
    private static final int HAS_NEW = 4;
    /** Kept only for global secondary indexes (absent in records of older versions: all were streamed). */
    private static final int NOT_STREAMED = 8;

    private ChangeRecordCodec() {}

    public static byte[] key(long sequence) {
        return ByteBuffer.allocate(Long.BYTES).putLong(sequence).array();
    }

    public static long sequenceOf(byte[] key) {
        return ByteBuffer.wrap(key).getLong();
    }

    public static byte[] encode(ChangeRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(record.eventName().ordinal());
            out.writeByte((record.byTimeToLive() ? BY_TIME_TO_LIVE : 0)
                    | (record.oldImage() != null ? HAS_OLD : 0)
                    | (record.newImage() != null ? HAS_NEW : 0)
                    | (record.streamed() ? 0 : NOT_STREAMED));
            out.writeLong(record.approximateCreationMillis());
            writeItem(out, record.keys());
            if (record.oldImage() != null) {
                writeItem(out, record.oldImage());
            }
            if (record.newImage() != null) {
                writeItem(out, record.newImage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static ChangeRecord decode(long sequence, byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new StorageException("change record of unknown version " + version, null);
            }
            ChangeRecord.EventName event = ChangeRecord.EventName.values()[in.readByte()];
            int flags = in.readByte();
            long created = in.readLong();
            Map<String, AttributeValue> keys = readItem(in);
            Map<String, AttributeValue> old = (flags & HAS_OLD) != 0 ? readItem(in) : null;
            Map<String, AttributeValue> updated = (flags & HAS_NEW) != 0 ? readItem(in) : null;
            return new ChangeRecord(
                    sequence,
                    event,
                    created,
                    keys,
                    old,
                    updated,
                    (flags & BY_TIME_TO_LIVE) != 0,
                    (flags & NOT_STREAMED) == 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the record is the stream's, without decoding the items (the trimmer reads only this). */
    static boolean streamedOf(byte[] value) {
        return (value[2] & NOT_STREAMED) == 0;
    }

    /** The creation time alone, without decoding the items (the trimmer reads only this). */
    static long creationMillisOf(byte[] value) {
        return ByteBuffer.wrap(value, 3, Long.BYTES).getLong();
    }

    private static void writeItem(DataOutputStream out, Map<String, AttributeValue> item) throws IOException {
        byte[] encoded = ItemCodec.encode(item);
        out.writeInt(encoded.length);
        out.write(encoded);
    }

    private static Map<String, AttributeValue> readItem(DataInputStream in) throws IOException {
        byte[] encoded = new byte[in.readInt()];
        in.readFully(encoded);
        return ItemCodec.decode(encoded);
    }
}
