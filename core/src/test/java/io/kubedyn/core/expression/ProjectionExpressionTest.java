package io.kubedyn.core.expression;

import static io.kubedyn.core.expression.Av.item;
import static io.kubedyn.core.expression.Av.l;
import static io.kubedyn.core.expression.Av.m;
import static io.kubedyn.core.expression.Av.n;
import static io.kubedyn.core.expression.Av.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubedyn.core.AttributeValue;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProjectionExpressionTest {
    private static final Map<String, AttributeValue> ITEM = item(
            "id", s("1"),
            "title", s("Dune"),
            "a", m("b", m("c", n(1), "d", n(2)), "e", n(3)),
            "l", l(s("x"), m("k", s("v"), "z", s("w")), s("y"), s("z")),
            "year_", n(1965));

    private static Map<String, AttributeValue> project(String expression) {
        ExpressionAttributes attributes = new ExpressionAttributes(Map.of("#y", "year_"), null);
        return ProjectionExpression.parse(expression, attributes).apply(ITEM);
    }

    @Test
    void selectsTopLevelAttributes() {
        assertThat(project("id, title, #y")).isEqualTo(item("id", s("1"), "title", s("Dune"), "year_", n(1965)));
    }

    @Test
    void nestedPathsKeepTheirNesting() {
        assertThat(project("a.b.c, a.e")).isEqualTo(item("a", m("b", m("c", n(1)), "e", n(3))));
    }

    @Test
    void listElementsKeepTheirOrderWithoutGaps() {
        assertThat(project("l[3], l[1].k")).isEqualTo(item("l", l(m("k", s("v")), s("z"))));
    }

    @Test
    void pathsThatSelectNothingAreLeftOut() {
        assertThat(project("absent, a.zz, l[9], title.x, id")).isEqualTo(item("id", s("1")));
    }

    @Test
    void reportsTheTopLevelAttributesItReads() {
        ProjectionExpression projection = ProjectionExpression.parse("a.b, l[0], a.e, id", ExpressionAttributes.none());
        assertThat(projection.attributeNames()).containsExactly("a", "l", "id");
        assertThat(projection.apply(null)).isEmpty();
    }
}
