package io.kubedyn.gateway.cluster;

import io.kubedyn.storage.StoreClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** The storage pods this gateway talks to, one {@link RemoteStore} (one gRPC channel) per address. */
public final class RemoteStores implements Function<String, StoreClient>, AutoCloseable {
    private final Duration timeout;
    private final Map<String, RemoteStore> stores = new ConcurrentHashMap<>();

    public RemoteStores(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public StoreClient apply(String address) {
        return stores.computeIfAbsent(address, a -> new RemoteStore(a, timeout));
    }

    @Override
    public void close() {
        stores.values().forEach(RemoteStore::close);
    }
}
