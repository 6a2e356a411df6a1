package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.Binary;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.DynamoNumber;
import io.kubedyn.core.expression.DynamoDbExpressionParser.AddClauseContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.DeleteClauseContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.MinusValueContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.PathAndValueContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.PlainValueContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.PlusValueContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.RemoveClauseContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.SetActionContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.SetClauseContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.SetValueContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.UpdateClauseContext;
import io.kubedyn.core.expression.DynamoDbExpressionParser.UpdateExpressionContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed UpdateExpression: SET, REMOVE, ADD and DELETE clauses, each at most once, in any
 * order, on paths that neither overlap nor conflict. {@link #apply} computes the new item.
 */
public final class UpdateExpression {
    static final String KIND = "UpdateExpression";
    static final String MISSING_ATTRIBUTE =
            "The provided expression refers to an attribute that does not exist in the item";
    static final String INCORRECT_DATA_TYPE = "An operand in the update expression has an incorrect data type";

    /** One action of one clause. */
    sealed interface Action {
        DocumentPath path();
    }

    record SetAction(DocumentPath path, Operand value) implements Action {}

    record RemoveAction(DocumentPath path) implements Action {}

    record AddAction(DocumentPath path, AttributeValue value) implements Action {}

    record DeleteAction(DocumentPath path, AttributeValue value) implements Action {}

    private final String text;
    private final List<Action> actions;
    private final List<DocumentPath> paths;

    private UpdateExpression(String text, List<Action> actions) {
        this.text = text;
        this.actions = List.copyOf(actions);
        List<DocumentPath> p = new ArrayList<>();
        for (Action action : actions) {
            p.add(action.path());
        }
        this.paths = List.copyOf(p);
    }

    /** An update built other than by parsing (from the legacy AttributeUpdates); {@code description} is for toString. */
    static UpdateExpression of(String description, List<Action> actions) {
        return new UpdateExpression(description, actions);
    }

    List<Action> actions() {
        return actions;
    }

    public static UpdateExpression parse(String text, ExpressionAttributes attributes) {
        Objects.requireNonNull(attributes, "attributes");
        return build(ExpressionParser.parse(KIND, text, SyntaxTree.StartRule.UPDATE), attributes);
    }

    /** The update of a tree parsed with {@link SyntaxTree.StartRule#UPDATE}. */
    static UpdateExpression build(SyntaxTree tree, ExpressionAttributes attributes) {
        Objects.requireNonNull(attributes, "attributes");
        UpdateExpressionContext root = (UpdateExpressionContext) tree.root();
        return ExpressionParser.build(KIND, () -> build(tree.text(), tree.builder(KIND, attributes), root, attributes));
    }

    private static UpdateExpression build(
            String text, ExpressionBuilder builder, UpdateExpressionContext tree, ExpressionAttributes attributes) {
        // DynamoDB's order: the whole expression's words, sections and references, then its
        // paths against each other, then each action.
        ExpressionChecks.update(builder, attributes, tree);
        List<DocumentPath> targets = new ArrayList<>();
        for (UpdateClauseContext clause : tree.updateClause()) {
            if (clause instanceof SetClauseContext set) {
                set.setAction().forEach(action -> targets.add(builder.path(action.path())));
            } else if (clause instanceof RemoveClauseContext remove) {
                remove.path().forEach(path -> targets.add(builder.path(path)));
            } else if (clause instanceof AddClauseContext add) {
                add.pathAndValue().forEach(action -> targets.add(builder.path(action.path())));
            } else {
                ((DeleteClauseContext) clause)
                        .pathAndValue()
                        .forEach(action -> targets.add(builder.path(action.path())));
            }
        }
        Paths.checkOverlaps(KIND, targets);
        // The actions' paths are the targets, in the same order.
        java.util.Iterator<DocumentPath> paths = targets.iterator();
        List<Action> actions = new ArrayList<>();
        for (UpdateClauseContext clause : tree.updateClause()) {
            if (clause instanceof SetClauseContext set) {
                for (SetActionContext action : set.setAction()) {
                    actions.add(new SetAction(paths.next(), setValue(builder, action.setValue())));
                }
            } else if (clause instanceof RemoveClauseContext remove) {
                for (int i = 0; i < remove.path().size(); i++) {
                    actions.add(new RemoveAction(paths.next()));
                }
            } else if (clause instanceof AddClauseContext add) {
                for (PathAndValueContext action : add.pathAndValue()) {
                    DocumentPath path = paths.next();
                    AttributeValue value =
                            builder.value(action.VALUE_REF().getSymbol()).value();
                    if (!(value instanceof AttributeValue.N || isSet(value))) {
                        throw builder.invalid("Incorrect operand type for operator or function; operator: ADD, "
                                + "operand type: " + Values.longTypeName(value) + ", typeSet: ALLOWED_FOR_ADD_OPERAND");
                    }
                    actions.add(new AddAction(path, value));
                }
            } else {
                for (PathAndValueContext action : ((DeleteClauseContext) clause).pathAndValue()) {
                    DocumentPath path = paths.next();
                    AttributeValue value =
                            builder.value(action.VALUE_REF().getSymbol()).value();
                    if (!isSet(value)) {
                        throw builder.invalid("Incorrect operand type for operator or function; operator: DELETE, "
                                + "operand type: " + Values.longTypeName(value)
                                + ", typeSet: ALLOWED_FOR_DELETE_OPERAND");
                    }
                    actions.add(new DeleteAction(path, value));
                }
            }
        }
        return new UpdateExpression(text, actions);
    }

    private static Operand setValue(ExpressionBuilder builder, SetValueContext ctx) {
        if (ctx instanceof DynamoDbExpressionParser.ParenthesizedValueContext parenthesized) {
            return setValue(builder, parenthesized.setValue());
        }
        if (ctx instanceof PlainValueContext plain) {
            return builder.updateOperand(plain.operand());
        }
        boolean plus = ctx instanceof PlusValueContext;
        builder.countOperator();
        Operand left = builder.updateOperand(
                plus ? ((PlusValueContext) ctx).operand(0) : ((MinusValueContext) ctx).operand(0));
        Operand right = builder.updateOperand(
                plus ? ((PlusValueContext) ctx).operand(1) : ((MinusValueContext) ctx).operand(1));
        for (Operand operand : List.of(left, right)) {
            if (operand instanceof Operand.Value v && !(v.value() instanceof AttributeValue.N)) {
                throw builder.incorrectOperandType(plus ? "+" : "-", v.value().type());
            }
            if (operand instanceof Operand.ListAppend) {
                throw builder.incorrectOperandType(plus ? "+" : "-", "L");
            }
        }
        return new Operand.Arithmetic(left, plus, right);
    }

    private static boolean isSet(AttributeValue value) {
        return value instanceof AttributeValue.SS
                || value instanceof AttributeValue.NS
                || value instanceof AttributeValue.BS;
    }

    // ---- what the update touches ------------------------------------------------------------

    /**
     * Whether applying this to no item makes one: only a SET or an ADD does. An update that only
     * removes attributes or deletes set members leaves a missing item missing, as in DynamoDB.
     */
    public boolean createsItem() {
        return actions.stream().anyMatch(action -> action instanceof SetAction || action instanceof AddAction);
    }

    /** The document paths the update writes or removes, in the order written. */
    public List<DocumentPath> updatedPaths() {
        return paths;
    }

    /** The top-level attributes the update writes or removes (to refuse updates of key attributes). */
    public Set<String> updatedAttributeNames() {
        Set<String> names = new LinkedHashSet<>();
        for (DocumentPath path : paths) {
            names.add(path.topLevelName());
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * The updated paths of {@code item}, keeping their nesting: pass the old item for
     * ReturnValues UPDATED_OLD and the new item for UPDATED_NEW.
     */
    public Map<String, AttributeValue> projectUpdated(Map<String, AttributeValue> item) {
        return Paths.project(item == null ? Map.of() : item, paths);
    }

    // ---- applying it --------------------------------------------------------------------------

    /**
     * The item after the update; {@code oldItem} (null or empty when the item does not exist)
     * is left unchanged. Every SET value is computed from the old item, then SET, ADD and
     * DELETE are applied in the order written, then REMOVE, higher list indexes first, so that
     * indexes always mean positions in the old item.
     *
     * @throws DynamoDbException a ValidationException for what DynamoDB refuses at run time: a
     *     missing attribute on the right of SET, arithmetic or list_append on the wrong types,
     *     ADD or DELETE on an attribute of another type, a path through a missing map or list
     */
    public Map<String, AttributeValue> apply(Map<String, AttributeValue> oldItem) {
        return apply(oldItem, oldItem != null && !oldItem.isEmpty());
    }

    /**
     * The item after the update, from {@code oldItem}, which is only the key when the item does
     * not exist ({@code itemExists} false): then a REMOVE through a missing attribute removes
     * nothing instead of being refused, as in DynamoDB.
     */
    public Map<String, AttributeValue> apply(Map<String, AttributeValue> oldItem, boolean itemExists) {
        Map<String, AttributeValue> old = oldItem == null ? Map.of() : oldItem;
        List<AttributeValue> setValues = new ArrayList<>();
        for (Action action : actions) {
            setValues.add(action instanceof SetAction set ? evaluate(set.value(), old) : null);
        }
        Map<String, AttributeValue> item = new LinkedHashMap<>(old);
        List<RemoveAction> removes = new ArrayList<>();
        // Writes past the end of a list of the old item append, after every other write, in
        // the order of their indexes (not of the actions), as DynamoDB appends them.
        List<Integer> appends = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            Action action = actions.get(i);
            if (action instanceof RemoveAction remove) {
                removes.add(remove);
            } else if (!(action instanceof DeleteAction) && pastEnd(action.path(), old)) {
                appends.add(i);
            } else {
                item = write(item, action, setValues.get(i));
            }
        }
        appends.sort(Comparator.comparingInt(i -> lastIndex(actions.get(i).path())));
        for (int i : appends) {
            item = write(item, actions.get(i), setValues.get(i));
        }
        removes.sort(Comparator.comparing(RemoveAction::path, UpdateExpression::higherIndexFirst));
        for (RemoveAction remove : removes) {
            item = Paths.remove(item, remove.path(), itemExists);
        }
        return item;
    }

    /** {@code item} with one SET, ADD or DELETE applied. */
    private Map<String, AttributeValue> write(
            Map<String, AttributeValue> item, Action action, AttributeValue setValue) {
        if (action instanceof SetAction set) {
            return Paths.set(item, set.path(), setValue);
        } else if (action instanceof AddAction add) {
            return add(item, add);
        }
        return delete(item, (DeleteAction) action);
    }

    /** Whether {@code path} ends with an index past the end of a list of {@code old}. */
    private static boolean pastEnd(DocumentPath path, Map<String, AttributeValue> old) {
        List<DocumentPath.Element> elements = path.elements();
        if (elements.size() < 2 || !(elements.get(elements.size() - 1) instanceof DocumentPath.Index index)) {
            return false;
        }
        AttributeValue parent = new DocumentPath(elements.subList(0, elements.size() - 1)).get(old);
        return parent instanceof AttributeValue.L list
                && index.index() >= list.value().size();
    }

    private static int lastIndex(DocumentPath path) {
        return ((DocumentPath.Index) path.elements().get(path.elements().size() - 1)).index();
    }

    private static int higherIndexFirst(DocumentPath a, DocumentPath b) {
        int common = Math.min(a.depth(), b.depth());
        for (int k = 0; k < common; k++) {
            DocumentPath.Element x = a.elements().get(k);
            DocumentPath.Element y = b.elements().get(k);
            if (x instanceof DocumentPath.Index i && y instanceof DocumentPath.Index j && i.index() != j.index()) {
                return Integer.compare(j.index(), i.index());
            }
            if (x instanceof DocumentPath.Member m && y instanceof DocumentPath.Member n && !m.equals(n)) {
                return m.name().compareTo(n.name());
            }
        }
        return Integer.compare(a.depth(), b.depth());
    }

    private static AttributeValue evaluate(Operand operand, Map<String, AttributeValue> item) {
        if (operand instanceof Operand.Value v) {
            return v.value();
        } else if (operand instanceof Operand.Path p) {
            AttributeValue value = p.path().get(item);
            if (value == null) {
                throw DynamoDbException.validation(MISSING_ATTRIBUTE);
            }
            return value;
        } else if (operand instanceof Operand.IfNotExists f) {
            AttributeValue existing = f.path().get(item);
            return existing != null ? existing : evaluate(f.fallback(), item);
        } else if (operand instanceof Operand.ListAppend f) {
            AttributeValue first = evaluate(f.first(), item);
            AttributeValue second = evaluate(f.second(), item);
            if (!(first instanceof AttributeValue.L a) || !(second instanceof AttributeValue.L b)) {
                throw DynamoDbException.validation(INCORRECT_DATA_TYPE);
            }
            List<AttributeValue> joined = new ArrayList<>(a.value());
            joined.addAll(b.value());
            return new AttributeValue.L(joined);
        } else if (operand instanceof Operand.Arithmetic f) {
            AttributeValue left = evaluate(f.left(), item);
            AttributeValue right = evaluate(f.right(), item);
            if (!(left instanceof AttributeValue.N a) || !(right instanceof AttributeValue.N b)) {
                throw DynamoDbException.validation(INCORRECT_DATA_TYPE);
            }
            return new AttributeValue.N(
                    f.plus() ? a.value().add(b.value()) : a.value().subtract(b.value()));
        }
        throw new IllegalStateException("not an update operand: " + operand);
    }

    private static Map<String, AttributeValue> add(Map<String, AttributeValue> item, AddAction add) {
        AttributeValue existing = add.path().get(item);
        AttributeValue value = add.value();
        AttributeValue result;
        if (existing == null) {
            result = value;
        } else if (existing instanceof AttributeValue.N a && value instanceof AttributeValue.N b) {
            result = new AttributeValue.N(a.value().add(b.value()));
        } else if (existing instanceof AttributeValue.SS a && value instanceof AttributeValue.SS b) {
            Set<String> union = new LinkedHashSet<>(a.value());
            union.addAll(b.value());
            result = new AttributeValue.SS(union);
        } else if (existing instanceof AttributeValue.NS a && value instanceof AttributeValue.NS b) {
            Set<DynamoNumber> union = new LinkedHashSet<>(a.value());
            union.addAll(b.value());
            result = new AttributeValue.NS(union);
        } else if (existing instanceof AttributeValue.BS a && value instanceof AttributeValue.BS b) {
            Set<Binary> union = new LinkedHashSet<>(a.value());
            union.addAll(b.value());
            result = new AttributeValue.BS(union);
        } else {
            throw DynamoDbException.validation(INCORRECT_DATA_TYPE);
        }
        return Paths.set(item, add.path(), result);
    }

    private static Map<String, AttributeValue> delete(Map<String, AttributeValue> item, DeleteAction delete) {
        AttributeValue existing = delete.path().get(item);
        if (existing == null) {
            return item;
        }
        AttributeValue value = delete.value();
        Set<?> remaining;
        if (existing instanceof AttributeValue.SS a && value instanceof AttributeValue.SS b) {
            Set<String> rest = new LinkedHashSet<>(a.value());
            rest.removeAll(b.value());
            remaining = rest;
        } else if (existing instanceof AttributeValue.NS a && value instanceof AttributeValue.NS b) {
            Set<DynamoNumber> rest = new LinkedHashSet<>(a.value());
            rest.removeAll(b.value());
            remaining = rest;
        } else if (existing instanceof AttributeValue.BS a && value instanceof AttributeValue.BS b) {
            Set<Binary> rest = new LinkedHashSet<>(a.value());
            rest.removeAll(b.value());
            remaining = rest;
        } else {
            throw DynamoDbException.validation(INCORRECT_DATA_TYPE);
        }
        if (remaining.isEmpty()) {
            return Paths.remove(item, delete.path());
        }
        return Paths.set(item, delete.path(), withMembers(existing, remaining));
    }

    @SuppressWarnings("unchecked")
    private static AttributeValue withMembers(AttributeValue set, Set<?> members) {
        if (set instanceof AttributeValue.SS) {
            return new AttributeValue.SS((Set<String>) members);
        } else if (set instanceof AttributeValue.NS) {
            return new AttributeValue.NS((Set<DynamoNumber>) members);
        }
        return new AttributeValue.BS((Set<Binary>) members);
    }

    @Override
    public String toString() {
        return text;
    }
}
