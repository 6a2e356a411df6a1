package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubedyn.gateway.protocol.AccessPolicy.Access;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which IAM actions on which resources each kind of call takes, for the access policy. */
class CallResourcesTest {
    private static final String TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/";

    private static List<Access> of(String operation, String body) throws Exception {
        return CallResources.of(operation, new Request(new ObjectMapper().readTree(body)));
    }

    @Test
    void anItemOperationActsOnItsTableAndAQueryOfAnIndexOnTheIndex() throws Exception {
        assertThat(of("GetItem", "{\"TableName\": \"Music\"}")).containsExactly(new Access("GetItem", TABLE + "Music"));
        assertThat(of("Query", "{\"TableName\": \"Music\", \"IndexName\": \"ByYear\"}"))
                .containsExactly(new Access("Query", TABLE + "Music/index/ByYear"));
        assertThat(of("ListTables", "{}")).containsExactly(new Access("ListTables", "*"));
    }

    @Test
    void batchesAndTransactionsActOnEachOfTheirTables() throws Exception {
        assertThat(of("BatchWriteItem", "{\"RequestItems\": {\"Music\": [], \"Books\": []}}"))
                .containsExactlyInAnyOrder(
                        new Access("BatchWriteItem", TABLE + "Music"), new Access("BatchWriteItem", TABLE + "Books"));
        assertThat(
                        of(
                                "TransactWriteItems",
                                "{\"TransactItems\": [{\"Put\": {\"TableName\": \"Music\"}},"
                                        + " {\"ConditionCheck\": {\"TableName\": \"Books\"}}, {\"Delete\": {\"TableName\": \"Films\"}}]}"))
                .containsExactly(
                        new Access("PutItem", TABLE + "Music"),
                        new Access("ConditionCheckItem", TABLE + "Books"),
                        new Access("DeleteItem", TABLE + "Films"));
        assertThat(of("ExecuteStatement", "{\"Statement\": \"DELETE FROM Music\"}"))
                .as("a statement is checked as the operation it runs")
                .isEmpty();
        assertThat(CallResources.PARTIQL.apply("ConditionCheckItem")).isEqualTo("PartiQLSelect");
        assertThat(CallResources.PARTIQL.apply("UpdateItem")).isEqualTo("PartiQLUpdate");
    }

    @Test
    void anArnOfAnyRegionOrAccountIsReadAsTheResourceItNames() throws Exception {
        assertThat(of("TagResource", "{\"ResourceArn\": \"arn:aws:dynamodb:eu-west-1:123456789012:table/Music\"}"))
                .as("a Deny on kubedyn's own ARN of the table must hold against another spelling")
                .containsExactly(new Access("TagResource", TABLE + "Music"));
        assertThat(of(
                        "DescribeStream",
                        "{\"StreamArn\": \"arn:aws:dynamodb:eu-west-1:123456789012:table/Music"
                                + "/stream/2026-12-02T00:00:00.000\"}"))
                .containsExactly(new Access("DescribeStream", TABLE + "Music/stream/2026-12-02T00:00:00.000"));
    }
}
