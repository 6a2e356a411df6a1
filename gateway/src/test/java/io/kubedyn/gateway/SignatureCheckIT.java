package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The packaged server started with an access keys file: the AWS SDK signing with a key in the
 * file is served; a wrong secret is InvalidSignatureException, a key not in the file
 * UnrecognizedClientException, and nothing they ask is done.
 */
class SignatureCheckIT {
    @TempDir
    Path data;

    @Test
    void onlyCallsSignedWithAKnownKeyAndItsSecretAreServed() throws Exception {
        Path keys = data.resolve("access-keys.properties");
        Files.writeString(keys, "AKIDKUBEDYNADMIN=f00dcafe\n");
        try (ServerProcess server = new ServerProcess(
                                data.resolve("server"), List.of("-Dkubedyn.auth.access-keys-file=" + keys))
                        .startWithoutWaitingForTables();
                DynamoDbClient admin = DynamoDbClients.at(server.endpoint(), "AKIDKUBEDYNADMIN", "f00dcafe");
                DynamoDbClient wrongSecret = DynamoDbClients.at(server.endpoint(), "AKIDKUBEDYNADMIN", "deadbeef");
                DynamoDbClient stranger = DynamoDbClients.at(server.endpoint(), "AKIDSTRANGER", "f00dcafe")) {
            admin.createTable(b -> b.tableName("Signed")
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
                    .keySchema(k -> k.attributeName("id").keyType("HASH")));
            assertThat(admin.listTables().tableNames()).containsExactly("Signed");

            assertThatThrownBy(() -> wrongSecret.deleteTable(b -> b.tableName("Signed")))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                        assertThat(e.statusCode()).isEqualTo(400);
                    })
                    .hasMessageContaining(
                            "The request signature we calculated does not match the signature you provided");
            assertThatThrownBy(() -> stranger.deleteTable(b -> b.tableName("Signed")))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"))
                    .hasMessageContaining("The security token included in the request is invalid.");
            assertThat(admin.listTables().tableNames())
                    .as("nothing refused was done")
                    .containsExactly("Signed");
        }
    }

    /**
     * A key an access policy limits to one table: it reads and writes that table, by item
     * operations, a batch and PartiQL, and is refused AccessDeniedException, with nothing done,
     * for another table or an action it is not allowed, however it asks.
     */
    @Test
    void aKeyLimitedToOneTableCannotReadOrWriteAnother() throws Exception {
        Path keys = data.resolve("access-keys.properties");
        Files.writeString(keys, "AKIDKUBEDYNADMIN=f00dcafe\nAKIDMUSIC=c0ffee\n");
        Path policy = data.resolve("access-policy.json");
        Files.writeString(policy, """
                {"AKIDMUSIC": {"Statement": [{"Effect": "Allow",
                  "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:BatchGetItem", "dynamodb:PartiQLSelect"],
                  "Resource": "arn:aws:dynamodb:*:*:table/Music"}]}}
                """);
        try (ServerProcess server = new ServerProcess(
                                data.resolve("server"),
                                List.of(
                                        "-Dkubedyn.auth.access-keys-file=" + keys,
                                        "-Dkubedyn.auth.policy-file=" + policy))
                        .startWithoutWaitingForTables();
                DynamoDbClient admin = DynamoDbClients.at(server.endpoint(), "AKIDKUBEDYNADMIN", "f00dcafe");
                DynamoDbClient music = DynamoDbClients.at(server.endpoint(), "AKIDMUSIC", "c0ffee")) {
            for (String table : List.of("Music", "Other")) {
                admin.createTable(b -> b.tableName(table)
                        .billingMode("PAY_PER_REQUEST")
                        .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
                        .keySchema(k -> k.attributeName("id").keyType("HASH")));
                DynamoDbClients.awaitActive(admin, table);
                admin.putItem(b -> b.tableName(table).item(java.util.Map.of("id", s("1"), "of", s(table))));
            }
            music.putItem(b -> b.tableName("Music").item(java.util.Map.of("id", s("2"))));
            assertThat(music.getItem(b -> b.tableName("Music").key(java.util.Map.of("id", s("1"))))
                            .item())
                    .containsEntry("of", s("Music"));
            assertThat(music.executeStatement(b -> b.statement("SELECT * FROM \"Music\" WHERE id = '1'"))
                            .items())
                    .hasSize(1);

            String otherArn = "arn:aws:dynamodb:us-east-1:000000000000:table/Other";
            assertDenied(
                    () -> music.getItem(b -> b.tableName("Other").key(java.util.Map.of("id", s("1")))),
                    "User: arn:aws:iam::000000000000:user/AKIDMUSIC is not authorized to perform: dynamodb:GetItem"
                            + " on resource: " + otherArn + " because no identity-based policy allows the"
                            + " dynamodb:GetItem action");
            assertDenied(
                    () -> music.batchGetItem(b -> b.requestItems(java.util.Map.of(
                            "Music",
                                    software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder()
                                            .keys(java.util.Map.of("id", s("1")))
                                            .build(),
                            "Other",
                                    software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder()
                                            .keys(java.util.Map.of("id", s("1")))
                                            .build()))),
                    "dynamodb:BatchGetItem on resource: " + otherArn);
            assertDenied(
                    () -> music.executeStatement(b -> b.statement("SELECT * FROM \"Other\" WHERE id = '1'")),
                    "dynamodb:PartiQLSelect on resource: " + otherArn);
            assertDenied(
                    () -> music.executeStatement(b -> b.statement("DELETE FROM \"Music\" WHERE id = '1'")),
                    "dynamodb:PartiQLDelete on resource: arn:aws:dynamodb:us-east-1:000000000000:table/Music");
            assertDenied(
                    () -> music.transactWriteItems(b -> b.transactItems(t ->
                            t.put(p -> p.tableName("Other").item(java.util.Map.of("id", s("3")))))),
                    "dynamodb:PutItem on resource: " + otherArn);
            assertDenied(() -> music.deleteTable(b -> b.tableName("Music")), "dynamodb:DeleteTable on resource:");
            assertDenied(() -> music.listTables(), "dynamodb:ListTables on resource: *");

            assertThat(admin.listTables().tableNames())
                    .as("nothing refused was done")
                    .containsExactly("Music", "Other");
            assertThat(admin.scan(b -> b.tableName("Other")).items()).hasSize(1);
            assertThat(admin.getItem(b -> b.tableName("Music").key(java.util.Map.of("id", s("1"))))
                            .item())
                    .isNotEmpty();
        }
    }

    private static software.amazon.awssdk.services.dynamodb.model.AttributeValue s(String value) {
        return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(value);
    }

    private static void assertDenied(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                    assertThat(e.statusCode()).isEqualTo(400);
                })
                .hasMessageContaining(message);
    }
}
