package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.DescribeLimitsResponse;
import software.amazon.awssdk.services.dynamodb.model.Endpoint;

/** DescribeEndpoints and DescribeLimits, as clients with endpoint discovery and capacity planners call them. */
@QuarkusTest
class ServiceOperationsTest extends EmbeddedServerTest {

    @Test
    void describeEndpointsNamesTheAddressTheClientReachedForADay() {
        Endpoint endpoint = dynamo.describeEndpoints(b -> {}).endpoints().get(0);
        assertThat(endpoint.address()).isEqualTo(endpoint().getAuthority());
        assertThat(endpoint.cachePeriodInMinutes()).isEqualTo(1440L);
    }

    @Test
    void describeLimitsGivesDynamoDbsDefaultQuotas() {
        DescribeLimitsResponse limits = dynamo.describeLimits(b -> {});
        assertThat(limits.accountMaxReadCapacityUnits()).isEqualTo(80_000L);
        assertThat(limits.accountMaxWriteCapacityUnits()).isEqualTo(80_000L);
        assertThat(limits.tableMaxReadCapacityUnits()).isEqualTo(40_000L);
        assertThat(limits.tableMaxWriteCapacityUnits()).isEqualTo(40_000L);
    }
}
