package io.kubedyn.core.expression;

import io.kubedyn.core.expression.DynamoDbExpressionParser.FunctionConditionContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.FunctionContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.OperandContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.ParenthesizedContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.PathContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.PathNameContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.UpdateClauseContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.UpdateExpressionContext;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * The errors DynamoDB reports of a whole expression before it looks at any one of its
 * conditions or actions, in DynamoDB's order of kinds whatever their order in the text (as
 * recorded in dynalite's test suite): for a condition, redundant parentheses, then an unknown
 * function, then a function where it may not be used, then a reserved word; for an update, a
 * reserved word, an unknown function, a section given twice, an undefined {@code #name}, then
 * an undefined {@code :value}; for a projection, a reserved word. Of each kind the first in
 * the text is reported. {@link ExpressionBuilder} then checks each condition or action in turn.
 */
final class ExpressionChecks {
    private enum Kind {
        PARENS,
        UNKNOWN_FUNCTION,
        MISUSED_FUNCTION,
        RESERVED,
        SECTION,
        NAME,
        VALUE
    }

    private final ExpressionBuilder builder;
    private final ExpressionAttributes attributes;
    private final Map<Kind, String> found = new EnumMap<>(Kind.class);

    private ExpressionChecks(ExpressionBuilder builder, ExpressionAttributes attributes) {
        this.builder = builder;
        this.attributes = attributes;
    }

    /**
     * What DynamoDB refuses of a whole ConditionExpression, FilterExpression or
     * KeyConditionExpression, without its "Invalid ...:" prefix; empty when nothing. It depends
     * on the tree alone, so {@link SyntaxTree} keeps it.
     */
    static Optional<String> condition(ExpressionBuilder builder, ParserRuleContext root) {
        ExpressionChecks checks = new ExpressionChecks(builder, null);
        checks.walk(root, ExpressionBuilder.Position.CONDITION_OPERAND);
        return checks.first(Kind.PARENS, Kind.UNKNOWN_FUNCTION, Kind.MISUSED_FUNCTION, Kind.RESERVED);
    }

    /** An UpdateExpression. */
    static void update(ExpressionBuilder builder, ExpressionAttributes attributes, UpdateExpressionContext root) {
        ExpressionChecks checks = new ExpressionChecks(builder, attributes);
        Set<String> sections = new HashSet<>();
        for (UpdateClauseContext clause : root.updateClause()) {
            String keyword = clause.getStart().getText().toUpperCase(Locale.ROOT);
            if (!sections.add(keyword)) {
                checks.first(
                        Kind.SECTION, "The \"" + keyword + "\" section can only be used once in an update expression;");
            }
        }
        checks.walk(root, ExpressionBuilder.Position.UPDATE_OPERAND);
        checks.report(Kind.RESERVED, Kind.UNKNOWN_FUNCTION, Kind.SECTION, Kind.NAME, Kind.VALUE);
    }

    /** What DynamoDB refuses of a whole ProjectionExpression, as {@link #condition}. */
    static Optional<String> projection(ExpressionBuilder builder, ParserRuleContext root) {
        ExpressionChecks checks = new ExpressionChecks(builder, null);
        checks.walk(root, ExpressionBuilder.Position.CONDITION_OPERAND);
        return checks.first(Kind.RESERVED);
    }

    private void walk(ParseTree node, ExpressionBuilder.Position operands) {
        if (node instanceof ParenthesizedContext p && p.condition() instanceof ParenthesizedContext) {
            first(Kind.PARENS, "The expression has redundant parentheses;");
        } else if (node instanceof OperandContext o) {
            if (o.operand() != null && parenthesized(o.operand())) {
                first(Kind.PARENS, "The expression has redundant parentheses;");
            }
            if (o.function() != null) {
                ExpressionBuilder.misuse(o.function().NAME().getText(), operands)
                        .ifPresent(m -> first(Kind.MISUSED_FUNCTION, m));
            }
        } else if (node instanceof FunctionConditionContext f) {
            ExpressionBuilder.misuse(f.function().NAME().getText(), ExpressionBuilder.Position.CONDITION)
                    .ifPresent(m -> first(Kind.MISUSED_FUNCTION, m));
        } else if (node instanceof PathContext path && path.path() != null && group(path.path())) {
            first(Kind.PARENS, "The expression has redundant parentheses;");
        } else if (node instanceof PathNameContext name
                && name.NAME() != null
                && ReservedWords.isReserved(name.NAME().getText())) {
            first(
                    Kind.RESERVED,
                    "Attribute name is a reserved keyword; reserved keyword: "
                            + name.NAME().getText());
        } else if (node instanceof FunctionContext f
                && !ExpressionBuilder.isFunction(f.NAME().getText())) {
            first(
                    Kind.UNKNOWN_FUNCTION,
                    "Invalid function name; function: " + f.NAME().getText());
        } else if (node instanceof TerminalNode terminal && attributes != null) {
            reference(terminal.getSymbol());
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            walk(node.getChild(i), operands);
        }
    }

    /** An operand that is itself in parentheses: {@code (a)}, or a path {@code (a.b)} with no step after it. */
    private static boolean parenthesized(OperandContext operand) {
        return operand.operand() != null || (operand.path() != null && group(operand.path()));
    }

    /** A path that is a parenthesized path and nothing after it: {@code (a.b)}. */
    private static boolean group(PathContext path) {
        return path.path() != null && path.pathStep().isEmpty();
    }

    private void reference(Token token) {
        boolean name = token.getType() == DynamoDbExpressionParser.NAME_REF;
        if ((name || token.getType() == DynamoDbExpressionParser.VALUE_REF) && !attributes.defines(token.getText())) {
            first(name ? Kind.NAME : Kind.VALUE, ExpressionAttributes.undefined(token.getText()));
        }
    }

    private void first(Kind kind, String message) {
        found.putIfAbsent(kind, message);
    }

    private void report(Kind... order) {
        first(order).ifPresent(problem -> {
            throw builder.invalid(problem);
        });
    }

    /** The problem found of the first of {@code order}'s kinds that has one. */
    private Optional<String> first(Kind... order) {
        for (Kind kind : order) {
            if (found.containsKey(kind)) {
                return Optional.of(found.get(kind));
            }
        }
        return Optional.empty();
    }
}
