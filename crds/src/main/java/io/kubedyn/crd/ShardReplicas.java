package io.kubedyn.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * A replicated shard as its pods report it: which pod leads its Raft group, and how many have
 * applied the log up to the leader (give or take the writes in flight).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Read by gateways and operators older or newer than the writer: a field one of them does not
// know yet is skipped, not a failure to read the whole Table.
@JsonIgnoreProperties(ignoreUnknown = true)
public class ShardReplicas {

    private Integer shard;

    @JsonPropertyDescription("The pod leading the shard's Raft group; absent while none does.")
    private String leader;

    @JsonPropertyDescription(
            "Pods whose applied log is within 1,000 entries of the leader's, the" + " leader included.")
    private Integer inSync;

    @JsonPropertyDescription("Pods of the shard.")
    private Integer replicas;

    @JsonPropertyDescription("Replicas voting in the shard's Raft group, as its leader reports it;"
            + " absent while no pod leads or a change of members is under way.")
    private Integer voters;

    public ShardReplicas() {}

    public ShardReplicas(int shard, String leader, int inSync, int replicas) {
        this(shard, leader, inSync, replicas, null);
    }

    public ShardReplicas(int shard, String leader, int inSync, int replicas, Integer voters) {
        this.shard = shard;
        this.leader = leader;
        this.inSync = inSync;
        this.replicas = replicas;
        this.voters = voters;
    }

    public Integer getVoters() {
        return voters;
    }

    public void setVoters(Integer voters) {
        this.voters = voters;
    }

    public Integer getShard() {
        return shard;
    }

    public void setShard(Integer shard) {
        this.shard = shard;
    }

    public String getLeader() {
        return leader;
    }

    public void setLeader(String leader) {
        this.leader = leader;
    }

    public Integer getInSync() {
        return inSync;
    }

    public void setInSync(Integer inSync) {
        this.inSync = inSync;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardReplicas other
                && Objects.equals(shard, other.shard)
                && Objects.equals(leader, other.leader)
                && Objects.equals(inSync, other.inSync)
                && Objects.equals(replicas, other.replicas)
                && Objects.equals(voters, other.voters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(shard, leader, inSync, replicas, voters);
    }

    @Override
    public String toString() {
        return "shard " + shard + ": leader " + leader + ", " + inSync + " of " + replicas + " in sync";
    }
}
