package io.kubedyn.core.partiql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.TableDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Each statement as the DynamoDB request it means, so that it runs on the same operations and
 * the same evaluator as that request would:
 *
 * <ul>
 *   <li>SELECT with an equality on the partition key: Query, a sort key condition in the key
 *       condition, everything else the filter; any other SELECT: Scan with the WHERE as filter.</li>
 *   <li>INSERT: PutItem on the condition that no item has the key.</li>
 *   <li>UPDATE: UpdateItem of the key the WHERE fixes, on the condition that the item exists and
 *       the rest of the WHERE holds.</li>
 *   <li>DELETE: DeleteItem of the key the WHERE fixes, on the condition that the rest of the
 *       WHERE holds if the item exists.</li>
 * </ul>
 */
public final class StatementTranslation {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes";

    private StatementTranslation() {
    }

    /** The request {@code statement} means on {@code table}, which it names. */
    public static EquivalentRequest of(Statement statement, TableDefinition table) {
        if (statement instanceof Statement.Select select) {
            return select(select, table);
        }
        if (statement instanceof Statement.Insert insert) {
            return insert(insert, table);
        }
        if (statement instanceof Statement.Update update) {
            return update(update, table);
        }
        return delete((Statement.Delete) statement, table);
    }

    /**
     * A SELECT of one item, as BatchExecuteStatement reads: its WHERE must fix the table's whole
     * key with equalities. A Query of that key, the rest of the WHERE its filter.
     */
    public static EquivalentRequest singleItemRead(Statement.Select select, TableDefinition table) {
        if (select.index() != null) {
            throw DynamoDbException.validation("This operation is not supported on an index");
        }
        KeyTerms key = KeyTerms.of(select.where(), table.keySchema());
        ExpressionText text = new ExpressionText();
        ObjectNode body = body(table.name());
        List<Condition> keyConditions = key.equalities();
        body.put("KeyConditionExpression", keyCondition(keyConditions, text));
        return new EquivalentRequest("Query", readBody(body, select, key.rest(), text));
    }

    private static EquivalentRequest select(Statement.Select select, TableDefinition table) {
        KeySchema keys = select.index() == null ? table.keySchema()
                : table.index(select.index()).map(SecondaryIndex::keySchema).orElse(table.keySchema());
        ObjectNode body = body(table.name());
        if (select.index() != null) {
            body.put("IndexName", select.index());
        }
        ExpressionText text = new ExpressionText();
        List<Condition> terms = select.where() == null ? List.of() : Condition.conjuncts(select.where());
        List<Condition> keyConditions = queryKeyConditions(terms, keys);
        List<Condition> rest = new ArrayList<>(terms);
        rest.removeAll(keyConditions);
        if (!keyConditions.isEmpty() && rest.stream().anyMatch(term -> refersToKey(term, keys))) {
            keyConditions = List.of();  // Query takes no key attribute in its filter: a Scan does
            rest = terms;
        }
        checkOrderBy(select, keys, !keyConditions.isEmpty());
        if (keyConditions.isEmpty()) {
            return new EquivalentRequest("Scan", readBody(body, select, rest, text));
        }
        body.put("KeyConditionExpression", keyCondition(keyConditions, text));
        keys.sortKeys().stream().findFirst().flatMap(sortKey -> select.orderBy().stream()
                        .filter(ordering -> ordering.attribute().equals(sortKey.name())).findFirst())
                .ifPresent(ordering -> body.put("ScanIndexForward", ordering.ascending()));
        return new EquivalentRequest("Query", readBody(body, select, rest, text));
    }

    /**
     * The terms a Query's key condition takes: an equality on each partition key attribute and,
     * if there is one, the first condition on a single sort key that a key condition allows. None
     * without every partition key equality.
     */
    private static List<Condition> queryKeyConditions(List<Condition> terms, KeySchema keys) {
        List<Condition> keyConditions = new ArrayList<>();
        for (KeyAttribute partitionKey : keys.partitionKeys()) {
            Optional<Condition> equality = terms.stream()
                    .filter(term -> equalityOn(term, partitionKey.name()).isPresent()).findFirst();
            if (equality.isEmpty()) {
                return List.of();
            }
            keyConditions.add(equality.get());
        }
        if (keys.sortKeys().size() == 1) {
            String sortKey = keys.sortKeys().get(0).name();
            terms.stream().filter(term -> sortKeyCondition(term, sortKey)).findFirst().ifPresent(keyConditions::add);
        }
        return keyConditions;
    }

