package io.kubedyn.operator;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may reach a table's storage pods from outside the table, as the chart describes its own
 * pods (the operator cannot know their labels or namespace): each shard's NetworkPolicy admits
 * these and the storage pods themselves, nothing else.
 *
 * @param grpc peers admitted to the gRPC port: the gateway
 * @param http peers admitted to the HTTP port: the operator (item counts, Raft membership) and
 *     whatever scrapes the pods' metrics
 */
public record StorageIngress(List<NetworkPolicyPeer> grpc, List<NetworkPolicyPeer> http) {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    @JsonCreator
    public StorageIngress(
            @JsonProperty("grpc") List<NetworkPolicyPeer> grpc, @JsonProperty("http") List<NetworkPolicyPeer> http) {
        this.grpc = List.copyOf(Objects.requireNonNullElse(grpc, List.of()));
        this.http = List.copyOf(Objects.requireNonNullElse(http, List.of()));
    }

    /**
     * The operator's setting ({@code {"grpc": [peers], "http": [peers]}} in NetworkPolicy's
     * shape); none when it is unset, and then the operator makes no NetworkPolicy.
     */
    public static Optional<StorageIngress> parse(Optional<String> json) {
        return json.filter(j -> !j.isBlank()).map(j -> JSON.unmarshal(j, StorageIngress.class));
    }
}
