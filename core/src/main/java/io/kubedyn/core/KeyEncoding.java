package io.kubedyn.core;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Order-preserving, self-delimiting byte encodings of key values: for any two values of one
 * type, unsigned byte order of the encodings equals DynamoDB's order of the values (S by UTF-8
 * bytes, B by unsigned bytes, N numerically), and no encoding is a prefix of another.
 *
 * <p>S and B: each 0x00 byte is escaped as 0x00 0xFF and the value ends with 0x00 0x01, so a
 * shorter value sorts before every longer value it is a prefix of.
 *
 * <p>N: a sign byte (0x01 negative, 0x02 zero, 0x03 positive), then for non-zero values the
 * decimal exponent E (value = 0.d1d2... x 10^E, E in [-129, 126]) as the byte E + 129, then one
 * byte d + 1 per significant digit, then 0x00. Negative numbers complement every byte after the
 * sign so larger magnitudes sort first.
 *
 * <p>A multi-attribute key's value (an {@code L} of its parts, see {@link KeySchema}) is the
 * concatenation of its parts' encodings: self-delimiting parts make it self-delimiting too, and
 * it sorts by its first part, then its second.
 *
 * <p>This is part of the on-disk format: never change it without a migration.
 */
public final class KeyEncoding {
    private static final int EXPONENT_BIAS = 129;

    private KeyEncoding() {}

    public static byte[] encode(AttributeValue value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        encode(value, out);
        return out.toByteArray();
    }

    public static void encode(AttributeValue value, ByteArrayOutputStream out) {
        if (value instanceof AttributeValue.S s) {
            escaped(s.value().getBytes(StandardCharsets.UTF_8), out);
            out.write(0x00);
            out.write(0x01);
        } else if (value instanceof AttributeValue.B b) {
            escaped(b.value().unsafeBytes(), out);
            out.write(0x00);
            out.write(0x01);
        } else if (value instanceof AttributeValue.N n) {
            number(n.value().value(), out);
        } else if (value instanceof AttributeValue.L parts) {
            for (AttributeValue part : parts.value()) {
                encode(part, out);
            }
        } else {
            throw new IllegalArgumentException("not a key type: " + value.type());
        }
    }

    /**
     * The encoding shared by every S or B value that begins with the given one: the escaped
     * bytes without the terminator. For a multi-attribute value, its leading parts whole and its
     * last part as a prefix.
     */
    public static byte[] encodePrefix(AttributeValue value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        if (value instanceof AttributeValue.L parts) {
            List<AttributeValue> list = parts.value();
            for (AttributeValue part : list.subList(0, list.size() - 1)) {
                encode(part, out);
            }
            out.writeBytes(encodePrefix(list.get(list.size() - 1)));
        } else if (value instanceof AttributeValue.S s) {
            escaped(s.value().getBytes(StandardCharsets.UTF_8), out);
        } else if (value instanceof AttributeValue.B b) {
            escaped(b.value().unsafeBytes(), out);
        } else {
            throw DynamoDbException.validation("Invalid KeyConditionExpression: Incorrect operand type for operator "
                    + "or function; operator or function: begins_with, operand type: " + value.type());
        }
        return out.toByteArray();
    }

    /** The key value's own size in bytes, as the key size limits count it. */
    public static int rawLength(AttributeValue value) {
        if (value instanceof AttributeValue.S s) {
            return ItemSize.utf8Length(s.value());
        } else if (value instanceof AttributeValue.B b) {
            return b.value().length();
        } else if (value instanceof AttributeValue.L parts) {
            int length = 0;
            for (AttributeValue part : parts.value()) {
                length += rawLength(part);
            }
            return length;
        } else {
            return (int) ItemSize.of(value);
        }
    }

    private static void escaped(byte[] bytes, ByteArrayOutputStream out) {
        for (byte b : bytes) {
            out.write(b);
            if (b == 0x00) {
                out.write(0xFF);
            }
        }
    }

    private static void number(BigDecimal value, ByteArrayOutputStream out) {
        int sign = value.signum();
        if (sign == 0) {
            out.write(0x02);
            return;
        }
        out.write(sign < 0 ? 0x01 : 0x03);
        int mask = sign < 0 ? 0xFF : 0x00;
        String digits = value.unscaledValue().abs().toString();
        int exponent = value.precision() - value.scale();
        out.write((exponent + EXPONENT_BIAS) ^ mask);
        int significant = digits.length();
        while (significant > 1 && digits.charAt(significant - 1) == '0') {
            significant--;
        }
        for (int i = 0; i < significant; i++) {
            out.write((digits.charAt(i) - '0' + 1) ^ mask);
        }
        out.write(mask);
    }
}
