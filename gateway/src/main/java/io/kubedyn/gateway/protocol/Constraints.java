package io.kubedyn.gateway.protocol;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The constraint traits of one member (its own, or else its target's): length, range, pattern
 * and enumeration, each checked and worded as DynamoDB's input validation words it. The pattern
 * is kept as DynamoDB prints it, without the anchors the model writes.
 */
public record Constraints(
        Long minLength, Long maxLength, BigDecimal min, BigDecimal max, Pattern pattern, List<String> enumValues) {
    static final Constraints NONE = new Constraints(null, null, null, null, null, List.of());

    boolean isEmpty() {
        return minLength == null
                && maxLength == null
                && min == null
                && max == null
                && pattern == null
                && enumValues.isEmpty();
    }
}
