package io.kubedyn.core.write;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;

/**
 * A write to an item that a transaction in progress holds (prepared on its shard, not yet
 * committed or aborted): refused at once rather than waiting, as DynamoDB does.
 */
public class TransactionConflictException extends DynamoDbException {
    public TransactionConflictException() {
        super(DynamoDbError.TRANSACTION_CONFLICT, CancellationReason.CONFLICT_MESSAGE);
    }
}
