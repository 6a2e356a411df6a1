package io.kubedyn.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready}: down while the gateway cannot serve its tables: the embedded store
 * cannot write (RocksDB stopped on an I/O error and has not reopened yet), or the cluster
 * gateway has not listed the Table resources. A storage pod that is down is not the gateway's
 * fault: its keys fail retryably and every other key is served.
 */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {
    private final StoragePlane plane;

    GatewayReadiness(StoragePlane plane) {
        this.plane = plane;
    }

    @Override
    public HealthCheckResponse call() {
        Optional<String> why = plane.notReady().get();
        HealthCheckResponseBuilder response =
                HealthCheckResponse.named("storage").status(why.isEmpty());
        why.ifPresent(reason -> response.withData("reason", reason));
        return response.build();
    }
}
