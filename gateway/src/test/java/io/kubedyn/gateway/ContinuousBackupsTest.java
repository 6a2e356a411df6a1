package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsStatus;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsUnavailableException;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableNotFoundException;

/** DescribeContinuousBackups and UpdateContinuousBackups, as tools that read a table's backup settings call them. */
@QuarkusTest
class ContinuousBackupsTest extends EmbeddedServerTest {

    @Test
    void aTableReportsPointInTimeRecoveryDisabledAndMayTurnItOffButNotOn() {
        createTable(table, "id", ScalarAttributeType.S, null, null);
        ContinuousBackupsDescription described =
                dynamo.describeContinuousBackups(b -> b.tableName(table)).continuousBackupsDescription();
        assertThat(described.continuousBackupsStatus()).isEqualTo(ContinuousBackupsStatus.DISABLED);
        assertThat(described.pointInTimeRecoveryDescription().pointInTimeRecoveryStatus())
                .isEqualTo(PointInTimeRecoveryStatus.DISABLED);

        ContinuousBackupsDescription updated = dynamo.updateContinuousBackups(b ->
                        b.tableName(table).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(false)))
                .continuousBackupsDescription();
        assertThat(updated).isEqualTo(described);

        assertThatThrownBy(() -> dynamo.updateContinuousBackups(b ->
                        b.tableName(table).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true))))
                .isInstanceOf(ContinuousBackupsUnavailableException.class)
                .hasMessageContaining("Point in time recovery cannot be enabled for table: " + table);
        assertThat(dynamo.describeContinuousBackups(b -> b.tableName(table)).continuousBackupsDescription())
                .isEqualTo(described);
    }

    @Test
    void aTableThatDoesNotExistIsTableNotFound() {
        assertThatThrownBy(() -> dynamo.describeContinuousBackups(b -> b.tableName(table)))
                .isInstanceOf(TableNotFoundException.class)
                .hasMessageStartingWith("Table not found: " + table);
        assertThatThrownBy(() -> dynamo.updateContinuousBackups(b ->
                        b.tableName(table).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(false))))
                .isInstanceOf(TableNotFoundException.class)
                .hasMessageStartingWith("Table not found: " + table);
        assertThatThrownBy(() -> dynamo.updateContinuousBackups(b -> b.tableName(table)))
                .as("the specification is required")
                .hasMessageContaining("pointInTimeRecoverySpecification");
    }
}
