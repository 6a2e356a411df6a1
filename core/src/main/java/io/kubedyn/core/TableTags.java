package io.kubedyn.core;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * DynamoDB's rules for a table's tags, in one place for CreateTable, TagResource, UntagResource and
 * the {@code Table} resource: a key once per table (tagging it again replaces its value), keys of 1
 * to 128 and values of 0 to 256 characters, letters, white space, numbers and {@code + - = . _ : /
 * @}, no key starting {@code aws:} (AWS's own), and at most 50 tags on a table.
 */
public final class TableTags {
    public static final int MAX_TAGS = 50;
    public static final int MAX_KEY_LENGTH = 128;
    public static final int MAX_VALUE_LENGTH = 256;
    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final String RESERVED_PREFIX = "aws:";

    private TableTags() {}

    /**
     * {@code current} with {@code added} set (a key already there takes the new value, in its
     * place); ValidationException when a tag breaks a rule or the table would have more than 50.
     */
    public static Map<String, String> tagged(Map<String, String> current, Map<String, String> added) {
        Map<String, String> tags = new LinkedHashMap<>(current);
        added.forEach((key, value) -> {
            check(key, value);
            tags.put(key, value);
        });
        if (tags.size() > MAX_TAGS) {
            throw DynamoDbException.validation("One or more parameter values were invalid: "
                    + "Number of Tags exceed the current limit for the provided ResourceArn (" + MAX_TAGS + ")");
        }
        return tags;
    }

    /** {@code current} without the tags of {@code keys}; a key the table has not is no error. */
    public static Map<String, String> untagged(Map<String, String> current, Collection<String> keys) {
        Map<String, String> tags = new LinkedHashMap<>(current);
        keys.forEach(tags::remove);
        return tags;
    }

    /** DynamoDB's words for the first rule {@code key} and {@code value} break; nothing when they keep them all. */
    public static Optional<String> violation(String key, String value) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return Optional.of("A tag key must be 1 to " + MAX_KEY_LENGTH + " characters long: " + key);
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            return Optional.of("A tag value must be at most " + MAX_VALUE_LENGTH + " characters long: " + key);
        }
        if (key.toLowerCase(Locale.ROOT).startsWith(RESERVED_PREFIX)) {
            return Optional.of("The tag key prefix aws: is reserved for AWS: " + key);
        }
        if (!ALLOWED.matcher(key).matches() || !ALLOWED.matcher(value).matches()) {
            return Optional.of("A tag may hold only letters, white space, numbers and + - = . _ : / @: " + key);
        }
        return Optional.empty();
    }

    private static void check(String key, String value) {
        violation(key, value).ifPresent(words -> {
            throw DynamoDbException.validation("One or more parameter values were invalid: " + words);
        });
    }
}
