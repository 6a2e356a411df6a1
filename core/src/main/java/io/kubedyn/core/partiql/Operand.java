package io.kubedyn.core.partiql;

import io.kubedyn.core.AttributeValue;
import java.util.List;

/** What a condition compares or an assignment assigns: a path, a value, or a function's result. */
public sealed interface Operand permits Path, Operand.Literal, Operand.Function {

    /** A value written in the statement or bound to a {@code ?}. */
    record Literal(AttributeValue value) implements Operand {}

    /**
     * A function call, as an operand ({@code size}, {@code list_append}, {@code set_add},
     * {@code set_delete}) or as a condition ({@code begins_with}, {@code contains},
     * {@code attribute_type}). The name is kept lower case.
     */
    record Function(String name, List<Operand> arguments) implements Operand, Condition {
        public Function {
            arguments = List.copyOf(arguments);
        }
    }
}
