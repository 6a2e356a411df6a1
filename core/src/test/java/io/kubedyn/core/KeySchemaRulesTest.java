package io.kubedyn.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubedyn.core.KeySchemaRules.Element;
import io.kubedyn.core.KeySchemaRules.Finding;
import io.kubedyn.core.KeySchemaRules.Violation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeySchemaRulesTest {
    private static final Map<String, String> TYPES = Map.of("Artist", "S", "SongTitle", "S", "Flag", "BOOL");

    private static List<Violation> violations(Element... schema) {
        return KeySchemaRules.check(List.of(schema), TYPES).stream()
                .map(Finding::violation)
                .toList();
    }

    @Test
    void aHashKeyAndAnOptionalRangeKeyOfDefinedScalarAttributesAreValid() {
        assertThat(violations(new Element("Artist", "HASH"))).isEmpty();
        assertThat(violations(new Element("Artist", "HASH"), new Element("SongTitle", "RANGE")))
                .isEmpty();
    }

    @Test
    void violationsComeInDynamoDbsOrder() {
        assertThat(violations(new Element("Artist", "HASH"), new Element("SongTitle", "HASH")))
                .containsExactly(Violation.TOO_MANY_HASH_KEYS);
        assertThat(violations(new Element("Artist", "RANGE"), new Element("SongTitle", "RANGE")))
                .containsExactly(Violation.TOO_MANY_RANGE_KEYS, Violation.NO_HASH_KEY);
        assertThat(violations(new Element("SongTitle", "RANGE"), new Element("Artist", "HASH")))
                .containsExactly(Violation.HASH_KEY_NOT_FIRST);
        assertThat(violations(new Element("Artist", "HASH"), new Element("Artist", "RANGE")))
                .containsExactly(Violation.SAME_ATTRIBUTE);
        assertThat(violations(new Element("Artist", "HASH"), new Element("Year", "RANGE")))
                .containsExactly(Violation.UNDEFINED_ATTRIBUTE);
        assertThat(violations(new Element("Flag", "HASH"))).containsExactly(Violation.NOT_A_KEY_TYPE);
        assertThat(violations(new Element("Artist", "PRIMARY")))
                .containsExactly(Violation.UNKNOWN_KEY_TYPE, Violation.NO_HASH_KEY);
    }

    @Test
    void anUndefinedAttributeFindingNamesEveryUndefinedKey() {
        List<Finding> findings =
                KeySchemaRules.check(List.of(new Element("Year", "HASH"), new Element("Month", "RANGE")), TYPES);
        assertThat(findings)
                .singleElement()
                .satisfies(f -> assertThat(f.elements())
                        .extracting(Element::attributeName)
                        .containsExactly("Year", "Month"));
    }
}
