package io.kubedyn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DynamoNumberTest {

    @Test
    void acceptsTheExtremesOfDynamoDbsRange() {
        assertThat(DynamoNumber.parse("1E-130").toWireString()).isEqualTo("1E-130");
        assertThat(DynamoNumber.parse("9.9999999999999999999999999999999999999E+125")
                        .value())
                .isEqualByComparingTo("9.9999999999999999999999999999999999999E+125");
        assertThat(DynamoNumber.parse("-9.9999999999999999999999999999999999999E+125")
                        .value()
                        .signum())
                .isEqualTo(-1);
    }

    @Test
    void normalizesEqualNumbersToOneForm() {
        assertThat(DynamoNumber.parse("-0")).isEqualTo(DynamoNumber.parse("0"));
        assertThat(DynamoNumber.parse("1.50")).isEqualTo(DynamoNumber.parse("1.5"));
        assertThat(DynamoNumber.parse("1E+2").toWireString()).isEqualTo("100");
        assertThat(DynamoNumber.parse("-0").toWireString()).isEqualTo("0");
    }

    @Test
    void refusesNumbersOutsideTheRange() {
        assertThatThrownBy(() -> DynamoNumber.parse("1E+126")).hasMessageContaining("Number overflow");
        assertThatThrownBy(() -> DynamoNumber.parse("1E-131")).hasMessageContaining("Number underflow");
        assertThatThrownBy(() -> DynamoNumber.parse("123456789012345678901234567890123456789"))
                .hasMessageContaining("38 significant digits");
    }

    @Test
    void refusesTextThatIsNotANumber() {
        for (String bad : new String[] {"abc", "", " 1", "1 ", "NaN", "Infinity", "0x10", "1e"}) {
            assertThatThrownBy(() -> DynamoNumber.parse(bad))
                    .isInstanceOf(DynamoDbException.class)
                    .satisfies(e -> assertThat(((DynamoDbException) e).error()).isEqualTo(DynamoDbError.VALIDATION));
        }
    }
}
