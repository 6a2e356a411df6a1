package io.kubedyn.core;

/** A key attribute of a table: its name and scalar type. */
public record KeyAttribute(String name, ScalarType type) {}
