package io.kubedyn.core;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * DynamoDB's rule for table (and index) names: 3 to 255 characters of {@code a-z A-Z 0-9 _ - .}.
 * The gateway words a violation as DynamoDB's input validation does, the operator in its own
 * words for a Table's status; the CRD's schema pattern says the same thing for the API server.
 */
public final class TableName {
    public static final int MIN_LENGTH = 3;
    public static final int MAX_LENGTH = 255;
    /** The characters allowed, as DynamoDB's model states the pattern. */
    public static final String PATTERN = "[a-zA-Z0-9_.-]+";

    private static final Pattern ALLOWED = Pattern.compile(PATTERN);

    /** What is wrong with a name. */
    public enum Violation {
        TOO_SHORT,
        TOO_LONG,
        BAD_CHARACTERS
    }

    private TableName() {}

    /** Why {@code name} is not a valid DynamoDB table name, or empty when it is one. */
    public static Optional<Violation> violation(String name) {
        if (name.length() < MIN_LENGTH) {
            return Optional.of(Violation.TOO_SHORT);
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of(Violation.TOO_LONG);
        }
        if (!ALLOWED.matcher(name).matches()) {
            return Optional.of(Violation.BAD_CHARACTERS);
        }
        return Optional.empty();
    }

    public static boolean valid(String name) {
        return name != null && violation(name).isEmpty();
    }
}
