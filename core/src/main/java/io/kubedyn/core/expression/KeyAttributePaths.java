package io.kubedyn.core.expression;

import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.TableDefinition;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * DynamoDB's rule that key attributes are scalars: an expression may not look into one with a
 * map lookup or a list index ({@code a.b}, {@code a[0]}), whether it is the table's key (named
 * {@code Key:}) or a secondary index's ({@code IndexKey:}).
 */
public final class KeyAttributePaths {
    private KeyAttributePaths() {}

    /** Throws DynamoDB's ValidationException if one of {@code paths} looks into a key attribute of {@code table}. */
    public static void requireScalar(TableDefinition table, List<DocumentPath> paths) {
        Set<String> nested = new HashSet<>();
        for (DocumentPath path : paths) {
            if (!path.isTopLevel()) {
                nested.add(path.topLevelName());
            }
        }
        if (nested.isEmpty()) {
            return;
        }
        for (KeyAttribute key : table.keySchema().attributes()) {
            if (nested.contains(key.name())) {
                throw refused("Key", key.name());
            }
        }
        for (SecondaryIndex index : table.indexes()) {
            for (KeyAttribute key : index.keySchema().attributes()) {
                if (nested.contains(key.name())) {
                    throw refused("IndexKey", key.name());
                }
            }
        }
    }

    private static DynamoDbException refused(String role, String name) {
        return DynamoDbException.validation("Key attributes must be scalars; list random access '[]' and map lookup "
                + "'.' are not allowed: " + role + ": " + name);
    }
}
