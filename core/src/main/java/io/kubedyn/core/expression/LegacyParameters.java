package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.SortKeyCondition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The legacy parameters older clients still send (Expected, QueryFilter, ScanFilter,
 * ConditionalOperator, KeyConditions, AttributeUpdates, AttributesToGet), translated onto the
 * same evaluator as the expressions, with DynamoDB's validation messages.
 *
 * <p>Deliberate difference: a run-time type mismatch in AttributeUpdates reports the
 * UpdateExpression message ("An operand in the update expression has an incorrect data type").
 */
public final class LegacyParameters {

    private LegacyParameters() {}

    /** The ComparisonOperator of a legacy condition. */
    public enum ComparisonOperator {
        EQ,
        NE,
        LE,
        LT,
        GE,
        GT,
        NOT_NULL,
        NULL,
        CONTAINS,
        NOT_CONTAINS,
        BEGINS_WITH,
        IN,
        BETWEEN;

        public static ComparisonOperator parse(String text, String parameter) {
            for (ComparisonOperator op : values()) {
                if (op.name().equals(text)) {
                    return op;
                }
            }
            throw DynamoDbException.validation("1 validation error detected: Value '" + text + "' at '" + parameter
                    + ".member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]");
        }
    }

    /** One entry of QueryFilter, ScanFilter or KeyConditions: a ComparisonOperator and its AttributeValueList. */
    public record AttributeCondition(ComparisonOperator operator, List<AttributeValue> values) {
        public AttributeCondition {
            values = values == null ? List.of() : List.copyOf(values);
        }
    }

    /**
     * One entry of Expected: either {@code Value}/{@code Exists}, or {@code ComparisonOperator}
     * with {@code AttributeValueList} (or with {@code Value} as its single argument). Absent
     * members are null.
     */
    public record ExpectedAttribute(
            AttributeValue value,
            Boolean exists,
            ComparisonOperator operator,
            List<AttributeValue> attributeValueList) {}

    /** One entry of AttributeUpdates: Action PUT (the default), ADD or DELETE, and an optional Value. */
    public record AttributeUpdate(String action, AttributeValue value) {}

    // ---- Expected, QueryFilter, ScanFilter ------------------------------------------------------

    /** Expected (PutItem, UpdateItem, DeleteItem) with ConditionalOperator (null for AND). */
    public static ConditionExpression expected(Map<String, ExpectedAttribute> expected, String conditionalOperator) {
        boolean or = or(conditionalOperator, expected.size());
        Condition result = null;
        for (Map.Entry<String, ExpectedAttribute> e : expected.entrySet()) {
            Condition c = expectedCondition(e.getKey(), e.getValue());
            result = result == null ? c : or ? new Condition.Or(result, c) : new Condition.And(result, c);
        }
        return ConditionExpression.of(
                "Expected " + expected.keySet(), result == null ? new Condition.Always() : result);
    }

    /**
     * QueryFilter or ScanFilter (named by {@code parameter} in messages) with ConditionalOperator
     * (null for AND).
     */
    public static ConditionExpression filter(
            String parameter, Map<String, AttributeCondition> filter, String conditionalOperator) {
        boolean or = or(conditionalOperator, filter.size());
        Condition result = null;
        for (Map.Entry<String, AttributeCondition> e : filter.entrySet()) {
            Condition c =
                    condition(e.getKey(), e.getValue().operator(), e.getValue().values());
            result = result == null ? c : or ? new Condition.Or(result, c) : new Condition.And(result, c);
        }
        return ConditionExpression.of(
                parameter + " " + filter.keySet(), result == null ? new Condition.Always() : result);
    }

    private static boolean or(String conditionalOperator, int conditions) {
        if (conditionalOperator == null || conditionalOperator.equals("AND")) {
            return false;
        }
        if (conditionalOperator.equals("OR")) {
            return true;
        }
        throw DynamoDbException.validation(
                "1 validation error detected: Value '" + conditionalOperator
                        + "' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]");
    }

