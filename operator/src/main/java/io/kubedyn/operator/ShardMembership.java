package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.ShardReplicas;
import io.kubedyn.crd.Table;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each replicated shard stands between {@code replicasPerShard} counts: a change is Raft
 * membership change, not new pods for a new group, and it runs in steps the operator takes as
 * the shard's leader reports its voters ({@code status.replication[].voters}).
 *
 * <ul>
 *   <li>Up (3 to 5): the StatefulSet gets the new pods at once; they start outside the group
 *       (their peers list, the founders, does not name them) and wait; once they are ready the
 *       operator asks the leader to make the first 5 pods the voters ({@link ShardVoters}); the
 *       gateway is sent to them once the leader says they vote.</li>
 *   <li>Down (5 to 3): the gateway is sent to the first 3 at once, the operator asks the leader
 *       for those 3 as voters, and only once the leader reports 3 does the StatefulSet lose its
 *       last pods (and their volumes: a pod added again later starts empty).</li>
 * </ul>
 *
 * @param founders the replicas that formed each shard's group: what its pods' peers list names,
 *     kept from the StatefulSet that exists, so changing the count never changes the pods'
 *     template (and never restarts them)
 * @param pods each shard's StatefulSet replicas
 * @param routed each shard's replicas in the shard map, where the gateway sends requests
 */
public record ShardMembership(int founders, Map<Integer, Integer> pods, Map<Integer, Integer> routed) {

    /** A table's membership from its spec, its observed status and its shards' StatefulSets. */
    static ShardMembership of(Table table, int wanted, Collection<StatefulSet> statefulSets) {
        Map<Integer, Integer> current = new HashMap<>();
        int founders = wanted;
        for (StatefulSet statefulSet : statefulSets) {
            Integer replicas = statefulSet.getSpec().getReplicas();
            Optional<Integer> shard = ShardStatefulSet.shardOf(statefulSet);
            if (shard.isPresent() && replicas != null) {
                current.put(shard.get(), replicas);
            }
            // How many replicas the pods are told formed their group.
            founders = ShardStatefulSet.envOf(statefulSet, ShardStatefulSet.REPLICATION_PEERS_ENV)
                    .filter(peers -> !peers.isBlank())
                    .map(peers -> peers.split(",").length)
                    .orElse(founders);
        }
        Map<Integer, Integer> voters = new HashMap<>();
        Map<Integer, Integer> published = new HashMap<>();
        if (table.getStatus() != null) {
            for (ShardReplicas shard :
                    Optional.ofNullable(table.getStatus().getReplication()).orElse(List.of())) {
                if (shard.getShard() != null && shard.getVoters() != null) {
                    voters.put(shard.getShard(), shard.getVoters());
                }
            }
            for (ShardRange range :
                    Optional.ofNullable(table.getStatus().getShardMap()).orElse(List.of())) {
                if (range.getShard() != null && range.getReplicas() != null) {
                    published.put(range.getShard(), range.getReplicas());
                }
            }
        }
        Map<Integer, Integer> pods = new HashMap<>();
        Map<Integer, Integer> routed = new HashMap<>();
        for (int shard : current.keySet()) {
            int running = current.get(shard);
            Integer voting = voters.get(shard);
            // Fewer pods only once the leader says the group has shrunk: a pod still voting stays.
            pods.put(shard, wanted >= running || voting != null && voting <= wanted ? wanted : running);
            // Requests go to voters only: a new pod is sent none until the group has added it.
            int reaching = voting != null ? voting : published.getOrDefault(shard, running);
            routed.put(shard, Math.min(wanted, reaching));
        }
        return new ShardMembership(founders, pods, routed);
    }

    /** A shard's StatefulSet replicas; {@code wanted} for a shard not created yet. */
    int podsOf(int shard, int wanted) {
        return pods.getOrDefault(shard, wanted);
    }

    /** A shard's replicas in the shard map; {@code wanted} for a shard not created yet. */
    int routedOf(int shard, int wanted) {
        return routed.getOrDefault(shard, wanted);
    }
}
