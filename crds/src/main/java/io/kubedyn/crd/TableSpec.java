package io.kubedyn.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;

/**
 * What the user asks for: DynamoDB's CreateTable fields, named as AWS Controllers for Kubernetes
 * (ACK) names them in its {@code Table} so that an ACK manifest carries over by changing its
 * {@code apiVersion}, plus how the table is laid out on the cluster ({@code shards},
 * {@code replicasPerShard}, {@code autoSplit}, {@code storage}, {@code resources}, {@code deletionPolicy},
 * {@code image}: kubedyn's own).
 *
 * <p>Key attribute types are strings rather than Java enums on purpose: a value the schema would
 * refuse (say BOOL, accepted by an API server with validation off) must still deserialize, so the
 * operator can report it in the status instead of failing to read the object at all. Fields
 * kubedyn accepts but does not honour (yet) are reported in the status's {@code SpecServed}
 * condition, never dropped.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Read by gateways and operators older than the CRD (a rolling upgrade): a field one of them does
// not know yet is skipped, not a failure of the informer that reads every Table.
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
        value = "self.keySchema.exists_one(k, k.keyType == 'HASH')",
        message = "keySchema needs exactly one HASH key")
@ValidationRule(
        value = "has(self.tableName) == has(oldSelf.tableName)"
                + " && (!has(self.tableName) || self.tableName == oldSelf.tableName)",
        message = "tableName cannot change after the table is created")
public class TableSpec {

    @Pattern("^[a-zA-Z0-9_.-]{3,255}$")
    @JsonPropertyDescription(
            "The DynamoDB table name (3 to 255 of a-z A-Z 0-9 _ - .), as clients name it; metadata.name when absent. Cannot change after creation.")
    private String tableName;

    @Required
    @Size(min = 1, max = 64)
    @ValidationRule(
            value = "self == oldSelf",
            message = "attributeDefinitions cannot change after the table is created")
    @JsonPropertyDescription(
            "Types of the key attributes (of the table and of its indexes), as in DynamoDB's CreateTable.")
    private List<AttributeDefinition> attributeDefinitions = new ArrayList<>();

    @Required
    @Size(min = 1, max = 2)
    @ValidationRule(value = "self == oldSelf", message = "keySchema cannot change after the table is created")
    @JsonPropertyDescription("Partition key (HASH) and optional sort key (RANGE), as in DynamoDB's CreateTable.")
    private List<KeySchemaElement> keySchema = new ArrayList<>();

    @Pattern("^(PROVISIONED|PAY_PER_REQUEST)$")
    @JsonPropertyDescription(
            "PROVISIONED or PAY_PER_REQUEST (the default), reported by DescribeTable; kubedyn does not throttle by capacity.")
    private String billingMode;

    @JsonPropertyDescription("Read and write capacity units of a PROVISIONED table, reported by DescribeTable.")
    private ProvisionedThroughput provisionedThroughput;

    @JsonPropertyDescription(
            "Request-unit ceilings of a PAY_PER_REQUEST table. Accepted, not enforced (reported in the SpecServed condition).")
    private OnDemandThroughput onDemandThroughput;

    @Size(max = 5)
    @JsonPropertyDescription(
            "Local secondary indexes, as in DynamoDB. Not served yet by this release: the table is served without them, and the SpecServed condition says so.")
    private List<SecondaryIndex> localSecondaryIndexes;

    @Size(max = 20)
    @JsonPropertyDescription(
            "Global secondary indexes, as in DynamoDB. Not served yet by this release: the table is served without them, and the SpecServed condition says so.")
    private List<GlobalSecondaryIndex> globalSecondaryIndexes;

    @JsonPropertyDescription(
            "DynamoDB Streams: streamEnabled and streamViewType (KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES). Records are kept 24 hours. Changing it restarts the table's storage pods, one shard at a time.")
    private StreamSpecification streamSpecification;

    @JsonPropertyDescription(
            "Time to Live: with enabled true, items whose attributeName holds a Number of epoch seconds in the past are deleted, within a minute. Changing it restarts the table's storage pods, one shard at a time.")
    private TimeToLive timeToLive;

    @Min(1)
    @Max(168)
    @JsonPropertyDescription(
            "kubedyn's own: hours the stream's records are kept before they are trimmed (DynamoDB keeps 24, the default).")
    private Integer streamRetentionHours;

    @Size(max = 50)
    @JsonPropertyDescription("The table's tags, as TagResource and ListTagsOfResource see them.")
    private List<Tag> tags;

    @JsonPropertyDescription("While true, DeleteTable and deleting this resource fail until it is set to false.")
    private Boolean deletionProtectionEnabled;

    @Pattern("^(STANDARD|STANDARD_INFREQUENT_ACCESS)$")
    @JsonPropertyDescription(
            "STANDARD or STANDARD_INFREQUENT_ACCESS, reported by DescribeTable; storage is the same for both.")
    private String tableClass;

    @JsonPropertyDescription(
            "Server-side encryption. Data is encrypted at rest as the volumes' storage class encrypts it; a KMS key is accepted and reported as not honoured.")
    private SseSpecification sseSpecification;

    @JsonPropertyDescription(
            "Point-in-time recovery. Not served (no backups yet); enabling it is reported in the SpecServed condition.")
    private ContinuousBackups continuousBackups;

    @Pattern("^(ENABLE|DISABLE)$")
    @JsonPropertyDescription(
            "CloudWatch Contributor Insights. Not served; ENABLE is reported in the SpecServed condition.")
    private String contributorInsights;

    @JsonPropertyDescription("A resource-based policy (IAM JSON). Not served; reported in the SpecServed condition.")
    private String resourcePolicy;

    @JsonPropertyDescription(
            "Replicas in other AWS Regions (global tables). Not served; reported in the SpecServed condition.")
    private List<AnyType> tableReplicas;

    @Min(1)
    @Max(1024)
    @Default("1")
    @ValidationRule(value = "self >= oldSelf", message = "shards cannot shrink")
    @JsonPropertyDescription(
            "Number of shards; each owns one contiguous range of the 64-bit partition-key hash space. Can grow, never shrink.")
    private Integer shards = 1;

    @JsonPropertyDescription(
            "kubedyn's own: the table splits a shard by itself when its data passes maxShardSize, up to maxShards shards (spec.shards is then the least it has). Not yet for replicated shards, global secondary indexes or streams (reported in the SpecServed condition).")
    private AutoSplit autoSplit;

    @Min(1)
    @Max(7)
    @Default("1")
    @JsonPropertyDescription(
            "Pods per shard. Only 1 is served until shard replication lands; the operator refuses larger values.")
    private Integer replicasPerShard = 1;

    @ValidationRule(
            value = "self == oldSelf",
            message = "storage cannot change after the table is created: StatefulSet volume claim"
                    + " templates are immutable (grow volumes by editing their PersistentVolumeClaims)")
    @JsonPropertyDescription("Persistent volume of each storage pod (RocksDB data). Cannot change after creation.")
    private StorageSpec storage;

    @JsonPropertyDescription("CPU and memory of each storage pod.")
    private ResourceRequirements resources;

    @Pattern("^(Retain|Delete)$")
    @Default("Retain")
    @JsonPropertyDescription(
            "What happens to the data volumes when the Table is deleted: Retain (default) keeps the PersistentVolumeClaims, Delete removes them.")
    private String deletionPolicy = DeletionPolicy.RETAIN;

    @JsonPropertyDescription("Storage pod image, overriding the operator's default.")
    private String image;

    public List<AttributeDefinition> getAttributeDefinitions() {
        return attributeDefinitions;
    }

    public void setAttributeDefinitions(List<AttributeDefinition> attributeDefinitions) {
        this.attributeDefinitions = attributeDefinitions;
    }

    public List<KeySchemaElement> getKeySchema() {
        return keySchema;
    }

    public void setKeySchema(List<KeySchemaElement> keySchema) {
        this.keySchema = keySchema;
    }

    public Integer getShards() {
        return shards;
    }

    public void setShards(Integer shards) {
        this.shards = shards;
    }

    public AutoSplit getAutoSplit() {
        return autoSplit;
    }

    public void setAutoSplit(AutoSplit autoSplit) {
        this.autoSplit = autoSplit;
    }

    public Integer getReplicasPerShard() {
        return replicasPerShard;
    }

    public void setReplicasPerShard(Integer replicasPerShard) {
        this.replicasPerShard = replicasPerShard;
    }

    public StorageSpec getStorage() {
        return storage;
    }

    public void setStorage(StorageSpec storage) {
        this.storage = storage;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public List<SecondaryIndex> getLocalSecondaryIndexes() {
        return localSecondaryIndexes;
    }

    public void setLocalSecondaryIndexes(List<SecondaryIndex> localSecondaryIndexes) {
        this.localSecondaryIndexes = localSecondaryIndexes;
    }

    public List<GlobalSecondaryIndex> getGlobalSecondaryIndexes() {
        return globalSecondaryIndexes;
    }

    public void setGlobalSecondaryIndexes(List<GlobalSecondaryIndex> globalSecondaryIndexes) {
        this.globalSecondaryIndexes = globalSecondaryIndexes;
    }

    public String getDeletionPolicy() {
        return deletionPolicy;
    }

    public void setDeletionPolicy(String deletionPolicy) {
        this.deletionPolicy = deletionPolicy;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getTableName() {
        return tableName;
    }

    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    public String getBillingMode() {
        return billingMode;
    }

    public void setBillingMode(String billingMode) {
        this.billingMode = billingMode;
    }

    public ProvisionedThroughput getProvisionedThroughput() {
        return provisionedThroughput;
    }

    public void setProvisionedThroughput(ProvisionedThroughput provisionedThroughput) {
        this.provisionedThroughput = provisionedThroughput;
    }

    public OnDemandThroughput getOnDemandThroughput() {
        return onDemandThroughput;
    }

    public void setOnDemandThroughput(OnDemandThroughput onDemandThroughput) {
        this.onDemandThroughput = onDemandThroughput;
    }

    public StreamSpecification getStreamSpecification() {
        return streamSpecification;
    }

    public void setStreamSpecification(StreamSpecification streamSpecification) {
        this.streamSpecification = streamSpecification;
    }

    public TimeToLive getTimeToLive() {
        return timeToLive;
    }

    public void setTimeToLive(TimeToLive timeToLive) {
        this.timeToLive = timeToLive;
    }

    public List<Tag> getTags() {
        return tags;
    }

    public void setTags(List<Tag> tags) {
        this.tags = tags;
    }

    public Boolean getDeletionProtectionEnabled() {
        return deletionProtectionEnabled;
    }

    public void setDeletionProtectionEnabled(Boolean deletionProtectionEnabled) {
        this.deletionProtectionEnabled = deletionProtectionEnabled;
    }

    public String getTableClass() {
        return tableClass;
    }

    public void setTableClass(String tableClass) {
        this.tableClass = tableClass;
    }

    public SseSpecification getSseSpecification() {
        return sseSpecification;
    }

    public void setSseSpecification(SseSpecification sseSpecification) {
        this.sseSpecification = sseSpecification;
    }

    public ContinuousBackups getContinuousBackups() {
        return continuousBackups;
    }

    public void setContinuousBackups(ContinuousBackups continuousBackups) {
        this.continuousBackups = continuousBackups;
    }

    public String getContributorInsights() {
        return contributorInsights;
    }

    public void setContributorInsights(String contributorInsights) {
        this.contributorInsights = contributorInsights;
    }

    public String getResourcePolicy() {
        return resourcePolicy;
    }

    public void setResourcePolicy(String resourcePolicy) {
        this.resourcePolicy = resourcePolicy;
    }

    public List<AnyType> getTableReplicas() {
        return tableReplicas;
    }

    public void setTableReplicas(List<AnyType> tableReplicas) {
        this.tableReplicas = tableReplicas;
    }

    public Integer getStreamRetentionHours() {
        return streamRetentionHours;
    }

    public void setStreamRetentionHours(Integer streamRetentionHours) {
        this.streamRetentionHours = streamRetentionHours;
    }
}
