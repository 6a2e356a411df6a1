package io.kubedyn.crd;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one mapping between a {@code Table} resource and the DynamoDB table it declares: the
 * gateway reads tables through it, CreateTable writes resources through it, and the operator
 * hands the same definition to the table's storage pods. The table id of a resource's table is
 * its uid and its creation time its creationTimestamp; the capacity settings DynamoDB reports
 * back, which the spec does not model, travel as annotations.
 */
public final class TableDefinitions {
  public static final String BILLING_MODE = "kubedyn.io/billing-mode";
  public static final String READ_CAPACITY = "kubedyn.io/read-capacity-units";
  public static final String WRITE_CAPACITY = "kubedyn.io/write-capacity-units";

  private TableDefinitions() {}

  /** The table a (valid) resource declares. */
  public static TableDefinition of(Table resource) {
    TableSpec spec = resource.getSpec();
    Map<String, ScalarType> types = new LinkedHashMap<>();
    for (AttributeDefinition attribute : spec.getAttributeDefinitions()) {
      types.put(attribute.getAttributeName(), ScalarType.valueOf(attribute.getAttributeType()));
    }
    KeyAttribute hash = null;
    KeyAttribute range = null;
    for (KeySchemaElement key : spec.getKeySchema()) {
      KeyAttribute attribute = new KeyAttribute(key.getAttributeName(),
          types.get(key.getAttributeName()));
      if ("HASH".equals(key.getKeyType())) {
        hash = attribute;
      } else {
        range = attribute;
      }
    }
    // The table's own key attributes only: index keys are not part of its primary key.
    Map<String, ScalarType> keyTypes = new LinkedHashMap<>();
    keyTypes.put(hash.name(), hash.type());
    if (range != null) {
      keyTypes.put(range.name(), range.type());
    }
    Map<String, String> annotations = resource.getMetadata().getAnnotations() == null
        ? Map.of() : resource.getMetadata().getAnnotations();
    String created = resource.getMetadata().getCreationTimestamp();
    return new TableDefinition(resource.getMetadata().getName(), resource.getMetadata().getUid(),
        KeySchema.of(hash, range), keyTypes,
        annotations.getOrDefault(BILLING_MODE, "PAY_PER_REQUEST"),
        Long.parseLong(annotations.getOrDefault(READ_CAPACITY, "0")),
        Long.parseLong(annotations.getOrDefault(WRITE_CAPACITY, "0")),
        created == null ? 0 : Instant.parse(created).toEpochMilli());
  }

  /**
   * The resource that declares {@code table} in {@code namespace} with {@code shards} shards,
   * as CreateTable makes it. Its data goes with it ({@code deletionPolicy: Delete}): DynamoDB's
   * DeleteTable deletes a table's items, so a table created and deleted through the DynamoDB
   * API must not leave volumes behind for the next table of that name to find.
   */
  public static Table resourceOf(TableDefinition table, String namespace, int shards) {
    Table resource = new Table();
    resource.setMetadata(new ObjectMetaBuilder()
        .withName(table.name())
        .withNamespace(namespace)
        .addToAnnotations(BILLING_MODE, table.billingMode())
        .addToAnnotations(READ_CAPACITY, Long.toString(table.readCapacityUnits()))
        .addToAnnotations(WRITE_CAPACITY, Long.toString(table.writeCapacityUnits()))
        .build());
    TableSpec spec = new TableSpec();
    List<AttributeDefinition> attributes = new ArrayList<>();
    table.attributeDefinitions().forEach((name, type) ->
        attributes.add(new AttributeDefinition(name, type.name())));
    spec.setAttributeDefinitions(attributes);
    List<KeySchemaElement> keySchema = new ArrayList<>();
    keySchema.add(new KeySchemaElement(table.keySchema().partitionKey().name(), "HASH"));
    table.keySchema().sortKey().ifPresent(sk ->
        keySchema.add(new KeySchemaElement(sk.name(), "RANGE")));
    spec.setKeySchema(keySchema);
    spec.setShards(shards);
    spec.setDeletionPolicy(DeletionPolicy.DELETE);
    resource.setSpec(spec);
    return resource;
  }
}
