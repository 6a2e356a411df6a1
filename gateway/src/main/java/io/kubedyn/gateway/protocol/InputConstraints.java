package io.kubedyn.gateway.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.TableName;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The pipeline's second step: every constraint the model puts on the members of a request
 * (required, length, range, pattern, enumeration), checked over the whole body and reported
 * together, as DynamoDB's input validation reports them: {@code N validation errors detected:
 * Value '...' at 'path' failed to satisfy constraint: ...}, at most ten of them.
 */
public final class InputConstraints {
    static final int MAX_REPORTED = 10;

    private final List<String> violations = new ArrayList<>();

    private InputConstraints() {}

    /**
     * The table operations (CreateTable, DescribeTable, UpdateTable, DeleteTable,
     * DescribeTimeToLive) check that TableName is there and of a table name's length before the
     * other constraints, in words of their own; observed of DynamoDB, not stated by its model.
     */
    private static final Set<String> TABLE_NAME_FIRST =
            Set.of("CreateTable", "DescribeTable", "UpdateTable", "DeleteTable", "DescribeTimeToLive");

    /**
     * The tagging operations check ResourceArn before the other constraints: there, in words of
     * their own, then of an ARN's form, or the caller is not authorized to act on it (observed of
     * DynamoDB, where IAM cannot match a policy against a string that is no ARN).
     */
    private static final Set<String> RESOURCE_ARN_FIRST = Set.of("TagResource", "UntagResource", "ListTagsOfResource");

    private static final java.util.regex.Pattern ARN_FORM = java.util.regex.Pattern.compile(".+:.+:.+:.+:.+:.+/.+");
    /** Whom DynamoDB names when it refuses an action: kubedyn has one caller, with the account all its ARNs have. */
    private static final String CALLER = "arn:aws:iam::" + io.kubedyn.core.ResourceArns.ACCOUNT + ":user/kubedyn";

    /**
     * Throws DynamoDB's ValidationException listing every violation in {@code body} of
     * {@code operation}, if it has any.
     */
    public static void check(String operation, JsonNode body, ModelShape input) {
        InputConstraints check = new InputConstraints();
        if (TABLE_NAME_FIRST.contains(operation)) {
            JsonNode name = body.get("TableName");
            if (name == null) {
                throw DynamoDbException.validation(
                        "The parameter 'TableName' is required but was not present in the request");
            }
            if (name.textValue().length() < TableName.MIN_LENGTH
                    || name.textValue().length() > TableName.MAX_LENGTH) {
                throw DynamoDbException.validation("TableName must be at least " + TableName.MIN_LENGTH
                        + " characters long and at most " + TableName.MAX_LENGTH + " characters long");
            }
        }
        if (RESOURCE_ARN_FIRST.contains(operation)) {
            JsonNode arn = body.get("ResourceArn");
            if (arn == null || arn.isNull()) {
                throw DynamoDbException.validation("Invalid TableArn");
            }
            if (!ARN_FORM.matcher(arn.textValue()).matches()) {
                throw new DynamoDbException(
                        DynamoDbError.ACCESS_DENIED,
                        "User: " + CALLER
                                + " is not authorized to perform: dynamodb:" + operation + " on resource: "
                                + (arn.textValue().isEmpty() ? "*" : arn.textValue()));
            }
        }
        check.structure(body, input, "");
        if (!check.violations.isEmpty()) {
            int count = check.violations.size();
            throw DynamoDbException.validation(count + " validation error" + (count == 1 ? "" : "s") + " detected: "
                    + String.join("; ", check.violations));
        }
    }

    private void structure(JsonNode node, ModelShape shape, String parent) {
        for (ModelMember member : shape.members().values()) {
            member(member, node.get(member.name()), parent + member.path());
        }
    }

    private void member(ModelMember member, JsonNode value, String path) {
        if (value == null || value.isNull()) {
            if (member.required()) {
                violation(null, path, "Member must not be null");
            }
            return;
        }
        constraints(member.constraints(), value, path);
        within(member.shape(), value, path);
    }

