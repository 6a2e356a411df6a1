package io.kubedyn.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * DynamoDB's rules for a key schema (a table's, or an index's) against its attribute
 * definitions, in the order DynamoDB checks them: one home for the rule, used by the gateway's
 * CreateTable (which answers the first violation in DynamoDB's own words) and by the operator's
 * validation of a {@code Table} (which reports every violation in its status). Each caller words
 * the violations for its audience; which schemas are valid is decided here only.
 */
public final class KeySchemaRules {
    public static final String HASH = "HASH";
    public static final String RANGE = "RANGE";

    /** One element of a key schema, as declared: an attribute name and HASH or RANGE. */
    public record Element(String attributeName, String keyType) {}

    public enum Violation {
        /** A keyType other than HASH or RANGE. */
        UNKNOWN_KEY_TYPE,
        TOO_MANY_HASH_KEYS,
        TOO_MANY_RANGE_KEYS,
        NO_HASH_KEY,
        HASH_KEY_NOT_FIRST,
        /** The HASH and the RANGE key name the same attribute. */
        SAME_ATTRIBUTE,
        /** A key attribute missing from the attribute definitions. */
        UNDEFINED_ATTRIBUTE,
        /** A key attribute defined with a type keys cannot have (only S, N and B). */
        NOT_A_KEY_TYPE
    }

    /**
     * A violation and the elements it concerns (for counts: all the HASH, or RANGE, elements;
     * for UNDEFINED_ATTRIBUTE: every undefined one).
     */
    public record Finding(Violation violation, List<Element> elements) {}

    private KeySchemaRules() {}

    /**
     * Every violation of {@code schema} against {@code attributeTypes} (attribute name to its
     * declared type, e.g. "S"), in DynamoDB's order; empty when the schema is valid.
     */
    public static List<Finding> check(List<Element> schema, Map<String, String> attributeTypes) {
        return check(schema, attributeTypes, 1);
    }

    /**
     * The same rules for a key schema of up to {@code maxPerRole} HASH and as many RANGE
     * attributes ({@link KeySchema#MAX_ATTRIBUTES_PER_ROLE} for a global index's multi-attribute
     * keys): every HASH element comes before every RANGE element, no attribute twice.
     */
    public static List<Finding> check(List<Element> schema, Map<String, String> attributeTypes, int maxPerRole) {
        List<Finding> findings = new ArrayList<>();
        List<Element> hash = new ArrayList<>();
        List<Element> range = new ArrayList<>();
        for (Element element : schema) {
            if (HASH.equals(element.keyType())) {
                hash.add(element);
            } else if (RANGE.equals(element.keyType())) {
                range.add(element);
            } else {
                findings.add(new Finding(Violation.UNKNOWN_KEY_TYPE, List.of(element)));
            }
        }
        if (hash.size() > maxPerRole) {
            findings.add(new Finding(Violation.TOO_MANY_HASH_KEYS, hash));
        }
        if (range.size() > maxPerRole) {
            findings.add(new Finding(Violation.TOO_MANY_RANGE_KEYS, range));
        }
        if (hash.isEmpty()) {
            findings.add(new Finding(Violation.NO_HASH_KEY, List.of()));
        } else if (!schema.isEmpty() && !HASH.equals(schema.get(0).keyType())) {
            findings.add(new Finding(Violation.HASH_KEY_NOT_FIRST, List.of(schema.get(0))));
        } else if (!range.isEmpty() && schema.indexOf(hash.get(hash.size() - 1)) > schema.indexOf(range.get(0))) {
            findings.add(new Finding(Violation.HASH_KEY_NOT_FIRST, List.of(hash.get(hash.size() - 1))));
        }
        Set<String> seen = new HashSet<>();
        for (Element element : schema) {
            if ((HASH.equals(element.keyType()) || RANGE.equals(element.keyType()))
                    && !seen.add(element.attributeName())) {
                findings.add(new Finding(
                        Violation.SAME_ATTRIBUTE,
                        schema.stream()
                                .filter(e -> Objects.equals(e.attributeName(), element.attributeName()))
                                .toList()));
                break;
            }
        }
        List<Element> undefined = new ArrayList<>();
        for (Element element : schema) {
            if (!HASH.equals(element.keyType()) && !RANGE.equals(element.keyType())) {
                continue;
            }
            String type = attributeTypes.get(element.attributeName());
            if (type == null) {
                undefined.add(element);
            } else if (!ScalarType.isKeyType(type)) {
                findings.add(new Finding(Violation.NOT_A_KEY_TYPE, List.of(element)));
            }
        }
        if (!undefined.isEmpty()) {
            findings.add(new Finding(Violation.UNDEFINED_ATTRIBUTE, undefined));
        }
        return findings;
    }
}
