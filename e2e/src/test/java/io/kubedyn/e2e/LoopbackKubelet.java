package io.kubedyn.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-only stand-in for what a cluster runs below the API server, for StatefulSets: the
 * StatefulSet controller, the kubelet and kube-dns, on one machine and without containers.
 * For every replica of every StatefulSet in the namespace it runs the pod's one container as a
 * process of the packaged storage pod, configured exactly by the pod template (its environment,
 * with {@code fieldRef}s resolved), on an address of its own in 127.0.0.0/8 (its "pod IP", so
 * every pod listens on the template's container ports as in a cluster; a container restart keeps
 * it, a new pod gets a new one), with each
 * volumeClaimTemplate's volume as a directory that outlives the pod. It probes the template's
 * readiness probe, reports ready replicas in the StatefulSet's status, publishes ready pods in
 * {@link ClusterDns}, restarts a pod whose process died after a back-off (restartPolicy Always),
 * replaces pods whose template changed, and stops the pods of a deleted StatefulSet.
 */
final class LoopbackKubelet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackKubelet.class);
    private static final String STORAGE_POD_IMAGE = "kubedyn/storage-pod";

    private final KubernetesClient client;
    private final String namespace;
    private final Path workDir;
    private final ClusterDns dns;
    private final String subnet;
    private final Duration restartBackOff;
    private final SharedIndexInformer<StatefulSet> statefulSets;
    private final SharedIndexInformer<Service> services;
    private final Map<String, Pod> pods = new ConcurrentHashMap<>();
    /** Pods whose container is not restarted when it dies, until released (a node kept down). */
    private final java.util.Set<String> heldDown = ConcurrentHashMap.newKeySet();

    private final AtomicInteger lastHost = new AtomicInteger(1);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "loopback-kubelet");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param subnet the first three octets of the pods' addresses, e.g. {@code 127.42.7}
     * @param restartBackOff how long a dead pod stays down before its restart (Kubernetes
     *        starts its crash back-off at 10 s)
     */
    LoopbackKubelet(
            KubernetesClient client,
            String namespace,
            Path workDir,
            ClusterDns dns,
            String subnet,
            Duration restartBackOff) {
        this.client = client;
        this.namespace = namespace;
        this.workDir = workDir;
        this.dns = dns;
        this.subnet = subnet;
        this.restartBackOff = restartBackOff;
        this.statefulSets = client.apps().statefulSets().inNamespace(namespace).inform();
        this.services = client.services().inNamespace(namespace).inform();
        loop.scheduleWithFixedDelay(this::syncQuietly, 0, 200, TimeUnit.MILLISECONDS);
    }

    /** The pods this kubelet runs, by name. */
    List<String> podNames() {
        return pods.keySet().stream().sorted().toList();
    }

    /** A Secret's keys written as files of {@code directory}, as a kubelet projects a Secret volume. */
    static Path project(io.fabric8.kubernetes.api.model.Secret secret, Path directory) throws IOException {
        Files.createDirectories(directory);
        for (Map.Entry<String, String> entry :
                Optional.ofNullable(secret.getData()).orElse(Map.of()).entrySet()) {
            Files.write(
                    directory.resolve(entry.getKey()),
                    java.util.Base64.getDecoder().decode(entry.getValue()));
        }
        return directory;
    }

    /** The pod's address ("pod IP"): kept across container restarts, new for a new pod. */
    String address(String pod) {
        return existing(pod).address;
    }

    /** The pod's container port named {@code name}. */
    int port(String pod, String name) {
        return existing(pod).port(name);
    }

    /** The pod's HTTP side (health and metrics), at the container port named {@code http}. */
    URI httpEndpoint(String pod) {
        Pod running = existing(pod);
        return URI.create("http://" + running.address + ":" + running.port("http"));
    }

    boolean isReady(String pod) {
        Pod running = pods.get(pod);
        return running != null && running.ready;
    }

    /** How many times the pod was restarted after its process died. */
    int restarts(String pod) {
        return existing(pod).restarts;
    }

    /** kill -9 of the pod's process, as a crashing JVM or an OOM kill; the kubelet restarts it after the back-off. */
    void kill(String pod) throws InterruptedException {
        existing(pod).process.kill();
    }

    /** Keeps the pod's container from being restarted when it dies, as if its node were down. */
    void holdDown(String pod) {
        heldDown.add(pod);
    }

    /** Lets the kubelet restart the pod again (after its back-off, counted from its death). */
    void release(String pod) {
        heldDown.remove(pod);
    }

    /**
     * kill -9 of the pod's process and its volumes emptied before the kubelet restarts it, as a
     * pod rescheduled onto a node with a new, empty volume (its old node and disk lost).
     */
    synchronized void killAndWipeVolumes(String pod) throws InterruptedException, IOException {
        existing(pod).process.kill();
        deleteVolumes(pod);
    }

    /** Empties the pod's volumes (their directories stay, empty). */
    private void deleteVolumes(String pod) throws IOException {
        try (var claims = Files.list(workDir.resolve("volumes"))) {
            for (Path claim : claims.filter(c -> c.getFileName().toString().endsWith("-" + pod))
                    .toList()) {
                try (var files = Files.walk(claim)) {
                    for (Path file :
                            files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        if (!file.equals(claim)) {
                            Files.delete(file);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code kubectl delete pod}: the pod is stopped (SIGTERM, then SIGKILL after the grace
     * period) and its StatefulSet's controller creates it again, same name and volumes, with a
     * new address, as a rolling update or a drained node does.
     */
    void deletePod(String pod) throws InterruptedException {
        Pod deleted = existing(pod);
        synchronized (this) {
            pods.remove(pod);
            deleted.process.close();
        }
    }

    private Pod existing(String pod) {
        return Optional.ofNullable(pods.get(pod))
                .orElseThrow(() -> new IllegalArgumentException("no pod " + pod + "; pods: " + podNames()));
    }

    private void syncQuietly() {
        try {
            synchronized (this) {
                sync();
            }
        } catch (RuntimeException | IOException e) {
            LOG.warn("kubelet sync failed; retrying", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sync() throws IOException, InterruptedException {
        Map<String, StatefulSet> wanted = new HashMap<>();
        for (StatefulSet statefulSet : statefulSets.getStore().list()) {
            wanted.put(statefulSet.getMetadata().getName(), statefulSet);
        }
        for (Pod pod : List.copyOf(pods.values())) {
            StatefulSet owner = wanted.get(pod.statefulSet);
            if (owner == null || pod.ordinal >= replicas(owner)) {
                LOG.info("stopping pod {}: its StatefulSet is gone or scaled down", pod.name);
                pod.process.close();
                pods.remove(pod.name);
                client.pods().inNamespace(namespace).withName(pod.name).delete();
                if (owner != null
                        && owner.getSpec().getPersistentVolumeClaimRetentionPolicy() != null
                        && "Delete"
                                .equals(owner.getSpec()
                                        .getPersistentVolumeClaimRetentionPolicy()
                                        .getWhenScaled())) {
                    // The StatefulSet controller deletes a scaled-down pod's claims: its volumes go.
                    deleteVolumes(pod.name);
                }
            }
        }
        Map<StatefulSet, Integer> readyReplicas = new LinkedHashMap<>();
        for (StatefulSet statefulSet : wanted.values()) {
            if (statefulSet.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            int ready = 0;
            for (int ordinal = 0; ordinal < replicas(statefulSet); ordinal++) {
                Pod pod = runPod(statefulSet, ordinal);
                if (pod != null && pod.ready) {
                    ready++;
                }
            }
            readyReplicas.put(statefulSet, ready);
        }
        // A ready pod's DNS record first, then the readiness the operator reports the table by: a
        // gateway routing to a table the moment it is Ready finds its shards' names.
        publishDns(wanted);
        readyReplicas.forEach(this::reportStatus);
    }

    private Pod runPod(StatefulSet statefulSet, int ordinal) throws IOException, InterruptedException {
        String name = statefulSet.getMetadata().getName() + "-" + ordinal;
        PodTemplateSpec template = statefulSet.getSpec().getTemplate();
        Pod pod = pods.get(name);
        if (pod != null && !Objects.equals(pod.template, template)) {
            LOG.info("replacing pod {}: its template changed", name);
            pod.process.close();
            pods.remove(name);
            client.pods().inNamespace(namespace).withName(name).delete();
            pod = null;
        }
        if (pod == null) {
            pod = new Pod(statefulSet, ordinal, subnet + "." + lastHost.incrementAndGet());
            pods.put(name, pod);
            pod.startContainer();
            publishPod(pod);
            return pod;
        }
        if (!pod.process.isAlive()) {
            pod.ready = false;
            Instant now = Instant.now();
            if (pod.diedAt == null) {
                pod.diedAt = now;
                pod.terminated = new ContainerStateTerminatedBuilder()
                        .withExitCode(1)
                        .withReason("Error")
                        .withMessage(pod.terminationMessage())
                        .withFinishedAt(now.toString())
                        .build();
                LOG.info("pod {} died; restarting it in {}", name, restartBackOff);
                publishPodStatus(pod);
            } else if (!heldDown.contains(name) && now.isAfter(pod.diedAt.plus(restartBackOff))) {
                pod.diedAt = null;
                pod.restarts++;
                pod.startContainer();
                publishPodStatus(pod);
            }
            return pod;
        }
        pod.ready = probe(pod);
        return pod;
    }

    private boolean probe(Pod pod) {
        HTTPGetAction readiness = pod.container.getReadinessProbe().getHttpGet();
        URI uri = URI.create("http://" + pod.address + ":"
                + pod.port(
                        readiness.getPort().getStrVal() != null
                                ? readiness.getPort().getStrVal()
                                : readiness.getPort().getIntVal().toString())
                + readiness.getPath());
        try {
            return http.send(
                                            HttpRequest.newBuilder(uri)
                                                    .timeout(Duration.ofSeconds(1))
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            / 100
                    == 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The Pod object, as the StatefulSet controller creates it (the template's labels, so the
     * operator's pod informer finds it), and its container's state as the kubelet reports it.
     */
    private void publishPod(Pod pod) {
        io.fabric8.kubernetes.api.model.Pod object = new PodBuilder()
                .withNewMetadata()
                .withName(pod.name)
                .withNamespace(namespace)
                .withLabels(pod.template.getMetadata().getLabels())
                .endMetadata()
                .withNewSpec()
                .withContainers(pod.container)
                .endSpec()
                .build();
        client.pods().inNamespace(namespace).resource(object).createOr(NonDeletingOperation::update);
        publishPodStatus(pod);
    }

    /**
     * A running container, or one waiting in CrashLoopBackOff after it terminated; the last
     * termination (with the container's termination message) stays in lastState, as a kubelet
     * keeps it.
     */
    private void publishPodStatus(Pod pod) {
        ContainerState state = pod.diedAt == null
                ? new ContainerStateBuilder()
                        .withNewRunning()
                        .withStartedAt(Instant.now().toString())
                        .endRunning()
                        .build()
                : new ContainerStateBuilder()
                        .withNewWaiting()
                        .withReason("CrashLoopBackOff")
                        .endWaiting()
                        .build();
        ContainerStatusBuilder container = new ContainerStatusBuilder()
                .withName(pod.container.getName())
                .withImage(pod.container.getImage())
                .withRestartCount(pod.restarts)
                .withState(state);
        if (pod.terminated != null) {
            container.withNewLastState().withTerminated(pod.terminated).endLastState();
        }
        client.pods().inNamespace(namespace).withName(pod.name).editStatus(p -> {
            p.setStatus(new PodStatusBuilder()
                    .withPodIP(pod.address)
                    .withContainerStatuses(container.build())
                    .build());
            return p;
        });
    }

    private void reportStatus(StatefulSet statefulSet, int ready) {
        int replicas = replicas(statefulSet);
        var status = statefulSet.getStatus();
        if (status != null
                && Objects.equals(status.getReadyReplicas(), ready)
                && Objects.equals(status.getReplicas(), replicas)
                && Objects.equals(
                        status.getObservedGeneration(),
                        statefulSet.getMetadata().getGeneration())) {
            return;
        }
        client.apps()
                .statefulSets()
                .inNamespace(namespace)
                .withName(statefulSet.getMetadata().getName())
                .editStatus(s -> {
                    s.setStatus(new StatefulSetStatusBuilder()
                            .withObservedGeneration(statefulSet.getMetadata().getGeneration())
                            .withReplicas(replicas)
                            .withCurrentReplicas(replicas)
                            .withUpdatedReplicas(replicas)
                            .withReadyReplicas(ready)
                            .withAvailableReplicas(ready)
                            .build());
                    return s;
                });
    }

    private void publishDns(Map<String, StatefulSet> statefulSets) {
        Map<String, List<String>> records = new LinkedHashMap<>();
        for (Pod pod : pods.values()) {
            StatefulSet owner = statefulSets.get(pod.statefulSet);
            String serviceName = owner == null ? null : owner.getSpec().getServiceName();
            Service service = serviceName == null ? null : services.getStore().getByKey(namespace + "/" + serviceName);
            if (service == null) {
                continue;
            }
            boolean publishNotReady = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
            // As an EndpointSlice lists it: a pod whose container restarts keeps its address.
            if (pod.ready || publishNotReady) {
                records.computeIfAbsent(ClusterDns.serviceName(serviceName, namespace), n -> new ArrayList<>())
                        .add(pod.address);
                records.put(ClusterDns.podName(pod.name, serviceName, namespace), List.of(pod.address));
            }
        }
        dns.publish(records);
    }

    private static int replicas(StatefulSet statefulSet) {
        Integer replicas = statefulSet.getSpec().getReplicas();
        return replicas == null ? 1 : replicas;
    }

    @Override
    public void close() throws InterruptedException {
        loop.shutdownNow();
        loop.awaitTermination(30, TimeUnit.SECONDS);
        statefulSets.close();
        services.close();
        for (Pod pod : pods.values()) {
            pod.process.close();
        }
    }

    /** One pod of a StatefulSet: its container as a process, and what the kubelet knows of it. */
    private final class Pod {
        final String name;
        final String statefulSet;
        final int ordinal;
        final String address;
        final PodTemplateSpec template;
        final Container container;
        final PackagedService process;
        boolean ready;
        Instant diedAt;
        int restarts;
        /** The container's last termination, as the kubelet reports it in lastState. */
        ContainerStateTerminated terminated;
        /**
         * What the kubelet mounts at the container's terminationMessagePath: a file per pod, handed
         * to the storage pod as {@code kubedyn.storage.termination-log}.
         */
        final Path terminationLog;

        Pod(StatefulSet owner, int ordinal, String address) throws IOException {
            this.statefulSet = owner.getMetadata().getName();
            this.ordinal = ordinal;
            this.name = statefulSet + "-" + ordinal;
            this.address = address;
            this.template = owner.getSpec().getTemplate();
            List<Container> containers = template.getSpec().getContainers();
            if (containers.size() != 1 || !containers.get(0).getImage().startsWith(STORAGE_POD_IMAGE + ":")) {
                throw new IllegalStateException("pod " + name + ": this kubelet runs one " + STORAGE_POD_IMAGE
                        + " container per pod, the template has " + containers);
            }
            this.container = containers.get(0);
            this.terminationLog = workDir.resolve("termination").resolve(name);
            // Cluster DNS, as in a pod: a shard sends global index entries to its peers by Service name.
            // The image's JVM options (DNS caching among them), then: cluster DNS, and a
            // replicated shard snapshots every 200 log entries and keeps 1,000 before the last
            // (100,000 each by default), so tests see snapshots taken, logs dropped and
            // snapshots sent within seconds of load; a restart of a few seconds still catches up
            // from the log.
            List<String> options = new ArrayList<>(LoopbackCluster.imageJvmOptions("storage-pod"));
            options.add(dns.resolverOption());
            options.add("-Dkubedyn.storage.replication.snapshot-every=200");
            options.add("-Dkubedyn.storage.replication.log-kept=1000");
            Map<String, String> volumes = mountVolumes(owner);
            // The container's root filesystem is read-only: its JVM writes its temporary files
            // (RocksDB's native library among them) to the volume mounted at /tmp, here too.
            options.add("-Djava.io.tmpdir="
                    + Objects.requireNonNull(volumes.get("/tmp"), "pod " + name + " mounts no volume at /tmp"));
            this.process = new PackagedService(
                    name,
                    "storage-pod",
                    options,
                    environment(volumes),
                    workDir.resolve("logs").resolve(name + ".log"));
        }

        /**
         * Each volume mount's path to a directory: a claim template's volume outlives the pod, an
         * emptyDir is new with each pod. Any other kind of volume is refused.
         */
        private Map<String, String> mountVolumes(StatefulSet owner) throws IOException {
            Map<String, String> volumes = new HashMap<>();
            for (VolumeMount mount :
                    Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
                boolean fromClaimTemplate = owner.getSpec().getVolumeClaimTemplates().stream()
                        .anyMatch(t -> t.getMetadata().getName().equals(mount.getName()));
                boolean emptyDir = Optional.ofNullable(template.getSpec().getVolumes()).orElse(List.of()).stream()
                        .anyMatch(v -> v.getName().equals(mount.getName()) && v.getEmptyDir() != null);
                Optional<String> secret =
                        Optional.ofNullable(template.getSpec().getVolumes()).orElse(List.of()).stream()
                                .filter(v -> v.getName().equals(mount.getName()) && v.getSecret() != null)
                                .map(v -> v.getSecret().getSecretName())
                                .findFirst();
                Path directory;
                if (secret.isPresent()) {
                    directory = secretVolume(secret.get(), mount.getName());
                } else if (fromClaimTemplate) {
                    directory = workDir.resolve("volumes").resolve(mount.getName() + "-" + name);
                    Files.createDirectories(directory);
                } else if (emptyDir) {
                    Files.createDirectories(workDir.resolve("empty-dirs"));
                    directory = Files.createTempDirectory(workDir.resolve("empty-dirs"), name + "-" + mount.getName());
                } else {
                    throw new IllegalStateException(
                            "pod " + name + ": volume " + mount.getName()
                                    + " is neither from a volumeClaimTemplate, an emptyDir nor a Secret; this kubelet mounts only those");
                }
                volumes.put(mount.getMountPath(), directory.toAbsolutePath().toString());
            }
            return volumes;
        }

        /**
         * A Secret's keys as files of a directory new with each pod, as the kubelet projects it
         * (read once, when the pod starts: this kubelet does not follow later changes).
         */
        private Path secretVolume(String secretName, String volume) throws IOException {
            io.fabric8.kubernetes.api.model.Secret secret =
                    client.secrets().inNamespace(namespace).withName(secretName).get();
            if (secret == null) {
                throw new IllegalStateException(
                        "pod " + name + ": Secret " + secretName + " of volume " + volume + " does not exist");
            }
            Files.createDirectories(workDir.resolve("secrets"));
            return project(secret, Files.createTempDirectory(workDir.resolve("secrets"), name + "-" + volume));
        }

        /** The container's environment as the kubelet gives it, plus the pod's network identity. */
        private Map<String, String> environment(Map<String, String> volumes) {
            Map<String, String> environment = new LinkedHashMap<>();
            for (EnvVar variable : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
                environment.put(variable.getName(), onVolumes(valueOf(variable), volumes));
            }
            // The pod's own network namespace: its container ports on its own address.
            environment.put("QUARKUS_HTTP_HOST", address);
            environment.put(
                    "KUBEDYN_STORAGE_TERMINATION_LOG",
                    terminationLog.toAbsolutePath().toString());
            environment.put("QUARKUS_GRPC_SERVER_HOST", address);
            environment.put("KUBEDYN_STORAGE_REPLICATION_HOST", address);
            return environment;
        }

        private String valueOf(EnvVar variable) {
            if (variable.getValueFrom() == null) {
                return Objects.requireNonNullElse(variable.getValue(), "");
            }
            if (variable.getValueFrom().getResourceFieldRef() != null) {
                return resource(variable.getValueFrom().getResourceFieldRef());
            }
            String field = variable.getValueFrom().getFieldRef() == null
                    ? null
                    : variable.getValueFrom().getFieldRef().getFieldPath();
            if ("metadata.name".equals(field)) {
                return name;
            }
            if ("metadata.namespace".equals(field)) {
                return namespace;
            }
            if ("status.podIP".equals(field)) {
                return address;
            }
            throw new IllegalStateException("pod " + name + ": env " + variable.getName() + " comes from "
                    + variable.getValueFrom() + ", which this kubelet does not resolve");
        }

        /**
         * A container's memory limit or request as the downward API gives it: in units of the
         * divisor, rounded up; a missing limit is the node's (here the machine's) memory, a
         * missing request none.
         */
        private String resource(io.fabric8.kubernetes.api.model.ResourceFieldSelector field) {
            boolean limit = "limits.memory".equals(field.getResource());
            if (!limit && !"requests.memory".equals(field.getResource())) {
                throw new IllegalStateException("pod " + name + ": this kubelet resolves only limits.memory and"
                        + " requests.memory, not " + field.getResource());
            }
            var resources = container.getResources();
            Map<String, Quantity> declared =
                    resources == null ? null : limit ? resources.getLimits() : resources.getRequests();
            Quantity memory = declared == null ? null : declared.get("memory");
            java.math.BigDecimal bytes = memory != null
                    ? memory.getNumericalAmount()
                    : !limit
                            ? java.math.BigDecimal.ZERO
                            : java.math.BigDecimal.valueOf(((com.sun.management.OperatingSystemMXBean)
                                            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                                    .getTotalMemorySize());
            java.math.BigDecimal divisor = field.getDivisor() == null
                    ? java.math.BigDecimal.ONE
                    : field.getDivisor().getNumericalAmount();
            return bytes.divide(divisor, 0, java.math.RoundingMode.CEILING).toPlainString();
        }

        /** A path inside a mounted volume, as the container sees it, to the volume's directory. */
        private static String onVolumes(String value, Map<String, String> volumes) {
            for (Map.Entry<String, String> volume : volumes.entrySet()) {
                if (value.equals(volume.getKey()) || value.startsWith(volume.getKey() + "/")) {
                    return volume.getValue() + value.substring(volume.getKey().length());
                }
            }
            return value;
        }

        /** Starts the container with an empty termination-message file, as each container start gets. */
        void startContainer() throws IOException, InterruptedException {
            Files.createDirectories(terminationLog.getParent());
            Files.writeString(terminationLog, "");
            process.start();
        }

        /** What the container wrote to its termination-message file, or null if nothing. */
        String terminationMessage() {
            try {
                String message = Files.readString(terminationLog);
                return message.isBlank() ? null : message;
            } catch (IOException e) {
                return null;
            }
        }

        int port(String nameOrNumber) {
            for (ContainerPort port : container.getPorts()) {
                if (nameOrNumber.equals(port.getName())
                        || nameOrNumber.equals(port.getContainerPort().toString())) {
                    return port.getContainerPort();
                }
            }
            throw new IllegalStateException("pod " + name + " has no container port " + nameOrNumber);
        }
    }
}
