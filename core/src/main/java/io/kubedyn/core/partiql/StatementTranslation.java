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
import io.kubedyn.core.ScalarType;
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
 *   <li>SELECT with an equality, an IN, or equalities joined by OR on the partition key: a
 *       Query of each partition key value, a sort key condition in the key condition, everything else the filter; any other
 *       SELECT: Scan with the WHERE as filter.</li>
 *   <li>INSERT: PutItem on the condition that no item has the key.</li>
 *   <li>UPDATE: UpdateItem of the key the WHERE fixes, on the condition that the item exists and
 *       the rest of the WHERE holds.</li>
 *   <li>DELETE: DeleteItem of the key the WHERE fixes, on the condition that the rest of the
 *       WHERE holds if the item exists.</li>
 * </ul>
 */
public final class StatementTranslation {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INCOMPLETE_KEY =
            "Where clause does not contain a mandatory equality on all key attributes";

    private StatementTranslation() {}

    /** The request a writing {@code statement} means on {@code table}, which it names. */
    public static EquivalentRequest write(Statement statement, TableDefinition table) {
        if (statement instanceof Statement.Insert insert) {
            return insert(insert, table);
        }
        if (statement instanceof Statement.Update update) {
            return update(update, table);
        }
        if (statement instanceof Statement.Delete delete) {
            return delete(delete, table);
        }
        if (statement instanceof Statement.Exists exists) {
            return conditionCheck(exists, table);
        }
        throw new IllegalArgumentException("a SELECT reads: " + statement);
    }

    /**
     * A SELECT of one item, as BatchExecuteStatement reads: its WHERE must be the equalities of
     * the table's whole key and nothing else. A Query of that key.
     */
    public static EquivalentRequest singleItemRead(Statement.Select select, TableDefinition table) {
        KeyTerms key = singleItemKey(select, table);
        ExpressionText text = new ExpressionText();
        ObjectNode body = body(table.name());
        body.put("KeyConditionExpression", keyCondition(key.equalities(), text));
        return new EquivalentRequest("Query", readBody(body, select, List.of(), text));
    }

    /**
     * The same single-item SELECT as a GetItem (an ExecuteTransaction read becomes a
     * TransactGetItems Get): its Key and projection.
     */
    public static EquivalentRequest singleItemGet(Statement.Select select, TableDefinition table) {
        KeyTerms key = singleItemKey(select, table);
        ExpressionText text = new ExpressionText();
        ObjectNode body = body(table.name());
        body.set("Key", item(key.values()));
        return new EquivalentRequest("GetItem", readBody(body, select, List.of(), text));
    }

    /** A single-item SELECT's key: the equalities of the table's whole key, and nothing else in its WHERE. */
    private static KeyTerms singleItemKey(Statement.Select select, TableDefinition table) {
        if (select.index() != null) {
            throw DynamoDbException.validation("This operation is not supported on an index");
        }
        KeyTerms key;
        try {
            key = KeyTerms.of(select.where(), table.keySchema());
        } catch (DynamoDbException e) {
            throw singleItemOnly();
        }
        if (!key.rest().isEmpty()) {
            throw singleItemOnly();
        }
        key.values().forEach((name, value) -> checkKeyValue(table, name, value));
        return key;
    }

    private static DynamoDbException singleItemOnly() {
        return DynamoDbException.validation("Only single item select is supported");
    }

