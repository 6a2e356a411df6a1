package io.kubedyn.core.partiql;

import io.kubedyn.core.AttributeValue;
import java.util.List;
import java.util.Map;

/** One PartiQL statement, its parameters bound: what {@link StatementParser} makes of the text. */
public sealed interface Statement
        permits Statement.Select, Statement.Insert, Statement.Update, Statement.Delete, Statement.Exists {

    /** The table the statement reads or writes. */
    String table();

    /** Whether the statement only reads. */
    default boolean reads() {
        return this instanceof Select;
    }

    /**
     * {@code SELECT projection FROM table[.index] [WHERE condition] [ORDER BY ...]}; an empty
     * projection is {@code *}, a null index the table, a null condition every item.
     */
    record Select(List<Path> projection, String table, String index, Condition where, List<Ordering> orderBy)
            implements Statement {
        public Select {
            projection = List.copyOf(projection);
            orderBy = List.copyOf(orderBy);
        }
    }

    /** One {@code ORDER BY} term: a key attribute, ascending or not. */
    record Ordering(String attribute, boolean ascending) {}

    /** {@code INSERT INTO table VALUE {...}}. */
    record Insert(String table, Map<String, AttributeValue> item) implements Statement {
        public Insert {
            item = Map.copyOf(item);
        }
    }

    /**
     * {@code UPDATE table SET ... REMOVE ... WHERE condition [RETURNING ...]}; {@code returnValues}
     * is the RETURNING clause as UpdateItem's ReturnValues ({@code NONE} without one).
     */
    record Update(String table, List<Action> actions, Condition where, String returnValues) implements Statement {
        public Update {
            actions = List.copyOf(actions);
        }
    }

    /** One SET or REMOVE of an UPDATE. */
    sealed interface Action permits Assignment, Removal {}

    /** {@code SET path = value}, or {@code SET path = value + right} (or {@code -}) when arithmetic is set. */
    record Assignment(Path path, Operand value, String arithmetic, Operand right) implements Action {}

    record Removal(Path path) implements Action {}

    /** {@code DELETE FROM table WHERE condition [RETURNING ALL OLD *]}. */
    record Delete(String table, Condition where, String returnValues) implements Statement {}

    /**
     * {@code EXISTS(SELECT ... WHERE key AND condition)}: a transaction's condition check, that the
     * item of the key is there and meets the rest of the WHERE. Only ExecuteTransaction runs it.
     */
    record Exists(Select select) implements Statement {
        @Override
        public String table() {
            return select.table();
        }
    }
}
