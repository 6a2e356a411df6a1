package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.expression.DynamoDbExpressionParser.PathContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.ProjectionExpressionContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed ProjectionExpression: a list of document paths. {@link #apply} keeps the nesting of
 * what it selects, as DynamoDB does: {@code a.b, c[1]} on an item gives {@code {a: {b: ..},
 * c: [element 1]}}.
 */
public final class ProjectionExpression {
    static final String KIND = "ProjectionExpression";

    private final String text;
    private final List<DocumentPath> paths;

    private ProjectionExpression(String text, List<DocumentPath> paths) {
        this.text = text;
        this.paths = List.copyOf(paths);
    }

    /** A projection of top-level attributes named directly, as the legacy AttributesToGet does. */
    static ProjectionExpression of(String description, List<DocumentPath> paths) {
        return new ProjectionExpression(description, paths);
    }

    public static ProjectionExpression parse(String text, ExpressionAttributes attributes) {
        Objects.requireNonNull(attributes, "attributes");
        return build(ExpressionParser.parse(KIND, text, SyntaxTree.StartRule.PROJECTION), attributes);
    }

    /** The projection of a tree parsed with {@link SyntaxTree.StartRule#PROJECTION}. */
    static ProjectionExpression build(SyntaxTree tree, ExpressionAttributes attributes) {
        Objects.requireNonNull(attributes, "attributes");
        ProjectionExpressionContext root = (ProjectionExpressionContext) tree.root();
        return ExpressionParser.build(KIND, () -> {
            ExpressionBuilder builder = tree.builder(KIND, attributes);
            tree.wholeTreeProblem(() -> ExpressionChecks.projection(builder, root))
                    .ifPresent(problem -> {
                        throw builder.invalid(problem);
                    });
            List<DocumentPath> paths = new ArrayList<>();
            for (PathContext path : root.path()) {
                paths.add(builder.path(path));
            }
            Paths.checkOverlaps(KIND, paths);
            return new ProjectionExpression(tree.text(), paths);
        });
    }

    public List<DocumentPath> paths() {
        return paths;
    }

    /** The top-level attributes the projection reads from. */
    public Set<String> attributeNames() {
        Set<String> names = new LinkedHashSet<>();
        for (DocumentPath path : paths) {
            names.add(path.topLevelName());
        }
        return Collections.unmodifiableSet(names);
    }

    /** The selected parts of {@code item}; paths that select nothing are left out. */
    public Map<String, AttributeValue> apply(Map<String, AttributeValue> item) {
        return Paths.project(item == null ? Map.of() : item, paths);
    }

    @Override
    public String toString() {
        return text;
    }
}
