package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeAction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalOperator;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;

/** The pre-expression parameters older clients still send, on the same evaluator. */
@QuarkusTest
class LegacyParametersTest extends EmbeddedServerTest {

    @BeforeEach
    void songs() {
        createMusicTable();
        for (String title : List.of("Abrasive", "Claws", "Vidage")) {
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            "Artist",
                            s("1000mods"),
                            "SongTitle",
                            s(title),
                            "Length",
                            n(Integer.toString(title.length())))));
        }
    }

    private static Condition condition(ComparisonOperator op, AttributeValue... values) {
        return Condition.builder()
                .comparisonOperator(op)
                .attributeValueList(values)
                .build();
    }

    @Test
    void keyConditionsAndQueryFilter() {
        List<Map<String, AttributeValue>> items = dynamo.query(b -> b.tableName(table)
                        .keyConditions(Map.of(
                                "Artist",
                                condition(ComparisonOperator.EQ, s("1000mods")),
                                "SongTitle",
                                condition(ComparisonOperator.GE, s("B"))))
                        .queryFilter(Map.of("Length", condition(ComparisonOperator.GT, n("5")))))
                .items();
        assertThat(items).extracting(i -> i.get("SongTitle").s()).containsExactly("Vidage");
    }

    @Test
    void scanFilterWithOr() {
        List<Map<String, AttributeValue>> items = dynamo.scan(b -> b.tableName(table)
                        .scanFilter(Map.of(
                                "SongTitle",
                                condition(ComparisonOperator.BEGINS_WITH, s("Cl")),
                                "Length",
                                condition(ComparisonOperator.EQ, n("8"))))
                        .conditionalOperator(ConditionalOperator.OR))
                .items();
        assertThat(items).extracting(i -> i.get("SongTitle").s()).containsExactlyInAnyOrder("Claws", "Abrasive");
    }

    @Test
    void expectedGuardsPutItem() {
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table)
                        .item(song("1000mods", "Claws"))
                        .expected(Map.of(
                                "SongTitle",
                                ExpectedAttributeValue.builder().exists(false).build()))))
                .isInstanceOf(ConditionalCheckFailedException.class);
        dynamo.putItem(b -> b.tableName(table)
                .item(song("1000mods", "Claws"))
                .expected(Map.of(
                        "Length", ExpectedAttributeValue.builder().value(n("5")).build())));
        assertThat(dynamo.getItem(b -> b.tableName(table).key(song("1000mods", "Claws")))
                        .item())
                .isEqualTo(song("1000mods", "Claws"));
    }

    @Test
    void attributeUpdatesAndAttributesToGet() {
        dynamo.updateItem(b -> b.tableName(table)
                .key(song("1000mods", "Vidage"))
                .attributeUpdates(Map.of(
                        "Length",
                                AttributeValueUpdate.builder()
                                        .action(AttributeAction.ADD)
                                        .value(n("10"))
                                        .build(),
                        "Album",
                                AttributeValueUpdate.builder()
                                        .action(AttributeAction.PUT)
                                        .value(s("Vultures"))
                                        .build())));
        Map<String, AttributeValue> item = dynamo.getItem(
                        b -> b.tableName(table).key(song("1000mods", "Vidage")).attributesToGet("Length", "Album"))
                .item();
        assertThat(item).isEqualTo(Map.of("Length", n("16"), "Album", s("Vultures")));
    }

    @Test
    void conditionalOperatorJoinsTwoOrMoreConditionsOrIsRefused() {
        String without = "ConditionalOperator cannot be used without Filter or Expected";
        String one = "ConditionalOperator can only be used when Filter or Expected has two or more elements";
        Map<String, AttributeValue> claws = song("1000mods", "Claws");
        Map<String, ExpectedAttributeValue> oneExpected =
                Map.of("Length", ExpectedAttributeValue.builder().value(n("5")).build());
        assertThatThrownBy(() -> dynamo.putItem(
                        b -> b.tableName(table).item(claws).conditionalOperator(ConditionalOperator.AND)))
                .hasMessageStartingWith(without);
        assertThatThrownBy(() -> dynamo.putItem(b ->
                        b.tableName(table).item(claws).expected(Map.of()).conditionalOperator(ConditionalOperator.AND)))
                .hasMessageStartingWith(without);
        assertThatThrownBy(() -> dynamo.deleteItem(b -> b.tableName(table)
                        .key(claws)
                        .expected(oneExpected)
                        .conditionalOperator(ConditionalOperator.OR)))
                .hasMessageStartingWith(one);
        assertThatThrownBy(() -> dynamo.updateItem(
                        b -> b.tableName(table).key(claws).conditionalOperator(ConditionalOperator.OR)))
                .hasMessageStartingWith(without);
        assertThatThrownBy(() -> dynamo.scan(
                        b -> b.tableName(table).attributesToGet("Length").conditionalOperator(ConditionalOperator.AND)))
                .hasMessageStartingWith(without);
        // Before the missing key condition.
        assertThatThrownBy(() -> dynamo.query(b -> b.tableName(table).conditionalOperator(ConditionalOperator.AND)))
                .hasMessageStartingWith(without);
        assertThatThrownBy(() -> dynamo.query(b -> b.tableName(table)
                        .keyConditions(Map.of("Artist", condition(ComparisonOperator.EQ, s("1000mods"))))
                        .queryFilter(Map.of("Length", condition(ComparisonOperator.GT, n("5"))))
                        .conditionalOperator(ConditionalOperator.AND)))
                .hasMessageStartingWith(one);
        // With an expression, it is a legacy parameter mixed with an expression one.
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table)
                        .item(claws)
                        .expected(oneExpected)
                        .conditionalOperator(ConditionalOperator.AND)
                        .conditionExpression("attribute_exists(Artist)")))
                .hasMessageStartingWith(
                        "Can not use both expression and non-expression parameters in the same request: "
                                + "Non-expression parameters: {Expected, ConditionalOperator} "
                                + "Expression parameters: {ConditionExpression}");
        assertThat(dynamo.getItem(b -> b.tableName(table).key(claws)).item())
                .as("nothing refused was written")
                .containsEntry("Length", n("5"));

        // Two conditions joined by OR: the put goes ahead when either holds.
        dynamo.putItem(b -> b.tableName(table)
                .item(Map.of("Artist", s("1000mods"), "SongTitle", s("Claws"), "Length", n("6")))
                .conditionalOperator(ConditionalOperator.OR)
                .expected(Map.of(
                        "Length",
                                ExpectedAttributeValue.builder().value(n("99")).build(),
                        "SongTitle",
                                ExpectedAttributeValue.builder()
                                        .exists(true)
                                        .value(s("Claws"))
                                        .build())));
        assertThat(dynamo.getItem(b -> b.tableName(table).key(claws)).item()).containsEntry("Length", n("6"));
    }

    @Test
    void mixingLegacyAndExpressionParametersIsRefused() {
        assertThatThrownBy(() -> dynamo.query(b -> b.tableName(table)
                        .keyConditions(Map.of("Artist", condition(ComparisonOperator.EQ, s("1000mods"))))
                        .queryFilter(Map.of("Length", condition(ComparisonOperator.GT, n("5"))))
                        .filterExpression("#l > :l")
                        .expressionAttributeNames(Map.of("#l", "Length"))
                        .expressionAttributeValues(Map.of(":l", n("1")))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("Can not use both expression and non-expression parameters in the same request: "
                        + "Non-expression parameters: {QueryFilter} Expression parameters: {FilterExpression}");
    }

    @Test
    void keyConditionsMayGoWithAFilterExpression() {
        // DynamoDB takes KeyConditions beside the other expressions, as long as there is no KeyConditionExpression.
        List<Map<String, AttributeValue>> items = dynamo.query(b -> b.tableName(table)
                        .keyConditions(Map.of("Artist", condition(ComparisonOperator.EQ, s("1000mods"))))
                        .filterExpression("#l > :l")
                        .expressionAttributeNames(Map.of("#l", "Length"))
                        .expressionAttributeValues(Map.of(":l", n("5"))))
                .items();
        assertThat(items).extracting(i -> i.get("SongTitle").s()).containsExactly("Abrasive", "Vidage");
    }
}
