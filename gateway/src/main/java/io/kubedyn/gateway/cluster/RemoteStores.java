package io.kubedyn.gateway.cluster;

import io.kubedyn.core.ShardMap;
import io.kubedyn.storage.InternalTls;
import io.kubedyn.storage.StoreClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The storage pods this gateway talks to, one {@link RemoteStore} (one gRPC channel) per pod
 * address. A replicated shard's address lists its replicas, {@code host:port|host:port|...}: it
 * is reached through {@link ShardReplicas}, over the same per-pod channels.
 */
public final class RemoteStores implements Function<String, StoreClient>, AutoCloseable {
    private final Duration timeout;
    private final InternalTls tls;
    private final Map<String, RemoteStore> stores = new ConcurrentHashMap<>();
    private final Map<String, ShardReplicas> shards = new ConcurrentHashMap<>();

    public RemoteStores(Duration timeout) {
        this(timeout, InternalTls.PLAINTEXT);
    }

    /** Reaching every pod over {@code tls}: mutual TLS, or plain text. */
    public RemoteStores(Duration timeout, InternalTls tls) {
        this.timeout = timeout;
        this.tls = tls;
    }

    @Override
    public StoreClient apply(String address) {
        if (address.indexOf(ShardMap.REPLICA_SEPARATOR) >= 0) {
            return shards.computeIfAbsent(
                    address,
                    a -> new ShardReplicas(
                            ShardMap.replicas(a).stream().map(this::pod).toList(), timeout));
        }
        return pod(address);
    }

    private RemoteStore pod(String address) {
        return stores.computeIfAbsent(address, a -> new RemoteStore(a, timeout, tls));
    }

    @Override
    public void close() {
        stores.values().forEach(RemoteStore::close);
        tls.close();
    }
}
