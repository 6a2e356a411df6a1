package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Query returns sort keys in DynamoDB's order for each key type. */
@QuarkusTest
class SortOrderTest extends EmbeddedServerTest {

    private List<AttributeValue> queryAll(boolean forward) {
        return dynamo
                .query(b -> b.tableName(table)
                        .keyConditionExpression("pk = :p")
                        .expressionAttributeValues(Map.of(":p", s("p")))
                        .scanIndexForward(forward))
                .items()
                .stream()
                .map(i -> i.get("sk"))
                .toList();
    }

    @Test
    void queryReturnsNumericSortKeysInNumericOrder() {
        createTable(table, "pk", ScalarAttributeType.S, "sk", ScalarAttributeType.N);
        for (String v : List.of("10", "1.5", "-2", "1E+2", "0", "-10", "1E-130", "-1E+125", "9.9E+125")) {
            dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s("p"), "sk", n(v))));
        }
        List<java.math.BigDecimal> order = queryAll(true).stream()
                .map(v -> new java.math.BigDecimal(v.n()))
                .toList();
        assertThat(order).isSortedAccordingTo(java.math.BigDecimal::compareTo).hasSize(9);
        assertThat(order.get(0)).isEqualByComparingTo("-1E+125");
        assertThat(order.subList(1, 7))
                .usingElementComparator(java.math.BigDecimal::compareTo)
                .containsExactly(
                        new java.math.BigDecimal("-10"),
                        new java.math.BigDecimal("-2"),
                        java.math.BigDecimal.ZERO,
                        new java.math.BigDecimal("1E-130"),
                        new java.math.BigDecimal("1.5"),
                        java.math.BigDecimal.TEN);
        assertThat(order.get(7)).isEqualByComparingTo("100");
        List<java.math.BigDecimal> reversed = queryAll(false).stream()
                .map(v -> new java.math.BigDecimal(v.n()))
                .toList();
        assertThat(reversed).isSortedAccordingTo((a, b) -> b.compareTo(a));
    }

    @Test
    void queryReturnsStringSortKeysInUtf8ByteOrder() {
        createTable(table, "pk", ScalarAttributeType.S, "sk", ScalarAttributeType.S);
        for (String v : List.of("b", "a", "B", "ab", "aa", "é", "z", "\uD83D\uDE00", "\uFFFD", "a\u0000")) {
            dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s("p"), "sk", s(v))));
        }
        assertThat(queryAll(true).stream().map(AttributeValue::s).toList())
                .containsExactly("B", "a", "a\u0000", "aa", "ab", "b", "z", "é", "\uFFFD", "\uD83D\uDE00");
    }

    @Test
    void queryReturnsBinarySortKeysInUnsignedByteOrder() {
        createTable(table, "pk", ScalarAttributeType.S, "sk", ScalarAttributeType.B);
        byte[][] values = {{(byte) 0xFF}, {0x00, 0x00}, {0x7F}, {(byte) 0x80}, {0x00}, {0x01, 0x00}};
        for (byte[] v : values) {
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of("pk", s("p"), "sk", AttributeValue.fromB(SdkBytes.fromByteArray(v)))));
        }
        assertThat(queryAll(true).stream().map(v -> v.b().asByteArray()).toList())
                .containsExactly(
                        new byte[] {0x00},
                        new byte[] {0x00, 0x00},
                        new byte[] {0x01, 0x00},
                        new byte[] {0x7F},
                        new byte[] {(byte) 0x80},
                        new byte[] {(byte) 0xFF});
    }
}
