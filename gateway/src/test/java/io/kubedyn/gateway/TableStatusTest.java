package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/** A new table is CREATING for a while, as DynamoDB's are; clients wait for ACTIVE with the SDK's waiter. */
@QuarkusTest
@TestProfile(TableStatusTest.SlowCreation.class)
class TableStatusTest extends EmbeddedServerTest {

    public static class SlowCreation implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kubedyn.table-creating", "1s");
        }
    }

    @Test
    void aNewTableIsCreatingThenActive() {
        var created = dynamo.createTable(b -> b.tableName(table)
                .attributeDefinitions(a -> a.attributeName("Artist").attributeType("S"))
                .keySchema(k -> k.attributeName("Artist").keyType("HASH"))
                .billingMode("PAY_PER_REQUEST"));
        assertThat(created.tableDescription().tableStatus()).isEqualTo(TableStatus.CREATING);
        assertThat(dynamo.describeTable(b -> b.tableName(table)).table().tableStatus())
                .isEqualTo(TableStatus.CREATING);
        // Item requests find no table until it is ACTIVE.
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table).item(Map.of("Artist", s("Kyuss")))))
                .isInstanceOf(ResourceNotFoundException.class);
        // The SDK's waiter, polling more often than its default of every 20 seconds.
        DynamoDbWaiter waiter = DynamoDbWaiter.builder()
                .client(dynamo)
                .overrideConfiguration(o -> o.backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(100))))
                .build();
        var active = waiter.waitUntilTableExists(b -> b.tableName(table))
                .matched()
                .response()
                .orElseThrow();
        assertThat(active.table().tableStatus()).isEqualTo(TableStatus.ACTIVE);
        dynamo.putItem(b -> b.tableName(table).item(Map.of("Artist", s("Kyuss"))));
        assertThat(dynamo.getItem(b -> b.tableName(table).key(Map.of("Artist", s("Kyuss"))))
                        .item())
                .isEqualTo(Map.of("Artist", s("Kyuss")));
    }
}
