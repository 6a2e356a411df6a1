package io.kubedyn.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cluster DNS on one machine: a hosts file that processes started with
 * {@code -Djdk.net.hosts.file} resolve names through instead of the system's resolver. It holds
 * what kube-dns would answer for the names the system uses: a headless Service's name resolves to
 * its ready pods' addresses, a StatefulSet pod's stable name to its pod's address. Each write
 * replaces the file atomically, so a reader never sees half of it.
 */
final class ClusterDns {
    static final String CLUSTER_DOMAIN = "cluster.local";

    private final Path hostsFile;
    private String written = "";

    ClusterDns(Path hostsFile) {
        this.hostsFile = hostsFile;
        publish(Map.of());
    }

    static String serviceName(String service, String namespace) {
        return service + "." + namespace + ".svc." + CLUSTER_DOMAIN;
    }

    static String podName(String pod, String service, String namespace) {
        return pod + "." + service + "." + namespace + ".svc." + CLUSTER_DOMAIN;
    }

    /**
     * The JVM option under which a process resolves names through this DNS. Caching stays as the
     * process configures it (the gateway's image sets its own TTLs), so a test sees what the
     * cache does to a changed answer.
     */
    String resolverOption() {
        return "-Djdk.net.hosts.file=" + hostsFile.toAbsolutePath();
    }

    /** Replaces every record: name to its addresses. */
    synchronized void publish(Map<String, List<String>> records) {
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost " + machineName() + "\n");
        new TreeMap<>(records)
                .forEach((name, addresses) -> addresses.forEach(address ->
                        hosts.append(address).append(' ').append(name).append('\n')));
        String content = hosts.toString();
        if (content.equals(written)) {
            return;
        }
        try {
            Files.createDirectories(hostsFile.getParent());
            Path next = hostsFile.resolveSibling(hostsFile.getFileName() + ".next");
            Files.writeString(next, content);
            Files.move(next, hostsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            written = content;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A process looking up its own host name (some libraries do at start) must find it here too. */
    private static String machineName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost.localdomain";
        }
    }
}
