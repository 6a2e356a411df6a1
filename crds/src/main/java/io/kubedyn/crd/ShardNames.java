package io.kubedyn.crd;

import java.util.Optional;

/**
 * The names of a table's shard objects, and the one rule on how long a table's name may be
 * because of them. The operator names each shard's StatefulSet, headless Service and
 * PodDisruptionBudget {@code <table>-shard-<n>}; the gateway's CreateTable and the operator's
 * validation refuse the same names with the same words.
 */
public final class ShardNames {

    /**
     * Longest StatefulSet name that still works: Kubernetes labels each of its pods with a
     * {@code controller-revision-hash} of the StatefulSet name plus 11 characters, and a label value
     * is at most 63.
     */
    public static final int MAX_STATEFULSET_NAME = 52;

    private ShardNames() {}

    /** The StatefulSet (and headless Service, and PodDisruptionBudget) of one shard. */
    public static String statefulSet(String table, int shard) {
        return table + "-shard-" + shard;
    }

    /**
     * Why a table named {@code table} cannot have {@code shards} shards, or empty when it can: the
     * last shard has the longest name.
     */
    public static Optional<String> tooLong(String table, int shards) {
        String longest = statefulSet(table, Math.max(shards, 1) - 1);
        if (longest.length() <= MAX_STATEFULSET_NAME) {
            return Optional.empty();
        }
        return Optional.of("table name " + table + " is too long: StatefulSet " + longest
                + " would exceed " + MAX_STATEFULSET_NAME + " characters (its pods' controller-revision-hash"
                + " label adds 11 to a 63-character limit)");
    }
}
