package io.kubedyn.gateway.protocol;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a call's AWS Signature Version 4 against the secret of its access key, as DynamoDB
 * does: in the Authorization header or the query string (presigned), over the headers the
 * client says it signed and the body's SHA-256, with the date no more than 15 minutes off.
 *
 * <p>Written here rather than taken from the AWS SDK's signer: the SDK's signer chooses itself
 * which headers to sign, while a check must sign exactly the headers the client listed in
 * SignedHeaders, whatever client it was (the tests sign with the SDK's own signer).
 */
public final class SignatureCheck {
    public static final Duration SKEW = Duration.ofMinutes(15);
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String MISMATCH = "The request signature we calculated does not match the signature you "
            + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for "
            + "details.";

    private static final int MAX_SIGNING_KEYS = 1024;
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    private final AccessKeys keys;
    private final Clock clock;
    /**
     * Signing keys by access key, secret and scope (a day, region and service): four HMACs saved
     * per call, as a client signs with one key a day. Dropped whole when it grows past a bound.
     */
    private final java.util.Map<String, byte[]> signingKeys = new java.util.concurrent.ConcurrentHashMap<>();
    /** The last date text parsed, and its instant (see {@link #signedAt}). */
    private volatile ParsedDate lastDate;

    public SignatureCheck(AccessKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** One call as it arrived: what its signature covers. */
    public record Call(
            String method,
            String path,
            List<Map.Entry<String, String>> query,
            Function<String, List<String>> headers,
            byte[] body) {}

    /**
     * Throws DynamoDB's error unless the call is signed with a known access key's secret. The
     * signature's presence and completeness were checked before ({@link SignaturePresence}).
     *
     * @return the access key id the call is signed with
     */
    public String verify(Call call) {
        String authorization = first(call.headers().apply("Authorization"));
        boolean presigned = authorization == null;
        Map<String, String> parts;
        String amzDate;
        if (presigned) {
            parts = Map.of(
                    "Credential",
                    queryValue(call, "X-Amz-Credential"),
                    "SignedHeaders",
                    queryValue(call, "X-Amz-SignedHeaders"),
                    "Signature",
                    queryValue(call, "X-Amz-Signature"));
            amzDate = queryValue(call, "X-Amz-Date");
        } else {
            parts = SignaturePresence.parts(authorization.trim());
            String header = first(call.headers().apply("X-Amz-Date"));
            amzDate = header != null ? header : first(call.headers().apply("Date"));
        }
        String[] credential = parts.get("Credential").split("/");
        if (credential.length != 5 || !credential[4].equals("aws4_request")) {
            throw new DynamoDbException(
                    DynamoDbError.INCOMPLETE_SIGNATURE,
                    "Credential should be scoped to a valid " + "region, not '"
                            + (credential.length > 2 ? credential[2] : "") + "'. ");
        }
        String secret = keys.secretOf(credential[0])
                .orElseThrow(() -> new DynamoDbException(
                        DynamoDbError.UNRECOGNIZED_CLIENT, "The security token included in the request is invalid."));
        Instant signedAt = signedAt(amzDate);
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(SKEW))) {
            throw new DynamoDbException(
                    DynamoDbError.INVALID_SIGNATURE,
                    "Signature expired: " + AMZ_DATE.format(signedAt)
                            + " is now earlier than " + AMZ_DATE.format(now.minus(SKEW)) + " (" + AMZ_DATE.format(now)
                            + " - 15 min.)");
        }
        if (signedAt.isAfter(now.plus(SKEW))) {
            throw new DynamoDbException(
                    DynamoDbError.INVALID_SIGNATURE,
                    "Signature not yet current: "
                            + AMZ_DATE.format(signedAt) + " is still later than " + AMZ_DATE.format(now.plus(SKEW))
                            + " ("
                            + AMZ_DATE.format(now) + " + 15 min.)");
        }
        if (presigned) {
            String expires = queryValue(call, "X-Amz-Expires");
            if (!expires.isEmpty()
                    && signedAt.plusSeconds(parseSeconds(expires)).isBefore(now)) {
                throw new DynamoDbException(
                        DynamoDbError.INVALID_SIGNATURE,
                        "Signature expired: "
                                + AMZ_DATE.format(signedAt.plusSeconds(parseSeconds(expires))) + " is now earlier than "
                                + AMZ_DATE.format(now));
            }
        }
        String scope = credential[1] + "/" + credential[2] + "/" + credential[3] + "/aws4_request";
        String canonical = canonicalRequest(call, parts.get("SignedHeaders"), presigned);
        String toSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = signingKeys.computeIfAbsent(credential[0] + "\n" + secret + "\n" + scope, k -> {
            if (signingKeys.size() > MAX_SIGNING_KEYS) {
                signingKeys.clear();
            }
            byte[] derived = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), credential[1]);
            derived = hmac(derived, credential[2]);
            derived = hmac(derived, credential[3]);
            return hmac(derived, "aws4_request");
        });
        byte[] expected = hex(hmac(key, toSign)).getBytes(StandardCharsets.US_ASCII);
        byte[] given = parts.get("Signature").getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new DynamoDbException(DynamoDbError.INVALID_SIGNATURE, MISMATCH);
        }
        return credential[0];
    }

    /**
     * The date a call was signed at. Clients send the same date text for a whole second, so the
     * last one parsed is kept: parsing with a {@code DateTimeFormatter} was a fifth of a check's
     * CPU.
     */
    private Instant signedAt(String date) {
        ParsedDate last = lastDate;
        if (last != null && last.text().equals(date)) {
            return last.at();
        }
        Instant at = instant(date);
        lastDate = new ParsedDate(date, at);
        return at;
    }

    private record ParsedDate(String text, Instant at) {}

    private String canonicalRequest(Call call, String signedHeaders, boolean presigned) {
        StringBuilder out = new StringBuilder(256);
        out.append(call.method()).append('\n');
        out.append(call.path() == null || call.path().isEmpty() ? "/" : encodePath(call.path()))
                .append('\n');
        List<String> query = new ArrayList<>();
        for (Map.Entry<String, String> parameter : call.query()) {
            if (!(presigned && parameter.getKey().equals("X-Amz-Signature"))) {
                query.add(encode(parameter.getKey()) + "="
                        + encode(parameter.getValue() == null ? "" : parameter.getValue()));
            }
        }
        query.sort(null);
        out.append(String.join("&", query)).append('\n');
        for (String name : signedHeaders.split(";")) {
            List<String> values = call.headers().apply(name);
            List<String> trimmed = new ArrayList<>();
            if (values != null) {
                values.forEach(v -> trimmed.add(collapseSpaces(v.trim())));
            }
            out.append(name.toLowerCase(Locale.ROOT))
                    .append(':')
                    .append(String.join(",", trimmed))
                    .append('\n');
        }
        out.append('\n').append(signedHeaders).append('\n');
        String declared = first(call.headers().apply("X-Amz-Content-Sha256"));
        String bodyHash = hex(sha256(call.body()));
        if (declared != null && !declared.equals("UNSIGNED-PAYLOAD") && !declared.equals(bodyHash)) {
            throw new DynamoDbException(
                    DynamoDbError.INVALID_SIGNATURE,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        out.append(declared != null ? declared : bodyHash);
        return out.toString();
    }

    /** A header value with each run of spaces made one, as SigV4's canonical headers want it. */
    private static String collapseSpaces(String value) {
        if (value.indexOf("  ") < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != ' ' || out.length() == 0 || out.charAt(out.length() - 1) != ' ') {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String queryValue(Call call, String name) {
        for (Map.Entry<String, String> parameter : call.query()) {
            if (parameter.getKey().equals(name)) {
                return parameter.getValue() == null ? "" : parameter.getValue();
            }
        }
        return "";
    }

    private static long parseSeconds(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new DynamoDbException(
                    DynamoDbError.INCOMPLETE_SIGNATURE, "X-Amz-Expires must be a number of seconds");
        }
    }

    private static Instant instant(String date) {
        try {
            return ZonedDateTime.parse(date, AMZ_DATE).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
            } catch (DateTimeParseException again) {
                throw new DynamoDbException(
                        DynamoDbError.INCOMPLETE_SIGNATURE,
                        "Date must be in ISO-8601 'basic format'. " + "Got '" + date
                                + "'. See http://en.wikipedia.org/wiki/ISO_8601");
            }
        }
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX. */
    static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** Each segment of a path encoded twice, as SigV4 wants it for every service but S3. */
    private static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (out.length() > 0 || path.startsWith("/")) {
                out.append('/');
            }
            out.append(encode(encode(segment)));
        }
        String encoded = out.toString();
        return encoded.startsWith("//") ? encoded.substring(1) : encoded;
    }

    private static byte[] sha256(byte[] bytes) {
        return DIGESTS.get().digest(bytes);
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = MACS.get();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
