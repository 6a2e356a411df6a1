package io.kubedyn.core.partiql;

import java.util.List;

/**
 * A document path of a statement: an attribute name, then member names ({@code String}) and list
 * indexes ({@code Integer}).
 */
public record Path(List<Object> steps) implements Operand {
    public Path {
        steps = List.copyOf(steps);
    }

    /** The top-level attribute the path starts at. */
    public String attribute() {
        return (String) steps.get(0);
    }

    /** Whether the path names a top-level attribute and nothing inside it. */
    public boolean isAttribute() {
        return steps.size() == 1;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Object step : steps) {
            if (step instanceof Integer index) {
                text.append('[').append(index).append(']');
            } else {
                text.append(text.isEmpty() ? "" : ".").append(step);
            }
        }
        return text.toString();
    }
}
