package io.kubedyn.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreRefusalTest {

    private static final String REFUSED = "kubedyn storage refused to start: table music in the"
            + " store has key schema [Artist HASH], the Table says [Artist HASH, SongTitle RANGE]";

    static Pod pod(String table, int shard, ContainerStatusBuilder storage) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(table + "-shard-" + shard + "-0")
                .withNamespace("prod")
                .withLabels(new ShardIdentity(table, "prod", shard).labels())
                .endMetadata()
                .withNewStatus()
                .withContainerStatuses(storage.withName("storage").build())
                .endStatus()
                .build();
    }

    static ContainerStatusBuilder crashLooping(String message) {
        return new ContainerStatusBuilder()
                .withState(new ContainerStateBuilder()
                        .withNewWaiting()
                        .withReason("CrashLoopBackOff")
                        .endWaiting()
                        .build())
                .withLastState(new ContainerStateBuilder()
                        .withNewTerminated()
                        .withExitCode(1)
                        .withMessage(message)
                        .endTerminated()
                        .build())
                .withRestartCount(4);
    }

    @Test
    void podInCrashLoopBackOffAfterARefusalIsARefusal() {
        assertThat(StoreRefusal.among("music", List.of(pod("music", 1, crashLooping(REFUSED)))))
                .containsExactly(new StoreRefusal(1, "music-shard-1-0", REFUSED));
    }

    @Test
    void podTerminatedByARefusalIsARefusal() {
        Pod pod = pod(
                "music",
                0,
                new ContainerStatusBuilder()
                        .withState(new ContainerStateBuilder()
                                .withNewTerminated()
                                .withExitCode(1)
                                .withMessage(REFUSED + "\n")
                                .endTerminated()
                                .build()));
        assertThat(StoreRefusal.among("music", List.of(pod)))
                .singleElement()
                .satisfies(r -> assertThat(r.message()).isEqualTo(REFUSED));
    }

    @Test
    void podRunningAgainIsNoLongerARefusalWhateverItsLastRunSaid() {
        Pod pod = pod(
                "music",
                1,
                crashLooping(REFUSED)
                        .withState(new ContainerStateBuilder()
                                .withNewRunning()
                                .endRunning()
                                .build()));
        assertThat(StoreRefusal.among("music", List.of(pod))).isEmpty();
    }

    @Test
    void otherCrashesAndOtherTablesArePassedOver() {
        assertThat(StoreRefusal.among(
                        "music",
                        List.of(
                                pod("music", 1, crashLooping("java.lang.OutOfMemoryError: Java heap space")),
                                pod("albums", 0, crashLooping(REFUSED)))))
                .isEmpty();
    }
}
