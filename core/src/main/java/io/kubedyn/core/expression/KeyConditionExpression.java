package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.SortKeyCondition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Query's KeyConditionExpression: the condition language restricted as DynamoDB restricts it,
 * {@code pk = :v} optionally AND-ed with one of {@code = < <= > >= BETWEEN begins_with} on the
 * sort key, turned into a {@link KeyCondition}. On a global index with a multi-attribute key,
 * {@code =} on every partition attribute and conditions on the sort attributes from the left.
 */
public final class KeyConditionExpression {
    static final String KIND = "KeyConditionExpression";

    private KeyConditionExpression() {}

    /** One condition on one key attribute. */
    private record KeyTerm(
            String attribute, SortKeyCondition.Operator operator, AttributeValue value, AttributeValue upper) {}

    public static KeyCondition parse(String text, ExpressionAttributes attributes, KeySchema schema) {
        return build(ExpressionParser.parse(KIND, text, SyntaxTree.StartRule.CONDITION), attributes, schema);
    }

    /** The key condition of a tree parsed with {@link SyntaxTree.StartRule#CONDITION}. */
    static KeyCondition build(SyntaxTree tree, ExpressionAttributes attributes, KeySchema schema) {
        return terms(tree, attributes).on(schema);
    }

    /**
     * What a key condition says before it is held against a key schema: one condition per
     * attribute, each of a form a key condition may take. DynamoDB checks this much before it looks
     * the table up.
     */
    public static final class Terms {
        private final Condition condition;
        private Map<String, KeyTerm> terms;

        private Terms(Condition condition) {
            this.condition = condition;
        }

        /**
         * The terms, checked when first asked for: DynamoDB checks the form of a key condition's
         * terms after it has parsed every expression of the request.
         */
        private Map<String, KeyTerm> terms() {
            if (terms == null) {
                terms = termsOf(condition);
            }
            return terms;
        }

        /** The key condition on the table's or index's {@code schema}. */
        public KeyCondition on(KeySchema schema) {
            return bind(new LinkedHashMap<>(terms()), schema);
        }

        /** Each attribute's condition as the legacy KeyConditions would state it. */
        public Map<String, LegacyParameters.AttributeCondition> conditions() {
            Map<String, LegacyParameters.AttributeCondition> conditions = new LinkedHashMap<>();
            terms().forEach((name, term) -> conditions.put(
                    name,
                    new LegacyParameters.AttributeCondition(
                            LegacyParameters.ComparisonOperator.valueOf(
                                    term.operator().name()),
                            term.upper() == null ? List.of(term.value()) : List.of(term.value(), term.upper()))));
            return conditions;
        }
    }

    /** The terms of a tree parsed with {@link SyntaxTree.StartRule#CONDITION}. */
    static Terms terms(SyntaxTree tree, ExpressionAttributes attributes) {
        return new Terms(ExpressionBuilder.buildCondition(KIND, tree, attributes));
    }

    private static Map<String, KeyTerm> termsOf(Condition condition) {
        List<Condition> leaves = new ArrayList<>();
        flatten(condition, leaves);
        Map<String, KeyTerm> terms = new LinkedHashMap<>();
        for (Condition leaf : leaves) {
            KeyTerm term = term(leaf);
            if (terms.put(term.attribute(), term) != null) {
                throw DynamoDbException.validation("KeyConditionExpressions must only contain one condition per key");
            }
        }
        // One or two conditions on a table's key; up to eight on a global index's multi-attribute key.
        if (terms.isEmpty() || terms.size() > 2 * KeySchema.MAX_ATTRIBUTES_PER_ROLE) {
            throw DynamoDbException.validation("Conditions can be of length 1 or 2 only");
        }
        return terms;
    }

    private static KeyCondition bind(Map<String, KeyTerm> terms, KeySchema schema) {
        if (schema.isMultiAttribute()) {
            return multiAttribute(terms, schema);
        }
        KeyAttribute pk = schema.partitionKey();
        KeyTerm pkTerm = terms.remove(pk.name());
        if (pkTerm == null) {
            throw DynamoDbException.validation("Query condition missed key schema element: " + pk.name());
        }
        checkPartitionTerm(pk, pkTerm);
        Optional<SortKeyCondition> sortKey = Optional.empty();
        if (!terms.isEmpty()) {
            KeyTerm skTerm = terms.values().iterator().next();
            Optional<KeyAttribute> sk = schema.sortKey();
            if (sk.isEmpty()) {
                throw DynamoDbException.validation("Query key condition not supported");
            }
            if (terms.size() > 1 || !skTerm.attribute().equals(sk.get().name())) {
                throw DynamoDbException.validation(
                        "Query condition missed key schema element: " + sk.get().name());
            }
            checkSortTerm(sk.get(), skTerm);
            sortKey = Optional.of(new SortKeyCondition(skTerm.operator(), skTerm.value(), skTerm.upper()));
        }
        return new KeyCondition(pkTerm.value(), sortKey);
    }

