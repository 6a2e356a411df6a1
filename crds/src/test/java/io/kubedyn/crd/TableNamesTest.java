package io.kubedyn.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** How Table resources and DynamoDB table names map to each other. */
class TableNamesTest {

    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

    @Test
    void derivedResourceNamesAreServiceNamesThatKeepCaseApart() {
        String music = TableNames.resourceName("Music");
        String lower = TableNames.resourceName("music");
        assertThat(music).matches("music-[0-9a-f]{8}");
        assertThat(lower).matches("music-[0-9a-f]{8}").isNotEqualTo(music);
        assertThat(TableNames.resourceName("Orders_v2")).matches("orders-v2-[0-9a-f]{8}");
        assertThat(TableNames.resourceName("app.events")).matches("app-events-[0-9a-f]{8}");
        assertThat(TableNames.resourceName("2024_orders")).matches("t-2024-orders-[0-9a-f]{8}");
        assertThat(TableNames.resourceName("___")).matches("t-[0-9a-f]{8}");
    }

    @Test
    void derivedResourceNamesLeaveRoomForAThousandShards() {
        String longest = "A".repeat(255);
        for (String name : List.of(longest, "a.b-c_d".repeat(36), "Music")) {
            String resource = TableNames.resourceName(name);
            assertThat(resource).matches(SERVICE_NAME);
            assertThat(ShardNames.tooLong(resource, 1024)).as(resource).isEmpty();
        }
    }

    @Test
    void tableNameIsSpecTableNameElseMetadataName() {
        Table table = table("music-table", "2026-11-30T10:00:00Z", "Music");
        assertThat(TableNames.of(table)).isEqualTo("Music");
        table.getSpec().setTableName(null);
        assertThat(TableNames.of(table)).isEqualTo("music-table");
    }

    @Test
    void theOldestClaimHoldsTheNameThenTheFirstByResourceName() {
        Table older = table("b", "2026-11-30T10:00:00Z", "Music");
        Table later = table("a", "2026-11-30T10:00:01Z", "Music");
        Table sameTimeAsOlder = table("c", "2026-11-30T10:00:00Z", "Music");
        assertThat(TableNames.holder(List.of(later, sameTimeAsOlder, older))).containsSame(older);
    }

    private static Table table(String name, String created, String tableName) {
        Table table = new Table();
        table.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withCreationTimestamp(created)
                .build());
        table.setSpec(new TableSpec());
        table.getSpec().setTableName(tableName);
        return table;
    }
}
