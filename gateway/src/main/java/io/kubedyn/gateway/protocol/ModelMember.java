package io.kubedyn.gateway.protocol;

/**
 * A member of a structure (or a collection's element, key or value) with the constraints the
 * model puts on it. {@code path} is how DynamoDB's validation messages name it: the member's
 * name with its first letter lowered ({@code tableName}), and {@code member} for an element.
 */
public record ModelMember(String name, String path, ModelShape shape, boolean required, Constraints constraints) {}
