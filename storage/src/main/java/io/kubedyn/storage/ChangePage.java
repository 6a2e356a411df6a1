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
 * @param closedEpochs the stretches of the log range hand-offs ended, oldest first: the records
 *     after the last one's {@code through} are the ranges this store owns now
 * @param owned the hash ranges the store owns now, when it knows (a storage pod); empty otherwise
 */
public record ChangePage(
        List<ChangeRecord> records,
        long trimHorizon,
        long latest,
        long trimmedThrough,
        List<StreamEpoch> closedEpochs,
        List<io.kubedyn.core.HashRange> owned) {

    public ChangePage {
        records = List.copyOf(records);
        closedEpochs = List.copyOf(closedEpochs);
        owned = List.copyOf(owned);
    }

    public ChangePage(List<ChangeRecord> records, long trimHorizon, long latest, long trimmedThrough) {
        this(records, trimHorizon, latest, trimmedThrough, List.of(), List.of());
    }

    public ChangePage withEpochs(List<StreamEpoch> closed) {
        return new ChangePage(records, trimHorizon, latest, trimmedThrough, closed, owned);
    }

    /** The page, saying which ranges the store owns now. */
    public ChangePage withOwned(List<io.kubedyn.core.HashRange> ranges) {
        return new ChangePage(records, trimHorizon, latest, trimmedThrough, closedEpochs, ranges);
    }
}
