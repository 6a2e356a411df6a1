package io.kubedyn.core.write;

import io.kubedyn.core.ItemCodec;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ExpressionCodec;
import io.kubedyn.core.expression.UpdateExpression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An {@link ItemChange} as bytes, to apply it in the storage pod that holds the item: kind,
 * item (ItemCodec), then the condition and update trees ({@link ExpressionCodec}), each
 * preceded by a presence flag. The decoded change carries no expression attributes: the
 * values are inside the trees.
 */
public final class ItemChangeCodec {
    private ItemChangeCodec() {}

    public static byte[] encode(ItemChange change) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(change.kind().ordinal());
            byte[] item = ItemCodec.encode(change.item());
            out.writeInt(item.length);
            out.write(item);
            out.writeBoolean(change.condition() != null);
            if (change.condition() != null) {
                ExpressionCodec.writeCondition(change.condition(), out);
            }
            out.writeBoolean(change.update() != null);
            if (change.update() != null) {
                ExpressionCodec.writeUpdate(change.update(), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static ItemChange decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            ItemChange.Kind kind = ItemChange.Kind.values()[in.readByte()];
            var item = ItemCodec.decode(in.readNBytes(in.readInt()));
            ConditionExpression condition = in.readBoolean() ? ExpressionCodec.readCondition(in) : null;
            UpdateExpression update = in.readBoolean() ? ExpressionCodec.readUpdate(in) : null;
            if (in.available() != 0) {
                throw new IOException("corrupt item change: trailing bytes");
            }
            return switch (kind) {
                case PUT -> ItemChange.put(item, condition, null);
                case DELETE -> ItemChange.delete(item, condition, null);
                case UPDATE -> ItemChange.update(item, update, condition, null);
                case CHECK -> ItemChange.check(item, condition, null);
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot decode item change", e);
        }
    }
}
