package io.kubedyn.crd;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The case table of {@link CrdValidationRulesTest}: for each CRD rule, Tables it must allow and
 * Tables it must refuse, read from the YAML files in {@code src/test/resources/crd-rule-cases/}
 * (their format is in the README.md there).
 *
 * <p>Every case is a whole Table manifest: {@code table.yaml} with the case's {@code new} merged
 * into it as a JSON merge patch (RFC 7386: a map merges key by key, null removes a key, anything
 * else, lists included, replaces). A case with {@code old} is an update from {@code table.yaml}
 * merged with {@code old}; a case without it is a create.
 */
final class CrdRuleCases {

    static final String DIRECTORY = "crd-rule-cases";
    static final String BASE = "table.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * One case: a Table (and, for an update, the Table before it) that the rule at {@code path}
     * whose text is {@code rule} must allow or refuse.
     *
     * @param oldTable the Table before the update, or null for a create
     */
    record RuleCase(
            String file,
            String path,
            String rule,
            boolean allow,
            String name,
            Map<String, Object> oldTable,
            Map<String, Object> table) {

        String ruleKey() {
            return CrdRule.key(path, rule);
        }

        @Override
        public String toString() {
            return ruleKey() + (allow ? " allows " : " refuses ") + name + " (" + file + ")";
        }
    }

    /** The cases of one rule, as a case file has them. */
    record RuleCases(String path, String rule, List<Case> allow, List<Case> refuse) {}

    /** One case, as a case file has it: merge patches onto table.yaml. */
    record Case(
            String name,
            Map<String, Object> old,
            @JsonProperty("new") Map<String, Object> update) {}

    private CrdRuleCases() {}

    /** The Table every case starts from. */
    static Map<String, Object> base() {
        return read(directory().resolve(BASE), new TypeReference<>() {});
    }

    /** Every case of every file in the directory. */
    static List<RuleCase> load() {
        Path directory = directory();
        Map<String, Object> base = base();
        List<RuleCase> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals(BASE))
                    .sorted()
                    .toList()) {
                String name = DIRECTORY + "/" + file.getFileName();
                List<RuleCases> rules = read(file, new TypeReference<>() {});
                for (RuleCases rule : rules) {
                    if (rule.path() == null || rule.rule() == null) {
                        throw new IllegalArgumentException(name + ": every entry needs path and rule");
                    }
                    for (Case c : rule.allow() == null ? List.<Case>of() : rule.allow()) {
                        cases.add(ruleCase(name, rule, true, c, base));
                    }
                    for (Case c : rule.refuse() == null ? List.<Case>of() : rule.refuse()) {
                        cases.add(ruleCase(name, rule, false, c, base));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    private static RuleCase ruleCase(String file, RuleCases rule, boolean allow, Case c, Map<String, Object> base) {
        if (c.name() == null || c.update() == null) {
            throw new IllegalArgumentException(file + ": a case of " + CrdRule.key(rule.path(), rule.rule())
                    + " needs a name and new (a merge patch onto " + BASE + ", {} for none)");
        }
        return new RuleCase(
                file,
                rule.path(),
                rule.rule(),
                allow,
                c.name(),
                c.old() == null ? null : mergePatch(base, c.old()),
                mergePatch(base, c.update()));
    }

    /** RFC 7386 JSON merge patch of {@code patch} onto {@code target}, copying. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> mergePatch(Map<String, Object> target, Map<String, Object> patch) {
        Map<String, Object> merged = new LinkedHashMap<>(target);
        patch.forEach((key, value) -> {
            if (value == null) {
                merged.remove(key);
            } else if (value instanceof Map<?, ?> map) {
                Object current = merged.get(key);
                merged.put(key, mergePatch(current instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of(), (Map<
                                String, Object>)
                        map));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private static Path directory() {
        URL url = CrdRuleCases.class.getResource("/" + DIRECTORY + "/" + BASE);
        if (url == null) {
            throw new IllegalStateException("no " + DIRECTORY + "/" + BASE + " on the test class path");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(Path file, TypeReference<T> type) {
        try {
            return YAML.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DIRECTORY + "/" + file.getFileName(), e);
        }
    }
}
