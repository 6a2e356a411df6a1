package io.kubedyn.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One of DynamoDB's ten attribute value types. */
public sealed interface AttributeValue {

    /** The DynamoDB type descriptor: "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS". */
    String type();

    record S(String value) implements AttributeValue {
        public String type() {
            return "S";
        }
    }

    record N(DynamoNumber value) implements AttributeValue {
        public static N of(String text) {
            return new N(DynamoNumber.parse(text));
        }

        public String type() {
            return "N";
        }
    }

    record B(Binary value) implements AttributeValue {
        public String type() {
            return "B";
        }
    }

    record Bool(boolean value) implements AttributeValue {
        public String type() {
            return "BOOL";
        }
    }

    record Null() implements AttributeValue {
        public String type() {
            return "NULL";
        }
    }

    record M(Map<String, AttributeValue> value) implements AttributeValue {
        public M {
            value = Collections.unmodifiableMap(new LinkedHashMap<>(value));
        }

        public String type() {
            return "M";
        }
    }

    record L(List<AttributeValue> value) implements AttributeValue {
        public L {
            value = List.copyOf(value);
        }

        public String type() {
            return "L";
        }
    }

    record SS(Set<String> value) implements AttributeValue {
        public SS {
            value = checkedSet(value, "string", AttributeValue::compareStrings);
        }

        public static SS of(Collection<String> members) {
            return new SS(distinct(members));
        }

        public String type() {
            return "SS";
        }
    }

    record NS(Set<DynamoNumber> value) implements AttributeValue {
        public NS {
            value = checkedSet(value, "number", Comparator.naturalOrder());
        }

        public static NS of(Collection<DynamoNumber> members) {
            Set<DynamoNumber> set = new LinkedHashSet<>(members);
            if (set.size() < members.size()) {
                // DynamoDB's words for a number set, which unlike the others do not list the members.
                throw DynamoDbException.validation("Input collection contains duplicates");
            }
            return new NS(set);
        }

        public String type() {
            return "NS";
        }
    }

    record BS(Set<Binary> value) implements AttributeValue {
        public BS {
            value = checkedSet(value, "binary", Comparator.naturalOrder());
        }

        public static BS of(Collection<Binary> members) {
            Set<Binary> set = new LinkedHashSet<>(members);
            if (set.size() < members.size()) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Input collection "
                        + members.stream().map(Binary::toBase64).toList() + "of type BS contains duplicates.");
            }
            return new BS(set);
        }

        public String type() {
            return "BS";
        }
    }

    /** Members in their given order; a duplicate member is refused as DynamoDB refuses it. */
    private static <T> Set<T> distinct(Collection<T> members) {
        Set<T> set = new LinkedHashSet<>();
        for (T member : members) {
            if (!set.add(member)) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Input collection "
                        + new ArrayList<>(members) + " contains duplicates.");
            }
        }
        return set;
    }

    /**
     * DynamoDB's order of strings: by their UTF-8 bytes, which is the order of their code points
     * (Java's own compares UTF-16 units, which differs above U+FFFF).
     */
    public static int compareStrings(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /**
     * A set's members in their type's order (S by UTF-8 bytes, N numerically, B by unsigned
     * bytes), whatever order they were given or added in. DynamoDB promises no order for a set's
     * members and its own is not one a client can predict; this one is at least the same for
     * two equal sets, so clients comparing what they read see equal sets as equal.
     */
    private static <T> Set<T> checkedSet(Set<T> members, String kind, Comparator<? super T> order) {
        if (members.isEmpty()) {
            // DynamoDB's words, double space and all; binary sets have words of their own.
            throw DynamoDbException.validation(
                    kind.equals("binary")
                            ? "One or more parameter values were invalid: Binary sets should not be empty"
                            : "One or more parameter values were invalid: An " + kind + " set  may not be empty");
        }
        List<T> sorted = new ArrayList<>(members);
        sorted.sort(order);
        return Collections.unmodifiableSet(new LinkedHashSet<>(sorted));
    }
}
