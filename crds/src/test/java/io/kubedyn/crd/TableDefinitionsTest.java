package io.kubedyn.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TableDefinition a `Table` resource declares: what its stream keeps, and for how long. */
class TableDefinitionsTest {

    private static Table streamed(Integer retentionHours) {
        Table table = new Table();
        table.setMetadata(new ObjectMetaBuilder()
                .withName("orders")
                .withNamespace("prod")
                .withUid("6f1c7a52-0000-4000-8000-000000000002")
                .withCreationTimestamp("2026-11-30T10:00:00Z")
                .build());
        TableSpec spec = new TableSpec();
        spec.setAttributeDefinitions(List.of(new AttributeDefinition("id", "S")));
        spec.setKeySchema(List.of(new KeySchemaElement("id", "HASH")));
        StreamSpecification stream = new StreamSpecification();
        stream.setStreamEnabled(true);
        stream.setStreamViewType("NEW_AND_OLD_IMAGES");
        spec.setStreamSpecification(stream);
        spec.setStreamRetentionHours(retentionHours);
        table.setSpec(spec);
        return table;
    }

    @Test
    void aStreamKeepsItsRecordsForTheSpecsRetentionElseDynamoDbs24Hours() {
        TableDefinition twoHours = TableDefinitions.of(streamed(2));
        assertThat(twoHours.stream().retentionSeconds()).isEqualTo(2 * 3600);
        assertThat(twoHours.stream().viewType().name()).isEqualTo("NEW_AND_OLD_IMAGES");
        assertThat(TableDefinitions.of(streamed(null)).stream().retentionSeconds())
                .isEqualTo(TableStream.DEFAULT_RETENTION_SECONDS)
                .isEqualTo(24 * 3600);
    }
}
