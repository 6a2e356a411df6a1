package io.kubedyn.storage.pod;

import com.google.protobuf.ByteString;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.ItemCodec;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.SortKeyCondition;
import java.util.Map;

/**
 * Keys and values as the internal API carries them: a single value is the ItemCodec map
 * {@code {"": value}}, a primary key the map {@code {"pk": partition, "sk": sort}} (no sort
 * entry for a table without one), so neither side needs the table's attribute names.
 */
final class KeyMessages {
    private KeyMessages() {
    }

    static AttributeValue value(ByteString bytes) {
        return ItemCodec.decode(bytes.toByteArray()).get("");
    }

    static PrimaryKey key(ByteString bytes) {
        Map<String, AttributeValue> key = ItemCodec.decode(bytes.toByteArray());
        return PrimaryKey.of(key.get("pk"), key.get("sk"));
    }

    static SortKeyCondition condition(io.kubedyn.storage.grpc.SortKeyCondition message) {
        return new SortKeyCondition(SortKeyCondition.Operator.valueOf(message.getOperator()), value(message.getValue()),
                message.getUpper().isEmpty() ? null : value(message.getUpper()));
    }
}
