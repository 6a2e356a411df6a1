package io.kubedyn.core.expression;

import static io.kubedyn.core.expression.Av.item;
import static io.kubedyn.core.expression.Av.n;
import static io.kubedyn.core.expression.Av.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubedyn.core.AttributeValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class ExpressionPropertiesTest {

    private static boolean wellFormed(String text) {
        return StandardCharsets.UTF_8.newEncoder().canEncode(text);
    }

    @Property
    void stringsCompareByTheirUtf8Bytes(
            @ForAll @StringLength(max = 6) String a, @ForAll @StringLength(max = 6) String b) {
        Assume.that(wellFormed(a) && wellFormed(b));
        int expected = Integer.signum(
                Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        assertThat(Integer.signum(AttributeValue.compareStrings(a, b))).isEqualTo(expected);
        boolean less =
                ConditionExpression.parse("a < :b", Av.values(":b", s(b))).test(item("a", s(a)));
        assertThat(less).isEqualTo(expected < 0);
    }

    @Property
    void addAccumulatesIncrements(@ForAll @Size(max = 20) List<@IntRange(min = -1000, max = 1000) Integer> increments) {
        Map<String, AttributeValue> item = item();
        long sum = 0;
        for (int increment : increments) {
            item = UpdateExpression.parse("ADD c :d", Av.values(":d", n(increment)))
                    .apply(item);
            sum += increment;
        }
        if (increments.isEmpty()) {
            assertThat(item).isEmpty();
        } else {
            assertThat(item).containsEntry("c", n(sum));
        }
    }

    @Property
    void removeListElementKeepsTheOthersInOrder(
            @ForAll @IntRange(min = 1, max = 12) int length, @ForAll @IntRange(min = 0, max = 15) int index) {
        List<AttributeValue> elements = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            elements.add(n(i));
        }
        Map<String, AttributeValue> updated = UpdateExpression.parse(
                        "REMOVE l[" + index + "]", ExpressionAttributes.none())
                .apply(item("l", new AttributeValue.L(elements)));
        List<AttributeValue> expected = new ArrayList<>(elements);
        if (index < length) {
            expected.remove(index);
        }
        assertThat(updated).containsEntry("l", new AttributeValue.L(expected));
    }
}
