package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A document path with its {@code #name} references resolved: a top-level attribute name
 * followed by map keys and list indexes, like {@code a.b[2].c}.
 */
public record DocumentPath(List<Element> elements) {

    /** One step of a path. */
    public sealed interface Element permits Member, Index {}

    /** A top-level attribute or a map key. */
    public record Member(String name) implements Element {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A list index. */
    public record Index(int index) implements Element {
        @Override
        public String toString() {
            return "[" + index + "]";
        }
    }

    public DocumentPath {
        elements = List.copyOf(elements);
        if (elements.isEmpty() || !(elements.get(0) instanceof Member)) {
            throw new IllegalArgumentException("a document path starts with an attribute name");
        }
    }

    public static DocumentPath of(String topLevelName) {
        return new DocumentPath(List.of(new Member(topLevelName)));
    }

    public String topLevelName() {
        return ((Member) elements.get(0)).name();
    }

    public boolean isTopLevel() {
        return elements.size() == 1;
    }

    public int depth() {
        return elements.size();
    }

    DocumentPath parent() {
        return new DocumentPath(elements.subList(0, elements.size() - 1));
    }

    Element last() {
        return elements.get(elements.size() - 1);
    }

    /** True when this path equals {@code other} or leads into it. */
    boolean isPrefixOf(DocumentPath other) {
        return other.elements.size() >= elements.size()
                && other.elements.subList(0, elements.size()).equals(elements);
    }

    /** The value at this path in {@code item}, or null when the item has nothing there. */
    public AttributeValue get(Map<String, AttributeValue> item) {
        AttributeValue current = item.get(topLevelName());
        for (int i = 1; i < elements.size() && current != null; i++) {
            current = step(current, elements.get(i));
        }
        return current;
    }

    static AttributeValue step(AttributeValue current, Element element) {
        if (element instanceof Member member) {
            return current instanceof AttributeValue.M m ? m.value().get(member.name()) : null;
        }
        int index = ((Index) element).index();
        if (current instanceof AttributeValue.L l) {
            return index < l.value().size() ? l.value().get(index) : null;
        }
        return null;
    }

    /** DynamoDB's rendering in error messages: {@code [a, b, [2]]}. */
    String toErrorForm() {
        List<String> parts = new ArrayList<>();
        for (Element e : elements) {
            parts.add(e.toString());
        }
        return "[" + String.join(", ", parts) + "]";
    }

    /** The path as it would be written in an expression (names unescaped): {@code a.b[2].c}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Element e : elements) {
            if (e instanceof Member && sb.length() > 0) {
                sb.append('.');
            }
            sb.append(e);
        }
        return sb.toString();
    }
}
