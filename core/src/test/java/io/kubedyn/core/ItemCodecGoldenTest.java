package io.kubedyn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Pins ItemCodec's bytes: the on-disk form of every stored item. Each golden value was written
 * by the codec as it was when the format was pinned; the encoder must still write exactly it,
 * and the decoder must still read it back as the same item. Hex may contain spaces, which only
 * group the fields (count, name, tag, payload) for the reader.
 */
class ItemCodecGoldenTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void emptyItemIsPinned() {
        assertPinned("an empty item", Map.of(), "00");
    }

    @Test
    void stringEncodingIsPinned() {
        assertPinned("an ASCII string", item("s", new AttributeValue.S("hello")), "01 01 73 01 05 68656c6c6f");
        assertPinned("an empty string", item("s", new AttributeValue.S("")), "01 01 73 01 00");
        assertPinned("a string with a NUL", item("s", new AttributeValue.S("a\u0000b")), "01 01 73 01 03 610062");
        assertPinned(
                "a unicode name and value",
                item("\u540d\u524d", new AttributeValue.S("h\u00e9llo w\u00f6rld \uD83D\uDD11")),
                "01 06 e5908de5898d 01 12 68c3a96c6c6f2077c3b6726c6420f09f9491");
        assertPinned(
                "a 200-byte string (two-byte varint length)",
                item("s", new AttributeValue.S("x".repeat(200))),
                "01 01 73 01 c801 " + "78".repeat(200));
    }

    @Test
    void numberEncodingIsPinned() {
        assertPinned("number 0", item("n", AttributeValue.N.of("0")), "01 01 6e 02 00 01 00");
        assertPinned("number 42", item("n", AttributeValue.N.of("42")), "01 01 6e 02 00 01 2a");
        assertPinned("number -7", item("n", AttributeValue.N.of("-7")), "01 01 6e 02 00 01 f9");
        assertPinned("number -1.5", item("n", AttributeValue.N.of("-1.5")), "01 01 6e 02 02 01 f1");
        assertPinned("number 100 (negative scale)", item("n", AttributeValue.N.of("100")), "01 01 6e 02 03 01 01");
        assertPinned(
                "number 128 (two-byte unscaled value)",
                item("n", AttributeValue.N.of("128")),
                "01 01 6e 02 00 02 0080");
        assertPinned("number 1E-130", item("n", AttributeValue.N.of("1E-130")), "01 01 6e 02 8402 01 01");
        assertPinned("number -1E-130", item("n", AttributeValue.N.of("-1E-130")), "01 01 6e 02 8402 01 ff");
        assertPinned(
                "number 9.9999999999999999999999999999999999999E+125",
                item("n", AttributeValue.N.of("9.9999999999999999999999999999999999999E+125")),
                "01 01 6e 02 af01 10 4b3b4ca85a86c47a098a223fffffffff");
        assertPinned(
                "number -9.9999999999999999999999999999999999999E+125",
                item("n", AttributeValue.N.of("-9.9999999999999999999999999999999999999E+125")),
                "01 01 6e 02 af01 10 b4c4b357a5793b85f675ddc000000001");
        assertPinned(
                "number 12345678901234567890123456789012345678 (38 digits)",
                item("n", AttributeValue.N.of("12345678901234567890123456789012345678")),
                "01 01 6e 02 00 10 0949b0f6f0023313c4499050de38f34e");
        assertPinned(
                "number -0.00012345678901234567890123456789012345678 (38 digits)",
                item("n", AttributeValue.N.of("-0.00012345678901234567890123456789012345678")),
                "01 01 6e 02 52 10 f6b64f090ffdccec3bb66faf21c70cb2");
    }

    @Test
    void binaryEncodingIsPinned() {
        assertPinned("a binary with zero bytes", item("b", binary(0x00, 0x01, 0x00, 0xFF)), "01 01 62 03 04 000100ff");
        assertPinned("a binary of one zero byte", item("b", binary(0x00)), "01 01 62 03 01 00");
        assertPinned("an empty binary", item("b", binary()), "01 01 62 03 00");
    }

    @Test
    void booleanAndNullEncodingIsPinned() {
        assertPinned("BOOL true", item("t", new AttributeValue.Bool(true)), "01 01 74 04");
        assertPinned("BOOL false", item("f", new AttributeValue.Bool(false)), "01 01 66 05");
        assertPinned("NULL", item("z", new AttributeValue.Null()), "01 01 7a 06");
    }

    @Test
    void mapEncodingIsPinned() {
        Map<String, AttributeValue> inner = new LinkedHashMap<>();
        inner.put("a", new AttributeValue.S("x"));
        inner.put("deeper", new AttributeValue.M(Map.of("n", AttributeValue.N.of("1"))));
        assertPinned(
                "a nested map",
                item("m", new AttributeValue.M(inner)),
                "01 01 6d 07 02 01 61 01 01 78 06 646565706572 07 01 01 6e 02 00 01 01");
        assertPinned("an empty map", item("m", new AttributeValue.M(Map.of())), "01 01 6d 07 00");
    }

    @Test
    void listEncodingIsPinned() {
        assertPinned(
                "a list of mixed values",
                item(
                        "l",
                        new AttributeValue.L(List.of(
                                new AttributeValue.S("a"),
                                AttributeValue.N.of("2"),
                                new AttributeValue.Bool(true),
                                new AttributeValue.Null(),
                                new AttributeValue.L(List.of(AttributeValue.N.of("-1")))))),
                "01 01 6c 08 05 01 01 61 02 00 01 02 04 06 08 01 02 00 01 ff");
        assertPinned("an empty list", item("l", new AttributeValue.L(List.of())), "01 01 6c 08 00");
    }

    @Test
    void setEncodingsArePinned() {
        // A set's members are held in their type's order (AttributeValue), so they are written in it.
        assertPinned(
                "a string set",
                item("ss", AttributeValue.SS.of(List.of("b", "a", "\u00fc"))),
                "01 02 7373 09 03 01 61 01 62 02 c3bc");
        assertPinned(
                "a number set",
                item(
                        "ns",
                        AttributeValue.NS.of(List.of(
                                DynamoNumber.parse("1"), DynamoNumber.parse("-2.5"), DynamoNumber.parse("1E-130")))),
                "01 02 6e73 0a 03 02 01 e7 8402 01 01 00 01 01");
        assertPinned(
                "a binary set",
                item(
                        "bs",
                        AttributeValue.BS.of(List.of(
                                Binary.copyOf(bytes(0x00)),
                                Binary.copyOf(bytes(0x01, 0x00)),
                                Binary.copyOf(bytes(0xFF))))),
                "01 02 6273 0b 03 01 00 02 0100 01 ff");
    }

    /**
     * Before set members were kept in their type's order, they were written in the order given.
     * Those bytes still decode to the same set, its members now in order: no migration needed.
     */
    @Test
    void setsWrittenInTheOrderTheyWereGivenDecodeInTheirTypesOrder() {
        Map<String, AttributeValue> strings = ItemCodec.decode(HEX.parseHex("0102737309030162016102c3bc"));
        assertThat(((AttributeValue.SS) strings.get("ss")).value()).containsExactly("a", "b", "\u00fc");
        Map<String, AttributeValue> numbers = ItemCodec.decode(HEX.parseHex("01026e730a030001010201e784020101"));
        assertThat(((AttributeValue.NS) numbers.get("ns")).value())
                .containsExactly(DynamoNumber.parse("-2.5"), DynamoNumber.parse("1E-130"), DynamoNumber.parse("1"));
    }

    @Test
    void itemWithEveryTypeIsPinned() {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", new AttributeValue.S("user#1"));
        item.put("\u540d\u524d", new AttributeValue.S("\u65e5\u672c\u8a9e \uD83D\uDD11"));
        item.put("n", AttributeValue.N.of("-1.5E-130"));
        item.put("b", binary(0x00, 0x01, 0x00, 0xFF));
        item.put("t", new AttributeValue.Bool(true));
        item.put("f", new AttributeValue.Bool(false));
        item.put("z", new AttributeValue.Null());
        item.put("m", new AttributeValue.M(Map.of("inner", new AttributeValue.L(List.of(AttributeValue.N.of("1"))))));
        item.put("em", new AttributeValue.M(Map.of()));
        item.put("l", new AttributeValue.L(List.of(new AttributeValue.S(""), new AttributeValue.Null())));
        item.put("el", new AttributeValue.L(List.of()));
        item.put("ss", AttributeValue.SS.of(List.of("x", "y")));
        item.put("ns", AttributeValue.NS.of(List.of(DynamoNumber.parse("3"), DynamoNumber.parse("-0.5"))));
        item.put("bs", AttributeValue.BS.of(List.of(Binary.copyOf(bytes(0x00)), Binary.copyOf(bytes(0x7F)))));
        assertPinned(
                "an item with every type",
                item,
                "0e"
                        + " 02 706b 01 06 757365722331"
                        + " 06 e5908de5898d 01 0e e697a5e69cace8aa9e20f09f9491"
                        + " 01 6e 02 8602 01 f1"
                        + " 01 62 03 04 000100ff"
                        + " 01 74 04"
                        + " 01 66 05"
                        + " 01 7a 06"
                        + " 01 6d 07 01 05 696e6e6572 08 01 02 00 01 01"
                        + " 02 656d 07 00"
                        + " 01 6c 08 02 01 00 06"
                        + " 02 656c 08 00"
                        + " 02 7373 09 02 01 78 01 79"
                        + " 02 6e73 0a 02 02 01 fb 00 01 03"
                        + " 02 6273 0b 02 01 00 01 7f");
    }

    /** Today's encoder writes exactly the golden bytes, and today's decoder reads them back as the item. */
    private static void assertPinned(String name, Map<String, AttributeValue> item, String goldenHex) {
        String golden = goldenHex.replace(" ", "");
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(HEX.formatHex(ItemCodec.encode(item)))
                .as(
                        "ItemCodec's bytes for %s changed: this is the on-disk format of every stored item; "
                                + "a change needs a migration (docs/architecture.md, Storage layout)",
                        name)
                .isEqualTo(golden);
        String decodeMessage = "ItemCodec no longer decodes the bytes written for " + name + " as the same item: "
                + "items already on disk would be misread; a change needs a migration "
                + "(docs/architecture.md, Storage layout)";
        try {
            softly.assertThat(ItemCodec.decode(HEX.parseHex(golden)))
                    .as(decodeMessage)
                    .isEqualTo(item);
        } catch (RuntimeException e) {
            softly.fail(decodeMessage + " (it threw " + e + ")", e);
        }
        softly.assertAll();
    }

    private static Map<String, AttributeValue> item(String name, AttributeValue value) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(name, value);
        return item;
    }

    private static AttributeValue.B binary(int... values) {
        return new AttributeValue.B(Binary.copyOf(bytes(values)));
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
