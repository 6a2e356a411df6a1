package io.kubedyn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ItemCodecTest {

    static Map<String, AttributeValue> everyType() {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("s", new AttributeValue.S("héllo \u0000 wörld"));
        item.put("n", AttributeValue.N.of("-1.5E-130"));
        item.put("big", AttributeValue.N.of("9.9999999999999999999999999999999999999E+125"));
        item.put("b", new AttributeValue.B(Binary.copyOf(new byte[] {0, 1, 0, -1})));
        item.put("t", new AttributeValue.Bool(true));
        item.put("f", new AttributeValue.Bool(false));
        item.put("null", new AttributeValue.Null());
        item.put("m", new AttributeValue.M(Map.of("inner", new AttributeValue.L(List.of(AttributeValue.N.of("1"))))));
        item.put("l", new AttributeValue.L(List.of(new AttributeValue.S(""), new AttributeValue.Null())));
        item.put("ss", new AttributeValue.SS(Set.of("a", "b")));
        item.put("ns", new AttributeValue.NS(Set.of(DynamoNumber.parse("1"), DynamoNumber.parse("-2.5"))));
        item.put("bs", new AttributeValue.BS(Set.of(Binary.copyOf(new byte[] {0}), Binary.copyOf(new byte[0]))));
        return item;
    }

    @Test
    void everyTypeRoundTripsExactly() {
        Map<String, AttributeValue> item = everyType();
        assertThat(ItemCodec.decode(ItemCodec.encode(item))).isEqualTo(item);
    }

    @Test
    void itemSizeFollowsDynamoDbRules() {
        assertThat(ItemSize.of(Map.of("ab", new AttributeValue.S("héllo")))).isEqualTo(2 + 6);
        assertThat(ItemSize.of(Map.of("n", AttributeValue.N.of("12345")))).isEqualTo(1 + 3 + 1);
        assertThat(ItemSize.of(Map.of("m", new AttributeValue.M(Map.of())))).isEqualTo(1 + 3);
        assertThat(ItemSize.of(Map.of("l", new AttributeValue.L(List.of(new AttributeValue.Bool(true))))))
                .isEqualTo(1 + 3 + 1 + 1);
    }
}
