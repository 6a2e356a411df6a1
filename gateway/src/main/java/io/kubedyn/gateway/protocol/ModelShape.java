package io.kubedyn.gateway.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One shape of DynamoDB's model, compiled from the Smithy model: an operation's input, which the
 * request pipeline reads requests against, or its output, which answers are held to in tests;
 * what JSON it takes, and (for structures and collections) the members within it. Shapes are
 * built once at start-up; a shape may contain itself (an AttributeValue's {@code L} and {@code M}).
 */
public final class ModelShape {
    /** The JSON a shape takes, as DynamoDB's deserializer tells them apart. */
    public enum Kind {
        STRING,
        BOOLEAN,
        INTEGER,
        LONG,
        DOUBLE,
        TIMESTAMP,
        BLOB,
        LIST,
        MAP,
        STRUCTURE
    }

    private final String name;
    private final Kind kind;
    private final Map<String, ModelMember> members = new LinkedHashMap<>();
    private ModelMember element;
    private ModelMember key;
    /** Whether anything within has a constraint (null until first asked; shapes are complete by then). */
    private volatile Boolean constrained;

    ModelShape(String name, Kind kind) {
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
    public Map<String, ModelMember> members() {
        return Collections.unmodifiableMap(members);
    }

    public ModelMember member(String memberName) {
        return members.get(memberName);
    }

    /** A list's element, or a map's value. */
    public ModelMember element() {
        return element;
    }

    /** A map's key. */
    public ModelMember key() {
        return key;
    }

    void addMember(ModelMember member) {
        members.put(member.name(), member);
    }

    void collection(ModelMember key, ModelMember element) {
        this.key = key;
        this.element = element;
    }

    /**
     * Whether a member, element or key anywhere within this shape is required or constrained:
     * a value of a shape that is not needs no constraint check (an AttributeValue's).
     */
    public boolean constrained() {
        Boolean known = constrained;
        if (known == null) {
            known = constrainedWithin(new java.util.HashSet<>());
            constrained = known;
        }
        return known;
    }

    private boolean constrainedWithin(java.util.Set<ModelShape> visiting) {
        if (!visiting.add(this)) {
            return false;
        }
        java.util.List<ModelMember> within = new java.util.ArrayList<>(members.values());
        if (element != null) {
            within.add(element);
        }
        if (key != null) {
            within.add(key);
        }
        for (ModelMember member : within) {
            if (member.required()
                    || !member.constraints().isEmpty()
                    || member.shape().constrainedWithin(visiting)) {
                return true;
            }
        }
        return false;
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
