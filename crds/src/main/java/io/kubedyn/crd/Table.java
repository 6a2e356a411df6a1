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
 * A DynamoDB table declared as a Kubernetes object, in the shape of AWS Controllers for
 * Kubernetes' {@code Table} (its DynamoDB name is {@code spec.tableName}, see {@link TableNames}).
 * The operator turns it into one StatefulSet,
 * one headless Service and one PodDisruptionBudget per shard and publishes the shard map that
 * the gateway routes by in {@link TableStatus}.
 */
@Group(Table.GROUP)
@Version(Table.VERSION)
@Kind("Table")
@Plural("tables")
@Singular("table")
@ShortNames("ddbtable")
@AdditionalPrinterColumn(name = "TABLE", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.tableName")
@AdditionalPrinterColumn(name = "STATUS", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.phase")
@AdditionalPrinterColumn(
        name = "SHARDS",
        type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.shardsByReplicas")
@AdditionalPrinterColumn(name = "ITEMS", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".status.itemCount")
@AdditionalPrinterColumn(
        name = "AGE",
        type = AdditionalPrinterColumn.Type.DATE,
        jsonPath = ".metadata.creationTimestamp")
@AdditionalPrinterColumn(
        name = "PK",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1,
        jsonPath = ".spec.keySchema[?(@.keyType==\"HASH\")].attributeName")
@AdditionalPrinterColumn(
        name = "SK",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1,
        jsonPath = ".spec.keySchema[?(@.keyType==\"RANGE\")].attributeName")
@AdditionalPrinterColumn(
        name = "READY",
        type = AdditionalPrinterColumn.Type.INTEGER,
        priority = 1,
        jsonPath = ".status.readyShards")
public class Table extends CustomResource<TableSpec, TableStatus> implements Namespaced {

    public static final String GROUP = "kubedyn.io";
    public static final String VERSION = "v1alpha1";

    @Override
    protected TableStatus initStatus() {
        return new TableStatus();
    }
}
