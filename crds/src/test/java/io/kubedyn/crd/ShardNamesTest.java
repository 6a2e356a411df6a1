package io.kubedyn.crd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShardNamesTest {

    @Test
    void shardObjectsAreNamedAfterTheTableAndTheShardNumber() {
        assertThat(ShardNames.statefulSet("music", 2)).isEqualTo("music-shard-2");
    }

    @Test
    void nameWhoseLastShardFitsIsAccepted() {
        String name = "a".repeat(ShardNames.MAX_STATEFULSET_NAME - "-shard-9".length());
        assertThat(ShardNames.tooLong(name, 10)).isEmpty();
    }

    @Test
    void nameWhoseLastShardDoesNotFitSaysWhichStatefulSet() {
        String name = "a".repeat(ShardNames.MAX_STATEFULSET_NAME - "-shard-9".length());
        assertThat(ShardNames.tooLong(name, 11))
                .get()
                .asString()
                .startsWith("table name " + name + " is too long: StatefulSet " + name
                        + "-shard-10 would exceed 52 characters");
    }
}
