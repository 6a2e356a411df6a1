package io.kubedyn.storage.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableDefinitionCodec;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.ReturnItems;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A storage pod takes over the table and ranges the operator hands it, or refuses to start, saying why. */
class StoreAssignmentTest {
    @TempDir
    Path data;

    private static TableDefinition table(String hashKey) {
        return new TableDefinition(
                "music",
                UUID.randomUUID().toString(),
                KeySchema.of(new KeyAttribute(hashKey, ScalarType.S), null),
                Map.of(hashKey, ScalarType.S),
                "PAY_PER_REQUEST",
                0,
                0,
                0);
    }

    private StoreLifecycle pod(String ranges, TableDefinition table, Path terminationLog) {
        return new StoreLifecycle(
                data,
                10_000,
                OwnedRangesConfigs.of(ranges),
                Optional.of(new String(new TableDefinitionCodec().encode(table), StandardCharsets.UTF_8)),
                terminationLog,
                Optional.empty(),
                java.time.Duration.ofSeconds(10),
                java.time.Duration.ofSeconds(10),
                "shard",
                Optional.empty(),
                Optional.empty(),
                "0.0.0.0",
                100_000,
                100_000,
                java.util.OptionalLong.empty(),
                io.kubedyn.storage.InternalTls.PLAINTEXT);
    }

    @Test
    void createsItsTableAndKeepsItsItemsUnderANewTableOfTheSameKeys() throws Exception {
        TableDefinition first = table("Artist");
        StoreLifecycle pod = pod("0/2", first, data.resolve("none"));
        pod.open(null);
        PrimaryKey key = PrimaryKey.of(new AttributeValue.S("Kyuss"), null);
        pod.withStore(store -> store.write(
                first,
                key,
                ItemChange.put(Map.of("Artist", new AttributeValue.S("Kyuss")), null, null),
                ReturnItems.NONE));
        pod.close(null);

        // deletionPolicy Retain, then a Table of the same name and keys: a new uid, the same data.
        TableDefinition second = table("Artist");
        StoreLifecycle again = pod("0/2", second, data.resolve("none"));
        again.open(null);
        Map<String, AttributeValue> kept = again.withStore(store -> store.get(second, key));
        assertThat(kept).containsEntry("Artist", new AttributeValue.S("Kyuss"));
        again.close(null);
    }

    @Test
    void refusesToStartWhenItsStoreHoldsTheTableWithAnotherKeySchema() throws Exception {
        StoreLifecycle pod = pod("0/2", table("Artist"), data.resolve("none"));
        pod.open(null);
        pod.close(null);

        Path terminationLog = Files.createFile(data.resolveSibling("termination-log-" + UUID.randomUUID()));
        StoreLifecycle reapplied = pod("0/2", table("SongTitle"), terminationLog);
        assertThatThrownBy(() -> reapplied.open(null))
                .isInstanceOf(StoreAssignment.RefusedException.class)
                .hasMessageContaining("[HASH Artist S]")
                .hasMessageContaining("[HASH SongTitle S]");
        assertThat(Files.readString(terminationLog))
                .startsWith("kubedyn storage refused to start: ")
                .contains("key schema");
        assertThat(reapplied.isOpen()).isFalse();
    }

    @Test
    void refusesToStartOwningOtherRangesThanItsStoreWasGiven() throws Exception {
        TableDefinition music = table("Artist");
        StoreLifecycle first = pod("0/2", music, data.resolve("none"));
        first.open(null);
        first.close(null);

        StoreLifecycle moved = pod("0/3", music, data.resolve("none"));
        assertThatThrownBy(() -> moved.open(null))
                .isInstanceOf(StoreAssignment.RefusedException.class)
                .hasMessageContaining("owns the hash ranges 0x0000000000000000-0x7fffffffffffffff")
                .hasMessageContaining("started to own 0x0000000000000000-0x5555555555555554");

        StoreLifecycle same = pod("0/2", music, data.resolve("none"));
        same.open(null);
        assertThat(same.isOpen()).isTrue();
        same.close(null);
    }

    @Test
    void aStoreThatOwnedNothingMayBeGivenARange() throws Exception {
        TableDefinition music = table("Artist");
        StoreLifecycle pending = pod("none", music, data.resolve("none"));
        pending.open(null);
        pending.close(null);
        StoreLifecycle assigned = pod("1/2", music, data.resolve("none"));
        assigned.open(null);
        assertThat(assigned.withStore(PartitionStore::shardAssignment))
                .contains("0x8000000000000000-0xffffffffffffffff");
        assigned.close(null);
    }

    @Test
    void afterAHandOffAPodStartedWithTheRangesItWasGivenServesWhatItsStoreOwnsNow() throws Exception {
        TableDefinition music = table("Artist");
        StoreLifecycle first = pod("all", music, data.resolve("none"));
        first.open(null);
        // What the source of a hand-off of the upper half records when it seals it.
        first.withStore(store -> {
            store.recordShardAssignment(
                    OwnedRanges.parse("0/2").toString(),
                    OwnedRanges.parse("all").toString());
            return null;
        });
        first.close(null);

        OwnedRangesConfig owned = OwnedRangesConfigs.of("all");
        StoreLifecycle restarted = new StoreLifecycle(
                data,
                10_000,
                owned,
                Optional.of(new String(new TableDefinitionCodec().encode(music), StandardCharsets.UTF_8)),
                data.resolve("none"),
                Optional.empty(),
                java.time.Duration.ofSeconds(10),
                java.time.Duration.ofSeconds(10),
                "shard",
                Optional.empty(),
                Optional.empty(),
                "0.0.0.0",
                100_000,
                100_000,
                java.util.OptionalLong.empty(),
                io.kubedyn.storage.InternalTls.PLAINTEXT);
        restarted.open(null);
        assertThat(owned.defaults()).isEqualTo(OwnedRanges.parse("0/2"));
        restarted.close(null);

        assertThatThrownBy(() -> pod("1/2", music, data.resolve("none")).open(null))
                .hasMessageContaining("owns the hash ranges 0x0000000000000000-0x7fffffffffffffff");
    }
}
