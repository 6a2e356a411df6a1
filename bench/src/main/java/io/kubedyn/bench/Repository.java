package io.kubedyn.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the servers' jars and the bench's scratch space are, found from the working directory up. */
public record Repository(Path root) {
    public static Repository locate(Path from) {
        for (Path dir = from.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("bench/pom.xml"))
                    && Files.isRegularFile(dir.resolve("gateway/pom.xml"))) {
                return new Repository(dir);
            }
        }
        throw new IllegalStateException("not inside the kubedyn repository: " + from.toAbsolutePath());
    }

    public Path gatewayJar() {
        return root.resolve("gateway/target/quarkus-app/quarkus-run.jar");
    }

    public Path storagePodJar() {
        return root.resolve("storage-pod/target/quarkus-app/quarkus-run.jar");
    }

    public Path noopServerJar() {
        return root.resolve("bench/noop-server/target/quarkus-app/quarkus-run.jar");
    }

    public Path benchTarget() {
        return root.resolve("bench/target");
    }
}
