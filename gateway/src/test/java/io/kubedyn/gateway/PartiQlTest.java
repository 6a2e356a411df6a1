package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementErrorCodeEnum;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DuplicateItemException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ExecuteStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** ExecuteStatement and BatchExecuteStatement (PartiQL), through the AWS SDK on both backends. */
@QuarkusTest
class PartiQlTest extends EmbeddedServerTest {

    @BeforeEach
    void music() {
        createMusicTable();
        song("Acme Band", "Anthem", 1999);
        song("Acme Band", "Bop", 2004);
        song("Acme Band", "Chorus", 2011);
        song("Zed", "Anthem", 2004);
        song("Zed", "Dirge", 1987);
    }

    private void song(String artist, String title, int year) {
        dynamo.putItem(b -> b.tableName(table)
                .item(Map.of(
                        "Artist",
                        s(artist),
                        "SongTitle",
                        s(title),
                        "Year",
                        n(year),
                        "Info",
                        AttributeValue.fromM(Map.of("Label", s("Label " + year), "Rating", n(5))))));
    }

    private ExecuteStatementResponse execute(String statement, AttributeValue... parameters) {
        return dynamo.executeStatement(b -> {
            b.statement(statement.replace("$T", '"' + table + '"'));
            if (parameters.length > 0) {
                b.parameters(parameters);
            }
        });
    }

    private Map<String, AttributeValue> item(String artist, String title) {
        return dynamo.getItem(b ->
                        b.tableName(table).consistentRead(true).key(Map.of("Artist", s(artist), "SongTitle", s(title))))
                .item();
    }

    private static List<String> titles(List<Map<String, AttributeValue>> items) {
        return items.stream().map(item -> item.get("SongTitle").s()).toList();
    }

    private static AttributeValue n(int value) {
        return AttributeValue.fromN(Integer.toString(value));
    }

    @Test
    void selectWithAPartitionKeyEqualityReadsThatPartitionInSortKeyOrder() {
        assertThat(titles(execute("SELECT * FROM $T WHERE Artist = 'Acme Band'").items()))
                .containsExactly("Anthem", "Bop", "Chorus");
        assertThat(titles(execute("SELECT * FROM $T WHERE Artist = 'Acme Band' AND SongTitle >= 'B' "
                                + "ORDER BY SongTitle DESC")
                        .items()))
                .containsExactly("Chorus", "Bop");
        assertThat(titles(execute("select * from $T where \"Artist\" = 'Acme Band' and Year > 2000 "
                                + "and begins_with(SongTitle, 'C')")
                        .items()))
                .containsExactly("Chorus");
        // Read as a Query: a Limit counts items of that partition only.
        assertThat(dynamo.executeStatement(b -> b.statement("SELECT * FROM \"" + table + "\" WHERE Artist = 'Zed'")
                                .limit(2))
                        .items())
                .hasSize(2);
    }

