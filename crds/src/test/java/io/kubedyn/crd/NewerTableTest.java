package io.kubedyn.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/**
 * A Table written against a newer CRD than this release's, as a gateway or operator still
 * running the older release reads it during a rolling upgrade: the fields it does not know are
 * skipped and the rest is read, rather than the informer that reads every Table failing.
 */
class NewerTableTest {

    @Test
    void fieldsThisReleaseDoesNotKnowAreSkippedAtEveryLevel() {
        String yaml = """
        apiVersion: kubedyn.io/v1alpha1
        kind: Table
        metadata:
          name: music
        spec:
          keySchema:
          - attributeName: Artist
            keyType: HASH
            comesLater: true
          attributeDefinitions:
          - attributeName: Artist
            attributeType: S
          shards: 3
          aFieldOfANewerRelease: {nested: 1}
          storage:
            size: 2Gi
            tier: fast
          autoSplit:
            maxShardSize: 10Gi
            maxShards: 8
            byThroughput: true
          timeToLive:
            attributeName: expiresAt
            enabled: true
            sweep: hourly
        status:
          phase: Ready
          somethingNew: yes
        """;
        Table table = Serialization.unmarshal(yaml, Table.class);
        assertThat(table.getSpec().getShards()).isEqualTo(3);
        assertThat(table.getSpec().getKeySchema())
                .singleElement()
                .satisfies(key -> assertThat(key.getAttributeName()).isEqualTo("Artist"));
        assertThat(table.getSpec().getStorage().getSize()).isEqualTo("2Gi");
        assertThat(table.getSpec().getAutoSplit().getMaxShards()).isEqualTo(8);
        assertThat(table.getSpec().getTimeToLive().getAttributeName()).isEqualTo("expiresAt");
        assertThat(table.getStatus().getPhase()).isEqualTo("Ready");
    }
}
