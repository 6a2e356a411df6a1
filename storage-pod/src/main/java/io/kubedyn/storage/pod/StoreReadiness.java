package io.kubedyn.storage.pod;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while RocksDB is open and takes writes: Kubernetes sends no traffic before, nor
 * during shutdown, nor while the store recovers from an I/O error (a full disk, too many open
 * files), which it does by itself once the cause is gone.
 */
@Readiness
@ApplicationScoped
public class StoreReadiness implements HealthCheck {
    private final StoreLifecycle lifecycle;

    StoreReadiness(StoreLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        Optional<String> fault = lifecycle.fault();
        HealthCheckResponseBuilder response =
                HealthCheckResponse.named("rocksdb").status(lifecycle.isOpen() && fault.isEmpty());
        fault.ifPresent(reason -> response.withData("fault", reason));
        return response.build();
    }
}
