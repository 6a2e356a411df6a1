package io.kubedyn.core;

import java.util.Map;
import java.util.Optional;

/** A table's primary key: a partition (HASH) key and an optional sort (RANGE) key. */
public record KeySchema(KeyAttribute partitionKey, Optional<KeyAttribute> sortKey) {

    public static KeySchema of(KeyAttribute partitionKey, KeyAttribute sortKeyOrNull) {
        return new KeySchema(partitionKey, Optional.ofNullable(sortKeyOrNull));
    }

    /** The key attributes of {@code item}: the partition key's, then the sort key's. */
    public Map<String, AttributeValue> attributesOf(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> key = new java.util.LinkedHashMap<>();
        key.put(partitionKey.name(), item.get(partitionKey.name()));
        sortKey.ifPresent(sk -> key.put(sk.name(), item.get(sk.name())));
        return key;
    }

    public boolean isKeyAttribute(String name) {
        return partitionKey.name().equals(name) || sortKey.map(k -> k.name().equals(name)).orElse(false);
    }

    /**
     * The primary key of an item or of a Key parameter, validated as DynamoDB validates it:
     * present, of the declared type, non-empty, within the size limits; a Key parameter must
     * name exactly the key attributes.
     */
    public PrimaryKey keyOf(Map<String, AttributeValue> attributes, boolean exactKey) {
        if (exactKey && attributes.size() != (sortKey.isPresent() ? 2 : 1)) {
            throw DynamoDbException.validation("The provided key element does not match the schema");
        }
        AttributeValue pk = keyValue(attributes, partitionKey, exactKey);
        AttributeValue sk = sortKey.map(k -> keyValue(attributes, k, exactKey)).orElse(null);
        if (KeyEncoding.rawLength(pk) > ItemSize.MAX_PARTITION_KEY_BYTES) {
            throw DynamoDbException.validation("One or more parameter values were invalid: "
                    + "Size of hashkey has exceeded the maximum size limit of 2048 bytes");
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
            throw DynamoDbException.validation(exactKey
                    ? "The provided key element does not match the schema"
                    : "One or more parameter values were invalid: Missing the key " + key.name() + " in the item");
        }
        if (!key.type().matches(value)) {
            throw DynamoDbException.validation(exactKey
                    ? "The provided key element does not match the schema"
                    : "One or more parameter values were invalid: Type mismatch for key " + key.name()
                            + " expected: " + key.type() + " actual: " + value.type());
        }
        if (KeyEncoding.rawLength(value) == 0) {
            throw DynamoDbException.validation("One or more parameter values are not valid. The AttributeValue for a key "
                    + "attribute cannot contain an empty " + (value instanceof AttributeValue.S ? "string" : "binary")
                    + " value. Key: " + key.name());
        }
        return value;
    }
}
