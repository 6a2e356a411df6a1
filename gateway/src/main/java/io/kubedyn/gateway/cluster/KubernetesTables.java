package io.kubedyn.gateway.cluster;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.crd.AttributeDefinition;
import io.kubedyn.crd.KeySchemaElement;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * DynamoDB tables as {@code Table} resources of one namespace: CreateTable creates the resource
 * (the operator then provisions its shards), DeleteTable deletes it, DescribeTable and ListTables
 * read it. The DynamoDB table name is the resource's {@code metadata.name}, so only names that
 * are valid Kubernetes names (lowercase letters, digits and inner hyphens) and short enough for
 * the shards' StatefulSet names are accepted; any other name is refused with a
 * ValidationException rather than silently mapped to another name.
 */
public final class KubernetesTables {
    static final String BILLING_MODE = "kubedyn.io/billing-mode";
    static final String READ_CAPACITY = "kubedyn.io/read-capacity-units";
    static final String WRITE_CAPACITY = "kubedyn.io/write-capacity-units";
    /** The operator's limit on {@code <table>-shard-<n>}, the StatefulSet names. */
    private static final int MAX_STATEFULSET_NAME = 52;
    private static final Pattern KUBERNETES_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private final KubernetesClient client;
    private final String namespace;
    private final int shards;

    public KubernetesTables(KubernetesClient client, String namespace, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("a table needs at least one shard, got " + shards);
        }
        this.client = client;
        this.namespace = namespace;
        this.shards = shards;
    }

    /**
     * Creates the Table resource of {@code table} and answers the table as created: its id is
     * the resource's uid and its creation time the resource's creationTimestamp, which is what
     * DescribeTable shows from then on. ResourceInUseException when a Table of that name exists.
     */
    public TableDefinition create(TableDefinition table) {
        checkName(table.name());
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
        table.attributeDefinitions().forEach((name, type) -> attributes.add(new AttributeDefinition(name, type.name())));
        spec.setAttributeDefinitions(attributes);
        List<KeySchemaElement> keySchema = new ArrayList<>();
        keySchema.add(new KeySchemaElement(table.keySchema().partitionKey().name(), "HASH"));
        table.keySchema().sortKey().ifPresent(sk -> keySchema.add(new KeySchemaElement(sk.name(), "RANGE")));
        spec.setKeySchema(keySchema);
        spec.setShards(shards);
        resource.setSpec(spec);
        try {
            return definitionOf(client.resources(Table.class).inNamespace(namespace).resource(resource).create());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw new DynamoDbException(DynamoDbError.RESOURCE_IN_USE, "Table already exists: " + table.name());
            }
            throw e;
        }
    }

    private void checkName(String name) {
        if (!KUBERNETES_NAME.matcher(name).matches()) {
            throw DynamoDbException.validation("Table name " + name + " is not usable on Kubernetes: a table is a Table "
                    + "resource of that name, so it must consist of lowercase letters, digits and hyphens, and start and "
                    + "end with a letter or digit");
        }
        String longest = name + "-shard-" + (shards - 1);
        if (longest.length() > MAX_STATEFULSET_NAME) {
            throw DynamoDbException.validation("Table name " + name + " is too long for Kubernetes: its StatefulSet "
                    + longest + " would exceed " + MAX_STATEFULSET_NAME + " characters");
        }
    }

    /**
     * The table a Table resource describes, with the resource's uid as table id (so every
     * gateway creates the same incarnation in the shards' stores), or empty when there is none.
     */
    public Optional<TableDefinition> definition(String name) {
        if (!KUBERNETES_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(client.resources(Table.class).inNamespace(namespace).withName(name).get())
                .filter(t -> t.getMetadata().getDeletionTimestamp() == null)
                .map(KubernetesTables::definitionOf);
    }

    static TableDefinition definitionOf(Table resource) {
        TableSpec spec = resource.getSpec();
        Map<String, ScalarType> types = new LinkedHashMap<>();
        for (AttributeDefinition attribute : spec.getAttributeDefinitions()) {
            types.put(attribute.getAttributeName(), ScalarType.valueOf(attribute.getAttributeType()));
        }
        KeyAttribute hash = null;
        KeyAttribute range = null;
        for (KeySchemaElement key : spec.getKeySchema()) {
            KeyAttribute attribute = new KeyAttribute(key.getAttributeName(), types.get(key.getAttributeName()));
            if ("HASH".equals(key.getKeyType())) {
                hash = attribute;
            } else {
                range = attribute;
            }
        }
        Map<String, String> annotations = resource.getMetadata().getAnnotations() == null
                ? Map.of() : resource.getMetadata().getAnnotations();
        String created = resource.getMetadata().getCreationTimestamp();
        return new TableDefinition(resource.getMetadata().getName(), resource.getMetadata().getUid(),
                KeySchema.of(hash, range), types,
                annotations.getOrDefault(BILLING_MODE, "PAY_PER_REQUEST"),
                Long.parseLong(annotations.getOrDefault(READ_CAPACITY, "0")),
                Long.parseLong(annotations.getOrDefault(WRITE_CAPACITY, "0")),
                created == null ? 0 : Instant.parse(created).toEpochMilli());
    }

    /** The names of the namespace's Tables, in ascending order. */
    public List<String> names() {
        return client.resources(Table.class).inNamespace(namespace).list().getItems().stream()
                .filter(t -> t.getMetadata().getDeletionTimestamp() == null)
                .map(t -> t.getMetadata().getName())
                .sorted()
                .toList();
    }

    /** Deletes the Table resource; its shards go with it (the operator's owner references). */
    public void delete(String name) {
        client.resources(Table.class).inNamespace(namespace).withName(name).delete();
    }
}
