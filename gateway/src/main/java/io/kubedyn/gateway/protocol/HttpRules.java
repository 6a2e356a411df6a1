package io.kubedyn.gateway.protocol;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The pipeline's HTTP step, as DynamoDB answers at the HTTP level: which content types a request
 * may carry (and the one its answer carries back), the answer to anything that is not a DynamoDB
 * call, the liveness answer to {@code GET /}, the request id's shape and CORS.
 */
public final class HttpRules {
    /** DynamoDB's largest request (a full BatchWriteItem) is 16 MB; anything larger is a 413. */
    public static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;
    /** The message of the 413 answered to a larger body. */
    public static final String TOO_LARGE =
            "Request size has exceeded the maximum allowed size of 16 MB (" + MAX_REQUEST_BYTES + " bytes)";
    /** What DynamoDB answers, with a 404, to a request that is not a DynamoDB call. */
    public static final String NOT_A_CALL = "<UnknownOperationException/>\n";
    /** DynamoDB's answer to {@code GET /}, which load balancers and clients use as a liveness check. */
    public static final String HEALTHY = "healthy: dynamodb.us-east-1.amazonaws.com ";
    /**
     * Answers larger than this go with chunked transfer encoding, in chunks of this size, as
     * DynamoDB sends its large answers: the connection carries them as the client takes them.
     */
    public static final int CHUNK_BYTES = 64 * 1024;
    /** How long a browser may keep a CORS preflight's answer, as DynamoDB says. */
    public static final String CORS_MAX_AGE = "172800";

    private static final String ID_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private HttpRules() {}

    /**
     * The content type of the answer to a request with this Content-Type: DynamoDB takes JSON as
     * {@code application/x-amz-json-1.0} or {@code application/json} (parameters after a {@code ;}
     * and spaces are ignored); empty for any other, which is not a DynamoDB call.
     */
    public static Optional<String> answerContentType(String contentType, boolean hasBody) {
        if (contentType == null) {
            // An empty request may come without a type.
            return hasBody ? Optional.empty() : Optional.of("application/json");
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
        if (type.equals("application/x-amz-json-1.0")) {
            return Optional.of(type);
        }
        return type.equals("application/json") || !hasBody ? Optional.of("application/json") : Optional.empty();
    }

    /**
     * The operation a request names in its {@code X-Amz-Target} headers: the one header's value,
     * or null without one. A header sent more than once is read as HTTP combines it, its values
     * joined by commas, which names no operation: the call is refused as unknown rather than run
     * as whichever copy a proxy on the way would have read.
     */
    public static String target(java.util.List<String> headers) {
        return switch (headers.size()) {
            case 0 -> null;
            case 1 -> headers.get(0);
            default -> String.join(",", headers);
        };
    }

    /** A request id of DynamoDB's shape: 52 characters of {@code 0-9A-Z}. */
    public static String requestId() {
        byte[] id = new byte[52];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long bits = 0;
        for (int i = 0; i < id.length; i++) {
            if (i % 10 == 0) {
                bits = random.nextLong() >>> 4;
            }
            // Six bits at a time, ten characters from each draw, folded onto the 36 characters.
            id[i] = (byte) ID_CHARACTERS.charAt((int) ((bits & 63) * ID_CHARACTERS.length() >>> 6));
            bits >>>= 6;
        }
        return new String(id, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
