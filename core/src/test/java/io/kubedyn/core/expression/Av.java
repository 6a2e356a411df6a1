package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.Binary;
import io.kubedyn.core.DynamoNumber;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Short constructors for attribute values and items in tests. */
final class Av {
    private Av() {}

    static AttributeValue s(String value) {
        return new AttributeValue.S(value);
    }

    static AttributeValue n(String value) {
        return AttributeValue.N.of(value);
    }

    static AttributeValue n(long value) {
        return new AttributeValue.N(DynamoNumber.of(value));
    }

    static AttributeValue b(int... bytes) {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        return new AttributeValue.B(Binary.copyOf(raw));
    }

    static AttributeValue bool(boolean value) {
        return new AttributeValue.Bool(value);
    }

    static AttributeValue nul() {
        return new AttributeValue.Null();
    }

    static AttributeValue ss(String... members) {
        return AttributeValue.SS.of(Arrays.asList(members));
    }

    static AttributeValue ns(long... members) {
        List<DynamoNumber> numbers = new ArrayList<>();
        for (long m : members) {
            numbers.add(DynamoNumber.of(m));
        }
        return AttributeValue.NS.of(numbers);
    }

    static AttributeValue l(AttributeValue... elements) {
        return new AttributeValue.L(Arrays.asList(elements));
    }

    /** A map value from alternating names and values. */
    static AttributeValue m(Object... namesAndValues) {
        return new AttributeValue.M(item(namesAndValues));
    }

    /** An item from alternating names and values. */
    static Map<String, AttributeValue> item(Object... namesAndValues) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            item.put((String) namesAndValues[i], (AttributeValue) namesAndValues[i + 1]);
        }
        return item;
    }

    /** ExpressionAttributeValues from alternating keys and values. */
    static ExpressionAttributes values(Object... keysAndValues) {
        return new ExpressionAttributes(null, keysAndValues.length == 0 ? null : item(keysAndValues));
    }

    /** Names from alternating keys and names, values from alternating keys and values. */
    static ExpressionAttributes attrs(Map<String, String> names, Object... keysAndValues) {
        return new ExpressionAttributes(names, keysAndValues.length == 0 ? null : item(keysAndValues));
    }
}
