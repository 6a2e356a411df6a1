package io.kubedyn.core;

import java.math.BigDecimal;
import java.util.Map;
import java.util.OptionalLong;

/**
 * DynamoDB's Time to Live rule: an item whose TTL attribute is a Number of epoch seconds in the
 * past is expired. Values that are not Numbers, negative, beyond the epoch seconds a long holds,
 * or more than five years in the past are ignored, as DynamoDB ignores them.
 */
public final class TimeToLive {
    /** DynamoDB does not delete items whose expiry is more than five years in the past. */
    public static final long IGNORED_AFTER_SECONDS = 5L * 365 * 24 * 60 * 60;

    private TimeToLive() {}

    /** The item's expiry in epoch seconds under {@code attribute}, or empty when it has none TTL honours. */
    public static OptionalLong expiryOf(Map<String, AttributeValue> item, String attribute) {
        if (item == null || attribute == null || !(item.get(attribute) instanceof AttributeValue.N number)) {
            return OptionalLong.empty();
        }
        BigDecimal seconds = number.value().value();
        if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 2)) > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(seconds.longValue());
    }

    /** Whether an item expiring at {@code expirySeconds} is due for deletion at {@code nowSeconds}. */
    public static boolean expired(long expirySeconds, long nowSeconds) {
        return expirySeconds <= nowSeconds && expirySeconds >= nowSeconds - IGNORED_AFTER_SECONDS;
    }
}
