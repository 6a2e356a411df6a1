package io.kubedyn.operator;

import io.kubedyn.crd.ShardReplicas;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * What a replicated table's pods say of their shards' Raft groups: each pod's
 * {@code kubedyn_raft_leader} and {@code kubedyn_raft_applied_index} gauges, read from its
 * metrics (the HTTP port, as {@link TableItemCount} reads items), become each shard's leader and
 * the pods in sync with it.
 */
final class ShardLeaders {
  static final String LEADER = "kubedyn_raft_leader";
  static final String APPLIED = "kubedyn_raft_applied_index";
  /** A pod this many entries behind its leader, or less, counts as in sync. */
  static final long IN_SYNC_LAG = 1000;
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Logger LOG = Logger.getLogger(ShardLeaders.class);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  private ShardLeaders() {}

  /** A pod's two gauges; empty when it did not answer. */
  record PodReport(String pod, boolean leader, long applied) {
  }

  /** Each shard of the model: its leader and pods in sync. */
  static List<ShardReplicas> observe(ShardedTable model) {
    List<ShardReplicas> shards = new ArrayList<>();
    for (int shard = 0; shard < model.shards(); shard++) {
      List<PodReport> reports = new ArrayList<>();
      for (int replica = 0; replica < model.replicasPerShard(); replica++) {
        String pod = model.shard(shard).name() + "-" + replica;
        read(model.shard(shard).podDns(replica, model.clusterDomain()))
            .ifPresent(metrics -> reports.add(report(pod, metrics)));
      }
      shards.add(of(shard, reports, model.replicasPerShard()));
    }
    return shards;
  }

  /** A shard from its pods' reports: the leader is the pod saying so; in sync, those near it. */
  static ShardReplicas of(int shard, List<PodReport> reports, int replicas) {
    PodReport leader = reports.stream().filter(PodReport::leader).findFirst().orElse(null);
    int inSync = leader == null ? 0 : (int) reports.stream()
        .filter(r -> r.applied() >= leader.applied() - IN_SYNC_LAG).count();
    return new ShardReplicas(shard, leader == null ? null : leader.pod(), inSync, replicas);
  }

  static PodReport report(String pod, String metrics) {
    return new PodReport(pod, gauge(metrics, LEADER).orElse(0) == 1, gauge(metrics, APPLIED).orElse(-1));
  }

  /** A gauge without labels in a Prometheus text exposition; empty when absent or NaN. */
  static OptionalLong gauge(String metrics, String name) {
    return metrics.lines()
        .filter(line -> line.startsWith(name + " "))
        .map(line -> line.substring(name.length() + 1).trim())
        .map(Double::parseDouble)
        .filter(value -> !value.isNaN())
        .mapToLong(Double::longValue)
        .findFirst();
  }

  private static java.util.Optional<String> read(String host) {
    URI uri = URI.create("http://" + host + ":" + ShardIdentity.HTTP_PORT + "/q/metrics");
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? java.util.Optional.of(response.body())
          : java.util.Optional.empty();
    } catch (IOException e) {
      LOG.debugf("replication of %s not read: %s", uri, e.getMessage());
      return java.util.Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.empty();
    }
  }
}
