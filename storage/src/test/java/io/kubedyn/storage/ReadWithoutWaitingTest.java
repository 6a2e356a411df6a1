package io.kubedyn.storage;

import static io.kubedyn.storage.PartitionStoreTest.key;
import static io.kubedyn.storage.PartitionStoreTest.music;
import static io.kubedyn.storage.PartitionStoreTest.put;
import static io.kubedyn.storage.PartitionStoreTest.song;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.TableDefinition;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read made on a thread that must not wait (a storage pod's event loop) is answered from
 * memory only: an item whose blocks are on disk alone is refused with {@link
 * ReadWouldWaitException}, for the caller to read it where waiting is allowed, after which it
 * is in RocksDB's block cache and answered at once.
 */
class ReadWithoutWaitingTest {
    @TempDir
    Path dir;

    @Test
    void anItemOnlyOnDiskIsLeftToAReadThatMayWait() throws Exception {
        TableDefinition table = music("Music");
        Map<String, AttributeValue> gardenia = song("Kyuss", "Gardenia");
        try (PartitionStore store = PartitionStore.open(dir.resolve("store"))) {
            store.createTable(table);
            put(store, key(gardenia), gardenia);
            assertThat(store.getWithoutWaiting(table, key(gardenia)))
                    .as("in the memtable")
                    .isEqualTo(gardenia);
            // A checkpoint flushes the memtables: from now on the item is in a table file only.
            store.checkpoint(dir.resolve("checkpoint"));
        }
        try (PartitionStore store = PartitionStore.open(dir.resolve("store"))) {
            TableDefinition held = store.describeTableWithoutWaiting("Music").orElseThrow();
            assertThat(held.tableId()).isEqualTo(table.tableId());
            assertThatThrownBy(() -> store.getWithoutWaiting(held, key(gardenia)))
                    .as("its block is not in the cache of a store just opened")
                    .isInstanceOf(ReadWouldWaitException.class)
                    .hasMessageContaining("not in memory");
            assertThat(store.get(held, key(gardenia)))
                    .as("read where waiting is allowed")
                    .isEqualTo(gardenia);
            assertThat(store.getWithoutWaiting(held, key(gardenia)))
                    .as("its block cached since")
                    .isEqualTo(gardenia);
        }
    }
}
