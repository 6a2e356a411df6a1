package io.kubedyn.core;

import java.util.List;

/**
 * Which attributes a secondary index copies from the table (DynamoDB's {@code Projection}):
 * always the table's and the index's key attributes, plus the listed non-key attributes for
 * INCLUDE, or every attribute for ALL.
 */
public record IndexProjection(Type type, List<String> nonKeyAttributes) {
    public enum Type {
        KEYS_ONLY,
        INCLUDE,
        ALL
    }

    public IndexProjection {
        nonKeyAttributes = List.copyOf(nonKeyAttributes);
    }

    public static final IndexProjection ALL = new IndexProjection(Type.ALL, List.of());
    public static final IndexProjection KEYS_ONLY = new IndexProjection(Type.KEYS_ONLY, List.of());

    public static IndexProjection include(List<String> nonKeyAttributes) {
        return new IndexProjection(Type.INCLUDE, nonKeyAttributes);
    }
}
