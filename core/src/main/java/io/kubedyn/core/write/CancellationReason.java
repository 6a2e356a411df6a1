package io.kubedyn.core.write;

import io.kubedyn.core.AttributeValue;
import java.util.Map;

/**
 * Why one action of a transaction was not done, as DynamoDB's CancellationReasons says it: a
 * code ({@code None} for an action that was fine), a message (null for None) and, for a failed
 * condition, the item as it was (null when there was none or it was not asked for).
 */
public record CancellationReason(String code, String message, Map<String, AttributeValue> item) {
    public static final String NONE = "None";
    public static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
    public static final String TRANSACTION_CONFLICT = "TransactionConflict";
    public static final String VALIDATION_ERROR = "ValidationError";
    public static final String ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED = "ItemCollectionSizeLimitExceeded";

    public static final String CONFLICT_MESSAGE = "Transaction is ongoing for the item";

    public static CancellationReason none() {
        return new CancellationReason(NONE, null, null);
    }

    public static CancellationReason conditionalCheckFailed(Map<String, AttributeValue> item) {
        return new CancellationReason(CONDITIONAL_CHECK_FAILED, "The conditional request failed", item);
    }

    public static CancellationReason conflict() {
        return new CancellationReason(TRANSACTION_CONFLICT, CONFLICT_MESSAGE, null);
    }

    public boolean isNone() {
        return code.equals(NONE);
    }

    /** The same reason without its item, unless {@code returnItem}. */
    public CancellationReason reportingItem(boolean returnItem) {
        return returnItem || item == null ? this : new CancellationReason(code, message, null);
    }
}