    /** The members, elements or entries within {@code value}. */
    private void within(ModelShape shape, JsonNode value, String path) {
        if (!shape.constrained()) {
            return;
        }
        switch (shape.kind()) {
            case STRUCTURE -> structure(value, shape, path + ".");
            case LIST -> {
                for (int i = 0; i < value.size(); i++) {
                    String at = path + "." + (i + 1) + ".member";
                    if (value.get(i).isNull()) {
                        // DynamoDB's lists hold no nulls (none of its model's lists is sparse).
                        violation(null, at, "Member must not be null");
                    } else {
                        member(shape.element(), value.get(i), at);
                    }
                }
            }
            case MAP -> {
                Constraints keys = shape.key().constraints();
                Constraints values = shape.element().constraints();
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    if (!keys.isEmpty() && !satisfies(keys, entry.getKey())) {
                        violation(value, path, "Map keys must satisfy constraint: [" + words(keys) + "]");
                    }
                    if (!values.isEmpty() && !satisfies(values, entry.getValue())) {
                        // A map's values are held to their constraints as a whole, named at the map.
                        violation(value, path, "Map value must satisfy constraint: [" + words(values) + "]");
                    }
                    within(shape.element().shape(), entry.getValue(), path + "." + entry.getKey() + ".member");
                }
            }
            default -> {}
        }
    }

    private void constraints(Constraints c, JsonNode value, String path) {
        if (c.isEmpty()) {
            return;
        }
        if (c.pattern() != null
                && value.isTextual()
                && !c.pattern().matcher(value.textValue()).matches()) {
            violation(
                    value,
                    path,
                    "Member must satisfy regular expression pattern: "
                            + c.pattern().pattern());
        }
        long length = length(value);
        if (c.minLength() != null && length >= 0 && length < c.minLength()) {
            violation(value, path, "Member must have length greater than or equal to " + c.minLength());
        }
        if (c.maxLength() != null && length > c.maxLength()) {
            violation(value, path, "Member must have length less than or equal to " + c.maxLength());
        }
        if (value.isNumber()) {
            BigDecimal number = value.decimalValue();
            if (c.min() != null && number.compareTo(c.min()) < 0) {
                violation(value, path, "Member must have value greater than or equal to " + plain(c.min()));
            }
            if (c.max() != null && number.compareTo(c.max()) > 0) {
                violation(value, path, "Member must have value less than or equal to " + plain(c.max()));
            }
        }
        if (!c.enumValues().isEmpty() && value.isTextual() && !c.enumValues().contains(value.textValue())) {
            violation(value, path, "Member must satisfy enum value set: [" + String.join(", ", c.enumValues()) + "]");
        }
    }

    private static boolean satisfies(Constraints c, String key) {
        return (c.pattern() == null || c.pattern().matcher(key).matches())
                && (c.minLength() == null || key.length() >= c.minLength())
                && (c.maxLength() == null || key.length() <= c.maxLength());
    }

    private static boolean satisfies(Constraints c, JsonNode value) {
        if (value.isTextual()) {
            return satisfies(c, value.textValue());
        }
        long length = length(value);
        return (c.minLength() == null || length < 0 || length >= c.minLength())
                && (c.maxLength() == null || length <= c.maxLength());
    }

    /** A map's key or value constraints as DynamoDB lists them: the upper length, the lower, the pattern. */
    private static String words(Constraints c) {
        StringJoiner words = new StringJoiner(", ");
        if (c.maxLength() != null) {
            words.add("Member must have length less than or equal to " + c.maxLength());
        }
        if (c.minLength() != null) {
            words.add("Member must have length greater than or equal to " + c.minLength());
        }
        if (c.pattern() != null) {
            words.add("Member must satisfy regular expression pattern: "
                    + c.pattern().pattern());
        }
        return words.toString();
    }

    /** A string's length in characters, a collection's in elements, a blob's in bytes; -1 for other values. */
    private static long length(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue().codePointCount(0, value.textValue().length());
        }
        if (value.isContainerNode()) {
            return value.size();
        }
        return -1;
    }

    private void violation(JsonNode value, String path, String constraint) {
        if (violations.size() < MAX_REPORTED) {
            violations.add("Value " + (value == null ? "null" : "'" + Values.render(value) + "'") + " at '" + path
                    + "' failed to satisfy constraint: " + constraint);
        }
    }

    private static String plain(BigDecimal number) {
        return number.stripTrailingZeros().toPlainString();
    }
}
