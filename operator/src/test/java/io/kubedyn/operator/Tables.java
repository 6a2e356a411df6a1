package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kubedyn.crd.AttributeDefinition;
import io.kubedyn.crd.KeySchemaElement;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableSpec;
import java.util.ArrayList;
import java.util.List;

/** Table objects for tests that need no API server. */
final class Tables {

  private Tables() {}

  /** The seed's music table: Artist (S) HASH, SongTitle (S) RANGE, 3 shards. */
  static Table music() {
    Table table = new Table();
    table.setMetadata(new ObjectMetaBuilder().withName("music").withNamespace("prod")
        .withUid("6f1c7a52-0000-4000-8000-000000000001").withGeneration(1L).build());
    TableSpec spec = new TableSpec();
    spec.setAttributeDefinitions(new ArrayList<>(List.of(
        new AttributeDefinition("Artist", "S"), new AttributeDefinition("SongTitle", "S"))));
    spec.setKeySchema(new ArrayList<>(List.of(
        new KeySchemaElement("Artist", "HASH"), new KeySchemaElement("SongTitle", "RANGE"))));
    spec.setShards(3);
    table.setSpec(spec);
    return table;
  }
}
