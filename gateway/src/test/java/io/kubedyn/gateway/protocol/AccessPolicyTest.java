package io.kubedyn.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.gateway.protocol.AccessPolicy.Access;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An access policy file evaluated as IAM evaluates identity policies. */
class AccessPolicyTest {
    private static final String MUSIC = "arn:aws:dynamodb:us-east-1:000000000000:table/Music";
    private static final String OTHER = "arn:aws:dynamodb:us-east-1:000000000000:table/Other";

    @TempDir
    Path dir;

    private AccessPolicy policy(String json) throws Exception {
        Path file = dir.resolve("access-policy.json");
        Files.writeString(file, json);
        return new AccessPolicy(file);
    }

    private static void assertDenied(Runnable call, String message) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        DynamoDbException.class, e -> assertThat(e.error()).isEqualTo(DynamoDbError.ACCESS_DENIED))
                .hasMessage(message);
    }

    @Test
    void aKeyMayTakeOnlyTheActionsItsStatementsAllowOnTheirResources() throws Exception {
        AccessPolicy policy = policy("""
                {"AKIDREADER": {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": ["dynamodb:Get*", "dynamodb:query"],
                   "Resource": ["arn:aws:dynamodb:*:*:table/Music", "arn:aws:dynamodb:*:*:table/Music/index/*"]}]}}
                """);
        assertThatCode(() -> policy.authorize(
                        "AKIDREADER",
                        List.of(new Access("GetItem", MUSIC), new Access("Query", MUSIC + "/index/ByYear"))))
                .doesNotThrowAnyException();
        assertDenied(
                () -> policy.authorize("AKIDREADER", List.of(new Access("GetItem", OTHER))),
                "User: arn:aws:iam::000000000000:user/AKIDREADER is not authorized to perform: dynamodb:GetItem"
                        + " on resource: " + OTHER + " because no identity-based policy allows the"
                        + " dynamodb:GetItem action");
        assertDenied(
                () -> policy.authorize(
                        "AKIDREADER", List.of(new Access("GetItem", MUSIC), new Access("PutItem", MUSIC))),
                "User: arn:aws:iam::000000000000:user/AKIDREADER is not"
                        + " authorized to perform: dynamodb:PutItem on resource: " + MUSIC + " because no"
                        + " identity-based policy allows the dynamodb:PutItem action");
        assertThatCode(() -> policy.authorize("AKIDADMIN", List.of(new Access("DeleteTable", MUSIC))))
                .as("a key the policy does not name may do everything")
                .doesNotThrowAnyException();
    }

    @Test
    void anExplicitDenyWinsOverAnyAllow() throws Exception {
        AccessPolicy policy = policy("""
                {"AKIDAPP": {"Statement": [
                  {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
                  {"Effect": "Deny", "Action": "dynamodb:DeleteTable", "Resource": "arn:aws:dynamodb:*:*:table/Music?"}]}}
                """);
        assertThatCode(() -> policy.authorize("AKIDAPP", List.of(new Access("DeleteTable", MUSIC))))
                .as("? stands for exactly one character")
                .doesNotThrowAnyException();
        assertDenied(
                () -> policy.authorize("AKIDAPP", List.of(new Access("DeleteTable", MUSIC + "2"))),
                "User: arn:aws:iam::000000000000:user/AKIDAPP is not authorized to perform: dynamodb:DeleteTable"
                        + " on resource: " + MUSIC + "2 with an explicit deny in an identity-based policy");
    }

    @Test
    void aPolicyItCannotFollowExactlyIsRefusedNotIgnored() {
        assertThatThrownBy(() -> policy("""
                {"AKIDAPP": {"Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*",
                  "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["u1"]}}}]}}
                """))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(
                        "AKIDAPP: a statement's Condition is not supported (only Effect, Action and Resource are)");
        assertThatThrownBy(() -> policy("""
                {"AKIDAPP": {"Statement": [{"Effect": "allow", "Action": "dynamodb:*", "Resource": "*"}]}}
                """))
                .hasMessageEndingWith("AKIDAPP: Effect must be Allow or Deny, not 'allow'");
        assertThatThrownBy(
                        () -> policy("{\"AKIDAPP\": {\"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"*\"}]}}"))
                .hasMessageEndingWith("AKIDAPP: Action must be a string or a list of strings");
        assertThatThrownBy(() -> policy("not json")).hasMessageContaining("is not JSON");
    }

    @Test
    void aChangedFileTakesEffectAndAMissingOneRestrictsNobody() throws Exception {
        assertThatCode(() -> new AccessPolicy(dir.resolve("none.json"))
                        .authorize("AKIDAPP", List.of(new Access("DeleteTable", MUSIC))))
                .doesNotThrowAnyException();
        AccessPolicy policy = policy("""
                {"AKIDAPP": {"Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]}}
                """);
        assertDenied(
                () -> policy.authorize("AKIDAPP", List.of(new Access("PutItem", MUSIC))),
                "User: arn:aws:iam::000000000000:user/AKIDAPP is not authorized to perform: dynamodb:PutItem on"
                        + " resource: " + MUSIC
                        + " because no identity-based policy allows the dynamodb:PutItem action");
        Path file = dir.resolve("access-policy.json");
        Files.writeString(
                file,
                "{\"AKIDAPP\": {\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"dynamodb:*Item\","
                        + " \"Resource\": \"*\"}]}}");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        Thread.sleep(1100);
        assertThatCode(() -> policy.authorize("AKIDAPP", List.of(new Access("PutItem", MUSIC))))
                .doesNotThrowAnyException();
        Files.writeString(file, "{broken");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 9000));
        Thread.sleep(1100);
        assertThatCode(() -> policy.authorize("AKIDAPP", List.of(new Access("PutItem", MUSIC))))
                .as("a broken file keeps what the last good one said")
                .doesNotThrowAnyException();
    }
}
