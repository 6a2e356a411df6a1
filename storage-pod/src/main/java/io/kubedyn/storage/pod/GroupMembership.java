package io.kubedyn.storage.pod;

import io.kubedyn.core.OperatorCertificate;
import io.kubedyn.storage.InternalTls;
import io.kubedyn.storage.NotLeaderException;
import io.kubedyn.storage.StorageException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Who votes in this pod's shard group, on the pod's HTTP port (beside its probes and metrics),
 * for the operator: {@code GET /kubedyn/replication/voters} lists the voting replicas
 * ({@code host:port:raftPort}, comma-separated; empty while a change is under way), and
 * {@code PUT} with such a list makes those the voters (Raft membership change, on the leader
 * only): 202 when a change started, 200 when the group has those voters already, 409 with the
 * leader's address from another replica, 400 for a list that does not parse, 404 on a pod whose
 * shard is not replicated, 503 while the group cannot take it.
 *
 * <p>With internal TLS the change is taken only on the pod's mutual-TLS port
 * ({@link InternalHttpsServer}), from the operator: a caller whose certificate of the internal
 * authority names {@link OperatorCertificate#SUBJECT}. Any other certificate, and any call on
 * the plain port (which the kubelet and Prometheus reach), is refused with 403.
 */
@ApplicationScoped
public class GroupMembership {
    static final String PATH = "/kubedyn/replication/voters";

    private final StoreLifecycle lifecycle;
    private final InternalTls tls;

    GroupMembership(StoreLifecycle lifecycle, InternalTls tls) {
        this.lifecycle = lifecycle;
        this.tls = tls;
    }

    /** The plain HTTP port's routes: the change too, unless internal TLS guards it. */
    void routes(@Observes Router router) {
        router.get(PATH).blockingHandler(this::get);
        if (tls.enabled()) {
            router.put(PATH)
                    .handler(context -> answer(
                            context,
                            403,
                            "voters are changed on the pod's mutual-TLS "
                                    + "port only, by a caller with a certificate of the internal authority"));
        } else {
            serveChanges(router);
        }
    }

    /** Routes the change to voters on {@code router}, for any caller. */
    private void serveChanges(Router router) {
        router.put(PATH).handler(BodyHandler.create().setBodyLimit(64 * 1024)).blockingHandler(this::put);
    }

    /**
     * Routes the change to voters on the mutual-TLS port: only for the operator's certificate.
     * The gateway's and every pod's come from the same authority and must not change voters.
     */
    void serveOperatorChanges(Router router) {
        router.put(PATH).handler(context -> {
            if (OperatorCertificate.SUBJECT.equals(caller(context))) {
                context.next();
            } else {
                answer(
                        context,
                        403,
                        "voters are changed by the kubedyn operator only; this certificate names " + caller(context));
            }
        });
        serveChanges(router);
    }

    /** The subject of the caller's certificate; null without one. */
    private static String caller(RoutingContext context) {
        try {
            javax.net.ssl.SSLSession session = context.request().sslSession();
            return session == null ? null : session.getPeerPrincipal().getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private void get(RoutingContext context) {
        replica(context).ifPresent(replica -> answer(context, 200, text(replica.voters())));
    }

    private void put(RoutingContext context) {
        Optional<ShardReplica> replica = replica(context);
        if (replica.isEmpty()) {
            return;
        }
        List<ReplicaPeers.Peer> wanted;
        try {
            String body = context.body().asString();
            wanted = ReplicaPeers.list(body == null ? "" : body);
        } catch (IllegalArgumentException e) {
            answer(context, 400, e.getMessage());
            return;
        }
        try {
            boolean started = replica.get().setVoters(wanted);
            answer(context, started ? 202 : 200, text(wanted));
        } catch (NotLeaderException e) {
            answer(context, 409, e.leader() == null ? "" : e.leader());
        } catch (StorageException e) {
            answer(context, 503, e.getMessage());
        }
    }

    /** This pod's replica of its shard group; else the call is answered 404. */
    private Optional<ShardReplica> replica(RoutingContext context) {
        Optional<ShardReplica> replica = lifecycle.replica();
        if (replica.isEmpty()) {
            answer(context, 404, "this pod's shard is not replicated");
        }
        return replica;
    }

    private static String text(List<ReplicaPeers.Peer> peers) {
        return peers.stream().map(p -> p.address() + ":" + p.raftPort()).collect(Collectors.joining(","));
    }

    private static void answer(RoutingContext context, int status, String body) {
        context.response()
                .setStatusCode(status)
                .putHeader("content-type", "text/plain")
                .end(body);
    }
}
