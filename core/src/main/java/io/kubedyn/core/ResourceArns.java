package io.kubedyn.core;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ARNs kubedyn gives tables and their streams (DescribeTable, the Streams API, a
 * {@code Table}'s status), in DynamoDB's form with a fixed partition, region and account
 * ({@code arn:aws:dynamodb:us-east-1:000000000000:table/<name>} and {@code .../stream/<label>}),
 * and reading a stream ARN back.
 *
 * <p>The region is an AWS region's name, as LocalStack's local DynamoDB answers, because tools
 * parse it: the Kinesis Client Library's DynamoDB Streams adapter refuses a stream ARN whose
 * region AWS does not have. The account, all zeros, says the ARN is no AWS resource. A stream
 * ARN is read back whatever its region and account (earlier versions wrote {@code kubedyn}).
 */
public final class ResourceArns {
    /** The account of every ARN kubedyn gives: all zeros, no AWS account. */
    public static final String ACCOUNT = "000000000000";

    private static final String TABLE_PREFIX = "arn:aws:dynamodb:us-east-1:" + ACCOUNT + ":table/";
    private static final Pattern ANY_TABLE_PREFIX = Pattern.compile("arn:aws:dynamodb:[-a-z0-9]+:[0-9]{12}:table/");
    private static final String STREAM_INFIX = "/stream/";

    /** A stream ARN read back: the table and the stream's label. */
    public record Stream(String table, String label) {}

    private ResourceArns() {}

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

    /** A table ARN as DynamoDB reads one: any region and account, then {@code table/} and a name of 3 or more. */
    private static final Pattern TABLE_ARN = Pattern.compile("arn:aws:dynamodb:.+:\\d+:table/([^/]{3,})");

    /** The table a table ARN names; empty for any other string. */
    public static Optional<String> parseTable(String arn) {
        Matcher matcher = TABLE_ARN.matcher(arn);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** The table and label of a stream ARN kubedyn made; empty for any other string. */
    public static Optional<Stream> parseStream(String arn) {
        Matcher prefix = ANY_TABLE_PREFIX.matcher(arn);
        if (!prefix.lookingAt()) {
            return Optional.empty();
        }
        String rest = arn.substring(prefix.end());
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
