package io.kubedyn.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed, written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Read by gateways and operators older or newer than the writer: a field one of them does not
// know yet is skipped, not a failure to read the whole Table.
@JsonIgnoreProperties(ignoreUnknown = true)
public class TableStatus {
    // The phases are a contract between the operator, which writes them, and the gateway, which
    // serves a table only once it has been Ready (Degraded: some shards down, the rest serving).
    public static final String PHASE_PROVISIONING = "Provisioning";
    public static final String PHASE_READY = "Ready";
    public static final String PHASE_DEGRADED = "Degraded";
    public static final String PHASE_FAILED = "Failed";

    @JsonPropertyDescription("The DynamoDB table name this resource serves: spec.tableName, else metadata.name.")
    private String tableName;

    @JsonPropertyDescription("Shards x pods per shard, as provisioned (for kubectl get).")
    private String shardsByReplicas;

    @JsonPropertyDescription("Approximate number of items, refreshed periodically, as DescribeTable's ItemCount.")
    private Long itemCount;

    @JsonPropertyDescription(
            "ARN of the table's DynamoDB stream while spec.streamSpecification enables one (the Streams API's StreamArn).")
    private String latestStreamArn;

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Provisioning, Ready, Degraded or Failed.")
    private String phase;

    @JsonPropertyDescription("Ready, Progressing, Degraded and SpecServed, in the Kubernetes condition format.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Shards serving: all their pods ready, or for a replicated shard a majority.")
    private Integer readyShards;

    @JsonPropertyDescription("Hash ranges to shard Services; together they cover [0, 2^64) exactly once.")
    private List<ShardRange> shardMap = new ArrayList<>();

    @JsonPropertyDescription("URL of the DynamoDB-compatible gateway serving this table.")
    private String endpoint;

    @JsonPropertyDescription("Replicated shards (replicasPerShard above 1): each shard's Raft group"
            + " leader and its pods in sync, as the pods report them.")
    private List<ShardReplicas> replication;

    public List<ShardReplicas> getReplication() {
        return replication;
    }

    public void setReplication(List<ShardReplicas> replication) {
        this.replication = replication;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getPhase() {
        return phase;
    }

    public void setPhase(String phase) {
        this.phase = phase;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public Integer getReadyShards() {
        return readyShards;
    }

    public void setReadyShards(Integer readyShards) {
        this.readyShards = readyShards;
    }

    public List<ShardRange> getShardMap() {
        return shardMap;
    }

    public void setShardMap(List<ShardRange> shardMap) {
        this.shardMap = shardMap;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public String getTableName() {
        return tableName;
    }

    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    public String getShardsByReplicas() {
        return shardsByReplicas;
    }

    public void setShardsByReplicas(String shardsByReplicas) {
        this.shardsByReplicas = shardsByReplicas;
    }

    public Long getItemCount() {
        return itemCount;
    }

    public void setItemCount(Long itemCount) {
        this.itemCount = itemCount;
    }

    public String getLatestStreamArn() {
        return latestStreamArn;
    }

    public void setLatestStreamArn(String latestStreamArn) {
        this.latestStreamArn = latestStreamArn;
    }
}
