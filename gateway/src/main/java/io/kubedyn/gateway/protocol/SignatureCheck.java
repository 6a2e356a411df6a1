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
import java.util.concurrent.ConcurrentHashMap;
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
    private static final ThreadLocal<KeyedMac> SIGNING_MACS = ThreadLocal.withInitial(KeyedMac::new);
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
     * What each credential scope ({@code id/day/region/service/aws4_request}) signs with: its parts
     * and its signing key, the key four HMACs of the secret. A client signs a day's calls with one
     * credential, so this saves the split and the HMACs on every call. Dropped whole when it grows
     * past a bound; an entry is used only while its secret is still the access key's.
     */
    private final Map<String, Scope> scopes = new ConcurrentHashMap<>();
    /** The last date text parsed, and its instant (see {@link #signedAt}). */
    private volatile ParsedDate lastDate;

    public SignatureCheck(AccessKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * One call as it arrived: what its signature covers. {@code authorization}: the Authorization
     * header's parts as {@link SignaturePresence#check} read them (null: read them here, or the
     * call is signed in its query string).
     */
    public record Call(
            String method,
            String path,
            List<Map.Entry<String, String>> query,
            Function<String, List<String>> headers,
            byte[] body,
            Map<String, String> authorization) {
        public Call(
                String method,
                String path,
                List<Map.Entry<String, String>> query,
                Function<String, List<String>> headers,
                byte[] body) {
            this(method, path, query, headers, body, null);
        }
    }

    /** A credential's scope and the key derived for it from {@code secret}. */
    private record Scope(String accessKey, String day, String region, String service, String secret, byte[] key) {
        String text() {
            return day + "/" + region + "/" + service + "/aws4_request";
        }
    }

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
            parts = call.authorization() != null ? call.authorization() : SignaturePresence.parts(authorization.trim());
            String header = first(call.headers().apply("X-Amz-Date"));
            amzDate = header != null ? header : first(call.headers().apply("Date"));
        }
        Scope scope = scope(parts.get("Credential"));
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
        String canonical = canonicalRequest(call, parts.get("SignedHeaders"), presigned);
        String toSign = ALGORITHM + "\n" + amzDate + "\n" + scope.text() + "\n"
                + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] expected = hex(sign(scope.key(), toSign)).getBytes(StandardCharsets.US_ASCII);
        byte[] given = parts.get("Signature").getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new DynamoDbException(DynamoDbError.INVALID_SIGNATURE, MISMATCH);
        }
        return scope.accessKey();
    }

    /**
     * The scope a credential names and its signing key, refused in DynamoDB's words when the
     * credential is malformed or its access key unknown.
     */
    private Scope scope(String credential) {
        Scope known = scopes.get(credential);
        if (known != null) {
            String secret = keys.secretOf(known.accessKey()).orElse(null);
            if (known.secret().equals(secret)) {
                return known;
            }
        }
        String[] part = credential.split("/");
        if (part.length != 5 || !part[4].equals("aws4_request")) {
            throw new DynamoDbException(
                    DynamoDbError.INCOMPLETE_SIGNATURE,
                    "Credential should be scoped to a valid " + "region, not '" + (part.length > 2 ? part[2] : "")
                            + "'. ");
        }
        String secret = keys.secretOf(part[0])
                .orElseThrow(() -> new DynamoDbException(
                        DynamoDbError.UNRECOGNIZED_CLIENT, "The security token included in the request is invalid."));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), part[1]);
        key = hmac(key, part[2]);
        key = hmac(key, part[3]);
        key = hmac(key, "aws4_request");
        if (scopes.size() >= MAX_SIGNING_KEYS) {
            scopes.clear();
        }
        Scope scope = new Scope(part[0], part[1], part[2], part[3], secret, key);
        scopes.put(credential, scope);
        return scope;
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
        StringBuilder out = new StringBuilder(512);
        out.append(call.method()).append('\n');
        String path = call.path();
        out.append(path == null || path.isEmpty() || path.equals("/") ? "/" : encodePath(path))
                .append('\n');
        if (!call.query().isEmpty()) {
            List<String> query = new ArrayList<>();
            for (Map.Entry<String, String> parameter : call.query()) {
                if (!(presigned && parameter.getKey().equals("X-Amz-Signature"))) {
                    query.add(encode(parameter.getKey()) + "="
                            + encode(parameter.getValue() == null ? "" : parameter.getValue()));
                }
            }
            query.sort(null);
            out.append(String.join("&", query));
        }
        out.append('\n');
        int start = 0;
        while (start < signedHeaders.length()) {
            int end = signedHeaders.indexOf(';', start);
            if (end < 0) {
                end = signedHeaders.length();
            }
            String name = signedHeaders.substring(start, end);
            out.append(name.toLowerCase(Locale.ROOT)).append(':');
            List<String> values = call.headers().apply(name);
            if (values != null) {
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    appendCollapsed(out, values.get(i).trim());
                }
            }
            out.append('\n');
            start = end + 1;
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
    private static void appendCollapsed(StringBuilder out, String value) {
        if (value.indexOf("  ") < 0) {
            out.append(value);
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != ' ' || i == 0 || value.charAt(i - 1) != ' ') {
                out.append(c);
            }
        }
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

    /**
     * The HMAC of {@code data} under a signing key. Each thread's Mac stays initialised with the
     * last key it signed with (one per client and day), so a call pays no key set-up.
     */
    private static byte[] sign(byte[] key, String data) {
        KeyedMac keyed = SIGNING_MACS.get();
        if (keyed.key != key) {
            try {
                keyed.mac.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            keyed.key = key;
        }
        return keyed.mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static final class KeyedMac {
        private final Mac mac;
        private byte[] key;

        KeyedMac() {
            try {
                mac = Mac.getInstance("HmacSHA256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
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
