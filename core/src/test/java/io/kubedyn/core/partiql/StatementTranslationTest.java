package io.kubedyn.core.partiql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Statements parsed and translated into the request they mean, with no server. */
class StatementTranslationTest {
    private static final TableDefinition MUSIC = new TableDefinition(
            "Music",
            "id",
            KeySchema.of(new KeyAttribute("Artist", ScalarType.S), new KeyAttribute("SongTitle", ScalarType.S)),
            Map.of("Artist", ScalarType.S, "SongTitle", ScalarType.S),
            "PAY_PER_REQUEST",
            0,
            0,
            0);

    private static EquivalentRequest translate(String statement, AttributeValue... parameters) {
        Statement parsed = StatementParser.parse(statement, List.of(parameters));
        if (parsed instanceof Statement.Select select) {
            List<EquivalentRequest> reads = StatementTranslation.reads(select, MUSIC);
            assertThat(reads).hasSize(1);
            return reads.get(0);
        }
        return StatementTranslation.write(parsed, MUSIC);
    }

    private static String text(EquivalentRequest request, String member) {
        return request.body().path(member).asText(null);
    }

    @Test
    void aPartitionKeyEqualityIsAQueryWithTheSortKeyConditionInTheKeyCondition() {
        EquivalentRequest query = translate(
                "SELECT Year, \"Info\".Label FROM Music WHERE 'Acme' = Artist "
                        + "AND SongTitle BETWEEN 'A' AND 'M' AND Year > ? ORDER BY SongTitle DESC",
                new AttributeValue.N(io.kubedyn.core.DynamoNumber.of(2000)));
        assertThat(query.operation()).isEqualTo("Query");
        assertThat(text(query, "KeyConditionExpression")).isEqualTo("#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2");
        assertThat(text(query, "FilterExpression")).isEqualTo("(#n2 > :v3)");
        assertThat(text(query, "ProjectionExpression")).isEqualTo("#n2, #n3.#n4");
        assertThat(query.body().get("ScanIndexForward").booleanValue()).isFalse();
        assertThat(query.body().get("ExpressionAttributeNames").toString())
                .isEqualTo(
                        "{\"#n0\":\"Artist\",\"#n1\":\"SongTitle\",\"#n2\":\"Year\",\"#n3\":\"Info\",\"#n4\":\"Label\"}");
        assertThat(query.body().get("ExpressionAttributeValues").get(":v0").toString())
                .isEqualTo("{\"S\":\"Acme\"}");
    }

    @Test
    void anInOnThePartitionKeyIsAQueryOfEachDistinctValueInTheOrderByOrder() {
        List<EquivalentRequest> reads = StatementTranslation.reads(
                (Statement.Select) StatementParser.parse(
                        "SELECT * FROM Music WHERE Artist IN ['b', 'a', 'b'] AND SongTitle > 'x' AND Year = 1 "
                                + "ORDER BY Artist DESC",
                        List.of()),
                MUSIC);
        assertThat(reads).extracting(EquivalentRequest::operation).containsExactly("Query", "Query");
        assertThat(reads)
                .extracting(read ->
                        read.body().get("ExpressionAttributeValues").get(":v0").toString())
                .containsExactly("{\"S\":\"b\"}", "{\"S\":\"a\"}");
        assertThat(text(reads.get(0), "KeyConditionExpression")).isEqualTo("#n0 = :v0 AND #n1 > :v1");
        assertThat(text(reads.get(0), "FilterExpression")).isEqualTo("(#n2 = :v2)");
        List<EquivalentRequest> ors = StatementTranslation.reads(
                (Statement.Select) StatementParser.parse(
                        "SELECT * FROM Music WHERE Artist = 'x' OR ('y' = Artist OR Artist = 'z')", List.of()),
                MUSIC);
        assertThat(ors)
                .extracting(read -> read.body()
                        .get("ExpressionAttributeValues")
                        .get(":v0")
                        .get("S")
                        .asText())
                .containsExactly("x", "y", "z");
        assertThat(translate("SELECT * FROM Music WHERE Artist = 'x' OR Year = 1")
                        .operation())
                .isEqualTo("Scan");
        assertThatThrownBy(() -> StatementTranslation.reads(
                        (Statement.Select) StatementParser.parse(
                                "SELECT * FROM Music WHERE Artist IN ['b', 'a'] ORDER BY SongTitle", List.of()),
                        MUSIC))
                .hasMessage("Must have hash key in ORDER BY clause when more than one hash key condition specified "
                        + "in WHERE clause.");
    }

