package io.kubedyn.crd;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * How a {@code Table} resource and the DynamoDB table it declares name each other. A table's
 * DynamoDB name is {@code spec.tableName}, or the resource's {@code metadata.name} when that is
 * absent; every lookup (routing, DescribeTable, ListTables) is by this name. The resource name
 * only names the shards' objects.
 */
public final class TableNames {

    /** Hex digits of the name's hash a derived resource name ends with. */
    static final int HASH_DIGITS = 8;

    /**
     * Longest derived resource name: its shards' StatefulSets, up to {@code -shard-1023} (the
     * CRD's largest shard count), must still fit {@link ShardNames#MAX_STATEFULSET_NAME}.
     */
    static final int MAX_DERIVED =
            ShardNames.MAX_STATEFULSET_NAME - ShardNames.statefulSet("", 1023).length();

    private TableNames() {}

    /** The DynamoDB name of the table {@code resource} declares. */
    public static String of(Table resource) {
        String name = resource.getSpec() == null ? null : resource.getSpec().getTableName();
        return name == null || name.isEmpty() ? resource.getMetadata().getName() : name;
    }

    /**
     * The {@code metadata.name} of the resource CreateTable makes for {@code tableName}: the name
     * lowercased, every run of characters a Kubernetes name cannot hold replaced by one hyphen,
     * prefixed with {@code t-} unless it starts with a letter, cut to fit, then a hash of the exact name, so that {@code Music} and {@code music} get two
     * resources. For example {@code Orders_v2} becomes {@code orders-v2-} and eight hex digits.
     */
    public static String resourceName(String tableName) {
        String stem = trimHyphens(tableName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
        if (stem.isEmpty() || !Character.isLetter(stem.charAt(0))) {
            stem = "t-" + stem; // a Service name (RFC 1035 label) starts with a letter
        }
        int room = MAX_DERIVED - HASH_DIGITS - 1;
        stem = trimHyphens(stem.length() > room ? stem.substring(0, room) : stem);
        return stem + "-" + hash(tableName);
    }

    /**
     * Which of the resources claiming one table name holds it: the oldest (by creation time, then
     * by resource name, so every reader picks the same one). The others are not served.
     */
    public static Optional<Table> holder(Collection<Table> claimants) {
        return claimants.stream()
                .min(Comparator.comparing((Table t) -> t.getMetadata().getCreationTimestamp() == null
                                ? "9999"
                                : t.getMetadata().getCreationTimestamp())
                        .thenComparing(t -> t.getMetadata().getName()));
    }

    private static String trimHyphens(String name) {
        return name.replaceAll("^-+|-+$", "");
    }

    private static String hash(String tableName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(tableName.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
