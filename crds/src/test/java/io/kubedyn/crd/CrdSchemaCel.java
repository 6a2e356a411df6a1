package io.kubedyn.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableMap;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelStringExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.Program;
import dev.cel.validator.CelValidator;
import dev.cel.validator.CelValidatorFactory;
import dev.cel.validator.validators.DurationLiteralValidator;
import dev.cel.validator.validators.RegexLiteralValidator;
import dev.cel.validator.validators.TimestampLiteralValidator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CEL side of a CustomResourceDefinition's structural schema, as the Kubernetes API server
 * has it, reproduced with cel-java (dev.cel:cel): the type of {@code self} at a schema node, the
 * CEL value of a JSON value at that node, and a rule compiled in an environment like the API
 * server's.
 *
 * <p>Types follow the API server's SchemaDeclType (k8s.io/apiserver/pkg/cel/common): string is
 * string (bytes for format byte, timestamp for date and date-time, duration for duration),
 * integer is int, number is double, boolean is bool, array is list(T), an object with
 * additionalProperties is map(string, T), and an object otherwise is a structural object type
 * whose fields are its properties, each typed the same way (a cel-java {@link StructType} served
 * by a {@link CelTypeProvider}), so {@code self.noSuchField} does not compile and
 * {@code self.shards == 'x'} does not type-check. x-kubernetes-int-or-string is dyn.
 * x-kubernetes-preserve-unknown-fields changes nothing, as on the API server: an object keeps the
 * fields its properties declare and unknown fields are not visible to rules; a node with no type
 * at all (preserve-unknown-fields alone) has no CEL type, so it is not a field of its parent and a
 * rule on it is refused. Property names are escaped as the API server escapes them ({@code x-y}
 * is {@code x__dash__y}, {@code namespace} is {@code __namespace__}); names that cannot be
 * escaped are left out. The root of the resource (and an x-kubernetes-embedded-resource) always
 * has apiVersion, kind, metadata.name and metadata.generateName, and no other metadata.
 *
 * <p>Values are the JSON-like Java values Jackson reads (maps, lists, strings, numbers,
 * booleans); a struct value is the map of its known, escaped fields, which cel-java selects fields
 * from. The environment has what cel-go offers the API server and cel-java has too: the standard
 * library and macros, cross-type numeric comparisons, homogeneous aggregate literals, optional
 * types, the strings (but format) and sets extensions, two-variable comprehensions, and the
 * regex, duration and timestamp literal validators (regexes are checked with java.util.regex,
 * not RE2). The Kubernetes-specific libraries (quantity, url, ip, cidr, format, semver, authz,
 * image and Kubernetes' list functions such as isSorted and sum) have no cel-java counterpart: a
 * rule that calls them does not compile here, and the message says so. Nor is the API server's
 * cost estimate reproduced (a rule over an unbounded list may be refused there for its cost).
 *
 * <p>The environment is a current API server's (1.32 and later). Older ones lack some of it:
 * optional types and cross-type numeric comparisons before 1.28, sets and the literal
 * validators before 1.29, two-variable comprehensions before 1.32; docs/deploy.md promises 1.25,
 * so keep rules to the standard library unless that changes.
 */
final class CrdSchemaCel {

    /** The name the API server gives the value a rule validates. */
    static final String SELF = "self";

    /** The name of the value at the same path before an update, in transition rules. */
    static final String OLD_SELF = "oldSelf";

    private static final Set<String> CEL_RESERVED = Set.of(
            "true",
            "false",
            "null",
            "in",
            "as",
            "break",
            "const",
            "continue",
            "else",
            "for",
            "function",
            "if",
            "import",
            "let",
            "loop",
            "package",
            "namespace",
            "return",
            "var",
            "void",
            "while");

    private static final Pattern ESCAPED = Pattern.compile("__|[-./]");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .enableHomogeneousLiterals(true)
            .build();

    /**
     * The strings library as the API server has it (cel-go's strings version 2): all of cel-java's
     * but reverse, which came with version 3. cel-java has no format.
     */
    private static final CelStringExtensions STRINGS = CelExtensions.strings(
            CelStringExtensions.Function.CHAR_AT,
            CelStringExtensions.Function.INDEX_OF,
            CelStringExtensions.Function.JOIN,
            CelStringExtensions.Function.LAST_INDEX_OF,
            CelStringExtensions.Function.LOWER_ASCII,
            CelStringExtensions.Function.QUOTE,
            CelStringExtensions.Function.REPLACE,
            CelStringExtensions.Function.SPLIT,
            CelStringExtensions.Function.SUBSTRING,
            CelStringExtensions.Function.TRIM,
            CelStringExtensions.Function.UPPER_ASCII);

    // The planner, cel-java's newer runtime, which its factory recommends over the legacy one.
    private static final CelRuntime RUNTIME = CelRuntimeFactory.plannerRuntimeBuilder()
            .setOptions(OPTIONS)
            .addLibraries(
                    STRINGS, CelExtensions.sets(OPTIONS), CelExtensions.optional(), CelExtensions.comprehensions())
            .build();

    private int declarations;

    /** The CEL type of {@code self} at a schema node, with the object types it refers to. */
    record Declaration(CelType type, CelTypeProvider types) {}

    /**
     * A rule compiled as the API server compiles it when the CRD is created.
     *
     * @param usesOldSelf whether the rule is a transition rule: the API server evaluates it only on
     *     an update whose old object has a value at the rule's path (unless optionalOldSelf)
     */
    record CompiledRule(CrdRule rule, Program program, Optional<Program> messageExpression, boolean usesOldSelf) {

        boolean optionalOldSelf() {
            return Boolean.TRUE.equals(rule.rule().getOptionalOldSelf());
        }
    }

    /** A rule the API server would refuse, and so refuse the CRD: the message says why. */
    static final class RuleDoesNotCompile extends RuntimeException {
        RuleDoesNotCompile(CrdRule rule, String why) {
            super("x-kubernetes-validations rule at " + rule.key() + " does not compile, so the API"
                    + " server refuses the CRD: " + why);
        }
    }

    /**
     * The type of {@code self} at {@code node}, or empty where the API server gives the node no
     * CEL type (and so refuses rules on it).
     */
    Optional<Declaration> declare(JSONSchemaProps node, boolean resourceRoot) {
        Map<String, CelType> structs = new LinkedHashMap<>();
        CelType type = declType(node, "selfType" + declarations++, resourceRoot, structs);
        if (type == null) {
            return Optional.empty();
        }
        ImmutableMap<String, CelType> all = ImmutableMap.copyOf(structs);
        return Optional.of(new Declaration(type, new CelTypeProvider() {
            @Override
            public ImmutableCollection<CelType> types() {
                return all.values();
            }

            @Override
            public Optional<CelType> findType(String typeName) {
                return Optional.ofNullable(all.get(typeName));
            }
        }));
    }

    /**
     * Compiles a rule (and its messageExpression) as the API server does when the CRD is created,
     * or throws {@link RuleDoesNotCompile} with the compiler's message.
     */
    CompiledRule compile(CrdRule rule) {
        String expression = rule.rule().getRule();
        if (expression == null || expression.isBlank()) {
            throw new RuleDoesNotCompile(rule, "rule is empty");
        }
        String message = rule.rule().getMessage();
        if (message != null && (message.isBlank() || message.contains("\n"))) {
            throw new RuleDoesNotCompile(rule, "message must be non-empty and on one line");
        }
        Declaration self = declare(rule.node(), rule.resourceRoot())
                .orElseThrow(() -> new RuleDoesNotCompile(
                        rule, "the schema node has no CEL type (no type, and not" + " x-kubernetes-int-or-string)"));
        boolean optionalOldSelf = Boolean.TRUE.equals(rule.rule().getOptionalOldSelf());
        CelCompiler compiler = compiler(self, optionalOldSelf ? OptionalType.create(self.type()) : self.type());
        CelAbstractSyntaxTree ast = check(rule, compiler, expression, "rule");
        if (!ast.getResultType().equals(SimpleType.BOOL)) {
            throw new RuleDoesNotCompile(
                    rule,
                    "cel expression must evaluate to a bool, not "
                            + ast.getResultType().name());
        }
        boolean usesOldSelf =
                ast.getReferenceMap().values().stream().map(CelReference::name).anyMatch(OLD_SELF::equals);
        if (usesOldSelf && !rule.correlatable()) {
            throw new RuleDoesNotCompile(
                    rule,
                    "oldSelf cannot be used on the uncorrelatable portion of"
                            + " the schema (below the items of a list that is not x-kubernetes-list-type: map)");
        }
        if (optionalOldSelf && !usesOldSelf) {
            throw new RuleDoesNotCompile(rule, "optionalOldSelf may only be set when the rule uses" + " oldSelf");
        }
        Optional<Program> messageExpression = Optional.empty();
        String messageSource = rule.rule().getMessageExpression();
        if (messageSource != null) {
            // The API server evaluates messageExpression with oldSelf as a plain (not optional) value.
            CelAbstractSyntaxTree messageAst =
                    check(rule, compiler(self, self.type()), messageSource, "messageExpression");
            if (!messageAst.getResultType().equals(SimpleType.STRING)) {
                throw new RuleDoesNotCompile(
                        rule,
                        "messageExpression must evaluate to a string, not "
                                + messageAst.getResultType().name());
            }
            messageExpression = Optional.of(program(messageAst));
        }
        return new CompiledRule(rule, program(ast), messageExpression, usesOldSelf);
    }

    private static CelCompiler compiler(Declaration self, CelType oldSelfType) {
        return CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addLibraries(
                        STRINGS, CelExtensions.sets(OPTIONS), CelExtensions.optional(), CelExtensions.comprehensions())
                .setTypeProvider(self.types())
                .addVar(SELF, self.type())
                .addVar(OLD_SELF, oldSelfType)
                .build();
    }

    private static CelAbstractSyntaxTree check(CrdRule rule, CelCompiler compiler, String source, String what) {
        CelValidationResult compiled = compiler.compile(source);
        if (!compiled.hasError()) {
            // The literal checks the API server adds (cel.ValidateRegexLiterals and friends).
            CelValidator validator = CelValidatorFactory.standardCelValidatorBuilder(compiler, RUNTIME)
                    .addAstValidators(
                            RegexLiteralValidator.INSTANCE,
                            DurationLiteralValidator.INSTANCE,
                            TimestampLiteralValidator.INSTANCE)
                    .build();
            try {
                compiled = validator.validate(compiled.getAst());
            } catch (CelValidationException e) {
                throw new RuleDoesNotCompile(rule, what + " " + source + ": " + e.getMessage());
            }
        }
        if (compiled.hasError()) {
            throw new RuleDoesNotCompile(
                    rule,
                    (what.equals("rule") ? "" : what + " " + source + ": ")
                            + "compilation failed: " + compiled.getErrorString()
                            + kubernetesLibraryHint(compiled.getErrorString()));
        }
        try {
            return compiled.getAst();
        } catch (CelValidationException e) {
            throw new RuleDoesNotCompile(rule, what + " " + source + ": " + e.getMessage());
        }
    }

    private static String kubernetesLibraryHint(String error) {
        return error.contains("undeclared reference")
                ? " (if the function is one of Kubernetes' own CEL libraries, such as quantity(), url(),"
                        + " ip(), isSorted() or sum(), cel-java does not have it: CrdSchemaCel cannot check"
                        + " such a rule)"
                : "";
    }

    private static Program program(CelAbstractSyntaxTree ast) {
        try {
            return RUNTIME.createProgram(ast);
        } catch (CelEvaluationException e) {
            throw new IllegalStateException("cel-java could not plan a checked expression", e);
        }
    }

    /** The API server's SchemaDeclType: see the class comment. Null where the node has no type. */
    private static CelType declType(
            JSONSchemaProps node, String name, boolean resourceRoot, Map<String, CelType> structs) {
        if (node == null) {
            return null;
        }
        if (Boolean.TRUE.equals(node.getXKubernetesIntOrString())) {
            return SimpleType.DYN;
        }
        JSONSchemaProps s = resourceRoot ? withTypeAndObjectMeta(node) : node;
        String type = s.getType() == null ? "" : s.getType();
        switch (type) {
            case "array": {
                if (s.getItems() == null || s.getItems().getSchema() == null) {
                    return null;
                }
                JSONSchemaProps items = s.getItems().getSchema();
                CelType itemType = declType(items, name + ".@idx", CrdRule.embedded(items), structs);
                return itemType == null ? null : ListType.create(itemType);
            }
            case "object": {
                if (s.getAdditionalProperties() != null
                        && s.getAdditionalProperties().getSchema() != null) {
                    JSONSchemaProps values = s.getAdditionalProperties().getSchema();
                    CelType valueType = declType(values, name + ".@elem", CrdRule.embedded(values), structs);
                    return valueType == null ? null : MapType.create(SimpleType.STRING, valueType);
                }
                Map<String, CelType> fields = new TreeMap<>();
                properties(s).forEach((property, schema) -> {
                    Optional<String> field = escape(property);
                    CelType fieldType =
                            declType(schema, name + "." + field.orElse(property), CrdRule.embedded(schema), structs);
                    if (field.isPresent() && fieldType != null) {
                        fields.put(field.get(), fieldType);
                    }
                });
                ImmutableMap<String, CelType> fieldTypes = ImmutableMap.copyOf(fields);
                StructType struct = StructType.create(
                        name, fieldTypes.keySet(), field -> Optional.ofNullable(fieldTypes.get(field)));
                structs.put(name, struct);
                return struct;
            }
            case "string":
                switch (s.getFormat() == null ? "" : s.getFormat()) {
                    case "byte":
                        return SimpleType.BYTES;
                    case "duration":
                        return SimpleType.DURATION;
                    case "date":
                    case "date-time":
                        return SimpleType.TIMESTAMP;
                    default:
                        return SimpleType.STRING;
                }
            case "boolean":
                return SimpleType.BOOL;
            case "number":
                return SimpleType.DOUBLE;
            case "integer":
                return SimpleType.INT;
            default:
                return null;
        }
    }

    /**
     * The CEL value of a JSON value at a schema node: what {@code self} is bound to. Null for a
     * null or absent value.
     */
    static Object value(Object json, JSONSchemaProps node, boolean resourceRoot) {
        if (json == null || node == null) {
            return null;
        }
        if (Boolean.TRUE.equals(node.getXKubernetesIntOrString())) {
            return json instanceof Number n ? integer(n) : json;
        }
        JSONSchemaProps s = resourceRoot ? withTypeAndObjectMeta(node) : node;
        String type = s.getType() == null ? "" : s.getType();
        switch (type) {
            case "array": {
                JSONSchemaProps items =
                        s.getItems() == null ? null : s.getItems().getSchema();
                List<Object> list = new ArrayList<>();
                for (Object item : (List<?>) json) {
                    Object v = value(item, items, CrdRule.embedded(items));
                    list.add(v == null ? NullValue.NULL_VALUE : v);
                }
                return list;
            }
            case "object": {
                Map<?, ?> object = (Map<?, ?>) json;
                Map<String, Object> map = new LinkedHashMap<>();
                if (s.getAdditionalProperties() != null
                        && s.getAdditionalProperties().getSchema() != null) {
                    JSONSchemaProps values = s.getAdditionalProperties().getSchema();
                    object.forEach((k, v) -> {
                        Object value = value(v, values, CrdRule.embedded(values));
                        if (value != null) {
                            map.put((String) k, value);
                        }
                    });
                    return map;
                }
                properties(s).forEach((property, schema) -> {
                    Optional<String> field = escape(property);
                    Object value = value(object.get(property), schema, CrdRule.embedded(schema));
                    if (field.isPresent() && value != null && hasType(schema)) {
                        map.put(field.get(), value);
                    }
                });
                return map;
            }
            case "string": {
                String string = (String) json;
                switch (s.getFormat() == null ? "" : s.getFormat()) {
                    case "byte":
                        return CelByteString.of(Base64.getDecoder().decode(string));
                    case "date":
                        return LocalDate.parse(string)
                                .atStartOfDay(ZoneOffset.UTC)
                                .toInstant();
                    case "date-time":
                        return Instant.parse(string);
                    case "duration":
                        throw new UnsupportedOperationException("format: duration values are not converted"
                                + " to CEL yet (Go duration syntax): extend CrdSchemaCel.value");
                    default:
                        return string;
                }
            }
            case "boolean":
                return (Boolean) json;
            case "number":
                return ((Number) json).doubleValue();
            case "integer":
                return integer((Number) json);
            default:
                return null; // no CEL type, so not a field of its parent (see declType)
        }
    }

    /** Whether the API server gives the node a CEL type, and so a field in its parent's type. */
    private static boolean hasType(JSONSchemaProps node) {
        return declType(node, "t", CrdRule.embedded(node), new HashMap<>()) != null;
    }

    private static Long integer(Number n) {
        if (n instanceof BigInteger || n instanceof BigDecimal || n instanceof Double || n instanceof Float) {
            return new BigDecimal(n.toString()).longValueExact();
        }
        return n.longValue();
    }

    /**
     * The API server's defaulting, applied to a request's object and to the stored old object
     * before validation: a missing (or null, unless nullable) property whose schema has a default
     * gets it, in objects, list items and map values alike.
     */
    static Object withDefaults(Object json, JSONSchemaProps node) {
        if (json == null || node == null) {
            return json;
        }
        if (json instanceof List<?> list) {
            JSONSchemaProps items =
                    node.getItems() == null ? null : node.getItems().getSchema();
            List<Object> defaulted = new ArrayList<>();
            list.forEach(item -> defaulted.add(withDefaults(item, items)));
            return defaulted;
        }
        if (json instanceof Map<?, ?> object) {
            Map<String, Object> defaulted = new LinkedHashMap<>();
            object.forEach((k, v) -> defaulted.put((String) k, v));
            if (node.getAdditionalProperties() != null
                    && node.getAdditionalProperties().getSchema() != null) {
                JSONSchemaProps values = node.getAdditionalProperties().getSchema();
                defaulted.replaceAll((k, v) -> withDefaults(v, values));
            }
            properties(node).forEach((property, schema) -> {
                if (defaulted.get(property) == null
                        && schema.getDefault() != null
                        && !(defaulted.containsKey(property) && Boolean.TRUE.equals(schema.getNullable()))) {
                    defaulted.put(property, JSON.convertValue(schema.getDefault(), Object.class));
                }
                if (defaulted.containsKey(property)) {
                    defaulted.put(property, withDefaults(defaulted.get(property), schema));
                }
            });
            return defaulted;
        }
        return json;
    }

    /** A JSON value as plain Java maps, lists, strings, numbers and booleans. */
    static Object plain(JsonNode json) {
        return JSON.convertValue(json, Object.class);
    }

    /**
     * The API server's Escape: a property name as a CEL field name, or empty where the name
     * cannot be one (it is then not visible to rules).
     */
    static Optional<String> escape(String property) {
        if (property.isEmpty() || Character.isDigit(property.charAt(0)) || !property.matches("[a-zA-Z0-9_./-]*")) {
            return Optional.empty();
        }
        if (CEL_RESERVED.contains(property)) {
            return Optional.of("__" + property + "__");
        }
        Matcher m = ESCAPED.matcher(property);
        StringBuilder escaped = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(
                    escaped,
                    switch (m.group()) {
                        case "__" -> "__underscores__";
                        case "." -> "__dot__";
                        case "-" -> "__dash__";
                        default -> "__slash__";
                    });
        }
        m.appendTail(escaped);
        return Optional.of(escaped.toString());
    }

    private static boolean isType(JSONSchemaProps node, String type) {
        return node != null && type.equals(node.getType());
    }

    private static Map<String, JSONSchemaProps> properties(JSONSchemaProps node) {
        return node.getProperties() == null ? Map.of() : new TreeMap<>(node.getProperties());
    }

    /**
     * The API server's WithTypeAndObjectMeta: at the root of a resource, apiVersion, kind,
     * metadata.name and metadata.generateName are always there, and metadata has nothing else.
     */
    private static JSONSchemaProps withTypeAndObjectMeta(JSONSchemaProps node) {
        Map<String, JSONSchemaProps> declared = properties(node);
        JSONSchemaProps metadata = declared.get("metadata");
        if (isType(declared.get("kind"), "string")
                && isType(declared.get("apiVersion"), "string")
                && isType(metadata, "object")
                && isType(properties(metadata).get("name"), "string")
                && isType(properties(metadata).get("generateName"), "string")) {
            return node;
        }
        JSONSchemaProps string = new JSONSchemaPropsBuilder().withType("string").build();
        Map<String, JSONSchemaProps> properties = new HashMap<>(declared);
        properties.put("apiVersion", string);
        properties.put("kind", string);
        properties.put(
                "metadata",
                new JSONSchemaPropsBuilder()
                        .withType("object")
                        .withProperties(Map.of("name", string, "generateName", string))
                        .build());
        return new JSONSchemaPropsBuilder(node).withProperties(properties).build();
    }
}