    @Test
    void anythingElseIsAScanWithTheWholeWhereAsFilter() {
        EquivalentRequest scan = translate("SELECT * FROM Music WHERE Artist = 'a' OR Year IS NOT MISSING");
        assertThat(scan.operation()).isEqualTo("Scan");
        assertThat(text(scan, "FilterExpression")).isEqualTo("((#n0 = :v0) OR (attribute_exists(#n1)))");
        EquivalentRequest in = translate("SELECT * FROM Music WHERE SongTitle IN ['a', 'b']");
        assertThat(in.operation()).isEqualTo("Scan");
        assertThat(text(in, "FilterExpression")).isEqualTo("(#n0 IN (:v0, :v1))");
        // A second condition on a key attribute cannot go in a Query's filter: a Scan.
        assertThat(translate("SELECT * FROM Music WHERE Artist = 'a' AND SongTitle > 'b' AND SongTitle < 'c'")
                        .operation())
                .isEqualTo("Scan");
    }

    @Test
    void writesAreConditionalItemWrites() {
        EquivalentRequest insert =
                translate("INSERT INTO Music VALUE {'Artist': 'a', 'SongTitle': 'b', 'Tags': <<1, 2>>}");
        assertThat(insert.operation()).isEqualTo("PutItem");
        assertThat(text(insert, "ConditionExpression")).isEqualTo("attribute_not_exists(#n0)");
        assertThat(insert.body().get("Item").get("Tags").toString()).isEqualTo("{\"NS\":[\"1\",\"2\"]}");

        EquivalentRequest update = translate("UPDATE Music SET Year = Year + 1 SET Tags = set_add(Tags, <<'x'>>) "
                + "REMOVE Info WHERE Artist = 'a' AND SongTitle = 'b' AND Year < 2000 RETURNING MODIFIED NEW *");
        assertThat(update.operation()).isEqualTo("UpdateItem");
        assertThat(update.body().get("Key").toString())
                .isEqualTo("{\"Artist\":{\"S\":\"a\"},\"SongTitle\":{\"S\":\"b\"}}");
        assertThat(text(update, "UpdateExpression")).isEqualTo("SET #n0 = #n0 + :v0 REMOVE #n2 ADD #n1 :v1");
        assertThat(text(update, "ConditionExpression")).isEqualTo("attribute_exists(#n3) AND (#n0 < :v2)");
        assertThat(text(update, "ReturnValues")).isEqualTo("UPDATED_NEW");

        EquivalentRequest delete = translate("DELETE FROM Music WHERE Artist = 'a' AND SongTitle = 'b' AND Year = 1");
        assertThat(delete.operation()).isEqualTo("DeleteItem");
        assertThat(text(delete, "ConditionExpression")).isEqualTo("attribute_not_exists(#n0) OR (#n1 = :v0)");
    }

    @Test
    void aWriteMustFixTheWholeKeyWithEqualities() {
        assertThatThrownBy(() -> translate("DELETE FROM Music WHERE Artist = 'a' AND SongTitle > 'b'"))
                .isInstanceOf(DynamoDbException.class)
                .hasMessage("Where clause does not contain a mandatory equality on all key attributes");
        assertThatThrownBy(() ->
                        translate("UPDATE Music SET x = 1 WHERE Artist = 'a' AND SongTitle = 'b' AND Artist = 'c'"))
                .hasMessage(
                        "Multiple conditions on same key Artist. Only single item Update/Insert/Delete are supported");
    }