    private static Condition expectedCondition(String name, ExpectedAttribute expected) {
        if (expected.attributeValueList() != null && expected.value() != null) {
            throw invalidParameter("Value and AttributeValueList cannot be used together for Attribute: " + name);
        }
        if (expected.operator() != null) {
            if (expected.exists() != null) {
                throw invalidParameter("Exists and ComparisonOperator cannot be used together for Attribute: " + name);
            }
            List<AttributeValue> values = expected.attributeValueList() != null
                    ? expected.attributeValueList()
                    : expected.value() != null ? List.of(expected.value()) : List.of();
            ComparisonOperator op = expected.operator();
            if (op != ComparisonOperator.NULL
                    && op != ComparisonOperator.NOT_NULL
                    && expected.attributeValueList() == null
                    && expected.value() == null) {
                throw invalidParameter("Value or AttributeValueList must be used with ComparisonOperator: " + op
                        + " for Attribute: " + name);
            }
            return condition(name, op, values);
        }
        if (expected.attributeValueList() != null) {
            throw invalidParameter(
                    "AttributeValueList can only be used with a ComparisonOperator for Attribute: " + name);
        }
        boolean exists = expected.exists() == null || expected.exists();
        if (exists && expected.value() == null) {
            throw invalidParameter("Value must be provided when Exists is "
                    + (expected.exists() == null ? "null" : "true") + " for Attribute: " + name);
        }
        if (!exists && expected.value() != null) {
            throw invalidParameter("Value cannot be used when Exists is false for Attribute: " + name);
        }
        DocumentPath path = DocumentPath.of(name);
        return exists
                ? new Condition.Comparison(Condition.Comparator.EQ, new Operand.Path(path), value(expected.value()))
                : new Condition.AttributeExists(path, false);
    }

    /** One legacy condition on a top-level attribute, validated as DynamoDB validates it. */
    private static Condition condition(String name, ComparisonOperator op, List<AttributeValue> values) {
        checkArguments(op, values);
        Operand path = new Operand.Path(DocumentPath.of(name));
        switch (op) {
            case EQ:
                return new Condition.Comparison(Condition.Comparator.EQ, path, value(values.get(0)));
            case NE:
                return new Condition.Comparison(Condition.Comparator.NE, path, value(values.get(0)));
            case LE:
                return new Condition.Comparison(Condition.Comparator.LE, path, value(values.get(0)));
            case LT:
                return new Condition.Comparison(Condition.Comparator.LT, path, value(values.get(0)));
            case GE:
                return new Condition.Comparison(Condition.Comparator.GE, path, value(values.get(0)));
            case GT:
                return new Condition.Comparison(Condition.Comparator.GT, path, value(values.get(0)));
            case NULL:
                return new Condition.AttributeExists(DocumentPath.of(name), false);
            case NOT_NULL:
                return new Condition.AttributeExists(DocumentPath.of(name), true);
            case CONTAINS:
                return new Condition.Contains(path, value(values.get(0)));
            case NOT_CONTAINS:
                // Unlike NOT contains(a, :v), NOT_CONTAINS is false for a missing attribute.
                return new Condition.And(
                        new Condition.AttributeExists(DocumentPath.of(name), true),
                        new Condition.Not(new Condition.Contains(path, value(values.get(0)))));
            case BEGINS_WITH:
                return new Condition.BeginsWith(path, value(values.get(0)));
            case IN: {
                List<Operand> candidates = new ArrayList<>();
                for (AttributeValue v : values) {
                    candidates.add(value(v));
                }
                return new Condition.In(path, candidates);
            }
            default:
                return new Condition.Between(path, value(values.get(0)), value(values.get(1)));
        }
    }

