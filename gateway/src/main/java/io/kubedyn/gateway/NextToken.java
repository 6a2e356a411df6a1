package io.kubedyn.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubedyn.core.DynamoDbException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * ExecuteStatement's NextToken: the page's LastEvaluatedKey, with a digest of the statement and
 * its parameters so that a token is only taken back with the request it came from. Opaque to
 * clients (base64 of a small JSON object), not encrypted.
 */
final class NextToken {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NextToken() {
    }

    /** The token that continues after {@code lastEvaluatedKey}. */
    static String of(String digest, JsonNode lastEvaluatedKey) {
        ObjectNode token = JSON.createObjectNode();
        token.put("request", digest);
        token.set("key", lastEvaluatedKey);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The ExclusiveStartKey {@code token} stands for; refused if it is not one, or another request's. */
    static JsonNode startKey(String token, String digest) {
        JsonNode decoded;
        try {
            decoded = JSON.readTree(Base64.getUrlDecoder().decode(token));
        } catch (IOException | IllegalArgumentException e) {
            throw DynamoDbException.validation("Invalid NextToken");
        }
        if (decoded == null || !decoded.path("key").isObject() || !decoded.path("request").isTextual()) {
            throw DynamoDbException.validation("Invalid NextToken");
        }
        if (!decoded.get("request").textValue().equals(digest)) {
            throw DynamoDbException.validation("NextToken does not match request");
        }
        return decoded.get("key");
    }

    /** A digest of a statement and its parameters (their JSON, as sent). */
    static String digest(String statement, JsonNode parameters) {
        String text = statement + '\u0000' + (parameters == null ? "" : parameters.toString());
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 12));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
