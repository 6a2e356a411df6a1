package io.kubedyn.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.Program;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart's ValidatingAdmissionPolicy that refuses to delete a protected Table: its CEL
 * expression compiled against the Table's schema (as {@code oldObject}, the object being
 * deleted) and evaluated on Tables with and without deletion protection.
 */
class DeletionProtectionPolicyTest {

    private static final Path POLICY = Path.of("..", "helm", "kubedyn", "templates", "deletion-protection.yaml");

    @Test
    void onlyATableWithDeletionProtectionEnabledCannotBeDeleted() throws Exception {
        Program policy = compiledPolicy();
        assertThat(allowsDeleting(policy, "{\"deletionProtectionEnabled\": true}"))
                .isFalse();
        assertThat(allowsDeleting(policy, "{\"deletionProtectionEnabled\": false}"))
                .isTrue();
        assertThat(allowsDeleting(policy, "{}"))
                .as("not set means not protected")
                .isTrue();
    }

    @Test
    void theRefusalSpeaksDynamoDbsWords() throws Exception {
        assertThat(Files.readString(POLICY))
                .contains("message: \"Resource cannot be deleted as it is"
                        + " currently protected against deletion. Disable deletion protection first.\"");
    }

    private static Program compiledPolicy() throws Exception {
        Matcher expression = Pattern.compile("- expression: \"([^\"]+)\"").matcher(Files.readString(POLICY));
        assertThat(expression.find()).as("the policy's validation expression").isTrue();
        CrdSchemaCel.Declaration table =
                new CrdSchemaCel().declare(schema(), true).orElseThrow();
        CelAbstractSyntaxTree ast = CelCompilerFactory.standardCelCompilerBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setTypeProvider(table.types())
                .addVar("oldObject", table.type())
                .build()
                .compile(expression.group(1))
                .getAst();
        assertThat(ast.getResultType()).isEqualTo(SimpleType.BOOL);
        return CelRuntimeFactory.plannerRuntimeBuilder().build().createProgram(ast);
    }

    private static boolean allowsDeleting(Program policy, String spec) throws Exception {
        Object json = new ObjectMapper()
                .readValue(
                        "{\"apiVersion\": \"kubedyn.io/v1alpha1\","
                                + " \"kind\": \"Table\", \"metadata\": {\"name\": \"music\"}, \"spec\": " + spec + "}",
                        Object.class);
        Object oldObject = CrdSchemaCel.value(json, schema(), true);
        return (Boolean) policy.eval(Map.of("oldObject", oldObject));
    }

    private static JSONSchemaProps schema() throws Exception {
        try (InputStream in =
                DeletionProtectionPolicyTest.class.getResourceAsStream("/META-INF/fabric8/tables.kubedyn.io-v1.yml")) {
            return Serialization.unmarshal(
                            new String(in.readAllBytes(), StandardCharsets.UTF_8), CustomResourceDefinition.class)
                    .getSpec()
                    .getVersions()
                    .get(0)
                    .getSchema()
                    .getOpenAPIV3Schema();
        }
    }
}
