package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.expression.DynamoDbExpressionParser.AndContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.BetweenContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.ComparatorContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.ComparisonContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.ConditionContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.ConditionExpressionContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.FunctionConditionContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.FunctionContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.InContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.IndexStepContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.MemberStepContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.NotContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.OperandContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.OrContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.ParenthesizedContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.PathContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.PathNameContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.PathStepContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * Turns a parse tree into evaluable nodes, resolving {@code #name} and {@code :value}
 * references and applying DynamoDB's checks beyond syntax, each with DynamoDB's message.
 */
final class ExpressionBuilder {
    /** DynamoDB's limit on the depth of a document path. */
    static final int MAX_PATH_DEPTH = 32;
    /** DynamoDB's limit on the operands of IN besides the first. */
    static final int MAX_IN_OPERANDS = 100;
    /** DynamoDB's limit on the operators and functions of one expression. */
    static final int MAX_OPERATORS = 300;

    /** Where a function call appears, which decides the functions allowed there. */
    enum Position {
        CONDITION,
        CONDITION_OPERAND,
        UPDATE_OPERAND
    }

    private enum FunctionKind {
        BOOLEAN,
        SIZE,
        UPDATE
    }

    private record FunctionSpec(FunctionKind kind, int arity) {}

    private static final Map<String, FunctionSpec> FUNCTIONS = Map.of(
            "attribute_exists", new FunctionSpec(FunctionKind.BOOLEAN, 1),
            "attribute_not_exists", new FunctionSpec(FunctionKind.BOOLEAN, 1),
            "attribute_type", new FunctionSpec(FunctionKind.BOOLEAN, 2),
            "begins_with", new FunctionSpec(FunctionKind.BOOLEAN, 2),
            "contains", new FunctionSpec(FunctionKind.BOOLEAN, 2),
            "size", new FunctionSpec(FunctionKind.SIZE, 1),
            "if_not_exists", new FunctionSpec(FunctionKind.UPDATE, 2),
            "list_append", new FunctionSpec(FunctionKind.UPDATE, 2));

    private final String kind;
    private final String text;
    private final TokenStream tokens;
    private final ExpressionAttributes attributes;
    private int operators;

    /** {@code kind} names the parameter in messages, e.g. "ConditionExpression". */
    ExpressionBuilder(String kind, String text, TokenStream tokens, ExpressionAttributes attributes) {
        this.kind = kind;
        this.text = text;
        this.tokens = tokens;
        this.attributes = attributes;
    }

    /** Builds a condition (ConditionExpression, FilterExpression or KeyConditionExpression) from a tree parsed with {@link SyntaxTree.StartRule#CONDITION}. */
    static Condition buildCondition(String kind, SyntaxTree tree, ExpressionAttributes attributes) {
        ConditionExpressionContext root = (ConditionExpressionContext) tree.root();
        return ExpressionParser.build(kind, () -> {
            ExpressionBuilder builder = tree.builder(kind, attributes);
            tree.wholeTreeProblem(() -> ExpressionChecks.condition(builder, root))
                    .ifPresent(problem -> {
                        throw builder.invalid(problem);
                    });
            return builder.condition(root.condition());
        });
    }

    DynamoDbException invalid(String detail) {
        return DynamoDbException.validation("Invalid " + kind + ": " + detail);
    }

    // ---- conditions ------------------------------------------------------------------------

    Condition condition(ConditionContext ctx) {
        if (!(ctx instanceof ParenthesizedContext
                || ctx instanceof NotContext
                || ctx instanceof AndContext
                || ctx instanceof OrContext)) {
            // DynamoDB checks a condition's #names and :values before its operators and functions.
            resolveReferences(ctx);
        }
        if (ctx instanceof ComparisonContext c) {
            countOperator();
            Condition.Comparator comparator = comparator(c.comparator());
            Operand left = operand(c.operand(0), Position.CONDITION_OPERAND);
            Operand right = operand(c.operand(1), Position.CONDITION_OPERAND);
            requireDistinct(comparator.symbol, left, List.of(right));
            if (comparator != Condition.Comparator.EQ && comparator != Condition.Comparator.NE) {
                requireComparable(comparator.symbol, left);
                requireComparable(comparator.symbol, right);
            }
            return new Condition.Comparison(comparator, left, right);
        } else if (ctx instanceof InContext c) {
            countOperator();
            List<OperandContext> operandContexts = c.operand();
            if (operandContexts.size() - 1 > MAX_IN_OPERANDS) {
                throw invalid("The IN operator is provided with too many operands; number of operands: "
                        + (operandContexts.size() - 1));
            }
            Operand value = operand(operandContexts.get(0), Position.CONDITION_OPERAND);
            List<Operand> candidates = new ArrayList<>();
            for (OperandContext candidate : operandContexts.subList(1, operandContexts.size())) {
                candidates.add(operand(candidate, Position.CONDITION_OPERAND));
            }
            requireDistinct("IN", value, candidates);
            return new Condition.In(value, candidates);
        } else if (ctx instanceof BetweenContext c) {
            countOperator();
            Operand value = operand(c.operand(0), Position.CONDITION_OPERAND);
            Operand lower = operand(c.operand(1), Position.CONDITION_OPERAND);
            Operand upper = operand(c.operand(2), Position.CONDITION_OPERAND);
            requireDistinct("BETWEEN", value, List.of(lower, upper));
            requireComparable("BETWEEN", value);
            requireComparable("BETWEEN", lower);
            requireComparable("BETWEEN", upper);
            if (lower instanceof Operand.Value lo && upper instanceof Operand.Value hi) {
                Integer order = Values.compare(lo.value(), hi.value());
                if (!lo.value().type().equals(hi.value().type())) {
                    throw invalid("The BETWEEN operator requires same data type for lower and upper bounds; "
                            + "lower bound operand: AttributeValue: " + Values.describe(lo.value())
                            + ", upper bound operand: AttributeValue: " + Values.describe(hi.value()));
                }
                if (order != null && order > 0) {
                    throw invalid("The BETWEEN operator requires upper bound to be greater than or equal to lower "
                            + "bound; lower bound operand: AttributeValue: " + Values.describe(lo.value())
                            + ", upper bound operand: AttributeValue: " + Values.describe(hi.value()));
                }
            }
            return new Condition.Between(value, lower, upper);
        } else if (ctx instanceof FunctionConditionContext c) {
            return (Condition) function(c.function(), Position.CONDITION);
        } else if (ctx instanceof ParenthesizedContext c) {
            if (c.condition() instanceof ParenthesizedContext) {
                throw invalid("The expression has redundant parentheses;");
            }
            return condition(c.condition());
        } else if (ctx instanceof NotContext c) {
            countOperator();
            return new Condition.Not(condition(c.condition()));
        } else if (ctx instanceof AndContext c) {
            countOperator();
            return new Condition.And(condition(c.condition(0)), condition(c.condition(1)));
        } else if (ctx instanceof OrContext c) {
            countOperator();
            return new Condition.Or(condition(c.condition(0)), condition(c.condition(1)));
        }
        throw new IllegalStateException("unknown condition " + ctx.getClass());
    }

    /** Resolves every #name and :value under {@code node} in text order: the first undefined one is refused. */
    private void resolveReferences(org.antlr.v4.runtime.tree.ParseTree node) {
        if (node instanceof org.antlr.v4.runtime.tree.TerminalNode terminal) {
            int type = terminal.getSymbol().getType();
            if (type == DynamoDbExpressionParser.NAME_REF) {
                attributes.resolveName(terminal.getText(), kind);
            } else if (type == DynamoDbExpressionParser.VALUE_REF) {
                attributes.resolveValue(terminal.getText(), kind);
            }
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            resolveReferences(node.getChild(i));
        }
    }

    private static Condition.Comparator comparator(ComparatorContext ctx) {
        switch (ctx.getStart().getType()) {
            case DynamoDbExpressionParser.EQ:
                return Condition.Comparator.EQ;
            case DynamoDbExpressionParser.NE:
                return Condition.Comparator.NE;
            case DynamoDbExpressionParser.LT:
                return Condition.Comparator.LT;
            case DynamoDbExpressionParser.LE:
                return Condition.Comparator.LE;
            case DynamoDbExpressionParser.GT:
                return Condition.Comparator.GT;
            default:
                return Condition.Comparator.GE;
        }
    }

    void countOperator() {
        if (++operators > MAX_OPERATORS) {
            throw invalid("The expression contains too many operators; operator count: " + operators);
        }
    }

    /** Ordering compares only S, N and B: an expression attribute value of another type is refused. */
    private void requireComparable(String operator, Operand operand) {
        if (operand instanceof Operand.Value v && Values.compare(v.value(), v.value()) == null) {
            throw incorrectOperandType(operator, v.value().type());
        }
    }

    private void requireDistinct(String operator, Operand first, List<Operand> others) {
        if (first instanceof Operand.Path p && others.contains(first)) {
            throw invalid("The first operand must be distinct from the remaining operands for this operator or "
                    + "function; operator: " + operator + ", first operand: "
                    + p.path().toErrorForm());
        }
    }

    // ---- operands and functions --------------------------------------------------------------

    Operand conditionOperand(OperandContext ctx) {
        return operand(ctx, Position.CONDITION_OPERAND);
    }

    Operand updateOperand(OperandContext ctx) {
        return operand(ctx, Position.UPDATE_OPERAND);
    }

    private Operand operand(OperandContext ctx, Position position) {
        if (ctx.operand() != null) {
            return operand(ctx.operand(), position);
        }
        if (ctx.path() != null) {
            return new Operand.Path(path(ctx.path()));
        } else if (ctx.VALUE_REF() != null) {
            return value(ctx.VALUE_REF().getSymbol());
        }
        return (Operand) function(ctx.function(), position);
    }

    Operand.Value value(Token ref) {
        return new Operand.Value(ref.getText(), attributes.resolveValue(ref.getText(), kind));
    }

    /** A function call: a {@link Condition} in condition position, an {@link Operand} elsewhere. */
    private Object function(FunctionContext ctx, Position position) {
        String name = ctx.NAME().getText();
        FunctionSpec spec = FUNCTIONS.get(name);
        if (spec == null) {
            throw invalid("Invalid function name; function: " + name);
        }
        checkAllowed(name, spec.kind(), position);
        countOperator();
        List<OperandContext> args = ctx.operand();
        if (args.size() != spec.arity()) {
            throw invalid("Incorrect number of operands for operator or function; operator or function: " + name
                    + ", number of operands: " + args.size());
        }
        Position argPosition =
                position == Position.UPDATE_OPERAND ? Position.UPDATE_OPERAND : Position.CONDITION_OPERAND;
        List<Operand> operands = new ArrayList<>();
        for (OperandContext arg : args) {
            operands.add(operand(arg, argPosition));
        }
        switch (name) {
            case "attribute_exists":
                return new Condition.AttributeExists(requirePath(name, operands.get(0)), true);
            case "attribute_not_exists":
                return new Condition.AttributeExists(requirePath(name, operands.get(0)), false);
            case "attribute_type": {
                requireDistinct(name, operands.get(0), operands.subList(1, 2));
                // DynamoDB takes a value as the first operand too (its type is then known at once).
                Operand subject = operands.get(0);
                Operand type = operands.get(1);
                if (type instanceof Operand.Size) {
                    throw incorrectOperandType(name, "N");
                }
                if (!(type instanceof Operand.Value)) {
                    // DynamoDB takes the type only from ExpressionAttributeValues: a path could be any type.
                    throw incorrectOperandType(name, "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
                }
                if (type instanceof Operand.Value v) {
                    if (!(v.value() instanceof AttributeValue.S s)) {
                        throw incorrectOperandType(name, v.value().type());
                    }
                    if (!Values.TYPE_NAMES.contains(s.value())) {
                        throw invalid("Invalid attribute type name found; type: " + s.value()
                                + ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
                    }
                }
                return new Condition.AttributeType(subject, type);
            }
            case "begins_with":
                requireDistinct(name, operands.get(0), operands.subList(1, 2));
                requireValueTypes(name, operands, "S", "B");
                return new Condition.BeginsWith(operands.get(0), operands.get(1));
            case "contains":
                requireDistinct(name, operands.get(0), operands.subList(1, 2));
                return new Condition.Contains(operands.get(0), operands.get(1));
            case "size": {
                Operand argument = operands.get(0);
                if (argument instanceof Operand.Value v && Values.size(v.value()) == null) {
                    throw incorrectOperandType(name, v.value().type());
                }
                if (argument instanceof Operand.Size) {
                    // A size is a number, and a number has no size.
                    throw incorrectOperandType(name, "N");
                }
                return new Operand.Size(argument);
            }
            case "if_not_exists":
                return new Operand.IfNotExists(requirePath(name, operands.get(0)), operands.get(1));
            default: // list_append
                requireValueTypes(name, operands, "L");
                return new Operand.ListAppend(operands.get(0), operands.get(1));
        }
    }

    /** Whether {@code name} is one of DynamoDB's functions. */
    static boolean isFunction(String name) {
        return FUNCTIONS.containsKey(name);
    }

    /** DynamoDB's words for the function {@code name} used where it may not be; empty when it may, or is no function. */
    static java.util.Optional<String> misuse(String name, Position position) {
        FunctionSpec spec = FUNCTIONS.get(name);
        return spec == null ? java.util.Optional.empty() : misuse(name, spec.kind(), position);
    }

    private void checkAllowed(String name, FunctionKind functionKind, Position position) {
        misuse(name, functionKind, position).ifPresent(words -> {
            throw invalid(words);
        });
    }

    private static java.util.Optional<String> misuse(String name, FunctionKind functionKind, Position position) {
        boolean allowed;
        switch (position) {
            case CONDITION:
                allowed = functionKind == FunctionKind.BOOLEAN;
                break;
            case CONDITION_OPERAND:
                allowed = functionKind == FunctionKind.SIZE;
                break;
            default:
                allowed = functionKind == FunctionKind.UPDATE;
        }
        if (allowed) {
            return java.util.Optional.empty();
        }
        if (position == Position.UPDATE_OPERAND) {
            return java.util.Optional.of("The function is not allowed in an update expression; function: " + name);
        }
        if (functionKind == FunctionKind.UPDATE) {
            return java.util.Optional.of("The function is not allowed in a condition expression; function: " + name);
        }
        return java.util.Optional.of(
                "The function is not allowed to be used this way in an expression; function: " + name);
    }

    private DocumentPath requirePath(String function, Operand operand) {
        if (operand instanceof Operand.Path p) {
            return p.path();
        }
        throw invalid("Operator or function requires a document path; operator or function: " + function);
    }

    private void requireValueTypes(String function, List<Operand> operands, String... types) {
        for (Operand operand : operands) {
            if (operand instanceof Operand.Value v
                    && !List.of(types).contains(v.value().type())) {
                throw incorrectOperandType(function, v.value().type());
            }
            if (operand instanceof Operand.Size && !List.of(types).contains("N")) {
                throw incorrectOperandType(function, "N");
            }
        }
    }

    DynamoDbException incorrectOperandType(String operatorOrFunction, String type) {
        return invalid("Incorrect operand type for operator or function; operator or function: " + operatorOrFunction
                + ", operand type: " + type);
    }

    // ---- document paths ----------------------------------------------------------------------

    DocumentPath path(PathContext ctx) {
        List<DocumentPath.Element> elements = new ArrayList<>();
        if (ctx.path() != null) {
            elements.addAll(path(ctx.path()).elements());
        } else {
            elements.add(new DocumentPath.Member(name(ctx.pathName())));
        }
        for (PathStepContext step : ctx.pathStep()) {
            if (step instanceof MemberStepContext member) {
                elements.add(new DocumentPath.Member(name(member.pathName())));
            } else {
                Token index = ((IndexStepContext) step).INTEGER().getSymbol();
                try {
                    elements.add(new DocumentPath.Index(Integer.parseInt(index.getText())));
                } catch (NumberFormatException e) {
                    throw ExpressionParser.syntaxError(kind, text, tokens, index);
                }
            }
        }
        if (elements.size() > MAX_PATH_DEPTH) {
            throw invalid("The document path has too many nesting levels; nesting levels: " + elements.size());
        }
        return new DocumentPath(elements);
    }

    private String name(PathNameContext ctx) {
        if (ctx.NAME_REF() != null) {
            return attributes.resolveName(ctx.NAME_REF().getText(), kind);
        }
        String name = ctx.NAME().getText();
        if (ReservedWords.isReserved(name)) {
            throw invalid("Attribute name is a reserved keyword; reserved keyword: " + name);
        }
        return name;
    }
}
