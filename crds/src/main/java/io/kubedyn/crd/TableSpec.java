package io.kubedyn.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;

/**
 * What the user asks for: DynamoDB's CreateTable shape (attribute definitions, key schema,
 * secondary indexes, TTL) plus how the table is laid out on the cluster.
 *
 * <p>Key attribute types are strings rather than Java enums on purpose: a value the schema would
 * refuse (say BOOL, accepted by an API server with validation off) must still deserialize, so the
 * operator can report it in the status instead of failing to read the object at all.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.keySchema.exists_one(k, k.keyType == 'HASH')",
    message = "keySchema needs exactly one HASH key")
public class TableSpec {

  @Required
  @Size(min = 1, max = 64)
  @ValidationRule(value = "self == oldSelf",
      message = "attributeDefinitions cannot change after the table is created")
  @JsonPropertyDescription("Types of the key attributes (of the table and of its indexes), as in DynamoDB's CreateTable.")
  private List<AttributeDefinition> attributeDefinitions = new ArrayList<>();

  @Required
  @Size(min = 1, max = 2)
  @ValidationRule(value = "self == oldSelf",
      message = "keySchema cannot change after the table is created")
  @JsonPropertyDescription("Partition key (HASH) and optional sort key (RANGE), as in DynamoDB's CreateTable.")
  private List<KeySchemaElement> keySchema = new ArrayList<>();

  @Min(1)
  @Max(1024)
  @Default("1")
  @ValidationRule(value = "self >= oldSelf", message = "shards cannot shrink")
  @JsonPropertyDescription("Number of shards; each owns one contiguous range of the 64-bit partition-key hash space. Can grow, never shrink.")
  private Integer shards = 1;

  @Min(1)
  @Max(7)
  @Default("1")
  @JsonPropertyDescription("Pods per shard. Only 1 is served until shard replication lands; the operator refuses larger values.")
  private Integer replicasPerShard = 1;

  @ValidationRule(value = "self == oldSelf",
      message = "storage cannot change after the table is created: StatefulSet volume claim"
          + " templates are immutable (grow volumes by editing their PersistentVolumeClaims)")
  @JsonPropertyDescription("Persistent volume of each storage pod (RocksDB data). Cannot change after creation.")
  private StorageSpec storage;

  @JsonPropertyDescription("CPU and memory of each storage pod.")
  private ResourceRequirements resources;

  @Size(max = 5)
  @JsonPropertyDescription("Local secondary indexes, as in DynamoDB. Not served yet by this release: a Table that sets them is reported Failed (reason NotServedYet) and gets no shards; remove them.")
  private List<SecondaryIndex> localSecondaryIndexes;

  @Size(max = 20)
  @JsonPropertyDescription("Global secondary indexes, as in DynamoDB. Not served yet by this release: a Table that sets them is reported Failed (reason NotServedYet) and gets no shards; remove them.")
  private List<SecondaryIndex> globalSecondaryIndexes;

  @JsonPropertyDescription("Time to live: items whose named attribute holds an epoch-seconds time in the past expire. Not served yet by this release: a Table that sets it is reported Failed (reason NotServedYet) and gets no shards; remove it.")
  private TimeToLive ttl;

  @Pattern("^(Retain|Delete)$")
  @Default("Retain")
  @JsonPropertyDescription("What happens to the data volumes when the Table is deleted: Retain (default) keeps the PersistentVolumeClaims, Delete removes them.")
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

  public List<SecondaryIndex> getGlobalSecondaryIndexes() {
    return globalSecondaryIndexes;
  }

  public void setGlobalSecondaryIndexes(List<SecondaryIndex> globalSecondaryIndexes) {
    this.globalSecondaryIndexes = globalSecondaryIndexes;
  }

  public TimeToLive getTtl() {
    return ttl;
  }

  public void setTtl(TimeToLive ttl) {
    this.ttl = ttl;
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
}
