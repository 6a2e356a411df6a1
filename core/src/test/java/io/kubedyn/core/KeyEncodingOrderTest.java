package io.kubedyn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class KeyEncodingOrderTest {

    @Property(tries = 2000)
    void numberEncodingOrderEqualsNumericOrder(@ForAll("numbers") BigDecimal a, @ForAll("numbers") BigDecimal b) {
        int expected = Integer.signum(a.compareTo(b));
        int actual = Integer.signum(Arrays.compareUnsigned(
                KeyEncoding.encode(new AttributeValue.N(new DynamoNumber(a))),
                KeyEncoding.encode(new AttributeValue.N(new DynamoNumber(b)))));
        assertThat(actual).as("%s vs %s", a, b).isEqualTo(expected);
    }

    @Property(tries = 2000)
    void stringEncodingOrderEqualsUtf8ByteOrder(@ForAll("strings") String a, @ForAll("strings") String b) {
        int expected = Integer.signum(
                Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        int actual = Integer.signum(Arrays.compareUnsigned(
                KeyEncoding.encode(new AttributeValue.S(a)), KeyEncoding.encode(new AttributeValue.S(b))));
        assertThat(actual).isEqualTo(expected);
    }

    @Property(tries = 2000)
    void binaryEncodingOrderEqualsUnsignedByteOrder(@ForAll("binaries") byte[] a, @ForAll("binaries") byte[] b) {
        int expected = Integer.signum(Arrays.compareUnsigned(a, b));
        int actual = Integer.signum(Arrays.compareUnsigned(
                KeyEncoding.encode(new AttributeValue.B(Binary.copyOf(a))),
                KeyEncoding.encode(new AttributeValue.B(Binary.copyOf(b)))));
        assertThat(actual).isEqualTo(expected);
    }

    @Property(tries = 2000)
    void multiAttributeValuesSortByTheirFirstPartThenTheNext(
            @ForAll("strings") String a1,
            @ForAll("numbers") BigDecimal a2,
            @ForAll("strings") String b1,
            @ForAll("numbers") BigDecimal b2) {
        int first = Integer.signum(
                Arrays.compareUnsigned(a1.getBytes(StandardCharsets.UTF_8), b1.getBytes(StandardCharsets.UTF_8)));
        int expected = first != 0 ? first : Integer.signum(a2.compareTo(b2));
        AttributeValue a = KeySchema.keyValue(
                java.util.List.of(new AttributeValue.S(a1), new AttributeValue.N(new DynamoNumber(a2))));
        AttributeValue b = KeySchema.keyValue(
                java.util.List.of(new AttributeValue.S(b1), new AttributeValue.N(new DynamoNumber(b2))));
        int actual = Integer.signum(Arrays.compareUnsigned(KeyEncoding.encode(a), KeyEncoding.encode(b)));
        assertThat(actual).as("(%s, %s) vs (%s, %s)", a1, a2, b1, b2).isEqualTo(expected);
    }

    @Property(tries = 1000)
    void noStringEncodingIsAPrefixOfAnother(@ForAll("strings") String a, @ForAll("strings") String b) {
        byte[] ea = KeyEncoding.encode(new AttributeValue.S(a));
        byte[] eb = KeyEncoding.encode(new AttributeValue.S(b));
        if (!a.equals(b) && ea.length <= eb.length) {
            assertThat(Arrays.equals(ea, 0, ea.length, eb, 0, ea.length)).isFalse();
        }
    }

    @Property(tries = 1000)
    void beginsWithPrefixMatchesExactlyTheStringsThatStartWithIt(
            @ForAll("strings") String s, @ForAll("strings") String prefix) {
        byte[] encoded = KeyEncoding.encode(new AttributeValue.S(s));
        byte[] p = KeyEncoding.encodePrefix(new AttributeValue.S(prefix));
        boolean encodedStartsWith = encoded.length >= p.length && Arrays.equals(encoded, 0, p.length, p, 0, p.length);
        assertThat(encodedStartsWith)
                .isEqualTo(
                        startsWithBytes(s.getBytes(StandardCharsets.UTF_8), prefix.getBytes(StandardCharsets.UTF_8)));
    }

    private static boolean startsWithBytes(byte[] s, byte[] p) {
        return s.length >= p.length && Arrays.equals(s, 0, p.length, p, 0, p.length);
    }

    @Provide
    Arbitrary<BigDecimal> numbers() {
        Arbitrary<BigInteger> unscaled = Arbitraries.bigIntegers()
                .between(
                        new BigInteger("-99999999999999999999999999999999999999"),
                        new BigInteger("99999999999999999999999999999999999999"));
        Arbitrary<Integer> scale = Arbitraries.integers().between(-88, 130);
        Arbitrary<BigDecimal> random =
                Combinators.combine(unscaled, scale).as(BigDecimal::new).filter(KeyEncodingOrderTest::inDynamoRange);
        Arbitrary<BigDecimal> small = Arbitraries.of(
                        "-10",
                        "-2",
                        "0",
                        "-0",
                        "1.5",
                        "10",
                        "1E+2",
                        "1E-130",
                        "-1E-130",
                        "9.9999999999999999999999999999999999999E+125",
                        "0.1",
                        "0.12",
                        "0.123",
                        "-0.12",
                        "-0.123",
                        "1",
                        "100")
                .map(BigDecimal::new);
        return Arbitraries.oneOf(random, small);
    }

    private static boolean inDynamoRange(BigDecimal d) {
        try {
            new DynamoNumber(d);
            return true;
        } catch (DynamoDbException e) {
            return false;
        }
    }

    @Provide
    Arbitrary<String> strings() {
        // Only strings a request can carry: an unpaired surrogate is refused before it reaches a
        // key (SerializationException), and has no UTF-8 encoding of its own.
        return Arbitraries.oneOf(
                Arbitraries.strings()
                        .withChars('a', 'b', '\u0000', '\u00ff', '\u4e16')
                        .ofMaxLength(6),
                Arbitraries.strings().all().ofMaxLength(12).filter(KeyEncodingOrderTest::wellFormed));
    }

    @Provide
    Arbitrary<byte[]> binaries() {
        return Arbitraries.oneOf(
                Arbitraries.bytes()
                        .between((byte) -1, (byte) 1)
                        .array(byte[].class)
                        .ofMaxSize(6),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(12));
    }

    private static boolean wellFormed(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s);
    }
}
