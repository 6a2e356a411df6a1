package io.kubedyn.core;

import java.util.Map;

/** Item and key sizes by DynamoDB's published accounting rules. */
public final class ItemSize {
    /** DynamoDB's item size limit, 400 KB. */
    public static final int MAX_ITEM_BYTES = 400 * 1024;

    public static final int MAX_PARTITION_KEY_BYTES = 2048;
    public static final int MAX_SORT_KEY_BYTES = 1024;

    private ItemSize() {}

    public static long of(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8Length(e.getKey()) + of(e.getValue());
        }
        return size;
    }

    public static long of(AttributeValue value) {
        if (value instanceof AttributeValue.S s) {
            return utf8Length(s.value());
        } else if (value instanceof AttributeValue.N n) {
            return numberSize(n.value());
        } else if (value instanceof AttributeValue.B b) {
            return b.value().length();
        } else if (value instanceof AttributeValue.Bool || value instanceof AttributeValue.Null) {
            return 1;
        } else if (value instanceof AttributeValue.M m) {
            long size = 3;
            for (Map.Entry<String, AttributeValue> e : m.value().entrySet()) {
                size += 1 + utf8Length(e.getKey()) + of(e.getValue());
            }
            return size;
        } else if (value instanceof AttributeValue.L l) {
            long size = 3;
            for (AttributeValue element : l.value()) {
                size += 1 + of(element);
            }
            return size;
        } else if (value instanceof AttributeValue.SS ss) {
            long size = 0;
            for (String member : ss.value()) {
                size += utf8Length(member);
            }
            return size;
        } else if (value instanceof AttributeValue.NS ns) {
            long size = 0;
            for (DynamoNumber member : ns.value()) {
                size += numberSize(member);
            }
            return size;
        } else {
            long size = 0;
            for (Binary member : ((AttributeValue.BS) value).value()) {
                size += member.length();
            }
            return size;
        }
    }

    /** One byte per two significant digits, plus one. */
    static long numberSize(DynamoNumber n) {
        return (n.significantDigits() + 1) / 2 + 1;
    }

    /** The UTF-8 length of a string without encoding it. */
    public static int utf8Length(String s) {
        int length = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }
}
