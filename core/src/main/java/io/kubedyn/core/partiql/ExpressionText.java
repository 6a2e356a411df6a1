package io.kubedyn.core.partiql;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes parts of a statement as DynamoDB expression text: every attribute name as a
 * {@code #n} placeholder and every value as a {@code :v} placeholder, collected for the
 * request's ExpressionAttributeNames and ExpressionAttributeValues. One instance serves every
 * expression of one request.
 */
final class ExpressionText {
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, String> placeholders = new HashMap<>();
    private final Map<String, AttributeValue> values = new LinkedHashMap<>();

    /** ExpressionAttributeNames: placeholder to attribute name. */
    Map<String, String> names() {
        return names;
    }

    /** ExpressionAttributeValues: placeholder to value. */
    Map<String, AttributeValue> values() {
        return values;
    }

    String name(String attribute) {
        return placeholders.computeIfAbsent(attribute, a -> {
            String placeholder = "#n" + names.size();
            names.put(placeholder, a);
            return placeholder;
        });
    }

    String value(AttributeValue value) {
        String placeholder = ":v" + values.size();
        values.put(placeholder, value);
        return placeholder;
    }

    String path(Path path) {
        StringBuilder text = new StringBuilder();
        for (Object step : path.steps()) {
            if (step instanceof Integer index) {
                text.append('[').append(index).append(']');
            } else {
                text.append(text.isEmpty() ? "" : ".").append(name((String) step));
            }
        }
        return text.toString();
    }

    String operand(Operand operand) {
        if (operand instanceof Path path) {
            return path(path);
        }
        if (operand instanceof Operand.Literal literal) {
            return value(literal.value());
        }
        Operand.Function function = (Operand.Function) operand;
        if (function.name().equals("set_add") || function.name().equals("set_delete")) {
            throw DynamoDbException.validation("Unsupported operation: "
                    + function.name().toUpperCase() + " can only be the value of a SET in an UPDATE");
        }
        return call(function);
    }

    private String call(Operand.Function function) {
        return function.name() + "("
                + function.arguments().stream().map(this::operand).collect(Collectors.joining(", ")) + ")";
    }

    /** The condition's text; a part joined to others is parenthesized once, so none is parenthesized twice. */
    String condition(Condition condition) {
        if (condition instanceof Condition.Comparison c) {
            return operand(c.left()) + " " + c.comparator() + " " + operand(c.right());
        }
        if (condition instanceof Condition.Between c) {
            return operand(c.subject()) + " BETWEEN " + operand(c.low()) + " AND " + operand(c.high());
        }
        if (condition instanceof Condition.In c) {
            return operand(c.subject()) + " IN ("
                    + c.options().stream().map(this::value).collect(Collectors.joining(", ")) + ")";
        }
        if (condition instanceof Condition.Is c) {
            return is(c);
        }
        if (condition instanceof Operand.Function c) {
            return call(c);
        }
        if (condition instanceof Condition.Not c) {
            return "NOT (" + condition(c.condition()) + ")";
        }
        if (condition instanceof Condition.And c) {
            return "(" + condition(c.left()) + ") AND (" + condition(c.right()) + ")";
        }
        Condition.Or c = (Condition.Or) condition;
        return "(" + condition(c.left()) + ") OR (" + condition(c.right()) + ")";
    }

    /** Each condition parenthesized, joined by AND. */
    String all(List<Condition> conditions) {
        return conditions.stream().map(c -> "(" + condition(c) + ")").collect(Collectors.joining(" AND "));
    }

    /** The conditions joined by AND, in one pair of parentheses: one operand of a larger condition. */
    String group(List<Condition> conditions) {
        return conditions.size() == 1 ? all(conditions) : "(" + all(conditions) + ")";
    }

    /**
     * {@code IS MISSING} is {@code attribute_not_exists}; {@code IS NULL} holds for a missing
     * attribute too, as in PartiQL, where MISSING IS NULL.
     */
    private String is(Condition.Is is) {
        if (!(is.subject() instanceof Path path)) {
            throw DynamoDbException.validation(
                    "The left hand side argument to IS must be a Variable Reference, Literal, " + "or Path");
        }
        String subject = path(path);
        if (is.missing()) {
            return (is.negated() ? "attribute_exists(" : "attribute_not_exists(") + subject + ")";
        }
        String nullType = value(new AttributeValue.S("NULL"));
        return is.negated()
                ? "attribute_exists(" + subject + ") AND NOT attribute_type(" + subject + ", " + nullType + ")"
                : "attribute_not_exists(" + subject + ") OR attribute_type(" + subject + ", " + nullType + ")";
    }
}
