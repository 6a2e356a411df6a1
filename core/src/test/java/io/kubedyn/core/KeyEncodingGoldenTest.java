package io.kubedyn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Pins the key encoding and the storage-key layout ({@code hash(pk) | enc(pk) | enc(sk)}): the
 * RocksDB key of every stored item. Each golden value was written by the code as it was when the
 * format was pinned. Hex may contain spaces, which only group the parts for the reader.
 */
class KeyEncodingGoldenTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void stringKeyEncodingIsPinned() {
        assertKeyEncoding("S \"a\"", new AttributeValue.S("a"), "61 0001");
        assertKeyEncoding("S \"user#1\"", new AttributeValue.S("user#1"), "757365722331 0001");
        assertKeyEncoding(
                "S \"h\u00e9llo \uD83D\uDD11\" (unicode)",
                new AttributeValue.S("h\u00e9llo \uD83D\uDD11"),
                "68c3a96c6c6f20f09f9491 0001");
        assertKeyEncoding("S \"a\\0b\" (escaped NUL)", new AttributeValue.S("a\u0000b"), "6100ff62 0001");
    }

    @Test
    void numberKeyEncodingIsPinned() {
        for (String[] golden : new String[][] {
            {"0", "02"},
            {"1", "03 82 02 00"},
            {"-1", "01 7d fd ff"},
            {"42", "03 83 0503 00"},
            {"-1.5", "01 7d fdf9 ff"},
            {"100", "03 84 02 00"},
            {"0.001", "03 7f 02 00"},
            {"1E-130", "03 00 02 00"},
            {"-1E-130", "01 ff fd ff"},
            {
                "9.9999999999999999999999999999999999999E+125",
                "03 ff 0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a 00"
            },
            {
                "-9.9999999999999999999999999999999999999E+125",
                "01 00 f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5 ff"
            },
            {
                "12345678901234567890123456789012345678",
                "03 a7 02030405060708090a0102030405060708090a0102030405060708090a010203040506070809 00"
            },
            {
                "-0.00012345678901234567890123456789012345678",
                "01 81 fdfcfbfaf9f8f7f6f5fefdfcfbfaf9f8f7f6f5fefdfcfbfaf9f8f7f6f5fefdfcfbfaf9f8f7f6 ff"
            }
        }) {
            assertKeyEncoding("N " + golden[0], AttributeValue.N.of(golden[0]), golden[1]);
        }
    }

    @Test
    void binaryKeyEncodingIsPinned() {
        assertKeyEncoding("B 00 01 ff", binary(0x00, 0x01, 0xFF), "00ff01ff 0001");
        assertKeyEncoding("B 00", binary(0x00), "00ff 0001");
        assertKeyEncoding("B ff 00 00", binary(0xFF, 0x00, 0x00), "ff00ff00ff 0001");
    }

    @Test
    void beginsWithPrefixEncodingIsPinned() {
        assertPrefixEncoding("S \"ab\"", new AttributeValue.S("ab"), "6162");
        assertPrefixEncoding("S \"a\\0\"", new AttributeValue.S("a\u0000"), "6100ff");
        assertPrefixEncoding("B 00 01", binary(0x00, 0x01), "00ff01");
    }

    @Test
    void storageKeyWithoutSortKeyIsPinned() {
        assertStorageKey(
                "pk S \"user#1\"",
                PrimaryKey.of(new AttributeValue.S("user#1"), null).storageKey(),
                "e291fc40ed9fc377 757365722331 0001");
        assertStorageKey(
                "pk N 42",
                PrimaryKey.of(AttributeValue.N.of("42"), null).storageKey(),
                "733784a1bc3c703b 03 83 0503 00");
    }

    @Test
    void storageKeyWithSortKeyIsPinned() {
        assertStorageKey(
                "pk S \"user#1\", sk S \"order#2\"",
                PrimaryKey.of(new AttributeValue.S("user#1"), new AttributeValue.S("order#2"))
                        .storageKey(),
                "e291fc40ed9fc377 757365722331 0001 6f726465722332 0001");
        assertStorageKey(
                "pk N 42, sk N -1.5",
                PrimaryKey.of(AttributeValue.N.of("42"), AttributeValue.N.of("-1.5"))
                        .storageKey(),
                "733784a1bc3c703b 03 83 0503 00 01 7d fdf9 ff");
        assertStorageKey(
                "pk B 00 01, sk N 0",
                PrimaryKey.of(binary(0x00, 0x01), AttributeValue.N.of("0")).storageKey(),
                "011ec675279fb2e6 00ff01 0001 02");
    }

    @Test
    void partitionPrefixIsPinned() {
        assertStorageKey(
                "the partition prefix of pk S \"user#1\"",
                PrimaryKey.partitionPrefix(new AttributeValue.S("user#1")),
                "e291fc40ed9fc377 757365722331 0001");
        assertStorageKey(
                "the partition prefix of key (S \"user#1\", S \"order#2\")",
                PrimaryKey.of(new AttributeValue.S("user#1"), new AttributeValue.S("order#2"))
                        .partitionPrefix(),
                "e291fc40ed9fc377 757365722331 0001");
    }

    private static void assertKeyEncoding(String name, AttributeValue value, String goldenHex) {
        assertThat(HEX.formatHex(KeyEncoding.encode(value)))
                .as(
                        "KeyEncoding's bytes for %s changed: they are part of the RocksDB key of every stored item, "
                                + "so items already on disk would no longer be found; a change needs a migration "
                                + "(docs/architecture.md, Storage layout)",
                        name)
                .isEqualTo(goldenHex.replace(" ", ""));
    }

    private static void assertPrefixEncoding(String name, AttributeValue value, String goldenHex) {
        assertThat(HEX.formatHex(KeyEncoding.encodePrefix(value)))
                .as(
                        "KeyEncoding.encodePrefix's bytes for %s changed: a begins_with sort-key condition scans the "
                                + "stored keys that start with them, so it would miss items already on disk; a change needs a "
                                + "migration (docs/architecture.md, Storage layout)",
                        name)
                .isEqualTo(goldenHex.replace(" ", ""));
    }

    private static void assertStorageKey(String name, byte[] actual, String goldenHex) {
        assertThat(HEX.formatHex(actual))
                .as(
                        "The storage key for %s changed (layout hash(pk) 8 bytes big-endian | enc(pk) | enc(sk)): this "
                                + "is the RocksDB key of every stored item, so items already on disk would no longer be found; "
                                + "a change needs a migration (docs/architecture.md, Storage layout)",
                        name)
                .isEqualTo(goldenHex.replace(" ", ""));
    }

    private static AttributeValue.B binary(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return new AttributeValue.B(Binary.copyOf(bytes));
    }
}
