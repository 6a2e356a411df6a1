package io.kubedyn.gateway;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;

/**
 * A storage pod refused a key or range it does not own: the shard map this gateway routes by is
 * behind (a split moved the range). The pod did nothing, so the request may go to the new owner:
 * the pod that took the range over, when the refusing pod names it ({@link #owner}), or whoever
 * the map names once it follows ({@link ShardRouter} does both for a moment). To the client it
 * is DynamoDB's retryable InternalServerError.
 */
public final class StaleShardMapException extends DynamoDbException {
    private final String owner;

    /** @param owner the pod the refusing one handed the range to (host:port), or null */
    public StaleShardMapException(String address, String why, String owner) {
        super(
                DynamoDbError.INTERNAL_SERVER_ERROR,
                "Internal server error (storage pod " + address + " unavailable: shard map out of date: " + why + ")");
        this.owner = owner;
    }

    /** The pod the refusing one handed the range to, if it said. */
    public String owner() {
        return owner;
    }
}
