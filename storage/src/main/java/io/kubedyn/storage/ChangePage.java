package io.kubedyn.storage;

import java.util.List;

/**
 * Records of a table's change log read from one position, in sequence order.
 *
 * @param trimHorizon the oldest sequence number still in the log (or the next one, when the log
 *     is empty): a position before it was trimmed
 * @param latest the newest sequence number readers may see (every change up to it is durable and
 *     in the log; a write still in flight is not), or {@code trimHorizon - 1} when there is none
 * @param trimmedThrough the last sequence number trimmed for age (0 when none was): a reader
 *     wanting a number at or below it missed records. Sequence numbers have gaps (a store
 *     reopened starts above the clock), so a position below the horizon alone proves nothing.
 */
public record ChangePage(List<ChangeRecord> records, long trimHorizon, long latest, long trimmedThrough) {

    public ChangePage {
        records = List.copyOf(records);
    }
}
