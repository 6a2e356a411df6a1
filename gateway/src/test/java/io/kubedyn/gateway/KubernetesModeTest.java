package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableNames;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The gateway in Kubernetes mode (cluster backend, Kubernetes discovery) on fabric8's mock API
 * server: the AWS SDK's table operations create, read and delete {@code Table} resources. No
 * operator runs, so tables stay CREATING (KubernetesDiscoveryTest covers ACTIVE with storage pods).
 */
@QuarkusTest
@WithTestResource(value = MockKubernetesApi.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class KubernetesModeTest {
    private DynamoDbClient dynamo;
    private KubernetesClient kubernetes;

    @BeforeEach
    void connect() {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        dynamo = DynamoDbClients.at(URI.create("http://127.0.0.1:" + port));
        kubernetes = new KubernetesClientBuilder().build();
    }

    @AfterEach
    void disconnect() {
        dynamo.close();
        kubernetes.close();
    }

    private void createMusic(String name) {
        dynamo.createTable(b -> b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        a -> a.attributeName("Artist").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("Year").attributeType(ScalarAttributeType.N))
                .keySchema(
                        k -> k.attributeName("Artist").keyType(KeyType.HASH),
                        k -> k.attributeName("Year").keyType(KeyType.RANGE)));
    }

    @Test
    void readyOnceTheTablesAreListedAndLiveWhileItServes() throws Exception {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String probe : java.util.List.of("ready", "live")) {
            java.net.http.HttpResponse<String> answer = http.send(
                    java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/" + probe))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(probe).isEqualTo(200);
            assertThat(answer.body()).as(probe).contains("\"status\": \"UP\"");
        }
    }

    @Test
    void awsSdkCreateTableCreatesATableResource() {
        createMusic("music");

        Table resource = kubernetes
                .resources(Table.class)
                .inNamespace(MockKubernetesApi.NAMESPACE)
                .withName(TableNames.resourceName("music"))
                .get();
        assertThat(resource).isNotNull();
        assertThat(resource.getSpec().getKeySchema())
                .extracting(k -> k.getAttributeName() + ":" + k.getKeyType())
                .containsExactly("Artist:HASH", "Year:RANGE");
        assertThat(resource.getSpec().getAttributeDefinitions())
                .extracting(a -> a.getAttributeName() + ":" + a.getAttributeType())
                .containsExactlyInAnyOrder("Artist:S", "Year:N");
        assertThat(resource.getSpec().getShards()).isEqualTo(3);

        var described = dynamo.describeTable(b -> b.tableName("music")).table();
        assertThat(described.tableStatus()).as("no shard map yet").isEqualTo(TableStatus.CREATING);
        assertThat(described.keySchema())
                .extracting(k -> k.attributeName() + ":" + k.keyType())
                .containsExactly("Artist:HASH", "Year:RANGE");
        assertThat(dynamo.listTables().tableNames()).contains("music");
        // As DynamoDB: items of a table that is not ACTIVE are not found.
        assertThatThrownBy(() -> dynamo.getItem(b -> b.tableName("music")
                        .key(Map.of("Artist", AttributeValue.fromS("a"), "Year", AttributeValue.fromN("1")))))
                .isInstanceOf(ResourceNotFoundException.class);

        dynamo.deleteTable(b -> b.tableName("music"));
        assertThat(kubernetes
                        .resources(Table.class)
                        .inNamespace(MockKubernetesApi.NAMESPACE)
                        .withName(TableNames.resourceName("music"))
                        .get())
                .isNull();
        assertThatThrownBy(() -> dynamo.describeTable(b -> b.tableName("music")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void createTableAnswersTheTableIdAndCreationTimeThatDescribeTableShowsLater() {
        var created = dynamo.createTable(b -> b.tableName("albums")
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(a -> a.attributeName("Artist").attributeType(ScalarAttributeType.S))
                        .keySchema(k -> k.attributeName("Artist").keyType(KeyType.HASH)))
                .tableDescription();

        Table resource = kubernetes
                .resources(Table.class)
                .inNamespace(MockKubernetesApi.NAMESPACE)
                .withName(TableNames.resourceName("albums"))
                .get();
        assertThat(created.tableId())
                .as("the Table resource's uid")
                .isEqualTo(resource.getMetadata().getUid());
        assertThat(created.creationDateTime())
                .as("the Table resource's creationTimestamp")
                .isEqualTo(Instant.parse(resource.getMetadata().getCreationTimestamp()));
        assertThat(created.tableStatus()).isEqualTo(TableStatus.CREATING);
        var described = dynamo.describeTable(b -> b.tableName("albums")).table();
        assertThat(described.tableId()).isEqualTo(created.tableId());
        assertThat(described.creationDateTime()).isEqualTo(created.creationDateTime());
        assertThat(described.tableArn()).isEqualTo(created.tableArn());
        dynamo.deleteTable(b -> b.tableName("albums"));
    }

    @Test
    void deleteTableAnswersDeletingAndTheTableStaysDeletingUntilTheOperatorsFinalizerLetsItGo() throws Exception {
        createMusic("playlists");
        String uid = dynamo.describeTable(b -> b.tableName("playlists")).table().tableId();
        setFinalizer("playlists", true); // as the operator does when it first reconciles the Table

        var deleted = dynamo.deleteTable(b -> b.tableName("playlists")).tableDescription();
        assertThat(deleted.tableStatus()).isEqualTo(TableStatus.DELETING);
        assertThat(deleted.tableId()).isEqualTo(uid);
        assertThat(dynamo.describeTable(b -> b.tableName("playlists")).table().tableStatus())
                .isEqualTo(TableStatus.DELETING);
        assertThat(dynamo.listTables().tableNames()).contains("playlists");
        Map<String, AttributeValue> key =
                Map.of("Artist", AttributeValue.fromS("a"), "Year", AttributeValue.fromN("1"));
        assertThatThrownBy(() -> dynamo.getItem(b -> b.tableName("playlists").key(key)))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName("playlists").item(key)))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(dynamo.deleteTable(b -> b.tableName("playlists"))
                        .tableDescription()
                        .tableStatus())
                .as("DynamoDB: no error when the table is already DELETING")
                .isEqualTo(TableStatus.DELETING);
        assertThatThrownBy(() -> createMusic("playlists")).isInstanceOf(ResourceInUseException.class);

        setFinalizer("playlists", false); // the operator's cleanup is done
        Instant deadline = Instant.now().plusSeconds(10);
        while (dynamo.listTables().tableNames().contains("playlists")
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThatThrownBy(() -> dynamo.describeTable(b -> b.tableName("playlists")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(dynamo.listTables().tableNames()).doesNotContain("playlists");
    }

    private void setFinalizer(String table, boolean present) {
        kubernetes
                .resources(Table.class)
                .inNamespace(MockKubernetesApi.NAMESPACE)
                .withName(TableNames.resourceName(table))
                .edit(t -> {
                    t.getMetadata().setFinalizers(present ? List.of("tables.kubedyn.io/finalizer") : List.of());
                    return t;
                });
    }

    @Test
    void anyDynamoDbTableNameIsATableResourceThatKeepsTheExactName() {
        createMusic("Music_2024");
        createMusic("music_2024");
        assertThat(kubernetes
                        .resources(Table.class)
                        .inNamespace(MockKubernetesApi.NAMESPACE)
                        .list()
                        .getItems())
                .extracting(t -> t.getSpec().getTableName())
                .contains("Music_2024", "music_2024");
        assertThat(dynamo.listTables().tableNames()).contains("Music_2024", "music_2024");
        assertThat(dynamo.describeTable(b -> b.tableName("Music_2024")).table().tableName())
                .isEqualTo("Music_2024");
        dynamo.deleteTable(b -> b.tableName("Music_2024"));
        assertThat(dynamo.listTables().tableNames()).contains("music_2024").doesNotContain("Music_2024");
        dynamo.deleteTable(b -> b.tableName("music_2024"));
    }

    @Test
    void deleteTableOfAProtectedTableIsDynamoDbsValidationErrorUntilProtectionIsTurnedOff() {
        dynamo.createTable(b -> b.tableName("Ledger")
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("Account").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("Account").keyType(KeyType.HASH))
                .deletionProtectionEnabled(true));
        assertThat(dynamo.describeTable(b -> b.tableName("Ledger")).table().deletionProtectionEnabled())
                .isTrue();

        assertThatThrownBy(() -> dynamo.deleteTable(b -> b.tableName("Ledger")))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Resource cannot be deleted as it is "
                                    + "currently protected against deletion. Disable deletion protection first.");
                });
        assertThat(dynamo.listTables().tableNames()).contains("Ledger");

        kubernetes
                .resources(Table.class)
                .inNamespace(MockKubernetesApi.NAMESPACE)
                .withName(TableNames.resourceName("Ledger"))
                .edit(t -> {
                    t.getSpec().setDeletionProtectionEnabled(false);
                    return t;
                });
        Instant deadline = Instant.now().plusSeconds(10);
        while (dynamo.describeTable(b -> b.tableName("Ledger")).table().deletionProtectionEnabled()
                && Instant.now().isBefore(deadline)) {
            Thread.onSpinWait();
        }
        dynamo.deleteTable(b -> b.tableName("Ledger"));
        assertThat(dynamo.listTables().tableNames()).doesNotContain("Ledger");
    }

    private List<String> tagsOf(String arn) {
        return dynamo.listTagsOfResource(b -> b.resourceArn(arn)).tags().stream()
                .map(tag -> tag.key() + "=" + tag.value())
                .toList();
    }

    @Test
    void tagsLiveInTheTableResourceAndKubectlAndTheApiSeeTheSameTags() {
        String arn = dynamo.createTable(b -> b.tableName("Playlists")
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(a -> a.attributeName("Id").attributeType(ScalarAttributeType.S))
                        .keySchema(k -> k.attributeName("Id").keyType(KeyType.HASH))
                        .tags(t -> t.key("team").value("radio")))
                .tableDescription()
                .tableArn();
        var resource = kubernetes
                .resources(Table.class)
                .inNamespace(MockKubernetesApi.NAMESPACE)
                .withName(TableNames.resourceName("Playlists"));
        assertThat(resource.get().getSpec().getTags())
                .extracting(t -> t.getKey() + "=" + t.getValue())
                .containsExactly("team=radio");

        dynamo.tagResource(b -> b.resourceArn(arn).tags(t -> t.key("env").value("prod")));
        dynamo.untagResource(b -> b.resourceArn(arn).tagKeys("team"));
        assertThat(resource.get().getSpec().getTags())
                .extracting(t -> t.getKey() + "=" + t.getValue())
                .containsExactly("env=prod");
        assertThat(tagsOf(arn)).containsExactly("env=prod");

        resource.edit(t -> {
            t.getSpec().getTags().add(new io.kubedyn.crd.Tag("owner", "kubectl"));
            return t;
        });
        Instant deadline = Instant.now().plusSeconds(10);
        while (tagsOf(arn).size() < 2 && Instant.now().isBefore(deadline)) {
            Thread.onSpinWait();
        }
        assertThat(tagsOf(arn)).as("a tag added with kubectl").containsExactly("env=prod", "owner=kubectl");
        dynamo.deleteTable(b -> b.tableName("Playlists"));
    }
}
