package io.kubedyn.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A DynamoDB table declared as a Kubernetes object. The operator turns it into one StatefulSet,
 * one headless Service and one PodDisruptionBudget per shard and publishes the shard map that
 * the gateway routes by in {@link TableStatus}.
 */
@Group(Table.GROUP)
@Version(Table.VERSION)
@Kind("Table")
@Plural("tables")
@Singular("table")
@ShortNames("ddbtable")
@AdditionalPrinterColumn(name = "PK", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.keySchema[?(@.keyType==\"HASH\")].attributeName")
@AdditionalPrinterColumn(name = "SK", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.keySchema[?(@.keyType==\"RANGE\")].attributeName")
@AdditionalPrinterColumn(name = "SHARDS", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".spec.shards")
@AdditionalPrinterColumn(name = "READY", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".status.readyShards")
@AdditionalPrinterColumn(name = "PHASE", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "AGE", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class Table extends CustomResource<TableSpec, TableStatus> implements Namespaced {

  public static final String GROUP = "kubedyn.io";
  public static final String VERSION = "v1alpha1";

  @Override
  protected TableStatus initStatus() {
    return new TableStatus();
  }
}
