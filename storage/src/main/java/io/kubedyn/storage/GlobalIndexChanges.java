package io.kubedyn.storage;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.ItemCodec;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.TableDefinition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What one change record does to a table's global secondary indexes: for each index, the entry
 * of the old image deleted when the new image has no entry or another one, and the new image's
 * entry put. The records carry both images whenever the table has global indexes.
 */
final class GlobalIndexChanges {
    private GlobalIndexChanges() {}

    static List<IndexWrite> of(TableDefinition table, List<ChangeRecord> records) {
        List<IndexWrite> writes = new ArrayList<>();
        for (ChangeRecord record : records) {
            for (SecondaryIndex index : table.indexes()) {
                if (index.global()) {
                    add(writes, table, index, record.oldImage(), record.newImage());
                }
            }
        }
        return writes;
    }

    private static void add(
            List<IndexWrite> writes,
            TableDefinition table,
            SecondaryIndex index,
            Map<String, AttributeValue> old,
            Map<String, AttributeValue> updated) {
        byte[] oldKey = old == null ? null : index.entryKey(old, table.keySchema());
        byte[] newKey = updated == null ? null : index.entryKey(updated, table.keySchema());
        if (oldKey != null && (newKey == null || !Arrays.equals(oldKey, newKey))) {
            writes.add(new IndexWrite(index.name(), oldKey, null));
        }
        if (newKey != null) {
            writes.add(
                    new IndexWrite(index.name(), newKey, ItemCodec.encode(index.project(updated, table.keySchema()))));
        }
    }
}