    private static void checkArguments(ComparisonOperator op, List<AttributeValue> values) {
        boolean countOk;
        switch (op) {
            case NULL:
            case NOT_NULL:
                countOk = values.isEmpty();
                break;
            case IN:
                countOk = !values.isEmpty();
                break;
            case BETWEEN:
                countOk = values.size() == 2;
                break;
            default:
                countOk = values.size() == 1;
        }
        if (!countOk) {
            throw invalidParameter("Invalid number of argument(s) for the " + op + " ComparisonOperator");
        }
        for (AttributeValue v : values) {
            if (!v.type().equals(values.get(0).type())) {
                throw invalidParameter("AttributeValues inside AttributeValueList must be of same type");
            }
        }
        Set<String> allowed;
        switch (op) {
            case EQ:
            case NE:
            case NULL:
            case NOT_NULL:
                return;
            case BEGINS_WITH:
                allowed = Set.of("S", "B");
                break;
            default:
                allowed = Set.of("S", "N", "B");
        }
        for (AttributeValue v : values) {
            if (!allowed.contains(v.type())) {
                throw invalidParameter(
                        "ComparisonOperator " + op + " is not valid for " + v.type() + " AttributeValue type");
            }
        }
        if (op == ComparisonOperator.BETWEEN) {
            Integer order = Values.compare(values.get(0), values.get(1));
            if (order != null && order > 0) {
                throw DynamoDbException.validation("The BETWEEN condition was provided a range where the lower bound "
                        + "is greater than the upper bound");
            }
        }
    }

    private static Operand value(AttributeValue value) {
        return new Operand.Value(null, value);
    }

    private static DynamoDbException invalidParameter(String detail) {
        return DynamoDbException.validation("One or more parameter values were invalid: " + detail);
    }

    // ---- KeyConditions ---------------------------------------------------------------------------

    /**
     * Query's KeyConditions, checked as far as they can be before the key schema is known: each
     * condition's arguments, and that there are one or two.
     */
    public static void checkKeyConditions(Map<String, AttributeCondition> conditions) {
        for (AttributeCondition condition : conditions.values()) {
            checkArguments(condition.operator(), condition.values());
        }
        if (conditions.size() != 1 && conditions.size() != 2) {
            throw DynamoDbException.validation("Conditions can be of length 1 or 2 only");
        }
    }

    /** Query's KeyConditions, checked against the key schema of the table or index. */
    public static KeyCondition keyConditions(Map<String, AttributeCondition> conditions, KeySchema schema) {
        if (schema.isMultiAttribute()) {
            throw DynamoDbException.validation(
                    "KeyConditions cannot query an index with a multi-attribute key; " + "use KeyConditionExpression");
        }
        Map<String, AttributeCondition> remaining = new LinkedHashMap<>(conditions);
        AttributeCondition pk = remaining.remove(schema.partitionKey().name());
        if (pk == null) {
            throw DynamoDbException.validation("Query condition missed key schema element: "
                    + schema.partitionKey().name());
        }
        checkArguments(pk.operator(), pk.values());
        if (pk.operator() != ComparisonOperator.EQ) {
            throw DynamoDbException.validation("Attempted conditional constraint is not an indexable operation");
        }
        checkKeyType(schema.partitionKey().type().name(), pk.values().get(0));
        if (remaining.isEmpty()) {
            return new KeyCondition(pk.values().get(0), Optional.empty());
        }
        if (schema.sortKey().isEmpty()
                || remaining.size() > 1
                || !remaining.containsKey(schema.sortKey().get().name())) {
            throw DynamoDbException.validation("Query condition missed key schema element: "
                    + schema.sortKey()
                            .map(k -> k.name())
                            .orElse(schema.partitionKey().name()));
        }
        AttributeCondition sk = remaining.values().iterator().next();
        checkArguments(sk.operator(), sk.values());
        SortKeyCondition.Operator operator;
        switch (sk.operator()) {
            case EQ:
                operator = SortKeyCondition.Operator.EQ;
                break;
            case LE:
                operator = SortKeyCondition.Operator.LE;
                break;
            case LT:
                operator = SortKeyCondition.Operator.LT;
                break;
            case GE:
                operator = SortKeyCondition.Operator.GE;
                break;
            case GT:
                operator = SortKeyCondition.Operator.GT;
                break;
            case BEGINS_WITH:
                operator = SortKeyCondition.Operator.BEGINS_WITH;
                break;
            case BETWEEN:
                operator = SortKeyCondition.Operator.BETWEEN;
                break;
            default:
                throw DynamoDbException.validation("Attempted conditional constraint is not an indexable operation");
        }
        for (AttributeValue v : sk.values()) {
            checkKeyType(schema.sortKey().get().type().name(), v);
        }
        return new KeyCondition(
                pk.values().get(0),
                Optional.of(new SortKeyCondition(
                        operator,
                        sk.values().get(0),
                        operator == SortKeyCondition.Operator.BETWEEN
                                ? sk.values().get(1)
                                : null)));
    }

