package io.kubedyn.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signatures made by the AWS SDK's own SigV4 signer, in the Authorization header and presigned
 * in the query string, checked against an access keys file: the right secret passes; a wrong
 * secret, a changed body, a changed signed header, an unknown key and a stale date are refused
 * with DynamoDB's error types; a key's new secret, or its removal from the file, is taken
 * without a restart.
 */
class SignatureCheckTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final String BODY = "{\"TableName\": \"Music\"}";

    @TempDir
    Path dir;

    private SignatureCheck check(Instant now) throws Exception {
        Path file = dir.resolve("keys.properties");
        if (!Files.exists(file)) {
            Files.writeString(file, "AKIDKUBEDYN=s3cr3t\n");
        }
        return new SignatureCheck(new AccessKeys(file), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static SdkHttpRequest signed(String secret, Instant at, boolean presigned) {
        AwsV4HttpSigner signer = AwsV4HttpSigner.create();
        return signer.sign(r -> {
                    r.identity(AwsCredentialsIdentity.create("AKIDKUBEDYN", secret))
                            .request(SdkHttpRequest.builder()
                                    .method(SdkHttpMethod.POST)
                                    .protocol("http")
                                    .host("127.0.0.1")
                                    .port(8000)
                                    .encodedPath("/")
                                    .putHeader("Content-Type", "application/x-amz-json-1.0")
                                    .putHeader("X-Amz-Target", "DynamoDB_20120810.DescribeTable")
                                    .build())
                            .payload(ContentStreamProvider.fromUtf8String(BODY))
                            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "dynamodb")
                            .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                            .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC));
                    if (presigned) {
                        r.putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                                .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(5));
                    }
                })
                .request();
    }

    private static SignatureCheck.Call call(SdkHttpRequest request, String body, Map<String, String> overrides) {
        List<Map.Entry<String, String>> query = new ArrayList<>();
        request.rawQueryParameters().forEach((name, values) -> values.forEach(v -> query.add(Map.entry(name, v))));
        return new SignatureCheck.Call(
                "POST",
                "/",
                query,
                name -> {
                    for (Map.Entry<String, String> override : overrides.entrySet()) {
                        if (override.getKey().equalsIgnoreCase(name)) {
                            return List.of(override.getValue());
                        }
                    }
                    if (name.equalsIgnoreCase("host")) {
                        return List.of("127.0.0.1:8000");
                    }
                    return request.headers().entrySet().stream()
                            .filter(e -> e.getKey().equalsIgnoreCase(name))
                            .findFirst()
                            .map(Map.Entry::getValue)
                            .orElse(null);
                },
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static void refused(Runnable verification, DynamoDbError error, String message) {
        assertThatThrownBy(verification::run)
                .isInstanceOfSatisfying(
                        DynamoDbException.class, e -> assertThat(e.error()).isEqualTo(error))
                .hasMessageContaining(message);
    }

    @Test
    void theSdksHeaderSignaturePassesAndAnythingChangedIsRefused() throws Exception {
        SignatureCheck check = check(NOW);
        assertThatCode(() -> check.verify(call(signed("s3cr3t", NOW, false), BODY, Map.of())))
                .doesNotThrowAnyException();
        refused(
                () -> check.verify(call(signed("wrong", NOW, false), BODY, Map.of())),
                DynamoDbError.INVALID_SIGNATURE,
                "The request signature we calculated does not match the signature you provided.");
        refused(
                () -> check.verify(call(signed("s3cr3t", NOW, false), "{\"TableName\": \"Other\"}", Map.of())),
                DynamoDbError.INVALID_SIGNATURE,
                "does not match");
        refused(
                () -> check.verify(call(
                        signed("s3cr3t", NOW, false), BODY, Map.of("X-Amz-Target", "DynamoDB_20120810.DeleteTable"))),
                DynamoDbError.INVALID_SIGNATURE,
                "does not match");
        SdkHttpRequest stranger = signed("s3cr3t", NOW, false);
        String authorization =
                stranger.firstMatchingHeader("Authorization").orElseThrow().replace("AKIDKUBEDYN", "AKIDOTHER");
        refused(
                () -> check.verify(call(stranger, BODY, Map.of("Authorization", authorization))),
                DynamoDbError.UNRECOGNIZED_CLIENT,
                "The security token included in the request is invalid.");
        refused(
                () -> check.verify(call(signed("s3cr3t", NOW.minus(Duration.ofMinutes(16)), false), BODY, Map.of())),
                DynamoDbError.INVALID_SIGNATURE,
                "Signature expired: 20261201T114400Z is now earlier than "
                        + "20261201T114500Z (20261201T120000Z - 15 min.)");
        refused(
                () -> check.verify(call(signed("s3cr3t", NOW.plus(Duration.ofMinutes(16)), false), BODY, Map.of())),
                DynamoDbError.INVALID_SIGNATURE,
                "Signature not yet current");
    }

    @Test
    void thePresignedFormPassesUntilItExpires() throws Exception {
        SdkHttpRequest presigned = signed("s3cr3t", NOW, true);
        assertThat(presigned.firstMatchingHeader("Authorization")).isEmpty();
        SignatureCheck now = check(NOW);
        SignatureCheck later = check(NOW.plus(Duration.ofMinutes(6)));
        assertThatCode(() -> now.verify(call(presigned, BODY, Map.of()))).doesNotThrowAnyException();
        refused(
                () -> later.verify(call(presigned, BODY, Map.of())),
                DynamoDbError.INVALID_SIGNATURE,
                "Signature expired");
        refused(
                () -> now.verify(call(signed("wrong", NOW, true), BODY, Map.of())),
                DynamoDbError.INVALID_SIGNATURE,
                "does not match");
    }

    @Test
    void aChangedOrRevokedKeyIsTakenWithoutARestart() throws Exception {
        SignatureCheck check = check(NOW);
        Path file = dir.resolve("keys.properties");
        assertThatCode(() -> check.verify(call(signed("s3cr3t", NOW, false), BODY, Map.of())))
                .doesNotThrowAnyException();

        Files.writeString(file, "AKIDKUBEDYN=n3w\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        Thread.sleep(1100);
        refused(
                () -> check.verify(call(signed("s3cr3t", NOW, false), BODY, Map.of())),
                DynamoDbError.INVALID_SIGNATURE,
                "does not match");
        assertThatCode(() -> check.verify(call(signed("n3w", NOW, false), BODY, Map.of())))
                .doesNotThrowAnyException();

        Files.writeString(file, "AKIDOTHER=other\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        Thread.sleep(1100);
        refused(
                () -> check.verify(call(signed("n3w", NOW, false), BODY, Map.of())),
                DynamoDbError.UNRECOGNIZED_CLIENT,
                "invalid");
    }
}