    /** Key condition terms joined by AND, each equality written attribute first, as a key condition wants it. */
    private static String keyCondition(List<Condition> terms, ExpressionText text) {
        List<String> parts = new ArrayList<>();
        for (Condition term : terms) {
            if (term instanceof Condition.Comparison c && c.left() instanceof Operand.Literal) {
                term = new Condition.Comparison(c.right(), c.comparator(), c.left());
            }
            parts.add(text.condition(term));
        }
        return String.join(" AND ", parts);
    }

    private static void checkOrderBy(Statement.Select select, KeySchema keys, boolean query) {
        if (select.orderBy().isEmpty()) {
            return;
        }
        if (select.where() == null) {
            throw DynamoDbException.validation("Must have WHERE clause in the statement when using ORDER BY clause.");
        }
        for (Statement.Ordering ordering : select.orderBy()) {
            if (!keys.isKeyAttribute(ordering.attribute())) {
                throw DynamoDbException.validation("Variable reference " + ordering.attribute()
                        + " in ORDER BY clause must be part of the primary key");
            }
        }
        if (!query) {
            throw DynamoDbException.validation("Must have at least one non-optional hash key condition in WHERE clause "
                    + "when using ORDER BY clause.");
        }
    }

    private static ObjectNode readBody(ObjectNode body, Statement.Select select, List<Condition> filter,
                                       ExpressionText text) {
        if (!filter.isEmpty()) {
            body.put("FilterExpression", text.all(filter));
        }
        if (!select.projection().isEmpty()) {
            body.put("ProjectionExpression", String.join(", ", select.projection().stream().map(text::path).toList()));
        }
        return withAttributes(body, text);
    }

    private static EquivalentRequest insert(Statement.Insert insert, TableDefinition table) {
        ExpressionText text = new ExpressionText();
        ObjectNode body = body(table.name());
        body.set("Item", item(insert.item()));
        body.put("ConditionExpression", table.keySchema().partitionKeys().stream()
                .map(key -> "attribute_not_exists(" + text.name(key.name()) + ")").reduce((a, b) -> a + " AND " + b)
                .orElseThrow());
        return new EquivalentRequest("PutItem", withAttributes(body, text));
    }

    private static EquivalentRequest update(Statement.Update update, TableDefinition table) {
        KeyTerms key = KeyTerms.of(update.where(), table.keySchema());
        ExpressionText text = new ExpressionText();
        ObjectNode body = body(table.name());
        body.set("Key", item(key.values()));
        body.put("UpdateExpression", UpdateText.of(update.actions(), text));
        String exists = "attribute_exists(" + text.name(table.keySchema().partitionKeys().get(0).name()) + ")";
        body.put("ConditionExpression", key.rest().isEmpty() ? exists : exists + " AND " + text.group(key.rest()));
        body.put("ReturnValues", update.returnValues());
        return new EquivalentRequest("UpdateItem", withAttributes(body, text));
    }

    private static EquivalentRequest delete(Statement.Delete delete, TableDefinition table) {
        KeyTerms key = KeyTerms.of(delete.where(), table.keySchema());
        ExpressionText text = new ExpressionText();
        ObjectNode body = body(table.name());
        body.set("Key", item(key.values()));
        if (!key.rest().isEmpty()) {
            // A missing item is deleted without a check; an item that is there must meet the rest.
            body.put("ConditionExpression", "attribute_not_exists("
                    + text.name(table.keySchema().partitionKeys().get(0).name()) + ") OR " + text.group(key.rest()));
        }
        body.put("ReturnValues", delete.returnValues());
        return new EquivalentRequest("DeleteItem", withAttributes(body, text));
    }

    /**
     * The equalities of a WHERE that fix one item's whole key, its key values, and the terms
     * left over, which become the write's condition.
     */
    private record KeyTerms(List<Condition> equalities, Map<String, AttributeValue> values, List<Condition> rest) {
        static KeyTerms of(Condition where, KeySchema keys) {
            List<Condition> terms = Condition.conjuncts(where);
            List<Condition> equalities = new ArrayList<>();
            Map<String, AttributeValue> values = new LinkedHashMap<>();
            for (KeyAttribute key : keys.attributes()) {
                Condition equality = null;
                for (Condition term : terms) {
                    Optional<AttributeValue> value = equalityOn(term, key.name());
                    if (value.isPresent()) {
                        if (equality != null) {
                            throw multipleConditions(key.name());
                        }
                        equality = term;
                        values.put(key.name(), value.get());
                    }
                }
                if (equality == null) {
                    throw DynamoDbException.validation(INCOMPLETE_KEY);
                }
                equalities.add(equality);
            }
            List<Condition> rest = new ArrayList<>(terms);
            rest.removeAll(equalities);
            for (Condition term : rest) {
                for (String attribute : attributes(term)) {
                    if (keys.isKeyAttribute(attribute)) {
                        throw multipleConditions(attribute);
                    }
                }
            }
            return new KeyTerms(equalities, values, rest);
        }

