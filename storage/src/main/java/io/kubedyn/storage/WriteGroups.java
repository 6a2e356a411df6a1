package io.kubedyn.storage;

/**
 * A store's writes since it opened and how they shared the work of reaching the disk:
 * {@code groups} write groups (each written to the WAL by one leader for every writer in it) and
 * {@code syncs} WAL syncs.
 */
public record WriteGroups(long writes, long groups, long syncs) {

    /** Writes per WAL sync: how well concurrent writers share one sync (0 before any sync). */
    public double writesPerSync() {
        return syncs == 0 ? 0 : (double) writes / syncs;
    }

    /** What happened between {@code earlier} and this. */
    public WriteGroups since(WriteGroups earlier) {
        return new WriteGroups(writes - earlier.writes, groups - earlier.groups, syncs - earlier.syncs);
    }
}
