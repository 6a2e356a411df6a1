package io.kubedyn.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the catalog document (default column family, {@code table/<name>} -> JSON): each golden
 * document was written by TableDefinitionCodec as it was when the format was pinned, byte for byte
 * (its UTF-8 encoding).
 */
class TableDefinitionCodecGoldenTest {
    private static final String WITH_SORT_KEY = "{\"name\":\"Orders\","
            + "\"tableId\":\"3f1c9a52-8d4e-4b6a-9f1e-2c7d5b8a0e41\",\"hashKey\":\"pk\",\"rangeKey\":\"sk\","
            + "\"attributeDefinitions\":{\"pk\":\"S\",\"sk\":\"N\"},\"billingMode\":\"PROVISIONED\","
            + "\"readCapacityUnits\":5,\"writeCapacityUnits\":10,\"creationDateTimeMillis\":1700000000123}";
    private static final String WITHOUT_SORT_KEY = "{\"name\":\"users_v2.archive\","
            + "\"tableId\":\"b8e0d7c4-1a2f-4e3b-8c5d-6f7a8b9c0d1e\",\"hashKey\":\"\u540d\u524d\","
            + "\"attributeDefinitions\":{\"\u540d\u524d\":\"B\"},\"billingMode\":\"PAY_PER_REQUEST\","
            + "\"readCapacityUnits\":0,\"writeCapacityUnits\":0,\"creationDateTimeMillis\":1700000000456}";

    /** Added with deletion protection: the field is written only when true, so older documents stay as they were. */
    private static final String PROTECTED = "{\"name\":\"Music\","
            + "\"tableId\":\"0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a\",\"hashKey\":\"Artist\","
            + "\"attributeDefinitions\":{\"Artist\":\"S\"},\"billingMode\":\"PAY_PER_REQUEST\","
            + "\"readCapacityUnits\":0,\"writeCapacityUnits\":0,\"creationDateTimeMillis\":1700000000789,"
            + "\"deletionProtectionEnabled\":true}";

    /** Added with streams and Time to Live: each written only while enabled. */
    private static final String WITH_STREAM = "{\"name\":\"Orders\","
            + "\"tableId\":\"7c6b5a49-3827-4165-9e8d-7f6e5d4c3b2a\",\"hashKey\":\"pk\","
            + "\"attributeDefinitions\":{\"pk\":\"S\"},\"billingMode\":\"PAY_PER_REQUEST\","
            + "\"readCapacityUnits\":0,\"writeCapacityUnits\":0,\"creationDateTimeMillis\":1700000000999,"
            + "\"stream\":{\"viewType\":\"NEW_AND_OLD_IMAGES\",\"label\":\"2026-11-30T14:00:00.000\","
            + "\"retentionSeconds\":86400},\"timeToLiveAttribute\":\"expiresAt\"}";

    /**
     * Added with secondary indexes: a single-attribute index keeps hashKey and rangeKey, a
     * multi-attribute one (a global index's) lists hashKeys and rangeKeys.
     */
    private static final String INDEXED = "{\"name\":\"Music\","
            + "\"tableId\":\"5e4d3c2b-1a09-4f8e-8d7c-6b5a4f3e2d1c\",\"hashKey\":\"Artist\",\"rangeKey\":\"SongTitle\","
            + "\"attributeDefinitions\":{\"Artist\":\"S\",\"SongTitle\":\"S\",\"Year\":\"N\",\"Genre\":\"S\","
            + "\"Country\":\"S\",\"Decade\":\"N\"},\"billingMode\":\"PAY_PER_REQUEST\",\"readCapacityUnits\":0,"
            + "\"writeCapacityUnits\":0,\"creationDateTimeMillis\":1700000001000,\"indexes\":[{\"name\":\"ByYear\","
            + "\"global\":false,\"hashKey\":\"Artist\",\"rangeKey\":\"Year\",\"projection\":\"KEYS_ONLY\"},"
            + "{\"name\":\"ByScene\",\"global\":true,\"hashKeys\":[\"Genre\",\"Country\"],\"rangeKeys\":[\"Decade\"],"
            + "\"projection\":\"INCLUDE\",\"nonKeyAttributes\":[\"Label\"]}]}";

    /** Added with tags: written only when the table has some, in the order they were given. */
    private static final String TAGGED = "{\"name\":\"Music\","
            + "\"tableId\":\"9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d\",\"hashKey\":\"Artist\","
            + "\"attributeDefinitions\":{\"Artist\":\"S\"},\"billingMode\":\"PAY_PER_REQUEST\","
            + "\"readCapacityUnits\":0,\"writeCapacityUnits\":0,\"creationDateTimeMillis\":1700000002000,"
            + "\"tags\":{\"team\":\"catalog\",\"cost-centre\":\"\",\"\u5730\u57df\":\"eu-west\"}}";

    private final TableDefinitionCodec codec = new TableDefinitionCodec();

    @Test
    void catalogDocumentOfATaggedTableDecodesToTheSameDefinition() {
        assertDecodes("a table with tags", TAGGED, tagged());
    }

    @Test
    void catalogDocumentWithSortKeyDecodesToTheSameDefinition() {
        assertDecodes("a table with a sort key (PROVISIONED)", WITH_SORT_KEY, withSortKey());
    }

    @Test
    void catalogDocumentWithoutSortKeyDecodesToTheSameDefinition() {
        assertDecodes(
                "a table without a sort key (PAY_PER_REQUEST, unicode key name)", WITHOUT_SORT_KEY, withoutSortKey());
    }

    @Test
    void catalogDocumentOfAProtectedTableDecodesToTheSameDefinition() {
        assertDecodes("a table with deletion protection", PROTECTED, protectedTable());
    }

