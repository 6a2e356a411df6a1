package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubedyn.crd.ShardReplicas;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Takes a replicated shard's group to {@code replicasPerShard} voters (see
 * {@link ShardMembership}): asks its leader ({@code PUT /kubedyn/replication/voters}, the first
 * N pods' peers), once the pods it adds are ready. With internal TLS the leader takes it only on
 * its mutual-TLS port, from a holder of the internal authority's certificate (the operator's
 * own, {@link InternalCertificates#podClient}); without, on its plain HTTP port. The leader runs Raft's membership change; the operator sees its end in the leader's
 * {@code kubedyn_raft_voters} gauge ({@link ShardLeaders}).
 */
final class ShardVoters {
    static final String PATH = "/kubedyn/replication/voters";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Logger LOG = Logger.getLogger(ShardVoters.class);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private ShardVoters() {}

    /**
     * Asks each shard's leader for the voters the table wants where they differ. Whether any
     * shard's membership is still changing (its voters, or its pods, not yet as wanted).
     */
    static boolean converge(
            ShardedTable model,
            List<ShardReplicas> observed,
            Map<Integer, StatefulSet> statefulSets,
            Supplier<HttpClient> tlsClient) {
        int wanted = model.replicasPerShard();
        boolean changing = false;
        for (ShardReplicas shard : observed) {
            Integer voters = shard.getVoters();
            if (voters != null && voters == wanted && model.podsOf(shard.getShard()) == wanted) {
                continue;
            }
            changing = true;
            if (shard.getLeader() == null || voters == null || voters == wanted) {
                // No leader, or a change under way, or only the pods left to remove: look again.
                continue;
            }
            StatefulSet statefulSet = statefulSets.get(shard.getShard());
            Integer ready = statefulSet == null || statefulSet.getStatus() == null
                    ? null
                    : statefulSet.getStatus().getReadyReplicas();
            if (wanted > voters && (ready == null || ready < wanted)) {
                continue;
            }
            ask(model, shard, wanted, tlsClient);
        }
        return changing;
    }

    private static void ask(ShardedTable model, ShardReplicas shard, int wanted, Supplier<HttpClient> tlsClient) {
        String leader = shard.getLeader();
        String host = model.shard(shard.getShard()).podDns(leader, model.clusterDomain());
        URI uri = URI.create(
                model.internalTls()
                        ? "https://" + host + ":" + ShardIdentity.ADMIN_PORT + PATH
                        : "http://" + host + ":" + ShardIdentity.HTTP_PORT + PATH);
        String peers = model.peers(shard.getShard(), wanted);
        try {
            HttpClient client = model.internalTls() ? tlsClient.get() : HTTP;
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(TIMEOUT)
                            .PUT(HttpRequest.BodyPublishers.ofString(peers))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            LOG.infof(
                    "asked %s for %d voters (%s): %d %s",
                    leader, wanted, peers, response.statusCode(), response.body());
        } catch (IOException e) {
            LOG.infof("%s not asked for %d voters: %s", leader, wanted, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
