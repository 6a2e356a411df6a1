package io.kubedyn.gateway.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ResourceArns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What each access key may do: per access key id, an IAM identity policy's statements
 * ({@code Effect} Allow or Deny, {@code Action} as DynamoDB's IAM actions, {@code Resource} as
 * ARNs, both with IAM's {@code *} and {@code ?} wildcards), evaluated as IAM evaluates them: an
 * explicit Deny wins, else an Allow is needed. A key the file does not name may do everything,
 * so the admin key needs no entry.
 *
 * <pre>{@code
 * {"AKIDREADER": {"Statement": [{"Effect": "Allow",
 *     "Action": ["dynamodb:GetItem", "dynamodb:Query"],
 *     "Resource": ["arn:aws:dynamodb:*:*:table/Music", "arn:aws:dynamodb:*:*:table/Music/index/*"]}]}}
 * }</pre>
 *
 * <p>Read again when the file changes ({@link WatchedFile}); without the file, every key may do
 * everything. Conditions, {@code NotAction} and {@code NotResource} are refused when the file is
 * read, not ignored.
 */
public final class AccessPolicy {

    /** One action a call takes on one resource: {@code GetItem} on a table's ARN, say. */
    public record Access(String action, String resource) {}

    private record Statement(boolean allow, List<Pattern> actions, List<Pattern> resources) {
        boolean covers(String action, String resource) {
            return actions.stream().anyMatch(a -> a.matcher(action).matches())
                    && resources.stream().anyMatch(r -> r.matcher(resource).matches());
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> STATEMENT_MEMBERS = Set.of("Sid", "Effect", "Action", "Resource");
    private static final String CALLER = "arn:aws:iam::" + ResourceArns.ACCOUNT + ":user/";

    private final WatchedFile<Map<String, List<Statement>>> policies;

    public AccessPolicy(Path file) {
        this.policies = new WatchedFile<>(file, AccessPolicy::read, Map.of());
    }

    /**
     * Throws DynamoDB's AccessDeniedException, worded as AWS words it, for the first access the
     * key may not take; nothing for a key the policy does not name.
     */
    public void authorize(String accessKeyId, List<Access> accesses) {
        List<Statement> statements = policies.current().get(accessKeyId);
        if (statements == null) {
            return;
        }
        for (Access access : accesses) {
            String action = "dynamodb:" + access.action();
            boolean allowed = false;
            for (Statement statement : statements) {
                if (statement.covers(action, access.resource())) {
                    if (!statement.allow()) {
                        throw denied(
                                accessKeyId,
                                action,
                                access.resource(),
                                "with an explicit deny in an identity-based policy");
                    }
                    allowed = true;
                }
            }
            if (!allowed) {
                throw denied(
                        accessKeyId,
                        action,
                        access.resource(),
                        "because no identity-based policy allows the " + action + " action");
            }
        }
    }

    private static DynamoDbException denied(String key, String action, String resource, String why) {
        return new DynamoDbException(
                DynamoDbError.ACCESS_DENIED,
                "User: " + CALLER + key + " is not authorized to perform: " + action + " on resource: " + resource + " "
                        + why);
    }

    /** The policies of a file; IllegalArgumentException, naming the fault, for one that is not. */
    static Map<String, List<Statement>> read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the access policy in " + file, e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected an object of access key ids");
        }
        Map<String, List<Statement>> policies = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> keys = root.fields(); keys.hasNext(); ) {
            Map.Entry<String, JsonNode> key = keys.next();
            String where = file + ": " + key.getKey();
            JsonNode statements = key.getValue().get("Statement");
            if (statements == null) {
                throw new IllegalArgumentException(where + " has no Statement");
            }
            List<Statement> parsed = new ArrayList<>();
            for (JsonNode statement :
                    statements.isArray() ? statements : JSON.createArrayNode().add(statements)) {
                parsed.add(statement(statement, where));
            }
            policies.put(key.getKey(), List.copyOf(parsed));
        }
        return Map.copyOf(policies);
    }

    private static Statement statement(JsonNode statement, String where) {
        statement.fieldNames().forEachRemaining(member -> {
            if (!STATEMENT_MEMBERS.contains(member)) {
                throw new IllegalArgumentException(where + ": a statement's " + member
                        + " is not supported (only Effect, Action and Resource are)");
            }
        });
        String effect = statement.path("Effect").asText("");
        if (!effect.equals("Allow") && !effect.equals("Deny")) {
            throw new IllegalArgumentException(where + ": Effect must be Allow or Deny, not '" + effect + "'");
        }
        // IAM matches action names ignoring case, resources exactly.
        return new Statement(
                effect.equals("Allow"),
                patterns(statement.get("Action"), where, "Action", true),
                patterns(statement.get("Resource"), where, "Resource", false));
    }

    private static List<Pattern> patterns(JsonNode node, String where, String member, boolean ignoreCase) {
        if (node == null || !(node.isTextual() || node.isArray()) || node.isEmpty() && node.isArray()) {
            throw new IllegalArgumentException(where + ": " + member + " must be a string or a list of strings");
        }
        List<Pattern> patterns = new ArrayList<>();
        for (JsonNode value : node.isArray() ? node : JSON.createArrayNode().add(node)) {
            if (!value.isTextual()) {
                throw new IllegalArgumentException(where + ": " + member + " must be a string or a list of strings");
            }
            patterns.add(wildcard(value.textValue(), ignoreCase));
        }
        return List.copyOf(patterns);
    }

    /** IAM's wildcards: {@code *} for any run of characters, {@code ?} for one. */
    private static Pattern wildcard(String text, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    }
}
