package io.kubedyn.operator;

import io.kubedyn.crd.ShardReplicas;
import java.util.ArrayList;
import java.util.List;

/**
 * What a replicated table's pods say of their shards' Raft groups: each pod's
 * {@code kubedyn_raft_leader}, {@code kubedyn_raft_applied_index} and {@code kubedyn_raft_voters}
 * gauges, read from its metrics ({@link PodMetrics}), become each shard's leader, the pods in
 * sync with it and the replicas voting in its group.
 */
final class ShardLeaders {
    static final String LEADER = "kubedyn_raft_leader";
    static final String APPLIED = "kubedyn_raft_applied_index";
    static final String VOTERS = "kubedyn_raft_voters";
    /** A pod this many entries behind its leader, or less, counts as in sync. */
    static final long IN_SYNC_LAG = 1000;

    private ShardLeaders() {}

    /**
     * What a pod that answered says: whether it leads, the last log entry it applied, and how many
     * replicas vote in its group (0 while that changes).
     */
    record PodReport(String pod, boolean leader, long applied, int voters) {
        PodReport(String pod, boolean leader, long applied) {
            this(pod, leader, applied, 0);
        }
    }

    /** Each shard of the model: its leader and pods in sync. */
    static List<ShardReplicas> observe(ShardedTable model) {
        List<ShardReplicas> shards = new ArrayList<>();
        for (int shard = 0; shard < model.shards(); shard++) {
            List<PodReport> reports = new ArrayList<>();
            for (int replica = 0; replica < model.podsOf(shard); replica++) {
                String pod = model.shard(shard).name() + "-" + replica;
                PodMetrics.read(model.shard(shard).podDns(replica, model.clusterDomain()))
                        .ifPresent(metrics -> reports.add(report(pod, metrics)));
            }
            shards.add(of(shard, reports, model.podsOf(shard)));
        }
        return shards;
    }

    /** A shard from its pods' reports: the leader is the pod saying so; in sync, those near it. */
    static ShardReplicas of(int shard, List<PodReport> reports, int replicas) {
        PodReport leader =
                reports.stream().filter(PodReport::leader).findFirst().orElse(null);
        int inSync = leader == null
                ? 0
                : (int) reports.stream()
                        .filter(r -> r.applied() >= leader.applied() - IN_SYNC_LAG)
                        .count();
        return new ShardReplicas(
                shard,
                leader == null ? null : leader.pod(),
                inSync,
                replicas,
                leader == null || leader.voters() <= 0 ? null : leader.voters());
    }

    static PodReport report(String pod, String metrics) {
        return new PodReport(
                pod,
                PodMetrics.gauge(metrics, LEADER).orElse(0) == 1,
                (long) PodMetrics.gauge(metrics, APPLIED).orElse(-1),
                (int) PodMetrics.gauge(metrics, VOTERS).orElse(0));
    }
}