    /**
     * A condition on a multi-attribute key, as DynamoDB takes it: equality on every partition
     * attribute; on the sort attributes, conditions from left to right without a gap, equality on
     * each but the last one named.
     */
    private static KeyCondition multiAttribute(Map<String, KeyTerm> terms, KeySchema schema) {
        List<AttributeValue> partition = new ArrayList<>();
        for (KeyAttribute key : schema.partitionKeys()) {
            KeyTerm term = terms.remove(key.name());
            if (term == null) {
                throw DynamoDbException.validation("Query condition missed key schema element: " + key.name());
            }
            checkPartitionTerm(key, term);
            partition.add(term.value());
        }
        List<KeyTerm> sortTerms = new ArrayList<>();
        for (KeyAttribute key : schema.sortKeys()) {
            KeyTerm term = terms.remove(key.name());
            if (term == null) {
                break;
            }
            if (!sortTerms.isEmpty()
                    && sortTerms.get(sortTerms.size() - 1).operator() != SortKeyCondition.Operator.EQ) {
                throw DynamoDbException.validation("Query key condition not supported: only the last sort key "
                        + "attribute of a condition may use an operator other than =; "
                        + sortTerms.get(sortTerms.size() - 1).attribute() + " is followed by " + key.name());
            }
            checkSortTerm(key, term);
            sortTerms.add(term);
        }
        if (!terms.isEmpty()) {
            if (sortTerms.size() == schema.sortKeys().size()) {
                // A condition on an attribute that is not a key attribute of the index.
                throw DynamoDbException.validation("Query key condition not supported");
            }
            String skipped = schema.sortKeys().get(sortTerms.size()).name();
            throw DynamoDbException.validation("Query condition missed key schema element: " + skipped);
        }
        Optional<SortKeyCondition> sortKey = Optional.empty();
        if (!sortTerms.isEmpty()) {
            KeyTerm last = sortTerms.get(sortTerms.size() - 1);
            List<AttributeValue> lower = new ArrayList<>();
            sortTerms.forEach(t -> lower.add(t.value()));
            AttributeValue upper = null;
            if (last.upper() != null) {
                List<AttributeValue> upperParts = new ArrayList<>(lower.subList(0, lower.size() - 1));
                upperParts.add(last.upper());
                upper = KeySchema.keyValue(upperParts);
            }
            sortKey = Optional.of(new SortKeyCondition(last.operator(), KeySchema.keyValue(lower), upper));
        }
        return new KeyCondition(KeySchema.keyValue(partition), sortKey);
    }

    private static void checkPartitionTerm(KeyAttribute key, KeyTerm term) {
        if (term.operator() != SortKeyCondition.Operator.EQ) {
            throw DynamoDbException.validation("Query key condition not supported");
        }
        checkType(key, term.value());
        if (isEmpty(term.value())) {
            throw DynamoDbException.validation(
                    "One or more parameter values are not valid. The AttributeValue for a key "
                            + "attribute cannot contain an empty "
                            + (term.value() instanceof AttributeValue.S ? "string" : "binary")
                            + " value. Key: " + key.name());
        }
    }

    private static void checkSortTerm(KeyAttribute key, KeyTerm term) {
        checkType(key, term.value());
        if (term.upper() != null) {
            checkType(key, term.upper());
        }
        if (term.operator() == SortKeyCondition.Operator.BEGINS_WITH
                && key.type().name().equals("N")) {
            throw DynamoDbException.validation("Invalid " + KIND + ": Incorrect operand type for operator or "
                    + "function; operator or function: begins_with, operand type: N");
        }
    }

    private static boolean isEmpty(AttributeValue value) {
        return (value instanceof AttributeValue.S s && s.value().isEmpty())
                || (value instanceof AttributeValue.B b && b.value().length() == 0);
    }

    private static void checkType(KeyAttribute key, AttributeValue value) {
        if (!key.type().matches(value)) {
            throw DynamoDbException.validation(
                    "One or more parameter values were invalid: Condition parameter type does not match schema type");
        }
    }

