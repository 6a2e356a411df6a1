package io.kubedyn.core.write;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import java.util.List;
import java.util.stream.Collectors;

/** A transaction not done, with one reason per action, in the order of the request's actions. */
public class TransactionCanceledException extends DynamoDbException {
    private final transient List<CancellationReason> reasons;

    public TransactionCanceledException(List<CancellationReason> reasons) {
        super(
                DynamoDbError.TRANSACTION_CANCELED,
                "Transaction cancelled, please refer cancellation reasons for "
                        + "specific reasons "
                        + reasons.stream().map(CancellationReason::code).collect(Collectors.joining(", ", "[", "]")));
        this.reasons = List.copyOf(reasons);
    }

    public List<CancellationReason> reasons() {
        return reasons;
    }
}
