package io.kubedyn.core;

/** The types a key attribute may have. */
public enum ScalarType {
    S,
    N,
    B;

    public static ScalarType parse(String text) {
        for (ScalarType t : values()) {
            if (t.name().equals(text)) {
                return t;
            }
        }
        throw DynamoDbException.validation("1 validation error detected: Value '" + text
                + "' at 'attributeDefinitions.member.attributeType' failed to satisfy constraint: "
                + "Member must satisfy enum value set: [B, N, S]");
    }

    /** Whether {@code type} names a type a key attribute may have. */
    public static boolean isKeyType(String type) {
        for (ScalarType t : values()) {
            if (t.name().equals(type)) {
                return true;
            }
        }
        return false;
    }

    public boolean matches(AttributeValue value) {
        return value.type().equals(name());
    }
}
