package io.kubedyn.storage;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.KeyEncoding;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.SortKeyCondition;
import java.util.Arrays;
import java.util.List;

/**
 * A contiguous range of storage keys, [start, end) in unsigned byte order; end null means
 * unbounded. Because every key encoding is self-delimiting, a partition, a sort-key condition
 * and a hash range are each exactly one such range.
 */
record KeyRange(byte[] start, byte[] end) {

    static KeyRange ofPartition(byte[] partitionPrefix) {
        return new KeyRange(partitionPrefix, successor(partitionPrefix));
    }

    static KeyRange ofHashRange(HashRange range) {
        byte[] first = bigEndian(range.first());
        byte[] afterLast = successor(bigEndian(range.last()));
        return new KeyRange(first, afterLast);
    }

    static KeyRange of(byte[] partitionPrefix, SortKeyCondition condition) {
        if (condition.value() instanceof AttributeValue.L parts
                && condition.operator() != SortKeyCondition.Operator.EQ
                && condition.operator() != SortKeyCondition.Operator.BEGINS_WITH) {
            // A multi-attribute sort key: equality on the leading parts, the condition on the last.
            List<AttributeValue> lower = parts.value();
            int last = lower.size() - 1;
            byte[] equalParts = concat(partitionPrefix, KeyEncoding.encode(KeySchema.keyValue(lower.subList(0, last))));
            AttributeValue upper = condition.upper() == null
                    ? null
                    : ((AttributeValue.L) condition.upper()).value().get(last);
            return of(equalParts, new SortKeyCondition(condition.operator(), lower.get(last), upper));
        }
        byte[] exact = concat(partitionPrefix, KeyEncoding.encode(condition.value()));
        byte[] partitionEnd = successor(partitionPrefix);
        switch (condition.operator()) {
            case EQ:
                return new KeyRange(exact, successor(exact));
            case LT:
                return new KeyRange(partitionPrefix, exact);
            case LE:
                return new KeyRange(partitionPrefix, successor(exact));
            case GT:
                return new KeyRange(successor(exact), partitionEnd);
            case GE:
                return new KeyRange(exact, partitionEnd);
            case BETWEEN: {
                byte[] upper = concat(partitionPrefix, KeyEncoding.encode(condition.upper()));
                if (Arrays.compareUnsigned(exact, upper) > 0) {
                    throw DynamoDbException.validation("Invalid KeyConditionExpression: The BETWEEN operator requires "
                            + "upper bound to be greater than or equal to lower bound; lower bound operand: "
                            + condition.value() + ", upper bound operand: " + condition.upper());
                }
                return new KeyRange(exact, successor(upper));
            }
            case BEGINS_WITH: {
                byte[] prefix = concat(partitionPrefix, KeyEncoding.encodePrefix(condition.value()));
                return new KeyRange(prefix, successor(prefix));
            }
            default:
                throw new IllegalArgumentException(condition.operator().name());
        }
    }

    /** The part of this range strictly after {@code key}. */
    KeyRange after(byte[] key) {
        byte[] justAfter = Arrays.copyOf(key, key.length + 1);
        return new KeyRange(max(start, justAfter), end);
    }

    /** The part of this range strictly before {@code key}. */
    KeyRange before(byte[] key) {
        return new KeyRange(start, end == null || Arrays.compareUnsigned(key, end) < 0 ? key : end);
    }

    boolean contains(byte[] key) {
        return Arrays.compareUnsigned(key, start) >= 0 && (end == null || Arrays.compareUnsigned(key, end) < 0);
    }

    boolean isEmpty() {
        return end != null && Arrays.compareUnsigned(start, end) >= 0;
    }

    /** The smallest key greater than every key that starts with {@code prefix}; null if none. */
    static byte[] successor(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] next = Arrays.copyOf(prefix, i + 1);
                next[i]++;
                return next;
            }
        }
        return null;
    }

    private static byte[] max(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] bigEndian(long v) {
        byte[] out = new byte[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }
}