    @Test
    void selectWithAnInOnThePartitionKeyReadsEachPartitionInTurnAcrossPages() {
        assertThat(execute("SELECT * FROM $T WHERE Artist IN ['Zed', 'Nobody', 'Acme Band'] AND SongTitle > 'B'")
                        .items())
                .extracting(item ->
                        item.get("Artist").s() + "/" + item.get("SongTitle").s())
                .containsExactly("Zed/Dirge", "Acme Band/Bop", "Acme Band/Chorus");
        assertThat(titles(execute("SELECT * FROM $T WHERE Artist IN ['Zed', 'Acme Band'] "
                                + "ORDER BY Artist, SongTitle DESC")
                        .items()))
                .containsExactly("Chorus", "Bop", "Anthem", "Dirge", "Anthem");
        assertThat(titles(execute("SELECT * FROM $T WHERE Artist = 'Zed' OR Artist = 'Acme Band'")
                        .items()))
                .as("equalities joined by OR read the same partitions")
                .containsExactly("Anthem", "Dirge", "Anthem", "Bop", "Chorus");
        String statement = "SELECT * FROM \"" + table + "\" WHERE Artist IN ['Zed', 'Acme Band']";
        List<String> read = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String next = token;
            ExecuteStatementResponse page =
                    dynamo.executeStatement(b -> b.statement(statement).limit(2).nextToken(next));
            assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
            read.addAll(titles(page.items()));
            token = page.nextToken();
            pages++;
        } while (token != null && pages < 10);
        assertThat(read).containsExactly("Anthem", "Dirge", "Anthem", "Bop", "Chorus");
    }

    @Test
    void aPageOfSeveralPartitionsEndsOnceItsItemsReachOneMegabyte() {
        String large = "x".repeat(300 * 1024);
        for (String artist : List.of("A", "B")) {
            for (String title : List.of("1", "2")) {
                dynamo.putItem(b -> b.tableName(table)
                        .item(Map.of("Artist", s(artist), "SongTitle", s(title), "Lyrics", s(large))));
            }
        }
        String statement = "SELECT * FROM \"" + table + "\" WHERE Artist IN ['A', 'B', 'Zed']";
        ExecuteStatementResponse first = dynamo.executeStatement(b -> b.statement(statement));
        assertThat(first.items()).hasSize(4);
        assertThat(first.nextToken()).isNotNull();
        ExecuteStatementResponse second =
                dynamo.executeStatement(b -> b.statement(statement).nextToken(first.nextToken()));
        assertThat(titles(second.items())).containsExactly("Anthem", "Dirge");
        assertThat(second.nextToken()).isNull();
    }

    @Test
    void selectWithoutAPartitionKeyEqualityScansTheTableWithTheWhereAsFilter() {
        List<Map<String, AttributeValue>> items =
                execute("SELECT * FROM $T WHERE Year = 2004 OR Year < 1990").items();
        assertThat(items)
                .extracting(item ->
                        item.get("Artist").s() + "/" + item.get("SongTitle").s())
                .containsExactlyInAnyOrder("Acme Band/Bop", "Zed/Anthem", "Zed/Dirge");
        assertThat(execute("SELECT * FROM $T").items()).hasSize(5);
        assertThat(titles(execute("SELECT * FROM $T WHERE SongTitle IN ['Dirge', 'Bop'] AND Year BETWEEN 1980 AND 2000")
                        .items()))
                .containsExactly("Dirge");
        assertThat(titles(execute("SELECT * FROM $T WHERE Extra IS MISSING AND NOT contains(SongTitle, 'h')")
                        .items()))
                .containsExactlyInAnyOrder("Bop", "Dirge");
        assertThatThrownBy(() -> execute("SELECT * FROM $T WHERE Year > 2000 ORDER BY SongTitle"))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Must have at least one non-optional "
                        + "hash key condition in WHERE clause when using ORDER BY clause.");
    }

    @Test
    void selectFromAnIndexReadsItInTheIndexKeyOrder() {
        String indexed = table + "-indexed";
        dynamo.createTable(b -> b.tableName(indexed)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        a -> a.attributeName("Artist").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("SongTitle").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("Year").attributeType(ScalarAttributeType.N))
                .keySchema(
                        k -> k.attributeName("Artist").keyType(KeyType.HASH),
                        k -> k.attributeName("SongTitle").keyType(KeyType.RANGE))
                .localSecondaryIndexes(i -> i.indexName("ByYear")
                        .projection(p -> p.projectionType(ProjectionType.ALL))
                        .keySchema(
                                k -> k.attributeName("Artist").keyType(KeyType.HASH),
                                k -> k.attributeName("Year").keyType(KeyType.RANGE))));
        for (Map<String, AttributeValue> song :
                dynamo.scan(b -> b.tableName(table)).items()) {
            dynamo.putItem(b -> b.tableName(indexed).item(song));
        }
        assertThat(titles(dynamo.executeStatement(b -> b.statement("SELECT * FROM \"" + indexed + "\".\"ByYear\" "
                                + "WHERE Artist = 'Acme Band' AND Year >= 2000 ORDER BY Year DESC"))
                        .items()))
                .containsExactly("Chorus", "Bop");
        assertThatThrownBy(() -> dynamo.executeStatement(
                        b -> b.statement("SELECT * FROM \"" + indexed + "\".\"NoSuchIndex\" WHERE Artist = 'Zed'")))
                .isInstanceOf(DynamoDbException.class);
    }

    @Test
    void selectProjectsTheListedPathsOnly() {
        List<Map<String, AttributeValue>> items = execute(
                        "SELECT SongTitle, Info.Label FROM $T WHERE Artist = 'Zed' AND SongTitle = 'Dirge'")
                .items();
        assertThat(items)
                .containsExactly(Map.of(
                        "SongTitle", s("Dirge"), "Info", AttributeValue.fromM(Map.of("Label", s("Label 1987")))));
        assertThatThrownBy(() -> execute("SELECT *, Year FROM $T"))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Other attributes should not be present in the projection when '*' is used.");
    }

    @Test
    void parametersAreBoundToQuestionMarksInOrderAndTheirCountMustMatch() {
        assertThat(titles(execute("SELECT * FROM $T WHERE Artist = ? AND Year >= ?", s("Acme Band"), n(2004))
                        .items()))
                .containsExactly("Bop", "Chorus");
        assertThat(titles(execute("SELECT * FROM $T WHERE SongTitle = '?' AND Artist = ?", s("Zed"))
                        .items()))
                .as("a ? inside a string is text")
                .isEmpty();
        assertThatThrownBy(() -> execute("SELECT * FROM $T WHERE Artist = ? AND Year = ?", s("Zed")))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Number of parameters in request and statement don't match.");
        assertThatThrownBy(() -> execute("SELECT * FROM $T WHERE Artist = ?", s("Zed"), n(1)))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Number of parameters in request and statement don't match.");
    }

    @Test
    void limitPagesTheResultAndNextTokenContinuesIt() {
        String statement = "SELECT * FROM \"" + table + "\" WHERE Artist = 'Acme Band'";
        List<String> read = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String next = token;
            ExecuteStatementResponse page =
                    dynamo.executeStatement(b -> b.statement(statement).limit(2).nextToken(next));
            read.addAll(titles(page.items()));
            token = page.nextToken();
            if (token != null) {
                assertThat(page.lastEvaluatedKey()).containsKeys("Artist", "SongTitle");
            }
            pages++;
        } while (token != null && pages < 10);
        assertThat(read).containsExactly("Anthem", "Bop", "Chorus");
        assertThat(pages).isBetween(2, 3);

        String first =
                dynamo.executeStatement(b -> b.statement(statement).limit(1)).nextToken();
        assertThatThrownBy(() -> dynamo.executeStatement(
                        b -> b.statement("SELECT * FROM \"" + table + "\"").nextToken(first)))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("NextToken does not match request");
        assertThatThrownBy(() ->
                        dynamo.executeStatement(b -> b.statement(statement).nextToken("not-a-token")))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Invalid NextToken");
        // A token edited to point before the first read is refused, not a server error.
        String decoded =
                new String(java.util.Base64.getUrlDecoder().decode(first), java.nio.charset.StandardCharsets.UTF_8);
        String forged = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(decoded.replaceFirst("\"read\":\\d+", "\"read\":-1")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(forged).isNotEqualTo(first);
        assertThatThrownBy(() ->
                        dynamo.executeStatement(b -> b.statement(statement).nextToken(forged)))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Invalid NextToken");
    }

    @Test
    void insertAddsAnItemAndRefusesAKeyThatExists() {
        ExecuteStatementResponse inserted = execute("INSERT INTO $T VALUE {'Artist': 'New', 'SongTitle': 'One', "
                + "'Year': 2020, 'Tags': <<'a', 'b'>>, 'Credits': ['x', 1], 'Live': true, 'Note': null}");
        assertThat(inserted.items()).isEmpty();
        assertThat(item("New", "One"))
                .isEqualTo(Map.of(
                        "Artist",
                        s("New"),
                        "SongTitle",
                        s("One"),
                        "Year",
                        n(2020),
                        "Tags",
                        AttributeValue.fromSs(List.of("a", "b")),
                        "Credits",
                        AttributeValue.fromL(List.of(s("x"), n(1))),
                        "Live",
                        AttributeValue.fromBool(true),
                        "Note",
                        AttributeValue.fromNul(true)));
        assertThatThrownBy(() -> execute("INSERT INTO $T VALUE {'Artist': 'Zed', 'SongTitle': 'Dirge'}"))
                .isInstanceOf(DuplicateItemException.class)
                .hasMessageStartingWith("Duplicate primary key exists in table");
        assertThat(item("Zed", "Dirge")).containsKey("Year");
        assertThatThrownBy(() -> execute("INSERT INTO $T VALUE {'Artist': 'Zed'}"))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Key attribute should be present in the item: Key SongTitle");
        assertThatThrownBy(() -> execute("INSERT INTO $T VALUE {'Artist': 'Zed', 'SongTitle': 1}"))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith(
                        "Key attribute's data type should match its data type in table's schema: " + "Key SongTitle");
    }

    @Test
    void updateAppendsToListsAndDeletesFromSets() {
        execute("INSERT INTO $T VALUE {'Artist': 'New', 'SongTitle': 'One', 'Plays': [1], 'Tags': <<'a', 'b'>>}");
        ExecuteStatementResponse updated = execute("UPDATE $T SET Plays = list_append(Plays, [2, 3]) "
                + "SET Tags = set_delete(Tags, <<'a'>>) WHERE Artist = 'New' AND SongTitle = 'One' "
                + "RETURNING MODIFIED NEW *");
        assertThat(updated.items())
                .containsExactly(Map.of(
                        "Plays",
                        AttributeValue.fromL(List.of(n(1), n(2), n(3))),
                        "Tags",
                        AttributeValue.fromSs(List.of("b"))));
    }

    @Test
    void updateWritesTheNewValuesAndReturnsThem() {
        ExecuteStatementResponse updated = execute(
                "UPDATE $T SET Year = Year + ? SET Tags = set_add(Tags, <<'new'>>) "
                        + "REMOVE Info WHERE Artist = 'Zed' AND SongTitle = ? RETURNING ALL NEW *",
                n(10),
                s("Dirge"));
        Map<String, AttributeValue> expected = Map.of(
                "Artist",
                s("Zed"),
                "SongTitle",
                s("Dirge"),
                "Year",
                n(1997),
                "Tags",
                AttributeValue.fromSs(List.of("new")));
        assertThat(updated.items()).containsExactly(expected);
        assertThat(item("Zed", "Dirge")).isEqualTo(expected);
        ExecuteStatementResponse modifiedOld = execute("UPDATE $T SET Year = 2000 WHERE Artist = 'Zed' "
                + "AND SongTitle = 'Dirge' AND Year = 1997 RETURNING MODIFIED OLD *");
        assertThat(modifiedOld.items()).containsExactly(Map.of("Year", n(1997)));
        assertThat(execute("UPDATE $T SET Year = 2001 WHERE Artist = 'Zed' AND SongTitle = 'Dirge'")
                        .items())
                .isEmpty();
        assertThat(item("Zed", "Dirge").get("Year")).isEqualTo(n(2001));
    }

    @Test
    void updateOfAMissingItemOrAFalseConditionFailsAndAnIncompleteKeyIsRefused() {
        assertThatThrownBy(() -> execute("UPDATE $T SET Year = 1 WHERE Artist = 'Nobody' AND SongTitle = 'None'"))
                .isInstanceOf(ConditionalCheckFailedException.class);
        assertThat(item("Nobody", "None")).isEmpty();
        assertThatThrownBy(() -> execute(
                        "UPDATE $T SET Year = 1 WHERE Artist = 'Zed' AND SongTitle = 'Dirge' " + "AND Year = 1900"))
                .isInstanceOf(ConditionalCheckFailedException.class);
        assertThat(item("Zed", "Dirge").get("Year")).isEqualTo(n(1987));
        assertThatThrownBy(() -> dynamo.executeStatement(b -> b.statement("UPDATE \"" + table + "\" SET Year = 1 "
                                + "WHERE Artist = 'Zed' AND SongTitle = 'Dirge' AND Year = 1900")
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)))
                .isInstanceOfSatisfying(
                        ConditionalCheckFailedException.class,
                        e -> assertThat(e.item().get("Year")).isEqualTo(n(1987)));
        assertThatThrownBy(() -> execute("UPDATE $T SET Year = 1 WHERE Artist = 'Zed'"))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Where clause does not contain a mandatory equality on all key attributes");
    }

    @Test
    void deleteRemovesTheItemTheWhereKeysAndAMissingItemIsNoError() {
        ExecuteStatementResponse deleted =
                execute("DELETE FROM $T WHERE Artist = 'Zed' AND SongTitle = 'Dirge' " + "RETURNING ALL OLD *");
        assertThat(deleted.items())
                .singleElement()
                .satisfies(old -> assertThat(old.get("Year")).isEqualTo(n(1987)));
        assertThat(item("Zed", "Dirge")).isEmpty();
        assertThat(execute("DELETE FROM $T WHERE Artist = 'Zed' AND SongTitle = 'Dirge' AND Year = 1")
                        .items())
                .as("an item that is not there is deleted without a check")
                .isEmpty();
        assertThatThrownBy(() -> execute("DELETE FROM $T WHERE Artist = 'Zed' AND SongTitle = 'Anthem' AND Year = 1"))
                .isInstanceOf(ConditionalCheckFailedException.class);
        assertThat(item("Zed", "Anthem")).isNotEmpty();
        assertThatThrownBy(() -> execute(
                        "DELETE FROM $T WHERE Artist = 'Zed' AND SongTitle = 'Anthem' " + "RETURNING ALL NEW *"))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Invalid returning clause: RETURNING ALL NEW *. "
                        + "Only RETURNING ALL OLD * is allowed in DELETE statements.");
    }

    @Test
    void consumedCapacityIsThatOfTheEquivalentRequest() {
        ExecuteStatementResponse read =
                dynamo.executeStatement(b -> b.statement("SELECT * FROM \"" + table + "\" WHERE Artist = 'Zed'")
                        .consistentRead(true)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(read.consumedCapacity().tableName()).isEqualTo(table);
        assertThat(read.consumedCapacity().capacityUnits()).isEqualTo(1.0);
        ExecuteStatementResponse twoPartitions = dynamo.executeStatement(
                b -> b.statement("SELECT * FROM \"" + table + "\" WHERE Artist IN ['Zed', 'Acme Band']")
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(twoPartitions.consumedCapacity().capacityUnits())
                .as("two eventually consistent reads of half a unit")
                .isEqualTo(1.0);
        ExecuteStatementResponse write = dynamo.executeStatement(
                b -> b.statement("INSERT INTO \"" + table + "\" VALUE {'Artist': 'New', 'SongTitle': 'One'}")
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(write.consumedCapacity().capacityUnits()).isEqualTo(1.0);
    }

    @Test
    void aStatementThatIsNotWellFormedIsAValidationException() {
        assertThatThrownBy(() -> execute("SELEC * FROM $T"))
                .isInstanceOf(DynamoDbException.class)
                .satisfies(e -> assertThat(
                                ((DynamoDbException) e).awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"))
                .hasMessageStartingWith("Statement wasn't well formed, can't be processed: Expected data manipulation");
        assertThatThrownBy(() -> execute("SELECT * FROM $T WHERE"))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("Statement wasn't well formed, can't be processed: ");
    }

    @Test
    void aStatementOnATableThatDoesNotExistIsResourceNotFound() {
        assertThatThrownBy(() -> execute("SELECT * FROM \"no-such-table\" WHERE Artist = 'Zed'"))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> execute("INSERT INTO \"no-such-table\" VALUE {'Artist': 'Zed'}"))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    private List<BatchStatementResponse> batch(String... statements) {
        List<BatchStatementRequest> requests = new ArrayList<>();
        for (String statement : statements) {
            requests.add(BatchStatementRequest.builder()
                    .statement(statement.replace("$T", '"' + table + '"'))
                    .build());
        }
        return dynamo.batchExecuteStatement(b -> b.statements(requests)).responses();
    }

    @Test
    void batchReadsAnswerEachStatementWithItsItemOrItsError() {
        List<BatchStatementResponse> responses = batch(
                "SELECT Year FROM $T WHERE Artist = 'Zed' AND SongTitle = 'Dirge'",
                "SELECT * FROM $T WHERE Artist = 'Nobody' AND SongTitle = 'None'",
                "SELECT * FROM $T WHERE Artist = 'Zed'",
                "SELECT * FROM $T WHERE SongTitle = 'Bop' AND Artist = 'Acme Band'");
        assertThat(responses).hasSize(4);
        assertThat(responses.get(0).tableName()).isEqualTo(table);
        assertThat(responses.get(0).item()).isEqualTo(Map.of("Year", n(1987)));
        assertThat(responses.get(1).hasItem()).as("no item has that key").isFalse();
        assertThat(responses.get(1).error()).isNull();
        assertThat(responses.get(2).error().code()).isEqualTo(BatchStatementErrorCodeEnum.VALIDATION_ERROR);
        assertThat(responses.get(2).error().message()).isEqualTo("Only single item select is supported");
        assertThat(responses.get(3).item().get("Year")).isEqualTo(n(2004));
    }

    @Test
    void batchWritesRunEachStatementAndAFailedOneDoesNotFailTheOthers() {
        List<BatchStatementResponse> responses = batch(
                "INSERT INTO $T VALUE {'Artist': 'New', 'SongTitle': 'One'}",
                "INSERT INTO $T VALUE {'Artist': 'Zed', 'SongTitle': 'Dirge'}",
                "UPDATE $T SET Year = 2020 WHERE Artist = 'Zed' AND SongTitle = 'Anthem'",
                "DELETE FROM $T WHERE Artist = 'Acme Band' AND SongTitle = 'Bop'",
                "UPDATE $T SET Year = 1 WHERE Artist = 'Nobody' AND SongTitle = 'None'",
                "SELECT nonsense");
        assertThat(responses).hasSize(6);
        assertThat(responses.get(0).error()).isNull();
        assertThat(responses.get(1).error().code()).isEqualTo(BatchStatementErrorCodeEnum.DUPLICATE_ITEM);
        assertThat(responses.get(1).error().message()).isEqualTo("Duplicate primary key exists in table");
        assertThat(responses.get(2).error()).isNull();
        assertThat(responses.get(3).error()).isNull();
        assertThat(responses.get(4).error().code()).isEqualTo(BatchStatementErrorCodeEnum.CONDITIONAL_CHECK_FAILED);
        assertThat(responses.get(5).error().code()).isEqualTo(BatchStatementErrorCodeEnum.VALIDATION_ERROR);
        assertThat(responses.get(5).error().message()).startsWith("Statement wasn't well formed, can't be processed: ");
        assertThat(item("New", "One")).isNotEmpty();
        assertThat(item("Zed", "Anthem").get("Year")).isEqualTo(n(2020));
        assertThat(item("Acme Band", "Bop")).isEmpty();
        assertThat(item("Nobody", "None")).isEmpty();
    }

    @Test
    void aBatchOfReadsAndWritesIsRefused() {
        assertThatThrownBy(() -> batch(
                        "SELECT * FROM $T WHERE Artist = 'Zed' AND SongTitle = 'Dirge'",
                        "DELETE FROM $T WHERE Artist = 'Zed' AND SongTitle = 'Dirge'"))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageStartingWith("BatchExecuteStatement API does not support both read and write operations");
        assertThat(item("Zed", "Dirge")).isNotEmpty();
    }
}
