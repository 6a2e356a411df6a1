package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** FilterExpression, ProjectionExpression and Select on the read operations. */
@QuarkusTest
class ReadExpressionsTest extends EmbeddedServerTest {

    @BeforeEach
    void songs() {
        createMusicTable();
        for (int year = 2000; year < 2010; year++) {
            String y = Integer.toString(year);
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            "Artist",
                            s("1000mods"),
                            "SongTitle",
                            s("song" + y),
                            "Year",
                            n(y),
                            "Info",
                            AttributeValue.fromM(Map.of("plays", n(y), "label", s("L" + y))),
                            "Tags",
                            AttributeValue.fromL(List.of(s("a" + y), s("b" + y))))));
        }
        dynamo.putItem(b -> b.tableName(table).item(song("Kyuss", "Space Cadet")));
    }

    @Test
    void queryFilterCountsMatchesAndScannedItemsApart() {
        QueryResponse response = dynamo.query(b -> b.tableName(table)
                .keyConditionExpression("Artist = :a")
                .filterExpression("#y >= :from AND attribute_exists(Info.plays)")
                .expressionAttributeNames(Map.of("#y", "Year"))
                .expressionAttributeValues(Map.of(":a", s("1000mods"), ":from", n("2007"))));
        assertThat(response.count()).isEqualTo(3);
        assertThat(response.scannedCount()).isEqualTo(10);
        assertThat(response.items()).extracting(i -> i.get("Year").n()).containsExactly("2007", "2008", "2009");
    }

    @Test
    void limitAppliesBeforeTheFilter() {
        QueryResponse response = dynamo.query(b -> b.tableName(table)
                .limit(4)
                .keyConditionExpression("Artist = :a")
                .filterExpression("#y >= :from")
                .expressionAttributeNames(Map.of("#y", "Year"))
                .expressionAttributeValues(Map.of(":a", s("1000mods"), ":from", n("2003"))));
        assertThat(response.scannedCount()).isEqualTo(4);
        assertThat(response.count()).isEqualTo(1);
        assertThat(response.lastEvaluatedKey()).containsEntry("SongTitle", s("song2003"));
    }

    @Test
    void projectionKeepsOnlyTheNamedPathsWithTheirNesting() {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                        .key(song("1000mods", "song2001"))
                        .projectionExpression("SongTitle, Info.label, Tags[1]"))
                .item();
        assertThat(item)
                .isEqualTo(Map.of(
                        "SongTitle",
                        s("song2001"),
                        "Info",
                        AttributeValue.fromM(Map.of("label", s("L2001"))),
                        "Tags",
                        AttributeValue.fromL(List.of(s("b2001")))));
        QueryResponse query = dynamo.query(b -> b.tableName(table)
                .keyConditionExpression("Artist = :a")
                .expressionAttributeValues(Map.of(":a", s("Kyuss")))
                .projectionExpression("SongTitle"));
        assertThat(query.items()).containsExactly(Map.of("SongTitle", s("Space Cadet")));
    }

    @Test
    void scanFilterAndSelectCount() {
        ScanResponse response = dynamo.scan(b -> b.tableName(table)
                .filterExpression("begins_with(SongTitle, :p)")
                .expressionAttributeValues(Map.of(":p", s("Space"))));
        assertThat(response.items()).containsExactly(song("Kyuss", "Space Cadet"));
        assertThat(response.scannedCount()).isEqualTo(11);
        ScanResponse counted = dynamo.scan(b -> b.tableName(table)
                .select(Select.COUNT)
                .filterExpression("size(Tags) = :two")
                .expressionAttributeValues(Map.of(":two", n("2"))));
        assertThat(counted.count()).isEqualTo(10);
        assertThat(counted.hasItems()).isFalse();
    }

    @Test
    void aProjectionWithSelectAllAttributesIsRefused() {
        assertThatThrownBy(() -> dynamo.query(b -> b.tableName(table)
                        .keyConditionExpression("Artist = :a")
                        .expressionAttributeValues(Map.of(":a", s("Kyuss")))
                        .select(Select.ALL_ATTRIBUTES)
                        .projectionExpression("SongTitle")))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES");
        assertThatThrownBy(() -> dynamo.scan(
                        b -> b.tableName(table).select(Select.ALL_ATTRIBUTES).attributesToGet("SongTitle")))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES");
        // Without Select, a projection implies SPECIFIC_ATTRIBUTES.
        assertThat(dynamo.scan(b -> b.tableName(table).attributesToGet("SongTitle"))
                        .items())
                .hasSize(11)
                .allSatisfy(item -> assertThat(item).containsOnlyKeys("SongTitle"));
    }

    @Test
    void attributeTypeTakesAValueAsItsFirstOperand() {
        ScanResponse all = dynamo.scan(b -> b.tableName(table)
                .filterExpression("attribute_type(:v, :t)")
                .expressionAttributeValues(Map.of(":v", s("text"), ":t", s("S"))));
        assertThat(all.count()).isEqualTo(11);
        ScanResponse none = dynamo.scan(b -> b.tableName(table)
                .filterExpression("attribute_type(:v, :t)")
                .expressionAttributeValues(Map.of(":v", s("text"), ":t", s("N"))));
        assertThat(none.count()).isZero();
    }

    @Test
    void queryFilterOnAKeyAttributeIsRefused() {
        assertThatThrownBy(() -> dynamo.query(b -> b.tableName(table)
                        .keyConditionExpression("Artist = :a")
                        .filterExpression("SongTitle = :t")
                        .expressionAttributeValues(Map.of(":a", s("Kyuss"), ":t", s("x")))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("Primary key attribute: SongTitle");
    }
}
