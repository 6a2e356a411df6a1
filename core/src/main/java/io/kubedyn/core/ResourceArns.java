package io.kubedyn.core;

import java.util.Optional;

/**
 * The ARNs kubedyn gives tables and their streams (DescribeTable, the Streams API, a
 * {@code Table}'s status), in DynamoDB's form with a fixed partition,
 * region and account ({@code arn:aws:dynamodb:kubedyn:000000000000:table/<name>} and
 * {@code .../stream/<label>}), and reading a stream ARN back.
 */
public final class ResourceArns {
    private static final String TABLE_PREFIX = "arn:aws:dynamodb:kubedyn:000000000000:table/";
    private static final String STREAM_INFIX = "/stream/";

    /** A stream ARN read back: the table and the stream's label. */
    public record Stream(String table, String label) {
    }

    private ResourceArns() {
    }

    public static String table(String name) {
        return TABLE_PREFIX + name;
    }

    /** A secondary index's ARN: its table's, then {@code /index/} and its name. */
    public static String index(String table, String index) {
        return table(table) + "/index/" + index;
    }

    public static String stream(String table, String label) {
        return table(table) + STREAM_INFIX + label;
    }

    /** The table and label of a stream ARN kubedyn made; empty for any other string. */
    public static Optional<Stream> parseStream(String arn) {
        if (!arn.startsWith(TABLE_PREFIX)) {
            return Optional.empty();
        }
        String rest = arn.substring(TABLE_PREFIX.length());
        int at = rest.indexOf(STREAM_INFIX);
        if (at < 0) {
            return Optional.empty();
        }
        String table = rest.substring(0, at);
        String label = rest.substring(at + STREAM_INFIX.length());
        if (!TableName.valid(table) || label.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Stream(table, label));
    }

    /** DynamoDB's answer for a stream ARN that names no stream. */
    public static DynamoDbException streamNotFound(String arn) {
        return DynamoDbException.resourceNotFound("Requested resource not found: Stream: " + arn + " not found");
    }
}
