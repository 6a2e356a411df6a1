package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.expression.DocumentPath.Element;
import io.kubedyn.core.expression.DocumentPath.Index;
import io.kubedyn.core.expression.DocumentPath.Member;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Document paths applied to items: projection, replacement and removal, each returning new values. */
final class Paths {
    static final String INVALID_FOR_UPDATE =
            "The document path provided in the update expression is invalid for update";

    private Paths() {}

    /**
     * Refuses two paths of which one is a prefix of the other ("overlap"), or which use one
     * element as a map and as a list ("conflict"), with DynamoDB's messages: each path against
     * those before it, an overlap anywhere before the first conflict.
     */
    static void checkOverlaps(String kind, List<DocumentPath> paths) {
        DynamoDbException conflict = null;
        for (int j = 1; j < paths.size(); j++) {
            for (int i = 0; i < j; i++) {
                DocumentPath one = paths.get(i);
                DocumentPath two = paths.get(j);
                Boolean overlaps = overlaps(one, two);
                if (overlaps == null) {
                    continue;
                }
                String words = overlaps ? "overlap with each other" : "conflict with each other";
                DynamoDbException refusal = DynamoDbException.validation("Invalid " + kind + ": Two document paths "
                        + words + "; must remove or rewrite one of these paths; path one: " + one.toErrorForm()
                        + ", path two: " + two.toErrorForm());
                if (overlaps) {
                    throw refusal;
                }
                if (conflict == null) {
                    conflict = refusal;
                }
            }
        }
        if (conflict != null) {
            throw conflict;
        }
    }

    /** True when one path is a prefix of the other, false when they conflict, null when neither. */
    private static Boolean overlaps(DocumentPath one, DocumentPath two) {
        int common = Math.min(one.depth(), two.depth());
        for (int k = 0; k < common; k++) {
            Element a = one.elements().get(k);
            Element b = two.elements().get(k);
            if (!a.equals(b)) {
                return a.getClass() != b.getClass() ? Boolean.FALSE : null;
            }
        }
        return Boolean.TRUE;
    }

    // ---- projection -----------------------------------------------------------------------------

    /** A node of a projection under construction: a selected value, or map members, or list elements. */
    private static final class Node {
        AttributeValue value;
        final Map<String, Node> members = new LinkedHashMap<>();
        final TreeMap<Integer, Node> elements = new TreeMap<>();

        Node child(Element element) {
            if (element instanceof Member m) {
                return members.computeIfAbsent(m.name(), k -> new Node());
            }
            return elements.computeIfAbsent(((Index) element).index(), k -> new Node());
        }

        AttributeValue build() {
            if (value != null) {
                return value;
            }
            if (!elements.isEmpty()) {
                List<AttributeValue> list = new ArrayList<>();
                for (Node n : elements.values()) {
                    list.add(n.build());
                }
                return new AttributeValue.L(list);
            }
            Map<String, AttributeValue> map = new LinkedHashMap<>();
            members.forEach((k, n) -> map.put(k, n.build()));
            return new AttributeValue.M(map);
        }
    }

    /**
     * The parts of {@code item} the paths select, keeping their nesting: {@code a.b} gives
     * {@code {a: {b: ...}}}, and selected list elements keep their order, without gaps.
     */
    static Map<String, AttributeValue> project(Map<String, AttributeValue> item, List<DocumentPath> paths) {
        Node root = new Node();
        for (DocumentPath path : paths) {
            AttributeValue value = path.get(item);
            if (value == null) {
                continue;
            }
            Node node = root;
            for (Element element : path.elements()) {
                node = node.child(element);
            }
            node.value = value;
        }
        Map<String, AttributeValue> result = new LinkedHashMap<>();
        root.members.forEach((k, n) -> result.put(k, n.build()));
        return result;
    }

    // ---- updates ------------------------------------------------------------------------------

    /**
     * {@code item} with {@code value} at {@code path}. Every container on the way must exist; an
     * index past the end of a list appends.
     */
    static Map<String, AttributeValue> set(Map<String, AttributeValue> item, DocumentPath path, AttributeValue value) {
        Map<String, AttributeValue> result = new LinkedHashMap<>(item);
        String name = path.topLevelName();
        if (path.isTopLevel()) {
            result.put(name, value);
            return result;
        }
        AttributeValue child = item.get(name);
        if (child == null) {
            throw DynamoDbException.validation(INVALID_FOR_UPDATE);
        }
        result.put(name, setIn(child, path.elements().subList(1, path.depth()), value));
        return result;
    }

