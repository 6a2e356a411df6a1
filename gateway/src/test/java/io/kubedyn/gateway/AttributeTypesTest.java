package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
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
        item.put("m", AttributeValue.fromM(Map.of("nested", AttributeValue.fromM(Map.of("deep", n("1"))),
                "list", AttributeValue.fromL(List.of(s("x"), n("2"), AttributeValue.fromBool(true))))));
        item.put("l", AttributeValue.fromL(List.of(AttributeValue.fromNul(true), AttributeValue.fromL(List.of()))));
        item.put("emptyMap", AttributeValue.fromM(Map.of()));
        item.put("ss", AttributeValue.fromSs(List.of("b", "a", "c")));
        item.put("ns", AttributeValue.fromNs(List.of("1", "-1.5", "1E+2")));
        item.put("bs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[] {0}),
                SdkBytes.fromByteArray(new byte[] {0, 0}))));
        dynamo.putItem(b -> b.tableName(table).item(item));

        Map<String, AttributeValue> read = dynamo.getItem(b -> b.tableName(table).key(Map.of("id", s("every-type"))))
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
        assertThat(read.get("bs").bs()).containsExactlyInAnyOrderElementsOf(item.get("bs").bs());
    }

    @Test
    void numbersAtTheEdgesOfDynamoDbsRangeRoundTripExactly() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        List<String> numbers = List.of("1E-130", "-1E-130", "9.9999999999999999999999999999999999999E+125",
                "-9.9999999999999999999999999999999999999E+125", "-0", "0", "12345678901234567890123456789012345678",
                "0.00000000000000000000000000000000000001");
        for (String number : numbers) {
            dynamo.putItem(b -> b.tableName(table).item(Map.of("id", s(number), "v", n(number))));
        }
        for (String number : numbers) {
            String read = dynamo.getItem(b -> b.tableName(table).key(Map.of("id", s(number)))).item().get("v").n();
            assertThat(new BigDecimal(read)).as(number).isEqualByComparingTo(new BigDecimal(number));
        }
    }
}
