package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed ConditionExpression or FilterExpression. {@link #test} evaluates it on an item by
 * DynamoDB's rules: comparing values of different types is false rather than an error, a
 * missing attribute equals nothing (so {@code <>} is true for it), and so on.
 */
public final class ConditionExpression {
    static final String CONDITION_KIND = "ConditionExpression";
    static final String FILTER_KIND = "FilterExpression";

    private final String text;
    private final Condition condition;

    private ConditionExpression(String text, Condition condition) {
        this.text = text;
        this.condition = condition;
    }

    /** A condition built other than by parsing (from the legacy parameters); {@code description} is for toString. */
    static ConditionExpression of(String description, Condition condition) {
        return new ConditionExpression(description, condition);
    }

    Condition condition() {
        return condition;
    }

    /** Parses a ConditionExpression (PutItem, UpdateItem, DeleteItem, ConditionCheck). */
    public static ConditionExpression parse(String text, ExpressionAttributes attributes) {
        return parse(CONDITION_KIND, text, attributes);
    }

    /** Parses a FilterExpression (Query, Scan): same language, its own name in messages. */
    public static ConditionExpression parseFilter(String text, ExpressionAttributes attributes) {
        return parse(FILTER_KIND, text, attributes);
    }

    private static ConditionExpression parse(String kind, String text, ExpressionAttributes attributes) {
        Objects.requireNonNull(attributes, "attributes");
        return build(kind, ExpressionParser.parse(kind, text, SyntaxTree.StartRule.CONDITION), attributes);
    }

    /** {@code kind} is "ConditionExpression" or "FilterExpression"; the tree was parsed with {@link SyntaxTree.StartRule#CONDITION}. */
    static ConditionExpression build(String kind, SyntaxTree tree, ExpressionAttributes attributes) {
        Objects.requireNonNull(attributes, "attributes");
        return new ConditionExpression(tree.text(), ExpressionBuilder.buildCondition(kind, tree, attributes));
    }

    /** Whether {@code item} (null or empty when there is no item) satisfies the condition. */
    public boolean test(Map<String, AttributeValue> item) {
        return condition.test(item == null ? Map.of() : item);
    }

    /**
     * The top-level attributes the condition reads, in the order they first appear (for
     * example to refuse key attributes in a Query's FilterExpression).
     */
    public Set<String> attributeNames() {
        Set<String> names = new LinkedHashSet<>();
        paths().forEach(path -> names.add(path.topLevelName()));
        return Collections.unmodifiableSet(names);
    }

    /** The document paths the condition reads, in the order they appear. */
    public List<DocumentPath> paths() {
        List<DocumentPath> paths = new ArrayList<>();
        collect(condition, paths);
        return Collections.unmodifiableList(paths);
    }

    private static void collect(Condition c, List<DocumentPath> paths) {
        if (c instanceof Condition.Comparison x) {
            collect(x.left(), paths);
            collect(x.right(), paths);
        } else if (c instanceof Condition.Between x) {
            collect(x.value(), paths);
            collect(x.lower(), paths);
            collect(x.upper(), paths);
        } else if (c instanceof Condition.In x) {
            collect(x.value(), paths);
            x.candidates().forEach(o -> collect(o, paths));
        } else if (c instanceof Condition.And x) {
            collect(x.left(), paths);
            collect(x.right(), paths);
        } else if (c instanceof Condition.Or x) {
            collect(x.left(), paths);
            collect(x.right(), paths);
        } else if (c instanceof Condition.Not x) {
            collect(x.operand(), paths);
        } else if (c instanceof Condition.AttributeExists x) {
            paths.add(x.path());
        } else if (c instanceof Condition.AttributeType x) {
            collect(x.subject(), paths);
            collect(x.type(), paths);
        } else if (c instanceof Condition.BeginsWith x) {
            collect(x.value(), paths);
            collect(x.prefix(), paths);
        } else if (c instanceof Condition.Contains x) {
            collect(x.container(), paths);
            collect(x.operand(), paths);
        }
    }

    private static void collect(Operand o, List<DocumentPath> paths) {
        if (o instanceof Operand.Path p) {
            paths.add(p.path());
        } else if (o instanceof Operand.Size s) {
            collect(s.argument(), paths);
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
