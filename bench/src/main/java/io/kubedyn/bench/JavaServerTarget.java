package io.kubedyn.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A Quarkus fast-jar ({@code quarkus-run.jar}) started with this JVM's {@code java}, so that the
 * server and the client run on the same JDK. The JVM flags are the same for every Java target.
 */
abstract class JavaServerTarget implements Target {
    private final Path jar;
    private final List<String> jvmOptions;
    private ServerProcess server;

    JavaServerTarget(Path jar, List<String> jvmOptions) {
        this.jar = jar;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** {@code -D} settings for this server besides its port. */
    abstract List<String> settings(Path workDir);

    /** Whether the server serves HTTPS (with {@link BenchTls}'s certificate) instead of HTTP. */
    boolean tls() {
        return false;
    }

    @Override
    public URI start(Path workDir) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: build it first (./mvnw -q -pl bench -am package -DskipTests)");
        }
        int port = ServerProcess.freeLoopbackPort();
        URI endpoint = URI.create(tls() ? "https://localhost:" + port : "http://127.0.0.1:" + port);
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.http.ssl-port=" + port);
        command.addAll(settings(workDir));
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        server = ServerProcess.start(name(), command, workDir, endpoint);
        return endpoint;
    }

    /** This JVM's {@code java}, so that servers and client run on the same JDK. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The JVM flags of every Java server of the run. */
    List<String> jvmOptions() {
        return jvmOptions;
    }

    /** The processes serving this target (the gateway, and any storage pods behind it), by id. */
    List<Long> processIds() {
        return server == null ? List.of() : List.of(server.pid());
    }

    @Override
    public OptionalLong jvmPid() {
        return server == null ? OptionalLong.empty() : OptionalLong.of(server.pid());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
