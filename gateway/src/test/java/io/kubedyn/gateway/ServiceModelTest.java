package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.gateway.protocol.ServiceModel;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every operation served is read against DynamoDB's model, and every error the model declares for
 * them is either one kubedyn answers with DynamoDB's type, or one it has no cause to raise yet,
 * with the reason.
 */
@QuarkusTest
class ServiceModelTest {
    /** Errors of the served operations that nothing in kubedyn raises yet, and why. */
    private static final Map<String, String> NOT_RAISED = Map.of(
            "ProvisionedThroughputExceededException", "no throughput limits are enforced",
            "RequestLimitExceeded", "no account-level request limits",
            "InvalidEndpointException", "no endpoint discovery",
            "ReplicatedWriteConflictException", "no global tables",
            "TransactionInProgressException",
                    "a repeat of a ClientRequestToken while its first request runs is "
                            + "cancelled with TransactionConflict instead");

    @Inject
    DynamoDbEndpoint endpoint;

    @Test
    void everyServedOperationHasItsModelShapeFromTheModel() {
        assertThat(endpoint.operations())
                .isNotEmpty()
                .allSatisfy(operation ->
                        assertThat(ServiceModel.dynamoDb().input(operation)).isPresent());
    }

    /** docs/compatibility.md's table of operations: the operations named in its first column. */
    private static Set<String> documentedOperations() throws java.io.IOException {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "compatibility.md"));
        String table = doc.substring(doc.indexOf("## Operations"), doc.indexOf("## Expressions"));
        return table.lines()
                .filter(line -> line.startsWith("| "))
                .map(line -> line.split("\\|")[1])
                .flatMap(cell -> Arrays.stream(cell.split("[^A-Za-z]+")))
                .collect(Collectors.toSet());
    }

    @Test
    void everyOperationOfDynamoDbIsInTheCompatibilityTable() throws java.io.IOException {
        Set<String> documented = documentedOperations();
        assertThat(ServiceModel.dynamoDb().operations())
                .hasSizeGreaterThan(50)
                .allSatisfy(operation -> assertThat(documented)
                        .as("docs/compatibility.md names %s", operation)
                        .contains(operation));
        assertThat(endpoint.operations())
                .allSatisfy(operation -> assertThat(documented).contains(operation));
    }

    @Test
    void everyErrorTheModelDeclaresIsAnsweredWithItsTypeOrNamedAsNotRaised() {
        Set<String> answered = Arrays.stream(DynamoDbError.values())
                .map(error -> error.wireType().substring(error.wireType().indexOf('#') + 1))
                .collect(Collectors.toSet());
        Set<String> declared = endpoint.operations().stream()
                .flatMap(operation -> ServiceModel.dynamoDb().errors(operation).stream())
                .collect(Collectors.toSet());
        assertThat(declared)
                .contains("ConditionalCheckFailedException", "ResourceNotFoundException")
                .allSatisfy(error -> assertThat(answered.contains(error) || NOT_RAISED.containsKey(error))
                        .as("%s is neither answered nor named as not raised", error)
                        .isTrue());
        // Nothing is named as not raised that kubedyn does answer.
        assertThat(NOT_RAISED.keySet()).doesNotContainAnyElementsOf(answered);
    }
}
