package io.kubedyn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Pins the partition hash (first 64 bits of MurmurHash3 x64/128, seed 0, of the encoded partition
 * key): the first 8 bytes of every stored item's key, and what shard maps route by. Each golden
 * value (16 hex digits, as shard maps write hash bounds) was computed by the code as it was when
 * the hash was pinned.
 */
class PartitionHashGoldenTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void hashOfRawBytesIsPinned() {
        assertHash("no bytes", PartitionHash.of(new byte[0]), "0000000000000000");
        assertHash(
                "the UTF-8 bytes of \"hello\"",
                PartitionHash.of("hello".getBytes(StandardCharsets.UTF_8)),
                "cbd8a7b341bd9b02");
    }

    @Test
    void hashOfEncodedPartitionKeysIsPinned() {
        assertHash(
                "pk S \"user#1\"",
                PartitionHash.of(KeyEncoding.encode(new AttributeValue.S("user#1"))),
                "e291fc40ed9fc377");
        assertHash(
                "pk S \"\u540d\u524d\" (unicode)",
                PartitionHash.of(KeyEncoding.encode(new AttributeValue.S("\u540d\u524d"))),
                "cf1fff0530aa6364");
        assertHash("pk N 42", PartitionHash.of(KeyEncoding.encode(AttributeValue.N.of("42"))), "733784a1bc3c703b");
        assertHash("pk N -1.5", PartitionHash.of(KeyEncoding.encode(AttributeValue.N.of("-1.5"))), "43a8dc231cc0acdd");
        assertHash(
                "pk B 00 01 02",
                PartitionHash.of(KeyEncoding.encode(new AttributeValue.B(Binary.copyOf(new byte[] {0, 1, 2})))),
                "fd8f0934b06f4770");
    }

    @Test
    void primaryKeyHashIsPinned() {
        assertHash(
                "PrimaryKey (S \"user#1\") hash()",
                PrimaryKey.of(new AttributeValue.S("user#1"), null).hash(),
                "e291fc40ed9fc377");
        assertHash(
                "PrimaryKey (S \"user#1\", S \"order#2\") hash() (the sort key takes no part)",
                PrimaryKey.of(new AttributeValue.S("user#1"), new AttributeValue.S("order#2"))
                        .hash(),
                "e291fc40ed9fc377");
        assertHash(
                "PrimaryKey (N 42, N -1.5) hash()",
                PrimaryKey.of(AttributeValue.N.of("42"), AttributeValue.N.of("-1.5"))
                        .hash(),
                "733784a1bc3c703b");
    }

    private static void assertHash(String name, long actual, String goldenHex) {
        assertThat(HEX.toHexDigits(actual))
                .as(
                        "PartitionHash for %s changed: the hash is the first 8 bytes of every stored item's key and "
                                + "decides which shard owns the item (shard maps are hash ranges), so items already on disk "
                                + "would no longer be found; a change needs a migration (docs/architecture.md, Storage layout)",
                        name)
                .isEqualTo(goldenHex);
    }
}
