package io.kubedyn.core;

import java.util.Arrays;
import java.util.Base64;

/** An immutable byte string: the value of a B attribute, compared as unsigned bytes like DynamoDB does. */
public final class Binary implements Comparable<Binary> {
    private final byte[] bytes;

    private Binary(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Binary copyOf(byte[] bytes) {
        return new Binary(bytes.clone());
    }

    /** Takes ownership of the array; callers must not change it afterwards. */
    static Binary wrap(byte[] bytes) {
        return new Binary(bytes);
    }

    public static Binary fromBase64(String base64) {
        try {
            return new Binary(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            throw new DynamoDbException(
                    DynamoDbError.SERIALIZATION,
                    "Base64 encoded length is expected a multiple of 4 bytes but found: " + base64.length());
        }
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    byte[] unsafeBytes() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }

    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    public boolean startsWith(Binary prefix) {
        return bytes.length >= prefix.bytes.length
                && Arrays.equals(bytes, 0, prefix.bytes.length, prefix.bytes, 0, prefix.bytes.length);
    }

    @Override
    public int compareTo(Binary other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Binary other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Binary[" + toBase64() + "]";
    }
}
