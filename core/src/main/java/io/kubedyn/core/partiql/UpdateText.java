package io.kubedyn.core.partiql;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import java.util.ArrayList;
import java.util.List;

/**
 * An UPDATE's SET and REMOVE clauses as an UpdateExpression: {@code SET a = set_add(a, <<...>>)}
 * is {@code ADD a :v}, {@code set_delete} is {@code DELETE a :v}, the rest is SET and REMOVE as
 * written.
 */
final class UpdateText {
    private UpdateText() {}

    static String of(List<Statement.Action> actions, ExpressionText text) {
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        List<String> add = new ArrayList<>();
        List<String> delete = new ArrayList<>();
        for (Statement.Action action : actions) {
            if (action instanceof Statement.Removal removal) {
                remove.add(text.path(removal.path()));
                continue;
            }
            Statement.Assignment assignment = (Statement.Assignment) action;
            String path = text.path(assignment.path());
            if (assignment.value() instanceof Operand.Function f
                    && (f.name().equals("set_add") || f.name().equals("set_delete"))
                    && assignment.arithmetic() == null) {
                String operation = f.name().substring("set_".length()).toUpperCase();
                AttributeValue members = setArgument(assignment.path(), f, operation);
                (operation.equals("ADD") ? add : delete).add(path + " " + text.value(members));
            } else if (assignment.arithmetic() == null) {
                set.add(path + " = " + text.operand(assignment.value()));
            } else {
                set.add(path + " = " + text.operand(assignment.value()) + " " + assignment.arithmetic() + " "
                        + text.operand(assignment.right()));
            }
        }
        StringBuilder expression = new StringBuilder();
        clause(expression, "SET", set);
        clause(expression, "REMOVE", remove);
        clause(expression, "ADD", add);
        clause(expression, "DELETE", delete);
        return expression.toString();
    }

    /** The set {@code set_add(path, <<...>>)} adds (or set_delete deletes), checked as DynamoDB checks it. */
    private static AttributeValue setArgument(Path path, Operand.Function f, String operation) {
        if (f.arguments().size() != 2) {
            throw DynamoDbException.validation("SET_" + operation + " must have exactly two arguments");
        }
        if (!path.equals(f.arguments().get(0))) {
            throw DynamoDbException.validation(
                    "The first argument to SET_" + operation + " must equal the assignment value");
        }
        if (!(f.arguments().get(1) instanceof Operand.Literal literal)
                || !(literal.value() instanceof AttributeValue.SS
                        || literal.value() instanceof AttributeValue.NS
                        || literal.value() instanceof AttributeValue.BS)) {
            throw DynamoDbException.validation(
                    "The second argument to SET_" + operation + " must be a value with type SET");
        }
        return literal.value();
    }

    private static void clause(StringBuilder expression, String keyword, List<String> actions) {
        if (!actions.isEmpty()) {
            expression
                    .append(expression.isEmpty() ? "" : " ")
                    .append(keyword)
                    .append(' ')
                    .append(String.join(", ", actions));
        }
    }
}
