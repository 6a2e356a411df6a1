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
        try (ServerProcess server = new ServerProcess(data.resolve("server"),
                List.of("-Dkubedyn.auth.access-keys-file=" + keys)).startWithoutWaitingForTables();
             DynamoDbClient admin = DynamoDbClients.at(server.endpoint(), "AKIDKUBEDYNADMIN", "f00dcafe");
             DynamoDbClient wrongSecret = DynamoDbClients.at(server.endpoint(), "AKIDKUBEDYNADMIN", "deadbeef");
             DynamoDbClient stranger = DynamoDbClients.at(server.endpoint(), "AKIDSTRANGER", "f00dcafe")) {
            admin.createTable(b -> b.tableName("Signed").billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
                    .keySchema(k -> k.attributeName("id").keyType("HASH")));
            assertThat(admin.listTables().tableNames()).containsExactly("Signed");

            assertThatThrownBy(() -> wrongSecret.deleteTable(b -> b.tableName("Signed")))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                        assertThat(e.statusCode()).isEqualTo(400);
                    })
                    .hasMessageContaining("The request signature we calculated does not match the signature you provided");
            assertThatThrownBy(() -> stranger.deleteTable(b -> b.tableName("Signed")))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                            .isEqualTo("UnrecognizedClientException"))
                    .hasMessageContaining("The security token included in the request is invalid.");
            assertThat(admin.listTables().tableNames()).as("nothing refused was done").containsExactly("Signed");
        }
    }
}
