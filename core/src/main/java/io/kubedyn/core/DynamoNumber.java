package io.kubedyn.core;

import java.math.BigDecimal;

/**
 * A DynamoDB number: an exact decimal of at most 38 significant digits whose magnitude lies in
 * 1E-130 .. 9.9999999999999999999999999999999999999E+125 (or is zero). Held stripped of trailing
 * zeros, so equal numbers are equal values ("1.50" equals "1.5", "-0" equals "0").
 */
public record DynamoNumber(BigDecimal value) implements Comparable<DynamoNumber> {
    public static final int MAX_SIGNIFICANT_DIGITS = 38;
    private static final BigDecimal MAX_MAGNITUDE = new BigDecimal("9.9999999999999999999999999999999999999E+125");
    private static final BigDecimal MIN_MAGNITUDE = new BigDecimal("1E-130");

    public DynamoNumber {
        value = normalize(value);
    }

    public static DynamoNumber parse(String text) {
        BigDecimal parsed;
        try {
            if (text.isEmpty() || text.length() > 1000 || !asciiNumeral(text)) {
                throw new NumberFormatException();
            }
            parsed = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw DynamoDbException.validation(
                    "The parameter cannot be converted to a numeric value" + (text.isEmpty() ? "" : ": " + text));
        }
        return new DynamoNumber(parsed);
    }

    /**
     * Whether {@code text} is written with ASCII digits, signs, a point and exponent letters only:
     * BigDecimal reads any script's digits ("\u0661\u0662\u0663" as 123), DynamoDB does not.
     */
    private static boolean asciiNumeral(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                return false;
            }
        }
        return true;
    }

    public static DynamoNumber of(long value) {
        return new DynamoNumber(BigDecimal.valueOf(value));
    }

    private static BigDecimal normalize(BigDecimal value) {
        if (value.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.precision() > MAX_SIGNIFICANT_DIGITS) {
            throw DynamoDbException.validation("Attempting to store more than 38 significant digits in a Number");
        }
        BigDecimal magnitude = stripped.abs();
        if (magnitude.compareTo(MAX_MAGNITUDE) > 0) {
            throw DynamoDbException.validation(
                    "Number overflow. Attempting to store a number with magnitude larger than supported range");
        }
        if (magnitude.compareTo(MIN_MAGNITUDE) < 0) {
            throw DynamoDbException.validation(
                    "Number underflow. Attempting to store a number with magnitude smaller than supported range");
        }
        return stripped;
    }

    public DynamoNumber add(DynamoNumber other) {
        return new DynamoNumber(value.add(other.value));
    }

    public DynamoNumber subtract(DynamoNumber other) {
        return new DynamoNumber(value.subtract(other.value));
    }

    /** Significant digits as DynamoDB counts them for item size (at least one, for zero). */
    public int significantDigits() {
        return value.signum() == 0 ? 1 : value.precision();
    }

    /**
     * The wire form: plain notation while it stays short (so 1E+2 reads "100"), scientific
     * notation for the extremes of the range (so 1E-130 stays "1E-130").
     */
    public String toWireString() {
        int scale = value.scale();
        if (scale >= -MAX_SIGNIFICANT_DIGITS && scale <= MAX_SIGNIFICANT_DIGITS) {
            return value.toPlainString();
        }
        return value.toString();
    }

    @Override
    public int compareTo(DynamoNumber other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return toWireString();
    }
}
