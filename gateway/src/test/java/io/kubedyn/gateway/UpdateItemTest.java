package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

@QuarkusTest
class UpdateItemTest extends EmbeddedServerTest {
    private static final Map<String, AttributeValue> KEY = Map.of("id", AttributeValue.fromS("item-1"));

    @BeforeEach
    void table() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
    }

    private Map<String, AttributeValue> item() {
        return dynamo.getItem(b -> b.tableName(table).key(KEY).consistentRead(true))
                .item();
    }

    private UpdateItemResponse update(String expression, Map<String, AttributeValue> values, ReturnValue returnValue) {
        return dynamo.updateItem(b -> b.tableName(table)
                .key(KEY)
                .updateExpression(expression)
                .expressionAttributeValues(values)
                .returnValues(returnValue));
    }

    private void put(Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> item = new HashMap<>(KEY);
        item.putAll(attributes);
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    private static AttributeValue list(AttributeValue... values) {
        return AttributeValue.fromL(List.of(values));
    }

    @Test
    void updateCreatesTheItemWhenAbsent() {
        UpdateItemResponse response = update("SET title = :t", Map.of(":t", s("Vidage")), ReturnValue.ALL_NEW);
        assertThat(response.attributes()).isEqualTo(Map.of("id", s("item-1"), "title", s("Vidage")));
        assertThat(item()).isEqualTo(response.attributes());
    }

    @Test
    void anUpdateThatOnlyRemovesOrDeletesLeavesAMissingItemMissing() {
        UpdateItemResponse removed = update("REMOVE title, tags", null, ReturnValue.ALL_NEW);
        assertThat(removed.hasAttributes()).isFalse();
        UpdateItemResponse deleted =
                update("DELETE tags :t", Map.of(":t", AttributeValue.fromSs(List.of("x"))), ReturnValue.ALL_NEW);
        assertThat(deleted.hasAttributes()).isFalse();
        // The legacy form too: DELETE with and without a value.
        dynamo.updateItem(b -> b.tableName(table)
                .key(KEY)
                .attributeUpdates(Map.of(
                        "title",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate.builder()
                                .action(software.amazon.awssdk.services.dynamodb.model.AttributeAction.DELETE)
                                .build())));
        assertThat(dynamo.getItem(b -> b.tableName(table).key(KEY).consistentRead(true))
                        .hasItem())
                .isFalse();
        assertThat(dynamo.scan(b -> b.tableName(table)).count()).isZero();

        // With a SET or an ADD beside the REMOVE, the item is made.
        UpdateItemResponse made = update("ADD plays :one REMOVE title", Map.of(":one", n("1")), ReturnValue.ALL_NEW);
        assertThat(made.attributes()).isEqualTo(Map.of("id", s("item-1"), "plays", n("1")));
        // And on an item that exists, a REMOVE removes.
        update("REMOVE plays", null, ReturnValue.NONE);
        assertThat(item()).isEqualTo(KEY);
    }

    @Test
    void aRemoveThroughAMissingOrWrongTypedAttributeIsRefusedOnAnItemThatExists() {
        // On no item, DynamoDB removes nothing and says nothing.
        update("REMOVE nothere.b, elsewhere[0]", null, ReturnValue.NONE);
        assertThat(dynamo.getItem(b -> b.tableName(table).key(KEY)).hasItem()).isFalse();

        put(Map.of("title", s("hello"), "doc", AttributeValue.fromM(Map.of("a", s("x"))), "queue", list(s("q"))));
        for (String remove : List.of(
                "REMOVE nothere.b",
                "REMOVE nothere[0]",
                "REMOVE title.b",
                "REMOVE title[0]",
                "REMOVE doc[0]",
                "REMOVE queue.b",
                "REMOVE doc.nothere.c",
                "REMOVE doc.a.c")) {
            assertThatThrownBy(() -> update(remove, null, ReturnValue.NONE))
                    .as(remove)
                    .isInstanceOf(DynamoDbException.class)
                    .hasMessageStartingWith(
                            "The document path provided in the update expression is invalid for update");
        }
        // A missing last element is nothing to remove, and no error.
        update("REMOVE doc.nothere, queue[5]", null, ReturnValue.NONE);
        assertThat(item())
                .containsEntry("doc", AttributeValue.fromM(Map.of("a", s("x"))))
                .containsEntry("queue", list(s("q")))
                .containsEntry("title", s("hello"));
    }

    @Test
    void parenthesizedCountersAndWritesPastTheEndOfAList() {
        put(Map.of("plays", n("10"), "queue", AttributeValue.fromL(java.util.List.of(s("a"), s("b")))));
        // What single-table-design libraries send for a counter.
        dynamo.updateItem(b -> b.tableName(table)
                .key(KEY)
                .updateExpression("SET #p = (if_not_exists(#p, :zero) - :one), queue[84] = :x, queue[17] = :y")
                .expressionAttributeNames(Map.of("#p", "plays"))
                .expressionAttributeValues(Map.of(":one", n("1"), ":zero", n("0"), ":x", s("x"), ":y", s("y"))));
        assertThat(item())
                .containsEntry("plays", n("9"))
                .containsEntry("queue", AttributeValue.fromL(java.util.List.of(s("a"), s("b"), s("y"), s("x"))));
    }

    @Test
    void setArithmeticAndIfNotExists() {
        put(Map.of("plays", n("10")));
        update(
                "SET plays = plays + :one, likes = if_not_exists(likes, :zero) - :one, plays2 = :one - plays",
                Map.of(":one", n("1"), ":zero", n("0")),
                ReturnValue.NONE);
        assertThat(item())
                .containsEntry("plays", n("11"))
                .containsEntry("likes", n("-1"))
                .containsEntry("plays2", n("-9"));
        update("SET likes = if_not_exists(likes, :zero)", Map.of(":zero", n("0")), ReturnValue.NONE);
        assertThat(item()).containsEntry("likes", n("-1"));
    }

    @Test
    void listAppendAndRemoveByIndexShiftsLaterElements() {
        put(Map.of("tags", list(s("a"), s("b"), s("c"), s("d"))));
        update("SET tags = list_append(tags, :more)", Map.of(":more", list(s("e"))), ReturnValue.NONE);
        update("SET tags = list_append(:front, tags)", Map.of(":front", list(s("z"))), ReturnValue.NONE);
        assertThat(item().get("tags")).isEqualTo(list(s("z"), s("a"), s("b"), s("c"), s("d"), s("e")));
        dynamo.updateItem(b -> b.tableName(table).key(KEY).updateExpression("REMOVE tags[1], tags[3]"));
        assertThat(item().get("tags")).isEqualTo(list(s("z"), s("b"), s("d"), s("e")));
    }

    @Test
    void addIncrementsNumbersAndAddsToSets() {
        update(
                "ADD hits :five, colors :rg",
                Map.of(":five", n("5"), ":rg", AttributeValue.fromSs(List.of("red", "green"))),
                ReturnValue.NONE);
        update(
                "ADD hits :minus, colors :b",
                Map.of(":minus", n("-2"), ":b", AttributeValue.fromSs(List.of("blue", "red"))),
                ReturnValue.NONE);
        assertThat(item().get("hits")).isEqualTo(n("3"));
        assertThat(item().get("colors").ss()).containsExactlyInAnyOrder("red", "green", "blue");
    }

    @Test
    void deleteRemovesSetMembersAndTheAttributeWhenEmpty() {
        put(Map.of("colors", AttributeValue.fromSs(List.of("red", "green", "blue"))));
        update("DELETE colors :r", Map.of(":r", AttributeValue.fromSs(List.of("red", "pink"))), ReturnValue.NONE);
        assertThat(item().get("colors").ss()).containsExactlyInAnyOrder("green", "blue");
        update("DELETE colors :gb", Map.of(":gb", AttributeValue.fromSs(List.of("green", "blue"))), ReturnValue.NONE);
        assertThat(item()).doesNotContainKey("colors");
    }

    @Test
    void nestedMapAndListPathsAreUpdatedInPlace() {
        put(Map.of(
                "profile",
                AttributeValue.fromM(Map.of(
                        "address",
                        AttributeValue.fromM(Map.of("city", s("Athens"))),
                        "phones",
                        list(s("1"), s("2"))))));
        dynamo.updateItem(b -> b.tableName(table)
                .key(KEY)
                .updateExpression(
                        "SET profile.address.city = :c, profile.phones[1] = :p, #p.#n = :n REMOVE profile.address.zip")
                .expressionAttributeNames(Map.of("#p", "profile", "#n", "name"))
                .expressionAttributeValues(Map.of(":c", s("Patras"), ":p", s("22"), ":n", s("Kyuss"))));
        AttributeValue profile = item().get("profile");
        assertThat(profile.m().get("address").m().get("city")).isEqualTo(s("Patras"));
        assertThat(profile.m().get("phones")).isEqualTo(list(s("1"), s("22")));
        assertThat(profile.m().get("name")).isEqualTo(s("Kyuss"));
    }

    @Test
    void returnValuesReportOldNewAndUpdatedAttributes() {
        put(Map.of("a", n("1"), "b", s("keep")));
        assertThat(update("SET a = :v", Map.of(":v", n("2")), ReturnValue.UPDATED_OLD)
                        .attributes())
                .isEqualTo(Map.of("a", n("1")));
        assertThat(update("SET a = :v", Map.of(":v", n("3")), ReturnValue.UPDATED_NEW)
                        .attributes())
                .isEqualTo(Map.of("a", n("3")));
        assertThat(update("SET a = :v", Map.of(":v", n("4")), ReturnValue.ALL_OLD)
                        .attributes())
                .isEqualTo(Map.of("id", s("item-1"), "a", n("3"), "b", s("keep")));
        assertThat(update("SET a = :v", Map.of(":v", n("5")), ReturnValue.ALL_NEW)
                        .attributes())
                .isEqualTo(Map.of("id", s("item-1"), "a", n("5"), "b", s("keep")));
        assertThat(update("SET a = :v", Map.of(":v", n("6")), ReturnValue.NONE).hasAttributes())
                .isFalse();
    }

    @Test
    void updatingAKeyAttributeIsRefused() {
        put(Map.of("a", n("1")));
        assertThatThrownBy(() -> update("SET id = :v", Map.of(":v", s("other")), ReturnValue.NONE))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("This attribute is part of the key");
        assertThat(item()).isEqualTo(Map.of("id", s("item-1"), "a", n("1")));
    }

    @Test
    void runtimeUpdateErrorsChangeNothing() {
        put(Map.of("name", s("x"), "colors", AttributeValue.fromSs(List.of("red"))));
        assertThatThrownBy(() -> update("SET #n = #n + :one", Map.of(":one", n("1")), ReturnValue.NONE))
                .isInstanceOf(DynamoDbException.class);
        assertThatThrownBy(() -> dynamo.updateItem(b -> b.tableName(table)
                        .key(KEY)
                        .updateExpression("SET #n = #n + :one")
                        .expressionAttributeNames(Map.of("#n", "name"))
                        .expressionAttributeValues(Map.of(":one", n("1")))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("incorrect data type");
        assertThatThrownBy(() ->
                        update("ADD colors :n", Map.of(":n", AttributeValue.fromNs(List.of("1"))), ReturnValue.NONE))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("incorrect data type");
        assertThatThrownBy(() -> update("SET a = absent + :one", Map.of(":one", n("1")), ReturnValue.NONE))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("does not exist in the item");
        assertThat(item())
                .isEqualTo(Map.of("id", s("item-1"), "name", s("x"), "colors", AttributeValue.fromSs(List.of("red"))));
    }
}
