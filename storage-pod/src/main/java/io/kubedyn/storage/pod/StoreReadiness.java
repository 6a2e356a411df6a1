package io.kubedyn.storage.pod;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while RocksDB is open: Kubernetes sends no traffic before, nor during shutdown. */
@Readiness
@ApplicationScoped
public class StoreReadiness implements HealthCheck {
    private final StoreLifecycle lifecycle;

    StoreReadiness(StoreLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("rocksdb").status(lifecycle.isOpen()).build();
    }
}
