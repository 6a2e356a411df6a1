package io.kubedyn.operator;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The rules of Kubernetes' restricted Pod Security Standard (which includes the baseline one),
 * as the Pod Security admission controller of Kubernetes 1.31 checks a pod, plus the read-only
 * root filesystem kubedyn asks of its own pods. Each violation is one line naming the container
 * and the field.
 */
final class RestrictedPodSecurity {

    /** Volume types the restricted profile allows. */
    private static final Set<String> ALLOWED_VOLUMES = Set.of(
            "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");
    /** The baseline profile's safe sysctls. */
    private static final Set<String> SAFE_SYSCTLS = Set.of(
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports",
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes");

    private static final Set<String> SELINUX_TYPES =
            Set.of("", "container_t", "container_init_t", "container_kvm_t", "container_engine_t");

    private RestrictedPodSecurity() {}

    /** Every rule {@code pod} breaks; empty when it may run in a restricted namespace. */
    static List<String> violations(PodSpec pod) {
        List<String> problems = new ArrayList<>();
        PodSecurityContext podContext =
                Optional.ofNullable(pod.getSecurityContext()).orElse(new PodSecurityContext());
        if (Boolean.TRUE.equals(pod.getHostNetwork())
                || Boolean.TRUE.equals(pod.getHostPID())
                || Boolean.TRUE.equals(pod.getHostIPC())) {
            problems.add("pod shares a host namespace (hostNetwork, hostPID or hostIPC)");
        }
        for (Volume volume : Optional.ofNullable(pod.getVolumes()).orElse(List.of())) {
            String type = volumeType(volume);
            if (!ALLOWED_VOLUMES.contains(type)) {
                problems.add("volume " + volume.getName() + " is of type " + type);
            }
        }
        for (Sysctl sysctl : Optional.ofNullable(podContext.getSysctls()).orElse(List.of())) {
            if (!SAFE_SYSCTLS.contains(sysctl.getName())) {
                problems.add("pod sets the unsafe sysctl " + sysctl.getName());
            }
        }
        if (podContext.getSeLinuxOptions() != null) {
            seLinux("pod", podContext.getSeLinuxOptions(), problems);
        }
        if (podContext.getRunAsUser() != null && podContext.getRunAsUser() == 0) {
            problems.add("pod runs as user 0");
        }
        if (podContext.getSeccompProfile() != null) {
            seccomp("pod", podContext.getSeccompProfile(), problems);
        }
        List<Container> containers = Stream.concat(
                        Optional.ofNullable(pod.getInitContainers()).orElse(List.of()).stream(),
                        pod.getContainers().stream())
                .toList();
        for (Container container : containers) {
            check(container, podContext, problems);
        }
        return problems;
    }

    private static void check(Container container, PodSecurityContext pod, List<String> problems) {
        String name = "container " + container.getName();
        SecurityContext context =
                Optional.ofNullable(container.getSecurityContext()).orElse(new SecurityContext());
        if (Boolean.TRUE.equals(context.getPrivileged())) {
            problems.add(name + " is privileged");
        }
        if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
            problems.add(name + ": allowPrivilegeEscalation must be false");
        }
        Boolean nonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot() : pod.getRunAsNonRoot();
        if (!Boolean.TRUE.equals(nonRoot)) {
            problems.add(name + ": runAsNonRoot must be true (on the pod or the container)");
        }
        if (context.getRunAsUser() != null && context.getRunAsUser() == 0) {
            problems.add(name + " runs as user 0");
        }
        SeccompProfile seccomp =
                context.getSeccompProfile() != null ? context.getSeccompProfile() : pod.getSeccompProfile();
        if (seccomp == null) {
            problems.add(name + ": seccompProfile must be RuntimeDefault or Localhost");
        } else {
            seccomp(name, seccomp, problems);
        }
        Capabilities capabilities =
                Optional.ofNullable(context.getCapabilities()).orElse(new Capabilities());
        if (!Optional.ofNullable(capabilities.getDrop()).orElse(List.of()).contains("ALL")) {
            problems.add(name + ": capabilities must drop ALL");
        }
        for (String added : Optional.ofNullable(capabilities.getAdd()).orElse(List.of())) {
            if (!"NET_BIND_SERVICE".equals(added)) {
                problems.add(name + " adds the capability " + added);
            }
        }
        if (context.getSeLinuxOptions() != null) {
            seLinux(name, context.getSeLinuxOptions(), problems);
        }
        if (context.getProcMount() != null && !"Default".equals(context.getProcMount())) {
            problems.add(name + " mounts /proc as " + context.getProcMount());
        }
        if (context.getAppArmorProfile() != null
                && "Unconfined".equals(context.getAppArmorProfile().getType())) {
            problems.add(name + " runs without AppArmor");
        }
        for (ContainerPort port : Optional.ofNullable(container.getPorts()).orElse(List.of())) {
            if (port.getHostPort() != null && port.getHostPort() != 0) {
                problems.add(name + " uses host port " + port.getHostPort());
            }
        }
        if (!Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
            problems.add(name + ": readOnlyRootFilesystem must be true");
        }
    }

    private static void seccomp(String owner, SeccompProfile profile, List<String> problems) {
        if (!"RuntimeDefault".equals(profile.getType()) && !"Localhost".equals(profile.getType())) {
            problems.add(owner + ": seccompProfile " + profile.getType() + " is neither RuntimeDefault nor Localhost");
        }
    }

    private static void seLinux(
            String owner, io.fabric8.kubernetes.api.model.SELinuxOptions options, List<String> problems) {
        if (!SELINUX_TYPES.contains(Objects.requireNonNullElse(options.getType(), ""))
                || options.getUser() != null
                || options.getRole() != null) {
            problems.add(owner + " sets SELinux options the baseline profile forbids");
        }
    }

    /** The type of a volume, as its one set source field is named in the Pod API. */
    @SuppressWarnings("unchecked")
    private static String volumeType(Volume volume) {
        Map<String, Object> fields =
                new io.fabric8.kubernetes.client.utils.KubernetesSerialization().convertValue(volume, Map.class);
        return fields.keySet().stream()
                .filter(k -> !"name".equals(k))
                .findFirst()
                .orElse("none");
    }
}
