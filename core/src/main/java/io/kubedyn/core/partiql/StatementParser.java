package io.kubedyn.core.partiql;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.DynamoNumber;
import io.kubedyn.core.partiql.PartiQlParser.AssignmentContext;
import io.kubedyn.core.partiql.PartiQlParser.ConditionContext;
import io.kubedyn.core.partiql.PartiQlParser.OperandContext;
import io.kubedyn.core.partiql.PartiQlParser.PathContext;
import io.kubedyn.core.partiql.PartiQlParser.ValueContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/**
 * Turns a statement's text and its parameters into a {@link Statement}: the generated ANTLR
 * parser decides the shape, then each {@code ?} is bound to the next parameter, in order, and
 * what DynamoDB refuses beyond the shape is refused with DynamoDB's words.
 */
public final class StatementParser {
    /** DynamoDB's prefix for a statement it cannot parse. */
    public static final String NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: ";
    /** Functions that are conditions. */
    private static final Set<String> CONDITION_FUNCTIONS =
            Set.of("begins_with", "contains", "attribute_type", "attribute_exists", "attribute_not_exists");
    /** Functions that give a value. */
    private static final Set<String> VALUE_FUNCTIONS = Set.of("size", "list_append", "set_add", "set_delete");

    private final List<AttributeValue> parameters;
    private int bound;

    private StatementParser(List<AttributeValue> parameters) {
        this.parameters = parameters;
    }

