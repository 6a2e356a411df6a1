package io.kubedyn.gateway.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One shape of DynamoDB's input model, compiled from the Smithy model for the request pipeline:
 * what JSON it takes, and (for structures and collections) the members within it. Shapes are
 * built once at start-up; a shape may contain itself (an AttributeValue's {@code L} and {@code M}).
 */
public final class InputShape {
    /** The JSON a shape takes, as DynamoDB's deserializer tells them apart. */
    public enum Kind {
        STRING, BOOLEAN, INTEGER, LONG, DOUBLE, TIMESTAMP, BLOB, LIST, MAP, STRUCTURE
    }

    private final String name;
    private final Kind kind;
    private final Map<String, InputMember> members = new LinkedHashMap<>();
    private InputMember element;
    private InputMember key;

    InputShape(String name, Kind kind) {
        this.name = name;
        this.kind = kind;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** A structure's members, in the model's order. */
    public Map<String, InputMember> members() {
        return Collections.unmodifiableMap(members);
    }

    public InputMember member(String memberName) {
        return members.get(memberName);
    }

    /** A list's element, or a map's value. */
    public InputMember element() {
        return element;
    }

    /** A map's key. */
    public InputMember key() {
        return key;
    }

    void addMember(InputMember member) {
        members.put(member.name(), member);
    }

    void collection(InputMember key, InputMember element) {
        this.key = key;
        this.element = element;
    }

    /** The Java type DynamoDB's deserializer names in its messages about this shape. */
    public String javaType() {
        return switch (kind) {
            case STRING -> "java.lang.String";
            case BOOLEAN -> "java.lang.Boolean";
            case INTEGER -> "java.lang.Integer";
            case LONG -> "java.lang.Long";
            case DOUBLE -> "java.lang.Double";
            case TIMESTAMP -> "java.util.Date";
            case BLOB -> "java.nio.ByteBuffer";
            case LIST -> "java.util.List<" + element.shape().javaType() + ">";
            case MAP -> "java.util.Map<java.lang.String, " + element.shape().javaType() + ">";
            case STRUCTURE -> "com.amazonaws.dynamodb.v20120810." + name;
        };
    }

    /** The name DynamoDB's messages give a scalar type: {@code String}, {@code Long}... */
    String simpleTypeName() {
        String type = javaType();
        return type.substring(type.lastIndexOf('.') + 1);
    }
}