        private static DynamoDbException multipleConditions(String key) {
            return DynamoDbException.validation("Multiple conditions on same key " + key
                    + ". Only single item Update/Insert/Delete are supported");
        }
    }

    /** The value {@code term} sets {@code attribute} equal to, if it is {@code attribute = value} (or {@code value = attribute}). */
    private static Optional<AttributeValue> equalityOn(Condition term, String attribute) {
        if (term instanceof Condition.Comparison c && c.comparator().equals("=")) {
            if (isAttribute(c.left(), attribute) && c.right() instanceof Operand.Literal value) {
                return Optional.of(value.value());
            }
            if (isAttribute(c.right(), attribute) && c.left() instanceof Operand.Literal value) {
                return Optional.of(value.value());
            }
        }
        return Optional.empty();
    }

    /** Whether {@code term} is a condition on the sort key that a key condition takes. */
    private static boolean sortKeyCondition(Condition term, String sortKey) {
        if (term instanceof Condition.Comparison c) {
            return !c.comparator().equals("<>") && isAttribute(c.left(), sortKey) && c.right() instanceof Operand.Literal;
        }
        if (term instanceof Condition.Between b) {
            return isAttribute(b.subject(), sortKey) && b.low() instanceof Operand.Literal
                    && b.high() instanceof Operand.Literal;
        }
        return term instanceof Operand.Function f && f.name().equals("begins_with") && f.arguments().size() == 2
                && isAttribute(f.arguments().get(0), sortKey) && f.arguments().get(1) instanceof Operand.Literal;
    }

    private static boolean isAttribute(Operand operand, String attribute) {
        return operand instanceof Path path && path.isAttribute() && path.attribute().equals(attribute);
    }

    private static boolean refersToKey(Condition term, KeySchema keys) {
        return attributes(term).stream().anyMatch(keys::isKeyAttribute);
    }

    /** The top-level attributes {@code condition} refers to. */
    static Set<String> attributes(Condition condition) {
        Set<String> names = new HashSet<>();
        collect(condition, names);
        return names;
    }

    private static void collect(Object part, Set<String> names) {
        if (part instanceof Path path) {
            names.add(path.attribute());
        } else if (part instanceof Operand.Function f) {
            f.arguments().forEach(argument -> collect(argument, names));
        } else if (part instanceof Condition.Comparison c) {
            collect(c.left(), names);
            collect(c.right(), names);
        } else if (part instanceof Condition.Between b) {
            collect(b.subject(), names);
            collect(b.low(), names);
            collect(b.high(), names);
        } else if (part instanceof Condition.In in) {
            collect(in.subject(), names);
        } else if (part instanceof Condition.Is is) {
            collect(is.subject(), names);
        } else if (part instanceof Condition.Not not) {
            collect(not.condition(), names);
        } else if (part instanceof Condition.And and) {
            collect(and.left(), names);
            collect(and.right(), names);
        } else if (part instanceof Condition.Or or) {
            collect(or.left(), names);
            collect(or.right(), names);
        }
    }

    private static ObjectNode body(String tableName) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("TableName", tableName);
        return body;
    }

    private static ObjectNode withAttributes(ObjectNode body, ExpressionText text) {
        if (!text.names().isEmpty()) {
            ObjectNode names = body.putObject("ExpressionAttributeNames");
            text.names().forEach(names::put);
        }
        if (!text.values().isEmpty()) {
            body.set("ExpressionAttributeValues", item(text.values()));
        }
        return body;
    }

    /** An item (or any map of attribute values) in DynamoDB's JSON. */
    static JsonNode item(Map<String, AttributeValue> item) {
        try (TokenBuffer buffer = new TokenBuffer(JSON, false)) {
            AttributeValueJson.writeItem(buffer, item);
            return JSON.readTree(buffer.asParser());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