    @Test
    void whatDynamoDbRefusesBeyondTheGrammarIsRefusedInItsWords() {
        assertThatThrownBy(() -> translate("UPSERT INTO Music VALUE {'a': 1}"))
                .hasMessage("Statement wasn't well formed, can't be processed: Expected data manipulation");
        assertThatThrownBy(() -> translate("SELECT * FROM Music WHERE"))
                .hasMessage("Statement wasn't well formed, can't be processed: Unexpected end of statement");
        assertThatThrownBy(() -> translate("SELECT * FROM Music WHERE a = ?"))
                .hasMessage("Number of parameters in request and statement don't match.");
        assertThatThrownBy(() -> translate("INSERT INTO Music VALUE {'a': <<1, 'x'>>}"))
                .hasMessage("Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags");
        assertThatThrownBy(() -> translate("INSERT INTO Music VALUE {'a': 1} RETURNING ALL OLD *"))
                .hasMessage("RETURNING is not supported in INSERT");
        assertThatThrownBy(() -> translate("INSERT INTO Music VALUE ['a']"))
                .hasMessageStartingWith("Unsupported format in item expression.");
        assertThatThrownBy(() -> translate("SELECT * FROM Music WHERE a = MISSING"))
                .hasMessage("MISSING must be compared using IS operator");
        assertThatThrownBy(() -> translate("UPDATE Music SET a = 1 WHERE Artist = 'a' AND SongTitle = 'b' "
                        + "AND EXISTS(SELECT * FROM Music WHERE Artist = 'c')"))
                .hasMessage("EXISTS can only be used in ExecuteTransaction write requests.");
        assertThatThrownBy(() -> translate("SELECT * FROM Music WHERE frobnicate(a)"))
                .hasMessage("Unrecognized function: frobnicate");
        assertThatThrownBy(() ->
                        translate("UPDATE Music SET a = set_add(b, <<1>>) WHERE Artist = 'a' AND SongTitle = 'b'"))
                .hasMessage("The first argument to SET_ADD must equal the assignment value");
    }

    @Test
    void keyValuesMustBeOfTheKeyAttributesTypes() {
        assertThatThrownBy(() -> translate("SELECT * FROM Music WHERE Artist = 1"))
                .hasMessage("Key attribute's data type should match its data type in table's schema: Key Artist");
        assertThatThrownBy(() -> translate("SELECT * FROM Music WHERE Artist = 'a' AND SongTitle > 1"))
                .hasMessage("Key attribute's data type should match its data type in table's schema: Key SongTitle");
        assertThat(translate("SELECT * FROM Music WHERE Year = 'a'").operation())
                .isEqualTo("Scan");
        assertThatThrownBy(() -> translate("DELETE FROM Music WHERE Artist = ['a'] AND SongTitle = 'b'"))
                .hasMessage("Key value must be of type S, N, or B. Key name: Artist, Key type: L");
        assertThatThrownBy(() -> translate("UPDATE Music SET x = 1 WHERE Artist = 'a' AND SongTitle = 2"))
                .hasMessage("Key attribute's data type should match its data type in table's schema: Key SongTitle");
        assertThatThrownBy(() -> StatementTranslation.singleItemRead(
                        (Statement.Select) StatementParser.parse(
                                "SELECT * FROM Music WHERE Artist = 'a' AND SongTitle = 'b' AND Year = 1", List.of()),
                        MUSIC))
                .hasMessage("Only single item select is supported");
    }

    @Test
    void operatorsPathsAndNumbersAreWrittenAsDynamoDbExpressions() {
        EquivalentRequest scan = translate("SELECT a.b[2].c FROM Music WHERE x != -1.5 AND NOT (y IS NULL) "
                + "AND size(z) >= 2 AND attribute_type(w, 'S')");
        assertThat(text(scan, "FilterExpression"))
                .isEqualTo("(#n0 <> :v0) AND (NOT (attribute_not_exists(#n1) OR "
                        + "attribute_type(#n1, :v1))) AND (size(#n2) >= :v2) AND (attribute_type(#n3, :v3))");
        assertThat(text(scan, "ProjectionExpression")).isEqualTo("#n4.#n5[2].#n6");
        assertThat(scan.body().get("ExpressionAttributeValues").get(":v0").toString())
                .isEqualTo("{\"N\":\"-1.5\"}");
        EquivalentRequest update =
                translate("UPDATE Music SET n = n - 1, m.k = 'v' WHERE Artist = 'a' AND SongTitle = 'b'");
        assertThat(text(update, "UpdateExpression")).isEqualTo("SET #n0 = #n0 - :v0, #n1.#n2 = :v1");
    }

    @Test
    void commentsQuotedNamesAndEscapedQuotesAreRead() {
        Statement statement = StatementParser.parse(
                "-- a comment\nselect \"we\"\"ird\" from \"Music\" /* x */ " + "where Artist = 'it''s';", List.of());
        assertThat(statement)
                .isEqualTo(new Statement.Select(
                        List.of(new Path(List.of("we\"ird"))),
                        "Music",
                        null,
                        new Condition.Comparison(
                                new Path(List.of("Artist")), "=", new Operand.Literal(new AttributeValue.S("it's"))),
                        List.of()));
    }
}
