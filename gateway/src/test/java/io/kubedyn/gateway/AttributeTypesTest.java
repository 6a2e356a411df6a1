package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

@QuarkusTest
class AttributeTypesTest extends EmbeddedServerTest {

    @Test
    void everyTypeRoundTripsExactly() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s("every-type"));
        item.put("s", s("héllo wörld 世界 \uD83D\uDE00"));
        item.put("emptyString", s(""));
        item.put("n", n("123.456"));
        item.put("b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 0, 1, 0, (byte) 0xFF, 0})));
        item.put("emptyBinary", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[0])));
        item.put("bool", AttributeValue.fromBool(false));
        item.put("null", AttributeValue.fromNul(true));
        item.put(
                "m",
                AttributeValue.fromM(Map.of(
                        "nested",
                        AttributeValue.fromM(Map.of("deep", n("1"))),
                        "list",
                        AttributeValue.fromL(List.of(s("x"), n("2"), AttributeValue.fromBool(true))))));
        item.put("l", AttributeValue.fromL(List.of(AttributeValue.fromNul(true), AttributeValue.fromL(List.of()))));
        item.put("emptyMap", AttributeValue.fromM(Map.of()));
        item.put("ss", AttributeValue.fromSs(List.of("b", "a", "c")));
        item.put("ns", AttributeValue.fromNs(List.of("1", "-1.5", "1E+2")));
        item.put(
                "bs",
                AttributeValue.fromBs(
                        List.of(SdkBytes.fromByteArray(new byte[] {0}), SdkBytes.fromByteArray(new byte[] {0, 0}))));
        dynamo.putItem(b -> b.tableName(table).item(item));

        Map<String, AttributeValue> read = dynamo.getItem(
                        b -> b.tableName(table).key(Map.of("id", s("every-type"))))
                .item();
        assertThat(read.keySet()).isEqualTo(item.keySet());
        for (String name : List.of("s", "emptyString", "b", "emptyBinary", "bool", "null", "m", "l", "emptyMap")) {
            assertThat(read.get(name)).as(name).isEqualTo(item.get(name));
        }
        assertThat(new BigDecimal(read.get("n").n())).isEqualByComparingTo("123.456");
        assertThat(read.get("ss").ss()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(read.get("ns").ns().stream().map(BigDecimal::new).toList())
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactlyInAnyOrder(new BigDecimal("1"), new BigDecimal("-1.5"), new BigDecimal("100"));
        assertThat(read.get("bs").bs())
                .containsExactlyInAnyOrderElementsOf(item.get("bs").bs());
    }

    @Test
    void setMembersComeBackInTheirTypesOrderWhateverOrderTheyWereWrittenIn() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        Map<String, AttributeValue> key = Map.of("id", s("sets"));
        Map<String, AttributeValue> item = new HashMap<>(key);
        item.put("ss", AttributeValue.fromSs(List.of("b", "\u00e9", "a", "\uD83D\uDE00", "Z", "c")));
        item.put("ns", AttributeValue.fromNs(List.of("10", "-1.5", "1E+2", "2")));
        item.put(
                "bs",
                AttributeValue.fromBs(List.of(
                        SdkBytes.fromByteArray(new byte[] {2}),
                        SdkBytes.fromByteArray(new byte[] {(byte) 0xFF}),
                        SdkBytes.fromByteArray(new byte[] {0, 1}),
                        SdkBytes.fromByteArray(new byte[] {0}))));
        dynamo.putItem(b -> b.tableName(table).item(item));
        dynamo.updateItem(b -> b.tableName(table)
                .key(key)
                .updateExpression("ADD ss :more")
                .expressionAttributeValues(Map.of(":more", AttributeValue.fromSs(List.of("bb", "A")))));

        Map<String, AttributeValue> read =
                dynamo.getItem(b -> b.tableName(table).key(key)).item();
        // S by UTF-8 bytes (code points), N by value, B by unsigned bytes.
        assertThat(read.get("ss").ss()).containsExactly("A", "Z", "a", "b", "bb", "c", "\u00e9", "\uD83D\uDE00");
        assertThat(read.get("ns").ns()).containsExactly("-1.5", "2", "10", "100");
        assertThat(read.get("bs").bs())
                .extracting(SdkBytes::asByteArray)
                .containsExactly(new byte[] {0}, new byte[] {0, 1}, new byte[] {2}, new byte[] {(byte) 0xFF});
        assertThat(dynamo.scan(b -> b.tableName(table)).items()).containsExactly(read);
    }

    @Test
    void attributeNamesUpTo65535BytesAreTakenAndLongerOnesRefused() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        String longest = "n".repeat(65_535);
        String nested = "m".repeat(60_000);
        Map<String, AttributeValue> item = Map.of(
                "id",
                AttributeValue.fromS("long"),
                longest,
                AttributeValue.fromS("v"),
                "doc",
                AttributeValue.fromM(Map.of(nested, AttributeValue.fromN("1"))));
        dynamo.putItem(b -> b.tableName(table).item(item));
        assertThat(dynamo.getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS("long"))))
                        .item())
                .isEqualTo(item);

        // Over 65,535 characters, the input shape's constraint refuses it; under that but over
        // 65,535 bytes (21,846 three-byte characters are 65,538), the item's rule does.
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table)
                        .item(Map.of("id", AttributeValue.fromS("x"), "n".repeat(65_536), AttributeValue.fromS("v")))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining(
                        "Map keys must satisfy constraint: [Member must have length less than or equal to 65535");
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table)
                        .item(Map.of(
                                "id", AttributeValue.fromS("x"), "\u20ac".repeat(21_846), AttributeValue.fromS("v")))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Attribute name is too large, must be less than 65536 bytes");
        assertThat(dynamo.getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS("x"))))
                        .hasItem())
                .isFalse();
    }

    @Test
    void numbersAtTheEdgesOfDynamoDbsRangeRoundTripExactly() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        List<String> numbers = List.of(
                "1E-130",
                "-1E-130",
                "9.9999999999999999999999999999999999999E+125",
                "-9.9999999999999999999999999999999999999E+125",
                "-0",
                "0",
                "12345678901234567890123456789012345678",
                "0.00000000000000000000000000000000000001");
        for (String number : numbers) {
            dynamo.putItem(b -> b.tableName(table).item(Map.of("id", s(number), "v", n(number))));
        }
        for (String number : numbers) {
            String read = dynamo.getItem(b -> b.tableName(table).key(Map.of("id", s(number))))
                    .item()
                    .get("v")
                    .n();
            assertThat(new BigDecimal(read)).as(number).isEqualByComparingTo(new BigDecimal(number));
        }
    }
}
