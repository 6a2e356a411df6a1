package io.kubedyn.gateway.protocol;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The pipeline's signature step as far as it goes without credentials: a call must carry an
 * AWS Signature Version 4, in the Authorization header or in the query string (never both),
 * with every part SigV4 requires. Like DynamoDB Local, the embedded server takes any credentials;
 * it refuses a call that is not signed at all, in DynamoDB's words.
 */
public final class SignaturePresence {
    private static final List<String> HEADER_PARTS = List.of("Credential", "Signature", "SignedHeaders");
    private static final List<String> QUERY_PARTS =
            List.of("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date");

    private SignaturePresence() {}

    /**
     * Throws DynamoDB's error when the call's signature is missing or incomplete.
     *
     * @param header a request header by name (null when absent)
     * @param query  a query-string parameter by name (null when absent, "" when without a value)
     * @return the Authorization header's parts ({@link #parts}), or null when the call is signed
     *     in its query string
     */
    public static Map<String, String> check(Function<String, String> header, Function<String, String> query) {
        String authorization = header.apply("Authorization");
        boolean inQuery = query.apply("X-Amz-Algorithm") != null;
        if (authorization != null && inQuery) {
            throw new DynamoDbException(
                    DynamoDbError.INVALID_SIGNATURE,
                    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
        }
        if ((authorization == null && !inQuery)
                || (authorization != null && !authorization.trim().startsWith("AWS4-"))) {
            throw new DynamoDbException(
                    DynamoDbError.MISSING_AUTHENTICATION_TOKEN, "Request is missing Authentication Token");
        }
        StringBuilder missing = new StringBuilder();
        Map<String, String> parts = null;
        if (authorization != null) {
            parts = parts(authorization.trim());
            for (String part : HEADER_PARTS) {
                if (parts.getOrDefault(part, "").isEmpty()) {
                    missing.append("Authorization header requires '")
                            .append(part)
                            .append("' parameter. ");
                }
            }
            if (header.apply("X-Amz-Date") == null && header.apply("Date") == null) {
                missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
            }
            if (missing.length() > 0) {
                missing.append("Authorization=").append(authorization);
            }
        } else {
            for (String part : QUERY_PARTS) {
                String value = query.apply(part);
                if (value == null || value.isEmpty()) {
                    missing.append("AWS query-string parameters must include '")
                            .append(part)
                            .append("'. ");
                }
            }
            if (missing.length() > 0) {
                missing.append("Re-examine the query-string parameters.");
            }
        }
        if (missing.length() > 0) {
            throw new DynamoDbException(DynamoDbError.INCOMPLETE_SIGNATURE, missing.toString());
        }
        return parts;
    }

    /**
     * The {@code name=value} parts after the scheme ({@code AWS4-HMAC-SHA256 Credential=...,
     * SignedHeaders=..., Signature=...}), separated by commas or spaces. One pass over the header
     * without a regular expression: this runs on every call, and splitting with one cost a sixth
     * of the server's CPU time under load.
     */
    static Map<String, String> parts(String authorization) {
        Map<String, String> parts = new HashMap<>();
        int length = authorization.length();
        int start = 0;
        boolean scheme = true;
        for (int i = 0; i <= length; i++) {
            if (i == length || authorization.charAt(i) == ',' || authorization.charAt(i) == ' ') {
                if (scheme) {
                    scheme = false;
                } else if (i > start) {
                    int equals = authorization.indexOf('=', start);
                    if (equals < 0 || equals >= i) {
                        parts.put(authorization.substring(start, i), "");
                    } else if (equals > start) {
                        parts.put(authorization.substring(start, equals), authorization.substring(equals + 1, i));
                    }
                }
                start = i + 1;
            }
        }
        return parts;
    }
}