    @Test
    void catalogDocumentOfATableWithAStreamDecodesToTheSameDefinition() {
        assertDecodes("a table with a stream and Time to Live", WITH_STREAM, streamed());
    }

    @Test
    void catalogDocumentOfATableWithIndexesDecodesToTheSameDefinition() {
        assertDecodes("a table with a local index and a multi-attribute global index", INDEXED, indexed());
    }

    @Test
    void catalogDocumentWrittenIsPinned() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (Object[] golden : new Object[][] {
            {WITH_SORT_KEY, withSortKey()},
            {WITHOUT_SORT_KEY, withoutSortKey()},
            {PROTECTED, protectedTable()},
            {WITH_STREAM, streamed()},
            {INDEXED, indexed()},
            {TAGGED, tagged()}
        }) {
            TableDefinition table = (TableDefinition) golden[1];
            assertThat(json.readTree(codec.encode(table)))
                    .as(
                            "TableDefinitionCodec now writes a different catalog document for table %s: the catalog is "
                                    + "on disk and definitions cross to storage pods, so pods still running the previous "
                                    + "version (rolling upgrade, rollback) must read it; a change needs a migration "
                                    + "(docs/architecture.md, Storage layout)",
                            table.name())
                    .isEqualTo(json.readTree((String) golden[0]));
        }
    }

    private void assertDecodes(String name, String document, TableDefinition expected) {
        assertThat(codec.decode(document.getBytes(StandardCharsets.UTF_8)))
                .as(
                        "TableDefinitionCodec no longer decodes the catalog document written for %s as the same "
                                + "definition: the catalog is on disk (default column family, table/<name>), so existing "
                                + "tables would be misread or lost on open; a change needs a migration "
                                + "(docs/architecture.md, Storage layout)",
                        name)
                .isEqualTo(expected);
    }

    private static TableDefinition withSortKey() {
        Map<String, ScalarType> attributes = new LinkedHashMap<>();
        attributes.put("pk", ScalarType.S);
        attributes.put("sk", ScalarType.N);
        return new TableDefinition(
                "Orders",
                "3f1c9a52-8d4e-4b6a-9f1e-2c7d5b8a0e41",
                KeySchema.of(new KeyAttribute("pk", ScalarType.S), new KeyAttribute("sk", ScalarType.N)),
                attributes,
                "PROVISIONED",
                5,
                10,
                1700000000123L);
    }

    private static TableDefinition tagged() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("team", "catalog");
        tags.put("cost-centre", "");
        tags.put("\u5730\u57df", "eu-west");
        return new TableDefinition(
                        "Music",
                        "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                        KeySchema.of(new KeyAttribute("Artist", ScalarType.S), null),
                        Map.of("Artist", ScalarType.S),
                        "PAY_PER_REQUEST",
                        0,
                        0,
                        1700000002000L)
                .withTags(tags);
    }

    private static TableDefinition withoutSortKey() {
        return new TableDefinition(
                "users_v2.archive",
                "b8e0d7c4-1a2f-4e3b-8c5d-6f7a8b9c0d1e",
                KeySchema.of(new KeyAttribute("\u540d\u524d", ScalarType.B), null),
                Map.of("\u540d\u524d", ScalarType.B),
                "PAY_PER_REQUEST",
                0,
                0,
                1700000000456L);
    }

    private static TableDefinition protectedTable() {
        return new TableDefinition(
                "Music",
                "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a",
                KeySchema.of(new KeyAttribute("Artist", ScalarType.S), null),
                Map.of("Artist", ScalarType.S),
                "PAY_PER_REQUEST",
                0,
                0,
                1700000000789L,
                true,
                null,
                null);
    }

    private static TableDefinition streamed() {
        return new TableDefinition(
                "Orders",
                "7c6b5a49-3827-4165-9e8d-7f6e5d4c3b2a",
                KeySchema.of(new KeyAttribute("pk", ScalarType.S), null),
                Map.of("pk", ScalarType.S),
                "PAY_PER_REQUEST",
                0,
                0,
                1700000000999L,
                false,
                new TableStream(StreamViewType.NEW_AND_OLD_IMAGES, "2026-11-30T14:00:00.000", 86400),
                "expiresAt");
    }

    private static TableDefinition indexed() {
        Map<String, ScalarType> attributes = new LinkedHashMap<>();
        attributes.put("Artist", ScalarType.S);
        attributes.put("SongTitle", ScalarType.S);
        attributes.put("Year", ScalarType.N);
        attributes.put("Genre", ScalarType.S);
        attributes.put("Country", ScalarType.S);
        attributes.put("Decade", ScalarType.N);
        KeyAttribute artist = new KeyAttribute("Artist", ScalarType.S);
        return new TableDefinition(
                        "Music",
                        "5e4d3c2b-1a09-4f8e-8d7c-6b5a4f3e2d1c",
                        KeySchema.of(artist, new KeyAttribute("SongTitle", ScalarType.S)),
                        attributes,
                        "PAY_PER_REQUEST",
                        0,
                        0,
                        1700000001000L)
                .withIndexes(List.of(
                        SecondaryIndex.local(
                                "ByYear",
                                KeySchema.of(artist, new KeyAttribute("Year", ScalarType.N)),
                                IndexProjection.KEYS_ONLY),
                        SecondaryIndex.global(
                                "ByScene",
                                new KeySchema(
                                        List.of(
                                                new KeyAttribute("Genre", ScalarType.S),
                                                new KeyAttribute("Country", ScalarType.S)),
                                        List.of(new KeyAttribute("Decade", ScalarType.N))),
                                IndexProjection.include(List.of("Label")))));
    }
}
