package io.kubedyn.gateway;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;

/**
 * A storage pod refused a key or range it does not own: the shard map this gateway routes by is
 * behind (a split moved the range). The pod did nothing, so the request may go to the new owner
 * once the map says who it is ({@link ShardRouter} waits a moment for that); to the client it is
 * DynamoDB's retryable InternalServerError.
 */
public final class StaleShardMapException extends DynamoDbException {
    public StaleShardMapException(String address, String why) {
        super(DynamoDbError.INTERNAL_SERVER_ERROR,
                "Internal server error (storage pod " + address + " unavailable: shard map out of date: " + why + ")");
    }
}
