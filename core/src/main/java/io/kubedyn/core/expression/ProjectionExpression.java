package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.expression.DynamoDbExpressionParser.PathContext;
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
        return ExpressionParser.parse(KIND, text, parser -> {
            ExpressionBuilder builder = new ExpressionBuilder(KIND, text, parser.getTokenStream(), attributes);
            List<DocumentPath> paths = new ArrayList<>();
            for (PathContext path : parser.projectionExpression().path()) {
                paths.add(builder.path(path));
            }
            Paths.checkOverlaps(KIND, paths);
            return new ProjectionExpression(text, paths);
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
