package io.kubedyn.storage;

import java.util.List;

/**
 * Records of a table's change log read from one position, in sequence order.
 *
 * @param trimHorizon the oldest sequence number still in the log (or the next one, when the log
 *     is empty): a position before it was trimmed
 * @param latest the newest sequence number readers may see (every change up to it is durable and
 *     in the log; a write still in flight is not), or {@code trimHorizon - 1} when there is none
 */
public record ChangePage(List<ChangeRecord> records, long trimHorizon, long latest) {

    public ChangePage {
        records = List.copyOf(records);
    }
}
