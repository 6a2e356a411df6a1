package io.kubedyn.core.expression;

import java.util.LinkedHashSet;
import java.util.Set;

/** The top-level attribute names a condition reads, found by walking its tree. */
final class ConditionAttributeNames {
    private final Set<String> names = new LinkedHashSet<>();

    static Set<String> of(Condition condition) {
        ConditionAttributeNames walk = new ConditionAttributeNames();
        walk.condition(condition);
        return Set.copyOf(walk.names);
    }

    private void condition(Condition c) {
        if (c instanceof Condition.Comparison x) {
            operand(x.left());
            operand(x.right());
        } else if (c instanceof Condition.Between x) {
            operand(x.value());
            operand(x.lower());
            operand(x.upper());
        } else if (c instanceof Condition.In x) {
            operand(x.value());
            x.candidates().forEach(this::operand);
        } else if (c instanceof Condition.And x) {
            condition(x.left());
            condition(x.right());
        } else if (c instanceof Condition.Or x) {
            condition(x.left());
            condition(x.right());
        } else if (c instanceof Condition.Not x) {
            condition(x.operand());
        } else if (c instanceof Condition.AttributeExists x) {
            names.add(x.path().topLevelName());
        } else if (c instanceof Condition.AttributeType x) {
            names.add(x.path().topLevelName());
            operand(x.type());
        } else if (c instanceof Condition.BeginsWith x) {
            operand(x.value());
            operand(x.prefix());
        } else if (c instanceof Condition.Contains x) {
            operand(x.container());
            operand(x.operand());
        }
    }

    private void operand(Operand o) {
        if (o instanceof Operand.Path p) {
            names.add(p.path().topLevelName());
        } else if (o instanceof Operand.Size s) {
            operand(s.argument());
        } else if (o instanceof Operand.IfNotExists i) {
            names.add(i.path().topLevelName());
            operand(i.fallback());
        } else if (o instanceof Operand.ListAppend l) {
            operand(l.first());
            operand(l.second());
        } else if (o instanceof Operand.Arithmetic a) {
            operand(a.left());
            operand(a.right());
        }
    }
}
