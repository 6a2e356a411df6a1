package io.kubedyn.storage.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A pod finds itself among its shard's replicas, or learns it is one that joins them later. */
class ReplicaPeersTest {
    private static final String SERVICE = ".music-shard-0.prod.svc.cluster.local";
    private static final String FOUNDERS = "music-shard-0-0" + SERVICE + ":9090:9091,music-shard-0-1" + SERVICE
            + ":9090:9091,music-shard-0-2" + SERVICE + ":9090:9091";

    @Test
    void aPodTheFoundersListIsOneOfThem() {
        ReplicaPeers peers = ReplicaPeers.parse("g", FOUNDERS, "music-shard-0-1");
        assertThat(peers.founder()).isTrue();
        assertThat(peers.self().address()).isEqualTo("music-shard-0-1" + SERVICE + ":9090");
    }

    @Test
    void aPodAddedByAScaleUpIsReachedAsTheFoundersAreUnderItsOwnName() {
        ReplicaPeers peers = ReplicaPeers.parse("g", FOUNDERS, "music-shard-0-4");
        assertThat(peers.founder()).isFalse();
        assertThat(peers.self().address()).isEqualTo("music-shard-0-4" + SERVICE + ":9090");
        assertThat(peers.self().raftAddress()).isEqualTo("music-shard-0-4" + SERVICE + ":9091");
        assertThat(peers.peers()).hasSize(3);
    }

    @Test
    void anAddressNotListedIsAMistakeNotAJoiner() {
        assertThatThrownBy(() -> ReplicaPeers.parse("g", "127.0.0.1:9090:9091,127.0.0.2:9090:9091", "127.0.0.3:9090"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not one of kubedyn.storage.replication.peers");
        assertThatThrownBy(() -> ReplicaPeers.list("a:1:2,a:1:3")).hasMessageContaining("listed twice");
    }
}