    /** The statement {@code text} means with {@code parameters} (none: empty) bound to its {@code ?}s. */
    public static Statement parse(String text, List<AttributeValue> parameters) {
        PartiQlLexer lexer = new PartiQlLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        PartiQlParser parser = new PartiQlParser(tokens);
        parser.removeErrorListeners();
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(
                    Recognizer<?, ?> recognizer,
                    Object offendingSymbol,
                    int line,
                    int charPositionInLine,
                    String msg,
                    RecognitionException e) {
                throw notWellFormed(tokens.get(0), (Token) offendingSymbol);
            }
        });
        PartiQlParser.StatementContext root;
        try {
            root = parser.statement();
        } catch (StackOverflowError e) {
            throw DynamoDbException.validation(NOT_WELL_FORMED + "Statement is nested too deeply");
        }
        StatementParser builder = new StatementParser(parameters == null ? List.of() : parameters);
        Statement statement = builder.statement(root);
        if (builder.bound != builder.parameters.size()) {
            throw parameterCountMismatch();
        }
        return statement;
    }

    private static DynamoDbException parameterCountMismatch() {
        return DynamoDbException.validation("Number of parameters in request and statement don't match.");
    }

    /** What DynamoDB says of a statement it cannot parse: what it expected first, or where it stopped. */
    private static DynamoDbException notWellFormed(Token first, Token offending) {
        int type = first.getType();
        boolean exists = type == PartiQlLexer.NAME && first.getText().equalsIgnoreCase("exists");
        if (type != PartiQlLexer.SELECT
                && type != PartiQlLexer.INSERT
                && type != PartiQlLexer.UPDATE
                && type != PartiQlLexer.DELETE
                && !exists) {
            return DynamoDbException.validation(NOT_WELL_FORMED + "Expected data manipulation");
        }
        if (offending.getType() == Token.EOF) {
            return DynamoDbException.validation(NOT_WELL_FORMED + "Unexpected end of statement");
        }
        return DynamoDbException.validation(NOT_WELL_FORMED + "Unexpected token: " + offending.getText() + " at column "
                + (offending.getCharPositionInLine() + 1));
    }

    private Statement statement(PartiQlParser.StatementContext root) {
        if (root.select() != null) {
            return select(root.select());
        }
        if (root.insert() != null) {
            return insert(root.insert());
        }
        if (root.update() != null) {
            return update(root.update());
        }
        if (root.exists() != null) {
            if (!root.exists().NAME().getText().equalsIgnoreCase("exists")) {
                throw DynamoDbException.validation(NOT_WELL_FORMED + "Expected data manipulation");
            }
            return new Statement.Exists(select(root.exists().select()));
        }
        return delete(root.delete());
    }

    private Statement.Select select(PartiQlParser.SelectContext select) {
        List<Path> projection = new ArrayList<>();
        boolean everything = false;
        for (PartiQlParser.ProjectionContext item : select.projection()) {
            if (item instanceof PartiQlParser.AttributeContext attribute) {
                projection.add(path(attribute.path()));
            } else {
                everything = true;
            }
        }
        if (everything && !projection.isEmpty()) {
            throw DynamoDbException.validation(
                    "Other attributes should not be present in the projection when '*' is used.");
        }
        Condition where =
                select.where() == null ? null : condition(select.where().condition());
        List<Statement.Ordering> orderBy = new ArrayList<>();
        if (select.orderBy() != null) {
            for (PartiQlParser.OrderingContext ordering : select.orderBy().ordering()) {
                orderBy.add(new Statement.Ordering(name(ordering.name()), ordering.DESC() == null));
            }
        }
        String index = select.name().size() > 1 ? name(select.name(1)) : null;
        return new Statement.Select(projection, name(select.name(0)), index, where, orderBy);
    }

    private Statement insert(PartiQlParser.InsertContext insert) {
        if (insert.returning() != null) {
            throw DynamoDbException.validation("RETURNING is not supported in INSERT");
        }
        AttributeValue item = value(insert.value());
        if (!(item instanceof AttributeValue.M map)) {
            throw DynamoDbException.validation("Unsupported format in item expression. Please use struct format {...} "
                    + "to express item values for insert statement.");
        }
        return new Statement.Insert(name(insert.name()), map.value());
    }

    private Statement update(PartiQlParser.UpdateContext update) {
        List<Statement.Action> actions = new ArrayList<>();
        for (PartiQlParser.UpdateClauseContext clause : update.updateClause()) {
            if (clause instanceof PartiQlParser.SetClauseContext set) {
                for (AssignmentContext assignment : set.assignment()) {
                    Operand value = operand(assignment.operand(0));
                    Operand right = assignment.operand().size() > 1 ? operand(assignment.operand(1)) : null;
                    actions.add(new Statement.Assignment(
                            path(assignment.path()),
                            value,
                            assignment.arithmetic == null ? null : assignment.arithmetic.getText(),
                            right));
                }
            } else {
                ((PartiQlParser.RemoveClauseContext) clause)
                        .path()
                        .forEach(path -> actions.add(new Statement.Removal(path(path))));
            }
        }
        Condition where = condition(update.where().condition());
        return new Statement.Update(name(update.name()), actions, where, returnValues(update.returning()));
    }

    private Statement delete(PartiQlParser.DeleteContext delete) {
        Condition where = condition(delete.where().condition());
        String returnValues = returnValues(delete.returning());
        if (!returnValues.equals("NONE") && !returnValues.equals("ALL_OLD")) {
            throw DynamoDbException.validation("Invalid returning clause: RETURNING "
                    + delete.returning().which.getText().toUpperCase() + " "
                    + delete.returning().age.getText().toUpperCase()
                    + " *. Only RETURNING ALL OLD * is allowed in DELETE statements.");
        }
        return new Statement.Delete(name(delete.name()), where, returnValues);
    }

    /** A RETURNING clause as ReturnValues: {@code MODIFIED} is UpdateItem's {@code UPDATED}. */
    private static String returnValues(PartiQlParser.ReturningContext returning) {
        if (returning == null) {
            return "NONE";
        }
        String which = returning.which.getType() == PartiQlLexer.ALL ? "ALL" : "UPDATED";
        return which + (returning.age.getType() == PartiQlLexer.OLD ? "_OLD" : "_NEW");
    }

    // ---- conditions ----------------------------------------------------------------------------

    private Condition condition(ConditionContext context) {
        if (context instanceof PartiQlParser.ComparisonContext c) {
            String comparator = c.comparator().getText();
            return new Condition.Comparison(
                    operand(c.operand(0)), comparator.equals("!=") ? "<>" : comparator, operand(c.operand(1)));
        }
        if (context instanceof PartiQlParser.BetweenContext c) {
            return new Condition.Between(operand(c.operand(0)), operand(c.operand(1)), operand(c.operand(2)));
        }
        if (context instanceof PartiQlParser.InContext c) {
            Operand subject = operand(c.operand());
            return new Condition.In(
                    subject, c.sequence().value().stream().map(this::value).toList());
        }
        if (context instanceof PartiQlParser.IsContext c) {
            return new Condition.Is(operand(c.operand()), c.NOT() != null, c.MISSING() != null);
        }
        if (context instanceof PartiQlParser.FunctionConditionContext c) {
            Operand.Function function = function(c.function());
            if (!CONDITION_FUNCTIONS.contains(function.name())) {
                throw unrecognized(function.name());
            }
            return function;
        }
        if (context instanceof PartiQlParser.SubqueryContext c) {
            // EXISTS(SELECT ...) is a transaction's condition check, which needs ExecuteTransaction.
            String name = c.NAME().getText().toLowerCase(java.util.Locale.ROOT);
            throw name.equals("exists")
                    ? DynamoDbException.validation("EXISTS can only be used in ExecuteTransaction write requests.")
                    : unrecognized(name);
        }
        if (context instanceof PartiQlParser.ParenthesizedContext c) {
            return condition(c.condition());
        }
        if (context instanceof PartiQlParser.NotContext c) {
            return new Condition.Not(condition(c.condition()));
        }
        if (context instanceof PartiQlParser.AndContext c) {
            return new Condition.And(condition(c.condition(0)), condition(c.condition(1)));
        }
        PartiQlParser.OrContext c = (PartiQlParser.OrContext) context;
        return new Condition.Or(condition(c.condition(0)), condition(c.condition(1)));
    }

    private Operand operand(OperandContext context) {
        if (context.path() != null) {
            return path(context.path());
        }
        if (context.value() != null) {
            return new Operand.Literal(value(context.value()));
        }
        Operand.Function function = function(context.function());
        if (function.name().equals("exists")) {
            throw DynamoDbException.validation("EXISTS can only be used in ExecuteTransaction write requests.");
        }
        if (!VALUE_FUNCTIONS.contains(function.name())) {
            throw unrecognized(function.name());
        }
        return function;
    }

    private Operand.Function function(PartiQlParser.FunctionContext context) {
        String name = context.NAME().getText().toLowerCase(java.util.Locale.ROOT);
        if (name.equals("exists")) {
            throw DynamoDbException.validation("EXISTS can only be used in ExecuteTransaction write requests.");
        }
        return new Operand.Function(
                name, context.operand().stream().map(this::operand).toList());
    }

    private static DynamoDbException unrecognized(String function) {
        return DynamoDbException.validation("Unrecognized function: " + function);
    }

    // ---- paths and values ----------------------------------------------------------------------

    private static Path path(PathContext context) {
        List<Object> steps = new ArrayList<>();
        steps.add(name(context.name()));
        for (PartiQlParser.PathStepContext step : context.pathStep()) {
            if (step instanceof PartiQlParser.MemberStepContext member) {
                steps.add(name(member.name()));
            } else {
                String index = ((PartiQlParser.IndexStepContext) step).NUMBER().getText();
                try {
                    steps.add(Integer.parseInt(index));
                } catch (NumberFormatException e) {
                    throw DynamoDbException.validation(
                            "List index is not within the allowable range; index: [" + index + "]");
                }
            }
        }
        return new Path(steps);
    }

    private static String name(PartiQlParser.NameContext context) {
        if (context.NAME() != null) {
            return context.NAME().getText();
        }
        String quoted = context.QUOTED_NAME().getText();
        return quoted.substring(1, quoted.length() - 1).replace("\"\"", "\"");
    }

    private AttributeValue value(ValueContext context) {
        if (context instanceof PartiQlParser.StringValueContext c) {
            String quoted = c.STRING().getText();
            return new AttributeValue.S(quoted.substring(1, quoted.length() - 1).replace("''", "'"));
        }
        if (context instanceof PartiQlParser.NumberValueContext c) {
            return new AttributeValue.N(DynamoNumber.parse(c.getText()));
        }
        if (context instanceof PartiQlParser.BooleanValueContext c) {
            return new AttributeValue.Bool(c.TRUE() != null);
        }
        if (context instanceof PartiQlParser.NullValueContext) {
            return new AttributeValue.Null();
        }
        if (context instanceof PartiQlParser.MissingValueContext) {
            throw DynamoDbException.validation("MISSING must be compared using IS operator");
        }
        if (context instanceof PartiQlParser.ParameterContext) {
            if (bound >= parameters.size()) {
                throw parameterCountMismatch();
            }
            return parameters.get(bound++);
        }
        if (context instanceof PartiQlParser.ListValueContext c) {
            return new AttributeValue.L(c.value().stream().map(this::value).toList());
        }
        if (context instanceof PartiQlParser.TupleValueContext c) {
            Map<String, AttributeValue> members = new LinkedHashMap<>();
            for (PartiQlParser.MemberContext member : c.member()) {
                String quoted = member.STRING().getText();
                members.put(quoted.substring(1, quoted.length() - 1).replace("''", "'"), value(member.value()));
            }
            return new AttributeValue.M(members);
        }
        return bag(((PartiQlParser.BagValueContext) context)
                .value().stream().map(this::value).toList());
    }

    /** A bag is a set: of strings or of numbers, never empty. */
    private static AttributeValue bag(List<AttributeValue> members) {
        if (members.isEmpty()) {
            throw DynamoDbException.validation("Empty bags are not supported");
        }
        if (members.stream().allMatch(m -> m instanceof AttributeValue.S)) {
            return AttributeValue.SS.of(
                    members.stream().map(m -> ((AttributeValue.S) m).value()).toList());
        }
        if (members.stream().allMatch(m -> m instanceof AttributeValue.N)) {
            return AttributeValue.NS.of(
                    members.stream().map(m -> ((AttributeValue.N) m).value()).toList());
        }
        throw DynamoDbException.validation(
                "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags");
    }
}