    private static void flatten(Condition condition, List<Condition> leaves) {
        if (condition instanceof Condition.And and) {
            flatten(and.left(), leaves);
            flatten(and.right(), leaves);
        } else if (condition instanceof Condition.Or) {
            throw unsupportedOperator("OR");
        } else if (condition instanceof Condition.Not) {
            throw unsupportedOperator("NOT");
        } else if (condition instanceof Condition.In) {
            throw unsupportedOperator("IN");
        } else if (condition instanceof Condition.AttributeExists exists) {
            throw unsupportedOperator(exists.exists() ? "attribute_exists" : "attribute_not_exists");
        } else if (condition instanceof Condition.AttributeType) {
            throw unsupportedOperator("attribute_type");
        } else if (condition instanceof Condition.Contains) {
            throw unsupportedOperator("contains");
        } else {
            leaves.add(condition);
        }
    }

    private static DynamoDbException unsupportedOperator(String operator) {
        return DynamoDbException.validation("Invalid operator used in KeyConditionExpression: " + operator);
    }

    /**
     * One leaf of the condition as a term on one key attribute, refused in DynamoDB's words and
     * order: BETWEEN and begins_with must name the key first; then operand by operand, a second
     * attribute name, a nested path or a function; last, a leaf that names no attribute.
     */
    private static KeyTerm term(Condition leaf) {
        List<Operand> operands;
        if (leaf instanceof Condition.Comparison c) {
            if (c.comparator() == Condition.Comparator.NE) {
                throw unsupportedOperator("<>");
            }
            operands = List.of(c.left(), c.right());
        } else if (leaf instanceof Condition.Between b) {
            if (!(b.value() instanceof Operand.Path)) {
                throw invalidCondition("BETWEEN operator must have the key attribute as its first operand");
            }
            operands = List.of(b.value(), b.lower(), b.upper());
        } else {
            Condition.BeginsWith beginsWith = (Condition.BeginsWith) leaf;
            if (!(beginsWith.value() instanceof Operand.Path)) {
                throw invalidCondition("begins_with operator must have the key attribute as its first operand");
            }
            operands = List.of(beginsWith.value(), beginsWith.prefix());
        }
        String name = null;
        for (Operand operand : operands) {
            if (operand instanceof Operand.Path path) {
                if (name != null) {
                    throw invalidCondition("Multiple attribute names used in one condition");
                }
                if (!path.path().isTopLevel()) {
                    throw DynamoDbException.validation(
                            "KeyConditionExpressions cannot have conditions on nested attributes");
                }
                name = path.path().topLevelName();
            } else if (operand instanceof Operand.Size) {
                throw DynamoDbException.validation("KeyConditionExpressions cannot contain nested operations");
            }
        }
        if (name == null) {
            throw invalidCondition("No key attribute specified");
        }
        if (leaf instanceof Condition.Comparison c) {
            // ":v < sk" is "sk > :v".
            return c.left() instanceof Operand.Path
                    ? new KeyTerm(name, operator(c.comparator()), keyValue(c.right()), null)
                    : new KeyTerm(name, operator(mirror(c.comparator())), keyValue(c.left()), null);
        }
        if (leaf instanceof Condition.Between b) {
            return new KeyTerm(name, SortKeyCondition.Operator.BETWEEN, keyValue(b.lower()), keyValue(b.upper()));
        }
        return new KeyTerm(
                name, SortKeyCondition.Operator.BEGINS_WITH, keyValue(((Condition.BeginsWith) leaf).prefix()), null);
    }

    private static DynamoDbException invalidCondition(String detail) {
        return DynamoDbException.validation("Invalid condition in KeyConditionExpression: " + detail);
    }

    private static AttributeValue keyValue(Operand operand) {
        return ((Operand.Value) operand).value();
    }

    private static SortKeyCondition.Operator operator(Condition.Comparator comparator) {
        switch (comparator) {
            case EQ:
                return SortKeyCondition.Operator.EQ;
            case LT:
                return SortKeyCondition.Operator.LT;
            case LE:
                return SortKeyCondition.Operator.LE;
            case GT:
                return SortKeyCondition.Operator.GT;
            default:
                return SortKeyCondition.Operator.GE;
        }
    }

    private static Condition.Comparator mirror(Condition.Comparator comparator) {
        switch (comparator) {
            case LT:
                return Condition.Comparator.GT;
            case LE:
                return Condition.Comparator.GE;
            case GT:
                return Condition.Comparator.LT;
            case GE:
                return Condition.Comparator.LE;
            default:
                return comparator;
        }
    }
}
