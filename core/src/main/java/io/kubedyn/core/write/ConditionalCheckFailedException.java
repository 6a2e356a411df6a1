package io.kubedyn.core.write;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import java.util.Map;

/**
 * A write's condition was false. Carries the item as it was, for requests that ask for it with
 * ReturnValuesOnConditionCheckFailure ALL_OLD.
 */
public class ConditionalCheckFailedException extends DynamoDbException {
    private final transient Map<String, AttributeValue> item;

    public ConditionalCheckFailedException(Map<String, AttributeValue> item) {
        super(DynamoDbError.CONDITIONAL_CHECK_FAILED, "The conditional request failed");
        this.item = item;
    }

    /** The item when the condition was checked, or null if there was none or it was not asked for. */
    public Map<String, AttributeValue> item() {
        return item;
    }

    /** The same failure, reporting the item only if the request asked for it. */
    public ConditionalCheckFailedException reportingItem(boolean returnItem) {
        return new ConditionalCheckFailedException(returnItem ? item : null);
    }
}