    private static void checkKeyType(String keyType, AttributeValue value) {
        if (!keyType.equals(value.type())) {
            throw invalidParameter("Condition parameter type does not match schema type");
        }
    }

    // ---- AttributeUpdates, AttributesToGet --------------------------------------------------------

    /** UpdateItem's AttributeUpdates, on top-level attributes. */
    public static UpdateExpression attributeUpdates(Map<String, AttributeUpdate> updates) {
        List<UpdateExpression.Action> actions = new ArrayList<>();
        for (Map.Entry<String, AttributeUpdate> e : updates.entrySet()) {
            DocumentPath path = DocumentPath.of(e.getKey());
            String action = e.getValue().action() == null
                    ? "PUT"
                    : e.getValue().action().toUpperCase(Locale.ROOT);
            AttributeValue value = e.getValue().value();
            if (value == null && !action.equals("DELETE")) {
                throw invalidParameter("Only DELETE action is allowed when no attribute value is specified");
            }
            switch (action) {
                case "PUT":
                    actions.add(new UpdateExpression.SetAction(path, value(value)));
                    break;
                case "DELETE":
                    if (value == null) {
                        actions.add(new UpdateExpression.RemoveAction(path));
                    } else if (value instanceof AttributeValue.SS
                            || value instanceof AttributeValue.NS
                            || value instanceof AttributeValue.BS) {
                        actions.add(new UpdateExpression.DeleteAction(path, value));
                    } else {
                        throw invalidParameter(
                                "DELETE action with value is not supported for the type " + value.type());
                    }
                    break;
                case "ADD":
                    if (value instanceof AttributeValue.L) {
                        // Legacy ADD appends to a list (creating it when missing).
                        Operand existing = new Operand.IfNotExists(path, value(new AttributeValue.L(List.of())));
                        actions.add(
                                new UpdateExpression.SetAction(path, new Operand.ListAppend(existing, value(value))));
                    } else if (value instanceof AttributeValue.N
                            || value instanceof AttributeValue.SS
                            || value instanceof AttributeValue.NS
                            || value instanceof AttributeValue.BS) {
                        actions.add(new UpdateExpression.AddAction(path, value));
                    } else {
                        throw invalidParameter("ADD action is not supported for the type " + value.type());
                    }
                    break;
                default:
                    throw DynamoDbException.validation("1 validation error detected: Value '" + action
                            + "' at 'attributeUpdates." + e.getKey() + ".member.action' failed to satisfy constraint: "
                            + "Member must satisfy enum value set: [ADD, PUT, DELETE]");
            }
        }
        return UpdateExpression.of("AttributeUpdates " + updates.keySet(), actions);
    }

    /** AttributesToGet (GetItem, BatchGetItem, Query, Scan): top-level attributes, no duplicates. */
    public static ProjectionExpression attributesToGet(List<String> names) {
        Set<String> seen = new HashSet<>();
        List<DocumentPath> paths = new ArrayList<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw invalidParameter("Duplicate value in attribute name: " + name);
            }
            paths.add(DocumentPath.of(name));
        }
        return ProjectionExpression.of("AttributesToGet " + names, paths);
    }
}