    /**
     * A SELECT as the reads it means, in the order their items are answered: a Query for each
     * partition key value the WHERE names with an equality, an IN or equalities joined by OR (in
     * the order written, or the ORDER BY's), else one Scan.
     */
    public static List<EquivalentRequest> reads(Statement.Select select, TableDefinition table) {
        KeySchema keys = select.index() == null
                ? table.keySchema()
                : table.index(select.index()).map(SecondaryIndex::keySchema).orElse(table.keySchema());
        List<Condition> terms = select.where() == null ? List.of() : Condition.conjuncts(select.where());
        Optional<KeyPlan> plan = KeyPlan.of(terms, keys);
        List<Condition> rest = new ArrayList<>(terms);
        plan.ifPresent(p -> rest.removeAll(p.consumed()));
        if (plan.isPresent() && rest.stream().anyMatch(term -> refersToKey(term, keys))) {
            plan = Optional.empty(); // Query takes no key attribute in its filter: a Scan does
            rest.clear();
            rest.addAll(terms);
        }
        checkOrderBy(select, keys, plan);
        if (plan.isEmpty()) {
            ExpressionText text = new ExpressionText();
            return List.of(new EquivalentRequest("Scan", readBody(readTarget(table, select), select, rest, text)));
        }
        List<List<Condition>> partitions = new ArrayList<>(plan.get().partitions());
        Optional<Statement.Ordering> partitionOrder = select.orderBy().stream()
                .filter(ordering ->
                        ordering.attribute().equals(keys.partitionKeys().get(0).name()))
                .findFirst();
        partitionOrder.ifPresent(ordering -> partitions.sort((a, b) -> {
            int order = keyOrder(
                    equalityOn(a.get(0), ordering.attribute()).orElseThrow(),
                    equalityOn(b.get(0), ordering.attribute()).orElseThrow());
            return ordering.ascending() ? order : -order;
        }));
        Optional<Statement.Ordering> sortOrder = keys.sortKeys().stream()
                .findFirst()
                .flatMap(sortKey -> select.orderBy().stream()
                        .filter(ordering -> ordering.attribute().equals(sortKey.name()))
                        .findFirst());
        for (List<Condition> partition : partitions) {
            partition.forEach(term -> checkKeyCondition(table, term));
        }
        if (plan.get().sortKeyCondition() != null) {
            checkKeyCondition(table, plan.get().sortKeyCondition());
        }
        List<EquivalentRequest> queries = new ArrayList<>();
        for (List<Condition> partition : partitions) {
            ExpressionText text = new ExpressionText();
            ObjectNode body = readTarget(table, select);
            List<Condition> keyConditions = new ArrayList<>(partition);
            if (plan.get().sortKeyCondition() != null) {
                keyConditions.add(plan.get().sortKeyCondition());
            }
            body.put("KeyConditionExpression", keyCondition(keyConditions, text));
            sortOrder.ifPresent(ordering -> body.put("ScanIndexForward", ordering.ascending()));
            queries.add(new EquivalentRequest("Query", readBody(body, select, rest, text)));
        }
        return queries;
    }

    private static ObjectNode readTarget(TableDefinition table, Statement.Select select) {
        ObjectNode body = body(table.name());
        if (select.index() != null) {
            body.put("IndexName", select.index());
        }
        return body;
    }

    /**
     * How a SELECT's WHERE reads by key: the partition key equalities of each Query (one Query
     * for an equality on every partition key attribute, or one for each distinct value of an IN
     * or an OR of equalities on a single partition key), the first sort key condition a key condition takes (or null),
     * and the terms of the WHERE these consume.
     */
    private record KeyPlan(List<List<Condition>> partitions, Condition sortKeyCondition, List<Condition> consumed) {
        static Optional<KeyPlan> of(List<Condition> terms, KeySchema keys) {
            List<Condition> consumed = new ArrayList<>();
            List<Condition> equalities = new ArrayList<>();
            for (KeyAttribute partitionKey : keys.partitionKeys()) {
                terms.stream()
                        .filter(term -> equalityOn(term, partitionKey.name()).isPresent())
                        .findFirst()
                        .ifPresent(equalities::add);
            }
            List<List<Condition>> partitions;
            if (equalities.size() == keys.partitionKeys().size()) {
                partitions = List.of(equalities);
                consumed.addAll(equalities);
            } else if (keys.partitionKeys().size() == 1) {
                Path partitionKey = new Path(List.of(keys.partitionKeys().get(0).name()));
                Condition term = null;
                List<AttributeValue> values = null;
                for (Condition candidate : terms) {
                    values = partitionValues(candidate, partitionKey.attribute());
                    if (values != null) {
                        term = candidate;
                        break;
                    }
                }
                if (term == null) {
                    return Optional.empty();
                }
                consumed.add(term);
                partitions = values.stream()
                        .distinct()
                        .map(value -> List.<Condition>of(
                                new Condition.Comparison(partitionKey, "=", new Operand.Literal(value))))
                        .toList();
            } else {
                return Optional.empty();
            }
            Condition sortKeyCondition = null;
            if (keys.sortKeys().size() == 1) {
                String sortKey = keys.sortKeys().get(0).name();
                sortKeyCondition = terms.stream()
                        .filter(term -> isSortKeyCondition(term, sortKey))
                        .findFirst()
                        .orElse(null);
                if (sortKeyCondition != null) {
                    consumed.add(sortKeyCondition);
                }
            }
            return Optional.of(new KeyPlan(partitions, sortKeyCondition, consumed));
        }
    }

