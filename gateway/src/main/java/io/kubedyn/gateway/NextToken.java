package io.kubedyn.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubedyn.core.DynamoDbException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * ExecuteStatement's NextToken: where the next page starts (which of the statement's reads,
 * and the LastEvaluatedKey within it, if any), with a digest of the statement and its
 * parameters so that a token is only taken back with the request it came from. Opaque to
 * clients (base64 of a small JSON object), not encrypted.
 */
record NextToken(int read, JsonNode startKey) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a statement's first page starts. */
    static final NextToken FIRST = new NextToken(0, null);

    /** This position as a token for the request with {@code digest}. */
    String encode(String digest) {
        ObjectNode token = JSON.createObjectNode();
        token.put("request", digest);
        token.put("read", read);
        if (startKey != null) {
            token.set("key", startKey);
        }
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(token.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The position {@code token} stands for; refused if it is not a token, or another request's. */
    static NextToken decode(String token, String digest) {
        JsonNode decoded;
        try {
            decoded = JSON.readTree(Base64.getUrlDecoder().decode(token));
        } catch (IOException | IllegalArgumentException e) {
            throw DynamoDbException.validation("Invalid NextToken");
        }
        if (decoded == null
                || !decoded.path("request").isTextual()
                || !decoded.path("read").isInt()
                || decoded.get("read").intValue() < 0
                || decoded.has("key") && !decoded.get("key").isObject()) {
            throw DynamoDbException.validation("Invalid NextToken");
        }
        if (!decoded.get("request").textValue().equals(digest)) {
            throw DynamoDbException.validation("NextToken does not match request");
        }
        return new NextToken(decoded.get("read").intValue(), decoded.get("key"));
    }

    /** A digest of a statement and its parameters (their JSON, as sent). */
    static String digest(String statement, JsonNode parameters) {
        String text = statement + '\u0000' + (parameters == null ? "" : parameters.toString());
        try {
            byte[] hash =
                    java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 12));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
