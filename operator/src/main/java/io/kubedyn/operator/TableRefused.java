package io.kubedyn.operator;

import java.util.List;

/**
 * The operator will not lay out this Table as it stands: nothing on the cluster is changed, and
 * the status says why. Retrying cannot help, only an edit of the Table (or of what conflicts with
 * it) can, and that edit triggers the next reconciliation.
 *
 * @param reason the Ready condition's reason, e.g. {@link TableStatusReport#REASON_INVALID_SPEC}
 */
public final class TableRefused extends Exception {

    private final String reason;
    private final List<String> problems;

    public TableRefused(String reason, List<String> problems) {
        super(reason + ": " + String.join("; ", problems));
        this.reason = reason;
        this.problems = List.copyOf(problems);
    }

    public String reason() {
        return reason;
    }

    /** Each a sentence a user can act on. */
    public List<String> problems() {
        return problems;
    }
}
