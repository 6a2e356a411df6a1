package io.kubedyn.storage;

/**
 * A replica of a shard's Raft group that does not lead it was asked for what only the leader
 * serves (writes, strongly consistent reads); {@code leader} is the leader's address as far as
 * this replica knows, or null while the group has none.
 */
public class NotLeaderException extends StorageException {
    private final String leader;

    public NotLeaderException(String leader) {
        super(
                leader == null
                        ? "this replica does not lead its shard, and no leader is known"
                        : "this replica does not lead its shard; the leader is " + leader,
                null);
        this.leader = leader;
    }

    /** The leader's address, or null when none is known. */
    public String leader() {
        return leader;
    }
}