    /**
     * The partition key values {@code term} allows, in its order, if it allows only some:
     * {@code pk IN [...]}, or equalities on {@code pk} joined by OR; else null.
     */
    private static List<AttributeValue> partitionValues(Condition term, String partitionKey) {
        if (term instanceof Condition.In in && isAttribute(in.subject(), partitionKey)) {
            return in.options();
        }
        if (term instanceof Condition.Or or) {
            List<AttributeValue> left = partitionValues(or.left(), partitionKey);
            List<AttributeValue> right = partitionValues(or.right(), partitionKey);
            if (left == null || right == null) {
                return null;
            }
            List<AttributeValue> both = new ArrayList<>(left);
            both.addAll(right);
            return both;
        }
        return equalityOn(term, partitionKey).map(List::of).orElse(null);
    }

    /** Key values in the order DynamoDB sorts them: strings by UTF-8 bytes, numbers by value, binaries by bytes. */
    private static int keyOrder(AttributeValue a, AttributeValue b) {
        if (a instanceof AttributeValue.S x && b instanceof AttributeValue.S y) {
            return AttributeValue.compareStrings(x.value(), y.value());
        }
        if (a instanceof AttributeValue.N x && b instanceof AttributeValue.N y) {
            return x.value().compareTo(y.value());
        }
        if (a instanceof AttributeValue.B x && b instanceof AttributeValue.B y) {
            return x.value().compareTo(y.value());
        }
        return 0;
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

    private static void checkOrderBy(Statement.Select select, KeySchema keys, Optional<KeyPlan> plan) {
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
        if (plan.isEmpty()) {
            throw DynamoDbException.validation("Must have at least one non-optional hash key condition in WHERE clause "
                    + "when using ORDER BY clause.");
        }
        boolean orderedByPartitionKey = select.orderBy().stream()
                .anyMatch(ordering ->
                        ordering.attribute().equals(keys.partitionKeys().get(0).name()));
        if (plan.get().partitions().size() > 1 && !orderedByPartitionKey) {
            throw DynamoDbException.validation("Must have hash key in ORDER BY clause when more than one hash key "
                    + "condition specified in WHERE clause.");
        }
    }

    private static ObjectNode readBody(
            ObjectNode body, Statement.Select select, List<Condition> filter, ExpressionText text) {
        if (!filter.isEmpty()) {
            body.put("FilterExpression", text.all(filter));
        }
        if (!select.projection().isEmpty()) {
            body.put(
                    "ProjectionExpression",
                    String.join(
                            ", ", select.projection().stream().map(text::path).toList()));
        }
        return withAttributes(body, text);
    }

    private static EquivalentRequest insert(Statement.Insert insert, TableDefinition table) {
        for (KeyAttribute key : table.keySchema().attributes()) {
            AttributeValue value = insert.item().get(key.name());
            if (value == null) {
                throw DynamoDbException.validation("Key attribute should be present in the item: Key " + key.name());
            }
            checkKeyValue(table, key.name(), value);
        }
        ExpressionText text = new ExpressionText();
        ObjectNode body = body(table.name());
        body.set("Item", item(insert.item()));
        body.put(
                "ConditionExpression",
                table.keySchema().partitionKeys().stream()
                        .map(key -> "attribute_not_exists(" + text.name(key.name()) + ")")
                        .reduce((a, b) -> a + " AND " + b)
                        .orElseThrow());
        return new EquivalentRequest("PutItem", withAttributes(body, text));
    }

    private static EquivalentRequest update(Statement.Update update, TableDefinition table) {
        KeyTerms key = KeyTerms.of(update.where(), table.keySchema());
        key.values().forEach((name, value) -> checkKeyValue(table, name, value));
        ExpressionText text = new ExpressionText();
        ObjectNode body = body(table.name());
        body.set("Key", item(key.values()));
        body.put("UpdateExpression", UpdateText.of(update.actions(), text));
        String exists = "attribute_exists("
                + text.name(table.keySchema().partitionKeys().get(0).name()) + ")";
        body.put("ConditionExpression", key.rest().isEmpty() ? exists : exists + " AND " + text.group(key.rest()));
        body.put("ReturnValues", update.returnValues());
        return new EquivalentRequest("UpdateItem", withAttributes(body, text));
    }

    /** EXISTS: a transaction's ConditionCheck that the key's item is there and meets the rest of the WHERE. */
    private static EquivalentRequest conditionCheck(Statement.Exists exists, TableDefinition table) {
        if (exists.select().index() != null) {
            throw DynamoDbException.validation("This operation is not supported on an index");
        }
        KeyTerms key = KeyTerms.of(exists.select().where(), table.keySchema());
        key.values().forEach((name, value) -> checkKeyValue(table, name, value));
        ExpressionText text = new ExpressionText();
        ObjectNode body = body(table.name());
        body.set("Key", item(key.values()));
        String present = "attribute_exists("
                + text.name(table.keySchema().partitionKeys().get(0).name()) + ")";
        body.put("ConditionExpression", key.rest().isEmpty() ? present : present + " AND " + text.group(key.rest()));
        return new EquivalentRequest("ConditionCheck", withAttributes(body, text));
    }

    private static EquivalentRequest delete(Statement.Delete delete, TableDefinition table) {
        KeyTerms key = KeyTerms.of(delete.where(), table.keySchema());
        key.values().forEach((name, value) -> checkKeyValue(table, name, value));
        ExpressionText text = new ExpressionText();
        ObjectNode body = body(table.name());
        body.set("Key", item(key.values()));
        if (!key.rest().isEmpty()) {
            // A missing item is deleted without a check; an item that is there must meet the rest.
            body.put(
                    "ConditionExpression",
                    "attribute_not_exists("
                            + text.name(table.keySchema().partitionKeys().get(0).name()) + ") OR "
                            + text.group(key.rest()));
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
            return DynamoDbException.validation(
                    "Multiple conditions on same key " + key + ". Only single item Update/Insert/Delete are supported");
        }
    }

    /** A key condition's first value, held to the key attribute's type as {@link #checkKeyValue} holds it. */
    private static void checkKeyCondition(TableDefinition table, Condition term) {
        Operand subject;
        Operand value;
        if (term instanceof Condition.Comparison c) {
            boolean literalFirst = c.left() instanceof Operand.Literal;
            subject = literalFirst ? c.right() : c.left();
            value = literalFirst ? c.left() : c.right();
        } else if (term instanceof Condition.Between b) {
            subject = b.subject();
            value = b.low();
        } else {
            Operand.Function f = (Operand.Function) term;
            subject = f.arguments().get(0);
            value = f.arguments().get(1);
        }
        String name = ((Path) subject).attribute();
        ScalarType type = table.attributeDefinitions().get(name);
        if (type != null && !type.matches(((Operand.Literal) value).value())) {
            throw schemaMismatch(name);
        }
    }

    /** A key value a statement names: of a key type, and of its attribute's type. */
    private static void checkKeyValue(TableDefinition table, String name, AttributeValue value) {
        if (!ScalarType.isKeyType(value.type())) {
            throw DynamoDbException.validation(
                    "Key value must be of type S, N, or B. Key name: " + name + ", Key type: " + value.type());
        }
        ScalarType type = table.attributeDefinitions().get(name);
        if (type != null && !type.matches(value)) {
            throw schemaMismatch(name);
        }
    }

    private static DynamoDbException schemaMismatch(String name) {
        return DynamoDbException.validation(
                "Key attribute's data type should match its data type in table's schema: Key " + name);
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
    private static boolean isSortKeyCondition(Condition term, String sortKey) {
        if (term instanceof Condition.Comparison c) {
            return !c.comparator().equals("<>")
                    && isAttribute(c.left(), sortKey)
                    && c.right() instanceof Operand.Literal;
        }
        if (term instanceof Condition.Between b) {
            return isAttribute(b.subject(), sortKey)
                    && b.low() instanceof Operand.Literal
                    && b.high() instanceof Operand.Literal;
        }
        return term instanceof Operand.Function f
                && f.name().equals("begins_with")
                && f.arguments().size() == 2
                && isAttribute(f.arguments().get(0), sortKey)
                && f.arguments().get(1) instanceof Operand.Literal;
    }

    private static boolean isAttribute(Operand operand, String attribute) {
        return operand instanceof Path path
                && path.isAttribute()
                && path.attribute().equals(attribute);
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