    private static AttributeValue setIn(AttributeValue container, List<Element> rest, AttributeValue value) {
        Element element = rest.get(0);
        AttributeValue replacement;
        if (rest.size() == 1) {
            replacement = value;
        } else {
            AttributeValue child = DocumentPath.step(container, element);
            if (child == null) {
                throw DynamoDbException.validation(INVALID_FOR_UPDATE);
            }
            replacement = setIn(child, rest.subList(1, rest.size()), value);
        }
        if (element instanceof Member member && container instanceof AttributeValue.M m) {
            Map<String, AttributeValue> map = new LinkedHashMap<>(m.value());
            map.put(member.name(), replacement);
            return new AttributeValue.M(map);
        }
        if (element instanceof Index index && container instanceof AttributeValue.L l) {
            List<AttributeValue> list = new ArrayList<>(l.value());
            if (index.index() < list.size()) {
                list.set(index.index(), replacement);
            } else {
                list.add(replacement);
            }
            return new AttributeValue.L(list);
        }
        throw DynamoDbException.validation(INVALID_FOR_UPDATE);
    }

    /**
     * {@code item} without what is at {@code path}; nothing changes when there is nothing
     * there. Removing a list element shifts the later ones down.
     */
    static Map<String, AttributeValue> remove(Map<String, AttributeValue> item, DocumentPath path) {
        return remove(item, path, true);
    }

    /**
     * {@code item} without the element at {@code path}. A missing last element is nothing to
     * remove; a missing or wrong-typed element before it is DynamoDB's "invalid for update",
     * except on an item that does not exist ({@code itemExists} false), where DynamoDB removes
     * nothing and says nothing.
     */
    static Map<String, AttributeValue> remove(Map<String, AttributeValue> item, DocumentPath path, boolean itemExists) {
        String name = path.topLevelName();
        if (!item.containsKey(name)) {
            if (path.isTopLevel() || !itemExists) {
                return item;
            }
            throw DynamoDbException.validation(INVALID_FOR_UPDATE);
        }
        Map<String, AttributeValue> result = new LinkedHashMap<>(item);
        if (path.isTopLevel()) {
            result.remove(name);
            return result;
        }
        AttributeValue changed = removeIn(item.get(name), path.elements().subList(1, path.depth()));
        if (changed == null) {
            return item;
        }
        result.put(name, changed);
        return result;
    }

    /** The container without the element at {@code rest}, or null when that changes nothing. */
    private static AttributeValue removeIn(AttributeValue container, List<Element> rest) {
        Element element = rest.get(0);
        boolean isMapStep = element instanceof Member && container instanceof AttributeValue.M;
        boolean isListStep = element instanceof Index && container instanceof AttributeValue.L;
        if (!isMapStep && !isListStep) {
            throw DynamoDbException.validation(INVALID_FOR_UPDATE);
        }
        AttributeValue child = DocumentPath.step(container, element);
        if (child == null && rest.size() > 1) {
            throw DynamoDbException.validation(INVALID_FOR_UPDATE);
        }
        if (child == null) {
            return null;
        }
        AttributeValue replacement = null;
        if (rest.size() > 1) {
            replacement = removeIn(child, rest.subList(1, rest.size()));
            if (replacement == null) {
                return null;
            }
        }
        if (isMapStep) {
            Map<String, AttributeValue> map = new LinkedHashMap<>(((AttributeValue.M) container).value());
            String key = ((Member) element).name();
            if (replacement == null) {
                map.remove(key);
            } else {
                map.put(key, replacement);
            }
            return new AttributeValue.M(map);
        }
        List<AttributeValue> list = new ArrayList<>(((AttributeValue.L) container).value());
        int index = ((Index) element).index();
        if (replacement == null) {
            list.remove(index);
        } else {
            list.set(index, replacement);
        }
        return new AttributeValue.L(list);
    }
}
