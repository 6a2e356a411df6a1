package io.kubedyn.storage;

import java.util.List;

/**
 * The writes to a table's data in a hash range after a WAL sequence number, in the order they
 * were made, and the sequence number they take the reader {@code through}: the next read starts
 * after it. A page may hold no writes and still move {@code through} (writes elsewhere).
 */
public record RangeChanges(List<RangeWrite> writes, long through) {
    public RangeChanges {
        writes = List.copyOf(writes);
    }
}
