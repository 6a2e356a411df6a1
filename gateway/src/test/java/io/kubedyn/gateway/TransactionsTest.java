package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.ItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ParameterizedStatement;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * TransactWriteItems and TransactGetItems as an application moving money between accounts
 * uses them: all or nothing, every condition checked, DynamoDB's cancellation reasons, limits
 * and idempotency. On the cluster backend the accounts lie on all three shards, so most of
 * these transactions commit in two phases.
 */
@QuarkusTest
class TransactionsTest extends EmbeddedServerTest {

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("id", AttributeValue.fromS(id));
    }

    private void account(String id, int balance) {
        dynamo.putItem(b -> b.tableName(table)
                .item(Map.of(
                        "id", AttributeValue.fromS(id), "balance", AttributeValue.fromN(Integer.toString(balance)))));
    }

    private int balance(String id) {
        return Integer.parseInt(
                dynamo.getItem(b -> b.tableName(table).key(key(id)).consistentRead(true))
                        .item()
                        .get("balance")
                        .n());
    }

    /** Moves {@code amount} from one account to another, if the first has that much. */
    private static List<TransactWriteItem> transfer(String table, String from, String to, int amount) {
        return List.of(
                TransactWriteItem.builder()
                        .update(u -> u.tableName(table)
                                .key(key(from))
                                .updateExpression("SET balance = balance - :a")
                                .conditionExpression("balance >= :a")
                                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                                .expressionAttributeValues(
                                        Map.of(":a", AttributeValue.fromN(Integer.toString(amount)))))
                        .build(),
                TransactWriteItem.builder()
                        .update(u -> u.tableName(table)
                                .key(key(to))
                                .updateExpression("SET balance = balance + :a")
                                .expressionAttributeValues(
                                        Map.of(":a", AttributeValue.fromN(Integer.toString(amount)))))
                        .build());
    }

    @Test
    void aTransferMovesTheAmountOrNothingWithTheFailedConditionsItemAsReason() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        account("alice", 100);
        account("bob", 10);

        List<ConsumedCapacity> consumed = dynamo.transactWriteItems(
                        b -> b.transactItems(transfer(table, "alice", "bob", 30))
                                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL))
                .consumedCapacity();
        assertThat(balance("alice")).isEqualTo(70);
        assertThat(balance("bob")).isEqualTo(40);
        assertThat(consumed).hasSize(1);
        assertThat(consumed.get(0).tableName()).isEqualTo(table);
        assertThat(consumed.get(0).capacityUnits())
                .as("two items, twice a write each")
                .isEqualTo(4.0);

        assertThatThrownBy(() -> dynamo.transactWriteItems(b -> b.transactItems(transfer(table, "bob", "alice", 50))))
                .isInstanceOfSatisfying(TransactionCanceledException.class, e -> {
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Transaction cancelled, please refer "
                                    + "cancellation reasons for specific reasons [ConditionalCheckFailed, None]");
                    List<CancellationReason> reasons = e.cancellationReasons();
                    assertThat(reasons)
                            .extracting(CancellationReason::code)
                            .containsExactly("ConditionalCheckFailed", "None");
                    assertThat(reasons.get(0).message()).isEqualTo("The conditional request failed");
                    assertThat(reasons.get(0).item()).containsEntry("balance", AttributeValue.fromN("40"));
                    assertThat(reasons.get(1).hasItem()).isFalse();
                });
        assertThat(balance("alice")).as("neither side written").isEqualTo(70);
        assertThat(balance("bob")).isEqualTo(40);
    }

    @Test
    void putDeleteAndConditionCheckAcrossTwoTablesAreAllOrNothing() {
        String other = table + "-other";
        createTable(table, "id", ScalarAttributeType.S, null, null);
        createTable(other, "pk", ScalarAttributeType.S, "sk", ScalarAttributeType.N);
        account("gone", 1);
        dynamo.putItem(b -> b.tableName(other)
                .item(Map.of(
                        "pk",
                        AttributeValue.fromS("lock"),
                        "sk",
                        AttributeValue.fromN("1"),
                        "open",
                        AttributeValue.fromBool(true))));
        Map<String, AttributeValue> lock = Map.of("pk", AttributeValue.fromS("lock"), "sk", AttributeValue.fromN("1"));

        List<TransactWriteItem> closed = List.of(
                TransactWriteItem.builder()
                        .conditionCheck(c -> c.tableName(other)
                                .key(lock)
                                .conditionExpression("#o = :f")
                                .expressionAttributeNames(Map.of("#o", "open"))
                                .expressionAttributeValues(Map.of(":f", AttributeValue.fromBool(false))))
                        .build(),
                TransactWriteItem.builder()
                        .put(p -> p.tableName(table).item(Map.of("id", AttributeValue.fromS("new"))))
                        .build(),
                TransactWriteItem.builder()
                        .delete(d -> d.tableName(table).key(key("gone")))
                        .build());
        assertThatThrownBy(() -> dynamo.transactWriteItems(b -> b.transactItems(closed)))
                .isInstanceOfSatisfying(TransactionCanceledException.class, e -> {
                    assertThat(e.cancellationReasons())
                            .extracting(CancellationReason::code)
                            .containsExactly("ConditionalCheckFailed", "None", "None");
                    assertThat(e.cancellationReasons().get(0).hasItem())
                            .as("not asked for")
                            .isFalse();
                });
        assertThat(dynamo.getItem(b -> b.tableName(table).key(key("new"))).hasItem())
                .isFalse();
        assertThat(dynamo.getItem(b -> b.tableName(table).key(key("gone"))).hasItem())
                .isTrue();

        List<TransactWriteItem> open = new ArrayList<>(closed);
        open.set(
                0,
                TransactWriteItem.builder()
                        .conditionCheck(c -> c.tableName(other)
                                .key(lock)
                                .conditionExpression("#o = :t")
                                .expressionAttributeNames(Map.of("#o", "open"))
                                .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))))
                        .build());
        dynamo.transactWriteItems(b -> b.transactItems(open));
        assertThat(dynamo.getItem(b -> b.tableName(table).key(key("new"))).hasItem())
                .isTrue();
        assertThat(dynamo.getItem(b -> b.tableName(table).key(key("gone"))).hasItem())
                .isFalse();
        assertThat(dynamo.getItem(b -> b.tableName(other).key(lock)).item())
                .as("a condition check writes nothing")
                .containsEntry("open", AttributeValue.fromBool(true));
    }

    @Test
    void oneFailedConditionAmongFiftyItemsOnEveryShardWritesNoneOfThem() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        List<TransactWriteItem> puts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String id = "item-" + i;
            puts.add(TransactWriteItem.builder()
                    .put(p -> p.tableName(table)
                            .item(Map.of("id", AttributeValue.fromS(id), "v", AttributeValue.fromN("1")))
                            .conditionExpression("attribute_not_exists(id)"))
                    .build());
        }
        account("item-37", 5);
        assertThatThrownBy(() -> dynamo.transactWriteItems(b -> b.transactItems(puts)))
                .isInstanceOfSatisfying(TransactionCanceledException.class, e -> {
                    assertThat(e.cancellationReasons()).hasSize(50);
                    assertThat(e.cancellationReasons().get(37).code()).isEqualTo("ConditionalCheckFailed");
                    assertThat(e.cancellationReasons().stream()
                                    .filter(r -> r.code().equals("None"))
                                    .count())
                            .isEqualTo(49);
                });
        assertThat(dynamo.scan(b -> b.tableName(table).consistentRead(true)).count())
                .isEqualTo(1);

        dynamo.deleteItem(b -> b.tableName(table).key(key("item-37")));
        dynamo.transactWriteItems(b -> b.transactItems(puts));
        assertThat(dynamo.scan(b -> b.tableName(table).consistentRead(true)).count())
                .isEqualTo(50);
    }

    @Test
    void aClientRequestTokenAppliesItsRequestOnceAndRefusesAnotherRequest() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        account("alice", 100);
        account("bob", 0);
        String token = "token-" + table.substring(2, 20);
        dynamo.transactWriteItems(
                b -> b.transactItems(transfer(table, "alice", "bob", 10)).clientRequestToken(token));
        dynamo.transactWriteItems(
                b -> b.transactItems(transfer(table, "alice", "bob", 10)).clientRequestToken(token));
        assertThat(balance("alice")).as("the repeat wrote nothing").isEqualTo(90);
        assertThat(balance("bob")).isEqualTo(10);

        assertThatThrownBy(() -> dynamo.transactWriteItems(b ->
                        b.transactItems(transfer(table, "alice", "bob", 20)).clientRequestToken(token)))
                .isInstanceOf(IdempotentParameterMismatchException.class);
        assertThat(balance("alice")).isEqualTo(90);

        dynamo.transactWriteItems(
                b -> b.transactItems(transfer(table, "alice", "bob", 20)).clientRequestToken(token + "-2"));
        assertThat(balance("alice")).isEqualTo(70);
    }

    @Test
    void requestsDynamoDbRefusesAreRefusedInItsWords() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        account("a", 1);
        TransactWriteItem put = TransactWriteItem.builder()
                .put(p -> p.tableName(table).item(Map.of("id", AttributeValue.fromS("a"))))
                .build();
        TransactWriteItem check = TransactWriteItem.builder()
                .conditionCheck(c -> c.tableName(table).key(key("a")).conditionExpression("attribute_exists(id)"))
                .build();
        assertValidation(List.of(put, check), "Transaction request cannot include multiple operations on one item");
        assertValidation(
                List.of(TransactWriteItem.builder().build()),
                "TransactItems can only contain one of Check, Put, Update or Delete");
        assertValidation(
                List.of(TransactWriteItem.builder()
                        .put(put.put())
                        .delete(d -> d.tableName(table).key(key("b")))
                        .build()),
                "TransactItems can only contain one of Check, Put, Update or Delete");
        assertValidation(List.of(), "Member must have length greater than or equal to 1");
        List<TransactWriteItem> tooMany = IntStream.range(0, 101)
                .mapToObj(i -> TransactWriteItem.builder()
                        .put(p -> p.tableName(table).item(Map.of("id", AttributeValue.fromS("k" + i))))
                        .build())
                .toList();
        assertValidation(tooMany, "Member must have length less than or equal to 100");
        assertValidation(
                List.of(TransactWriteItem.builder()
                        .update(u -> u.tableName(table)
                                .key(key("a"))
                                .updateExpression("SET id = :v")
                                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("x"))))
                        .build()),
                "Cannot update attribute id. This attribute is part of the key");
        assertValidation(
                List.of(TransactWriteItem.builder()
                        .conditionCheck(c -> c.tableName(table)
                                .key(key("a"))
                                .conditionExpression("attribute_exists(id)")
                                .expressionAttributeValues(Map.of(":unused", AttributeValue.fromS("x"))))
                        .build()),
                "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}");
        assertValidation(
                List.of(TransactWriteItem.builder()
                        .delete(d -> d.tableName(table).key(Map.of("id", AttributeValue.fromN("1"))))
                        .build()),
                "The provided key element does not match the schema");
        String large = "x".repeat(390_000);
        assertValidation(
                IntStream.range(0, 11)
                        .mapToObj(i -> TransactWriteItem.builder()
                                .put(p -> p.tableName(table)
                                        .item(Map.of(
                                                "id",
                                                AttributeValue.fromS("big" + i),
                                                "a",
                                                AttributeValue.fromS(large))))
                                .build())
                        .toList(),
                "Transaction request size has exceeded the maximum allowed size");
        assertThatThrownBy(() -> dynamo.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder()
                        .put(p -> p.tableName(table + "-missing").item(key("a")))
                        .build())))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(dynamo.getItem(b -> b.tableName(table).key(key("a"))).item())
                .as("nothing refused wrote anything")
                .containsEntry("balance", AttributeValue.fromN("1"));
    }

    @Test
    void anUpdateGrowingAnItemTooLargeIsAValidationErrorReason() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        String big = "x".repeat(300_000);
        dynamo.putItem(b ->
                b.tableName(table).item(Map.of("id", AttributeValue.fromS("big"), "a", AttributeValue.fromS(big))));
        assertThatThrownBy(() -> dynamo.transactWriteItems(b -> b.transactItems(
                        TransactWriteItem.builder()
                                .put(p -> p.tableName(table).item(Map.of("id", AttributeValue.fromS("other"))))
                                .build(),
                        TransactWriteItem.builder()
                                .update(u -> u.tableName(table)
                                        .key(key("big"))
                                        .updateExpression("SET b = :b")
                                        .expressionAttributeValues(Map.of(":b", AttributeValue.fromS(big))))
                                .build())))
                .isInstanceOfSatisfying(TransactionCanceledException.class, e -> {
                    assertThat(e.cancellationReasons())
                            .extracting(CancellationReason::code)
                            .containsExactly("None", "ValidationError");
                    assertThat(e.cancellationReasons().get(1).message())
                            .isEqualTo("Item size to update has exceeded the maximum allowed size");
                });
        assertThat(dynamo.getItem(b -> b.tableName(table).key(key("other"))).hasItem())
                .isFalse();
    }

    @Test
    void transactGetItemsReadsItemsInOrderWithProjectionsAndMissingItemsEmpty() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        for (int i = 0; i < 10; i++) {
            int n = i;
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            "id",
                            AttributeValue.fromS("k" + n),
                            "n",
                            AttributeValue.fromN(Integer.toString(n)),
                            "extra",
                            AttributeValue.fromS("e"))));
        }
        List<TransactGetItem> gets = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            int n = i;
            gets.add(TransactGetItem.builder()
                    .get(g -> g.tableName(table)
                            .key(key("k" + n))
                            .projectionExpression("#n")
                            .expressionAttributeNames(Map.of("#n", "n")))
                    .build());
        }
        gets.add(TransactGetItem.builder()
                .get(g -> g.tableName(table).key(key("missing")))
                .build());
        var answer = dynamo.transactGetItems(
                b -> b.transactItems(gets).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        List<ItemResponse> responses = answer.responses();
        assertThat(responses).hasSize(11);
        for (int i = 0; i < 10; i++) {
            assertThat(responses.get(i).item()).isEqualTo(Map.of("n", AttributeValue.fromN(Integer.toString(9 - i))));
        }
        assertThat(responses.get(10).hasItem()).isFalse();
        assertThat(answer.consumedCapacity().get(0).capacityUnits())
                .as("twice a consistent read each")
                .isEqualTo(22.0);

        assertThatThrownBy(() -> dynamo.transactGetItems(b -> b.transactItems(gets.get(0), gets.get(0))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("Transaction request cannot include multiple operations on one item");
    }

    @Test
    void aTransactionLeavesNoItemHeldSoSingleItemWritesGoOn() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            account("acct-" + i, 100);
            expected.put("acct-" + i, 100);
        }
        for (int round = 0; round < 10; round++) {
            String from = "acct-" + (round % 6);
            String to = "acct-" + ((round + 1) % 6);
            dynamo.transactWriteItems(b -> b.transactItems(transfer(table, from, to, 7)));
            expected.merge(from, -7, Integer::sum);
            expected.merge(to, 7, Integer::sum);
            dynamo.updateItem(b -> b.tableName(table)
                    .key(key(to))
                    .updateExpression("SET balance = balance + :one")
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
            expected.merge(to, 1, Integer::sum);
        }
        expected.forEach((id, balance) -> assertThat(balance(id)).as(id).isEqualTo(balance));
    }

    @Test
    void executeTransactionRunsPartiQlWritesAllOrNothingWithExistsAsAConditionCheck() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        account("alice", 100);
        account("bob", 0);
        account("bank", 1);
        String t = "\"" + table + "\"";
        List<ParameterizedStatement> transfer = List.of(
                ParameterizedStatement.builder()
                        .statement(
                                "UPDATE " + t + " SET balance = balance - 30 WHERE id = 'alice' " + "AND balance >= 30")
                        .build(),
                ParameterizedStatement.builder()
                        .statement("UPDATE " + t + " SET balance = balance + 30 WHERE id = ?")
                        .parameters(AttributeValue.fromS("bob"))
                        .build(),
                ParameterizedStatement.builder()
                        .statement("INSERT INTO " + t + " VALUE {'id': 'log-1', 'amount': 30}")
                        .build(),
                ParameterizedStatement.builder()
                        .statement("EXISTS(SELECT * FROM " + t + " WHERE id = 'bank' AND " + "balance > 0)")
                        .build());
        dynamo.executeTransaction(b -> b.transactStatements(transfer));
        assertThat(balance("alice")).isEqualTo(70);
        assertThat(balance("bob")).isEqualTo(30);

        assertThatThrownBy(() -> dynamo.executeTransaction(b -> b.transactStatements(transfer)))
                .as("the log entry is there: its INSERT is a DuplicateItem and nothing else is done")
                .isInstanceOfSatisfying(
                        TransactionCanceledException.class,
                        e -> assertThat(e.cancellationReasons())
                                .extracting(CancellationReason::code)
                                .containsExactly("None", "None", "DuplicateItem", "None"));
        assertThat(balance("alice")).isEqualTo(70);

        List<ParameterizedStatement> missing = List.of(
                ParameterizedStatement.builder()
                        .statement("DELETE FROM " + t + " WHERE id = 'log-1'")
                        .build(),
                ParameterizedStatement.builder()
                        .statement("EXISTS(SELECT * FROM " + t + " WHERE id = 'carol')")
                        .build());
        assertThatThrownBy(() -> dynamo.executeTransaction(b -> b.transactStatements(missing)))
                .isInstanceOfSatisfying(
                        TransactionCanceledException.class,
                        e -> assertThat(e.cancellationReasons())
                                .extracting(CancellationReason::code)
                                .containsExactly("None", "ConditionalCheckFailed"));
        assertThat(dynamo.getItem(b -> b.tableName(table).key(key("log-1"))).hasItem())
                .isTrue();

        var read = dynamo.executeTransaction(b -> b.transactStatements(
                ParameterizedStatement.builder()
                        .statement("SELECT balance FROM " + t + " WHERE id = 'bob'")
                        .build(),
                ParameterizedStatement.builder()
                        .statement("SELECT * FROM " + t + " WHERE id = 'carol'")
                        .build()));
        assertThat(read.responses()).hasSize(2);
        assertThat(read.responses().get(0).item()).isEqualTo(Map.of("balance", AttributeValue.fromN("30")));
        assertThat(read.responses().get(1).hasItem()).isFalse();

        assertThatThrownBy(() -> dynamo.executeTransaction(b -> b.transactStatements(
                        transfer.get(0),
                        ParameterizedStatement.builder()
                                .statement("SELECT * FROM " + t + " WHERE id = 'bob'")
                                .build())))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining(
                        "ExecuteTransaction API does not support both read and write operations in the same request.");
        assertThatThrownBy(() ->
                        dynamo.executeStatement(b -> b.statement(transfer.get(3).statement())))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("EXISTS can only be used in ExecuteTransaction write requests.");
    }

    private void assertValidation(List<TransactWriteItem> items, String message) {
        assertThatThrownBy(() -> dynamo.transactWriteItems(b -> b.transactItems(items)))
                .isInstanceOf(DynamoDbException.class)
                .satisfies(e -> assertThat(
                                ((DynamoDbException) e).awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"))
                .hasMessageContaining(message);
    }
}
