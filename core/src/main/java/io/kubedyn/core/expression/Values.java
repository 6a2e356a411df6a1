package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoNumber;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** How expressions compare and measure attribute values, by DynamoDB's rules. */
final class Values {
    static final Set<String> TYPE_NAMES = Set.of("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS");

    private Values() {}

    /**
     * The order of two scalars of the same type (S by UTF-8 bytes as DynamoDB does, N
     * numerically, B as unsigned bytes); null when they are not comparable (different types,
     * or not S, N or B), in which case every ordering comparison is false.
     */
    static Integer compare(AttributeValue a, AttributeValue b) {
        if (a instanceof AttributeValue.N x && b instanceof AttributeValue.N y) {
            return x.value().compareTo(y.value());
        } else if (a instanceof AttributeValue.S x && b instanceof AttributeValue.S y) {
            return AttributeValue.compareStrings(x.value(), y.value());
        } else if (a instanceof AttributeValue.B x && b instanceof AttributeValue.B y) {
            return x.value().compareTo(y.value());
        }
        return null;
    }

    /** The value of {@code size()}: null for types that have no size (N, BOOL, NULL). */
    static AttributeValue size(AttributeValue value) {
        long size;
        if (value instanceof AttributeValue.S s) {
            size = s.value().getBytes(StandardCharsets.UTF_8).length;
        } else if (value instanceof AttributeValue.B b) {
            size = b.value().length();
        } else if (value instanceof AttributeValue.SS ss) {
            size = ss.value().size();
        } else if (value instanceof AttributeValue.NS ns) {
            size = ns.value().size();
        } else if (value instanceof AttributeValue.BS bs) {
            size = bs.value().size();
        } else if (value instanceof AttributeValue.L l) {
            size = l.value().size();
        } else if (value instanceof AttributeValue.M m) {
            size = m.value().size();
        } else {
            return null;
        }
        return new AttributeValue.N(DynamoNumber.of(size));
    }

    /** {@code begins_with}: a string or binary prefix of the same type. */
    static boolean beginsWith(AttributeValue value, AttributeValue prefix) {
        if (value instanceof AttributeValue.S s && prefix instanceof AttributeValue.S p) {
            return s.value().startsWith(p.value());
        } else if (value instanceof AttributeValue.B b && prefix instanceof AttributeValue.B p) {
            return b.value().startsWith(p.value());
        }
        return false;
    }

    /** {@code contains}: a substring, a member of a set of the operand's type, or an element of a list. */
    static boolean contains(AttributeValue container, AttributeValue operand) {
        if (container instanceof AttributeValue.S s && operand instanceof AttributeValue.S o) {
            return s.value().contains(o.value());
        } else if (container instanceof AttributeValue.B b && operand instanceof AttributeValue.B o) {
            return indexOf(b.value().toByteArray(), o.value().toByteArray()) >= 0;
        } else if (container instanceof AttributeValue.SS ss && operand instanceof AttributeValue.S o) {
            return ss.value().contains(o.value());
        } else if (container instanceof AttributeValue.NS ns && operand instanceof AttributeValue.N o) {
            return ns.value().contains(o.value());
        } else if (container instanceof AttributeValue.BS bs && operand instanceof AttributeValue.B o) {
            return bs.value().contains(o.value());
        } else if (container instanceof AttributeValue.L l) {
            return l.value().contains(operand);
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** DynamoDB's rendering of a value in error messages: {@code {N:5}}. */
    static String describe(AttributeValue value) {
        String body;
        if (value instanceof AttributeValue.S s) {
            body = s.value();
        } else if (value instanceof AttributeValue.N n) {
            body = n.value().toWireString();
        } else if (value instanceof AttributeValue.B b) {
            body = b.value().toBase64();
        } else {
            body = value.toString();
        }
        return "{" + value.type() + ":" + body + "}";
    }

    /** The long type names DynamoDB uses in ADD/DELETE operand errors. */
    static String longTypeName(AttributeValue value) {
        switch (value.type()) {
            case "S":
                return "STRING";
            case "N":
                return "NUMBER";
            case "B":
                return "BINARY";
            case "BOOL":
                return "BOOLEAN";
            case "NULL":
                return "NULL";
            case "M":
                return "MAP";
            case "L":
                return "LIST";
            case "SS":
                return "STRING_SET";
            case "NS":
                return "NUMBER_SET";
            default:
                return "BINARY_SET";
        }
    }
}
