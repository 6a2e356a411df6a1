package io.kubedyn.gateway;

import io.kubedyn.storage.PartitionStore;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Chooses the backend from configuration; embedded (data under kubedyn.data-dir) is the default. */
@ApplicationScoped
public class BackendProducer {

    @Produces
    @ApplicationScoped
    TableBackend backend(@ConfigProperty(name = "kubedyn.backend", defaultValue = "embedded") String kind,
                         @ConfigProperty(name = "kubedyn.data-dir", defaultValue = "data") Path dataDir) {
        if (!kind.equals("embedded")) {
            throw new IllegalStateException("kubedyn.backend=" + kind + " is not available yet; use embedded");
        }
        Log.infof("kubedyn embedded backend: RocksDB data in %s", dataDir.toAbsolutePath());
        return new EmbeddedBackend(PartitionStore.open(dataDir));
    }

    void close(@Disposes TableBackend backend) throws Exception {
        if (backend instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
