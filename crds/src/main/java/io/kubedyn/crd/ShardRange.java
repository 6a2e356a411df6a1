package io.kubedyn.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.ShardMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One entry of the shard map: the partition-key hashes from {@code firstHash} to
 * {@code lastHash}, both inclusive, live on shard {@code shard}. Hashes are unsigned 64-bit
 * values written as {@code 0x} followed by exactly 16 lowercase hex digits, so that both ends
 * of the hash space ({@code 0x0000000000000000} and {@code 0xffffffffffffffff}) fit without an
 * exclusive bound of 2^64 that no 64-bit integer can hold.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Read by gateways and operators older or newer than the writer: a field one of them does not
// know yet is skipped, not a failure to read the whole Table.
@JsonIgnoreProperties(ignoreUnknown = true)
public class ShardRange {

    private Integer shard;

    @JsonPropertyDescription("First hash of the range, inclusive: 0x followed by 16 hex digits.")
    private String firstHash;

    @JsonPropertyDescription("Last hash of the range, inclusive: 0x followed by 16 hex digits.")
    private String lastHash;

    @JsonPropertyDescription("DNS name of the shard's headless Service.")
    private String service;

    @JsonPropertyDescription("gRPC port of the storage pods.")
    private Integer port;

    @JsonPropertyDescription("Storage pods of the shard, the replicas of its Raft group, each"
            + " reached at its StatefulSet pod name under the Service; absent means 1.")
    private Integer replicas;

    public ShardRange() {}

    public ShardRange(int shard, String firstHash, String lastHash, String service, int port) {
        this.shard = shard;
        this.firstHash = firstHash;
        this.lastHash = lastHash;
        this.service = service;
        this.port = port;
    }

    public Integer getShard() {
        return shard;
    }

    public void setShard(Integer shard) {
        this.shard = shard;
    }

    public String getFirstHash() {
        return firstHash;
    }

    public void setFirstHash(String firstHash) {
        this.firstHash = firstHash;
    }

    public String getLastHash() {
        return lastHash;
    }

    public void setLastHash(String lastHash) {
        this.lastHash = lastHash;
    }

    public String getService() {
        return service;
    }

    public void setService(String service) {
        this.service = service;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    /**
     * Where the shard is reached: {@code service:port}, or, for a replicated shard, each replica's
     * stable pod name ({@code <statefulset>-<i>.<service>:port}) joined by {@code |}.
     */
    public String address() {
        return address(service, port, replicas == null ? 1 : replicas);
    }

    /** {@link #address()} of a shard whose Service is {@code service}, with {@code replicas} pods. */
    public static String address(String service, int port, int replicas) {
        if (replicas <= 1) {
            return service + ":" + port;
        }
        String statefulSet = service.substring(0, service.indexOf('.') < 0 ? service.length() : service.indexOf('.'));
        List<String> pods = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            pods.add(statefulSet + "-" + i + "." + service + ":" + port);
        }
        return ShardMap.replicaAddress(pods);
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    /**
     * The routing map of a shard map's entries ({@code service:port} addresses), in hash order:
     * how the gateway routes requests and the pods route global secondary index entries.
     * IllegalArgumentException when the entries do not cover the hash space exactly once.
     */
    public static ShardMap toShardMap(List<ShardRange> entries) {
        List<ShardMap.Shard> shards = new ArrayList<>();
        for (ShardRange entry : entries) {
            shards.add(new ShardMap.Shard(
                    new HashRange(
                            HashRange.parseBound(entry.getFirstHash()), HashRange.parseBound(entry.getLastHash())),
                    entry.address()));
        }
        shards.sort(Comparator.comparing((ShardMap.Shard s) -> s.range().first(), Long::compareUnsigned));
        return new ShardMap(shards);
    }
}
