package io.kubedyn.storage.pod;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The replicas of this pod's shard: one Raft group, its peers named by their gRPC address (what
 * a gateway dials, and what a NOT_LEADER reply names as the leader) and reached for Raft on
 * their Raft port. Configured as {@code kubedyn.storage.replication.peers}: comma-separated
 * {@code host:port:raftPort}, the same list on every replica, and
 * {@code kubedyn.storage.replication.self}: this pod's {@code host:port}, or its pod name (on
 * Kubernetes, where peers are StatefulSet pods' stable names, {@code <pod>.<service>...}). The
 * peers are the replicas that formed the group; a pod named but not listed (a StatefulSet scaled
 * up) joins it when its leader adds it ({@link ShardReplica#setVoters}).
 */
record ReplicaPeers(String group, List<Peer> peers, Peer self) {

    /** A replica: its gRPC address ({@code host:port}) and its Raft port on the same host. */
    record Peer(String address, int raftPort) {
        String host() {
            return address.substring(0, address.lastIndexOf(':'));
        }

        String raftAddress() {
            return host() + ":" + raftPort;
        }

        /** The Raft peer id: the gRPC address with its colon as an underscore (no host has one). */
        String id() {
            return address.replace(':', '_');
        }

        /** The gRPC address a Raft peer id names. */
        static String addressOf(String id) {
            int at = id.lastIndexOf('_');
            return at < 0 ? id : id.substring(0, at) + ":" + id.substring(at + 1);
        }
    }

    ReplicaPeers {
        peers = List.copyOf(peers);
    }

    /** The group's id: the same on every replica, derived from the group's name. */
    UUID groupUuid() {
        return UUID.nameUUIDFromBytes(("kubedyn/" + group).getBytes(StandardCharsets.UTF_8));
    }

    static ReplicaPeers parse(String group, String peers, String self) {
        List<Peer> parsed = list(peers);
        String name = self.trim();
        // This pod: by its address, or by its pod name (the first label of its stable DNS name).
        Peer me = parsed.stream()
                .filter(p -> p.address().equals(name)
                        || p.host().startsWith(name + ".")
                        || p.host().equals(name))
                .findFirst()
                .orElseGet(() -> joiner(name, parsed.get(0), self, peers));
        return new ReplicaPeers(group, parsed, me);
    }

    /** Replicas as comma-separated {@code host:port:raftPort}: each once, at least one. */
    static List<Peer> list(String peers) {
        List<Peer> parsed = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String entry : peers.split(",")) {
            String text = entry.trim();
            if (text.isEmpty()) {
                continue;
            }
            int last = text.lastIndexOf(':');
            int middle = last < 0 ? -1 : text.lastIndexOf(':', last - 1);
            if (middle <= 0) {
                throw new IllegalArgumentException("replication peer '" + text + "' is not host:port:raftPort");
            }
            int raftPort;
            try {
                raftPort = Integer.parseInt(text.substring(last + 1));
                Integer.parseInt(text.substring(middle + 1, last));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("replication peer '" + text + "' has a port that is not a number");
            }
            Peer peer = new Peer(text.substring(0, last), raftPort);
            if (peer.address().contains("_")) {
                throw new IllegalArgumentException("replication peer '" + text + "': a host name has no '_'");
            }
            if (!seen.add(peer.address())) {
                throw new IllegalArgumentException("replication peer " + peer.address() + " is listed twice");
            }
            parsed.add(peer);
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("kubedyn.storage.replication.peers lists no peer");
        }
        return parsed;
    }

    /**
     * A pod of the shard's StatefulSet beyond the replicas that formed the group (it was scaled
     * up): named by its pod name, it is reached as its founding peers are, under its own name.
     */
    private static Peer joiner(String podName, Peer founder, String self, String peers) {
        int dot = founder.host().indexOf('.');
        if (podName.contains(":") || podName.contains(".") || podName.isEmpty() || dot < 0) {
            throw new IllegalArgumentException("kubedyn.storage.replication.self (" + self
                    + ") is not one of kubedyn.storage.replication.peers (" + peers + ")");
        }
        String host = podName + founder.host().substring(dot);
        return new Peer(host + founder.address().substring(founder.address().lastIndexOf(':')), founder.raftPort());
    }

    /** Whether this pod is one of the replicas that formed the group (else it joins it later). */
    boolean founder() {
        return peers.contains(self);
    }

    /** A peer from its Raft peer id and Raft address, as the group's configuration holds it. */
    static Peer ofRaft(String id, String raftAddress) {
        return new Peer(Peer.addressOf(id), Integer.parseInt(raftAddress.substring(raftAddress.lastIndexOf(':') + 1)));
    }
}
