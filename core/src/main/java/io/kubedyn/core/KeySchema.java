package io.kubedyn.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A key schema: its partition (HASH) key attributes and its sort (RANGE) key attributes. A
 * table and a local index have one partition attribute and at most one sort attribute; a global
 * index may have up to {@link #MAX_ATTRIBUTES_PER_ROLE} of each (multi-attribute keys).
 *
 * <p>The value of a multi-attribute partition or sort key is the list ({@code L}) of its
 * attributes' values in key-schema order, never a key type of its own: {@link KeyEncoding}
 * encodes it as the concatenation of its parts, so such a key hashes all its partition
 * attributes together and sorts by its first sort attribute, then its second, and so on.
 */
public record KeySchema(List<KeyAttribute> partitionKeys, List<KeyAttribute> sortKeys) {
    public static final int MAX_ATTRIBUTES_PER_ROLE = 4;

    public KeySchema {
        partitionKeys = List.copyOf(partitionKeys);
        sortKeys = List.copyOf(sortKeys);
        if (partitionKeys.isEmpty()
                || partitionKeys.size() > MAX_ATTRIBUTES_PER_ROLE
                || sortKeys.size() > MAX_ATTRIBUTES_PER_ROLE) {
            throw new IllegalArgumentException(
                    "1 to 4 partition and 0 to 4 sort key attributes: " + partitionKeys + " " + sortKeys);
        }
    }

    public static KeySchema of(KeyAttribute partitionKey, KeyAttribute sortKeyOrNull) {
        return new KeySchema(List.of(partitionKey), sortKeyOrNull == null ? List.of() : List.of(sortKeyOrNull));
    }

    /** Whether the partition or the sort key has more than one attribute (only a global index's can). */
    public boolean isMultiAttribute() {
        return partitionKeys.size() > 1 || sortKeys.size() > 1;
    }

    /** The partition key attribute of a single-attribute key schema (a table's, a local index's). */
    public KeyAttribute partitionKey() {
        if (partitionKeys.size() > 1) {
            throw new IllegalStateException("a multi-attribute partition key: " + partitionKeys);
        }
        return partitionKeys.get(0);
    }

    /** The sort key attribute of a single-attribute key schema, if it has one. */
    public Optional<KeyAttribute> sortKey() {
        if (sortKeys.size() > 1) {
            throw new IllegalStateException("a multi-attribute sort key: " + sortKeys);
        }
        return sortKeys.stream().findFirst();
    }

    /** Every key attribute: the partition key's, then the sort key's. */
    public List<KeyAttribute> attributes() {
        List<KeyAttribute> all = new ArrayList<>(partitionKeys);
        all.addAll(sortKeys);
        return all;
    }

    /** The key attributes of {@code item}: the partition key's, then the sort key's (null where absent). */
    public Map<String, AttributeValue> attributesOf(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        for (KeyAttribute attribute : attributes()) {
            key.put(attribute.name(), item.get(attribute.name()));
        }
        return key;
    }

    public boolean isKeyAttribute(String name) {
        for (KeyAttribute attribute : partitionKeys) {
            if (attribute.name().equals(name)) {
                return true;
            }
        }
        for (KeyAttribute attribute : sortKeys) {
            if (attribute.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The value of a key made of {@code parts} (one per attribute, in key-schema order): the
     * part itself for a single attribute, the list of parts for several.
     */
    public static AttributeValue keyValue(List<AttributeValue> parts) {
        return parts.size() == 1 ? parts.get(0) : new AttributeValue.L(List.copyOf(parts));
    }

    /** The partition key value of {@code item} (whose key attributes are all present). */
    public AttributeValue partitionValueOf(Map<String, AttributeValue> item) {
        return valueOf(partitionKeys, item);
    }

    /** The sort key value of {@code item}, or null without a sort key. */
    public AttributeValue sortValueOf(Map<String, AttributeValue> item) {
        return sortKeys.isEmpty() ? null : valueOf(sortKeys, item);
    }

    private static AttributeValue valueOf(List<KeyAttribute> attributes, Map<String, AttributeValue> item) {
        List<AttributeValue> parts = new ArrayList<>(attributes.size());
        for (KeyAttribute attribute : attributes) {
            parts.add(item.get(attribute.name()));
        }
        return keyValue(parts);
    }

    /**
     * The primary key of an item or of a Key parameter, validated as DynamoDB validates it:
     * present, of the declared type, non-empty, within the size limits; a Key parameter must
     * name exactly the key attributes. Only for a table's key schema.
     */
    public PrimaryKey keyOf(Map<String, AttributeValue> attributes, boolean exactKey) {
        if (exactKey && attributes.size() != (sortKeys.isEmpty() ? 1 : 2)) {
            throw DynamoDbException.validation("The provided key element does not match the schema");
        }
        AttributeValue pk = keyValue(attributes, partitionKey(), exactKey);
        AttributeValue sk =
                sortKey().map(k -> keyValue(attributes, k, exactKey)).orElse(null);
        if (KeyEncoding.rawLength(pk) > ItemSize.MAX_PARTITION_KEY_BYTES) {
            throw DynamoDbException.validation("One or more parameter values were invalid: "
                    + "Size of hashkey has exceeded the maximum size limit of2048 bytes");
        }
        if (sk != null && KeyEncoding.rawLength(sk) > ItemSize.MAX_SORT_KEY_BYTES) {
            throw DynamoDbException.validation("One or more parameter values were invalid: "
                    + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
        }
        return PrimaryKey.of(pk, sk);
    }

    private static AttributeValue keyValue(Map<String, AttributeValue> attributes, KeyAttribute key, boolean exactKey) {
        AttributeValue value = attributes.get(key.name());
        if (value == null) {
            throw DynamoDbException.validation(
                    exactKey
                            ? "The provided key element does not match the schema"
                            : "One or more parameter values were invalid: Missing the key " + key.name()
                                    + " in the item");
        }
        if (!key.type().matches(value)) {
            throw DynamoDbException.validation(
                    exactKey
                            ? "The provided key element does not match the schema"
                            : "One or more parameter values were invalid: Type mismatch for key " + key.name()
                                    + " expected: " + key.type() + " actual: " + value.type());
        }
        if (KeyEncoding.rawLength(value) == 0) {
            throw DynamoDbException.validation(
                    "One or more parameter values are not valid. The AttributeValue for a key "
                            + "attribute cannot contain an empty "
                            + (value instanceof AttributeValue.S ? "string" : "binary")
                            + " value. Key: " + key.name());
        }
        return value;
    }
}
