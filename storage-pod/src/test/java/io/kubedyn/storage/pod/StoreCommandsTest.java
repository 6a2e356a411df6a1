package io.kubedyn.storage.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.StreamViewType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableStream;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.ChangeRecord;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.RequestId;
import io.kubedyn.storage.ReturnItems;
import io.kubedyn.storage.StorageWire;
import io.kubedyn.storage.grpc.CreateTableRequest;
import io.kubedyn.storage.grpc.WriteReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicated write path without the network: the same log entries applied to two replica
 * stores leave them equal, down to the stream's sequence numbers and the times stamped (the
 * leader's, carried in the entry), and each store records the last entry it applied.
 */
class StoreCommandsTest {
    @TempDir
    Path data;

    private final StoreCommands commands = new StoreCommands(new ShardScope(OwnedRangesConfigs.all()));
    private final TableDefinition table = new TableDefinition(
                    "music",
                    UUID.randomUUID().toString(),
                    KeySchema.of(new KeyAttribute("id", ScalarType.S), null),
                    Map.of("id", ScalarType.S),
                    "PAY_PER_REQUEST",
                    0,
                    0,
                    0)
            .withStream(new TableStream(
                    StreamViewType.NEW_AND_OLD_IMAGES,
                    "2026-12-01T00:00:00.000",
                    TableStream.DEFAULT_RETENTION_SECONDS));

    private static Map<String, AttributeValue> item(String id, String value) {
        return Map.of("id", new AttributeValue.S(id), "v", new AttributeValue.S(value));
    }

    private byte[] put(String id, String value, long millis) {
        return StoreCommands.entry(
                commands.write,
                StorageWire.write(
                        table,
                        PrimaryKey.of(new AttributeValue.S(id), null),
                        ItemChange.put(item(id, value), null, null),
                        ReturnItems.NONE),
                millis);
    }

    @Test
    void theSameEntriesLeaveEveryReplicaEqualAndRecordTheLastApplied() {
        List<byte[]> log = new ArrayList<>();
        log.add(StoreCommands.entry(
                commands.createTable,
                CreateTableRequest.newBuilder()
                        .setDefinition(StorageWire.definition(table))
                        .build(),
                1_000));
        log.add(put("a", "one", 2_000));
        log.add(put("b", "two", 3_000));
        log.add(StoreCommands.entry(
                commands.write,
                StorageWire.write(
                        table,
                        PrimaryKey.of(new AttributeValue.S("a"), null),
                        ItemChange.delete(Map.of("id", new AttributeValue.S("a")), null, null),
                        ReturnItems.NONE),
                4_000));
        try (PartitionStore first = PartitionStore.openReplica(data.resolve("first"), s -> (t, w) -> {});
                PartitionStore second = PartitionStore.openReplica(data.resolve("second"), s -> (t, w) -> {})) {
            for (PartitionStore replica : List.of(first, second)) {
                assertThat(replica.appliedIndex()).isEqualTo(-1);
                for (int i = 0; i < log.size(); i++) {
                    commands.apply(replica, i + 1, log.get(i));
                }
                assertThat(replica.appliedIndex())
                        .as("the last entry that wrote")
                        .isEqualTo(log.size());
            }
            assertThat(first.get(table, PrimaryKey.of(new AttributeValue.S("a"), null)))
                    .isNull();
            assertThat(first.get(table, PrimaryKey.of(new AttributeValue.S("b"), null)))
                    .isEqualTo(item("b", "two"));
            assertThat(second.get(table, PrimaryKey.of(new AttributeValue.S("b"), null)))
                    .isEqualTo(item("b", "two"));
            List<ChangeRecord> changes =
                    first.readChanges(table, 0, 100, 1 << 20).records();
            assertThat(changes)
                    .extracting(ChangeRecord::approximateCreationMillis)
                    .as("each change stamped with its entry's time")
                    .containsExactly(2_000L, 3_000L, 4_000L);
            assertThat(second.readChanges(table, 0, 100, 1 << 20).records()).isEqualTo(changes);
        }
    }

    @Test
    void aRefusedRequestIsTheEntrysResultOnEveryReplicaAndWritesNothing() {
        try (PartitionStore replica = PartitionStore.openReplica(data.resolve("r"), s -> (t, w) -> {})) {
            byte[] result = commands.apply(replica, 7, put("a", "one", 1_000));
            assertThatThrownBy(() -> StoreCommands.reply(commands.write, result))
                    .isInstanceOf(DynamoDbException.class)
                    .hasMessageContaining("music");
            assertThat(replica.appliedIndex()).isEqualTo(-1);
            commands.apply(
                    replica,
                    8,
                    StoreCommands.entry(
                            commands.createTable,
                            CreateTableRequest.newBuilder()
                                    .setDefinition(StorageWire.definition(table))
                                    .build(),
                            2_000));
            WriteReply written =
                    StoreCommands.reply(commands.write, commands.apply(replica, 9, put("a", "one", 3_000)));
            assertThat(written).isNotNull();
            assertThat(replica.appliedIndex()).isEqualTo(9);
        }
    }

    @Test
    void anEntryOfSeveralCommandsAppliesEachInOrderWithItsOwnResult() {
        byte[] create = StoreCommands.entry(
                commands.createTable,
                CreateTableRequest.newBuilder()
                        .setDefinition(StorageWire.definition(table))
                        .build(),
                1_000);
        List<byte[]> parts = List.of(put("a", "one", 2_000), put("b", "two", 2_001), put("a", "three", 2_002));
        try (PartitionStore replica = PartitionStore.openReplica(data.resolve("r"), s -> (t, w) -> {})) {
            commands.apply(replica, 1, create);
            List<byte[]> results = StoreCommands.results(commands.apply(replica, 2, StoreCommands.batch(parts)));
            assertThat(results).hasSize(3);
            for (byte[] result : results) {
                assertThat(StoreCommands.reply(commands.write, result)).isNotNull();
            }
            assertThat(replica.applied()).isEqualTo(new PartitionStore.LogPosition(2, 2));
            assertThat(replica.get(table, PrimaryKey.of(new AttributeValue.S("a"), null)))
                    .isEqualTo(item("a", "three"));
            assertThat(replica.readChanges(table, 0, 100, 1 << 20).records())
                    .extracting(ChangeRecord::eventName)
                    .containsExactly(
                            ChangeRecord.EventName.INSERT,
                            ChangeRecord.EventName.INSERT,
                            ChangeRecord.EventName.MODIFY);
        }
    }

    @Test
    void aRestartInTheMiddleOfAnEntryOfSeveralCommandsAppliesOnlyTheRest() {
        byte[] create = StoreCommands.entry(
                commands.createTable,
                CreateTableRequest.newBuilder()
                        .setDefinition(StorageWire.definition(table))
                        .build(),
                1_000);
        List<byte[]> parts = List.of(put("a", "one", 2_000), put("b", "two", 2_001), put("c", "three", 2_002));
        try (PartitionStore replica = PartitionStore.openReplica(data.resolve("r"), s -> (t, w) -> {})) {
            commands.apply(replica, 1, create);
            // The store had written the first two commands of entry 2 when the pod stopped.
            commands.apply(replica, 2, StoreCommands.batch(parts.subList(0, 2)));
            PartitionStore.LogPosition applied = replica.applied();
            assertThat(applied).isEqualTo(new PartitionStore.LogPosition(2, 1));
            commands.apply(replica, 2, StoreCommands.batch(parts), applied);
            assertThat(replica.readChanges(table, 0, 100, 1 << 20).records())
                    .as("each command applied once")
                    .hasSize(3);
            assertThat(replica.applied()).isEqualTo(new PartitionStore.LogPosition(2, 2));
            assertThat(replica.applied().covers(1, 0)).isTrue();
            assertThat(replica.applied().covers(3, 0)).isFalse();
        }
    }

    @Test
    void aRequestSentAgainAfterALeaderChangeIsAppliedOnceWithItsFirstResult() {
        PrimaryKey a = PrimaryKey.of(new AttributeValue.S("a"), null);
        RequestId id = new RequestId(2_000, 42);
        byte[] resent = StoreCommands.entry(
                commands.write,
                StorageWire.write(table, a, ItemChange.put(item("a", "two"), null, null), ReturnItems.OLD),
                2_000,
                id);
        Path directory = data.resolve("r");
        WriteReply first;
        try (PartitionStore replica = PartitionStore.openReplica(directory, s -> (t, w) -> {})) {
            commands.apply(
                    replica,
                    1,
                    StoreCommands.entry(
                            commands.createTable,
                            CreateTableRequest.newBuilder()
                                    .setDefinition(StorageWire.definition(table))
                                    .build(),
                            1_000));
            commands.apply(replica, 2, put("a", "one", 1_500));
            first = StoreCommands.reply(commands.write, commands.apply(replica, 3, resent));
            assertThat(StorageWire.written(first).old()).isEqualTo(item("a", "one"));
            // Another client writes; then the first request comes again, logged by the next leader.
            commands.apply(replica, 4, put("a", "three", 2_500));
            WriteReply again = StoreCommands.reply(commands.write, commands.apply(replica, 5, resent));
            assertThat(again).as("the first application's result").isEqualTo(first);
            assertThat(replica.get(table, a))
                    .as("the later write is not overwritten")
                    .isEqualTo(item("a", "three"));
            assertThat(replica.readChanges(table, 0, 100, 1 << 20).records()).hasSize(3);
            assertThat(replica.appliedIndex())
                    .as("nothing written for the repeat")
                    .isEqualTo(4);
        }
        try (PartitionStore replica = PartitionStore.openReplica(directory, s -> (t, w) -> {})) {
            byte[] inBatch = StoreCommands.results(
                            commands.apply(replica, 6, StoreCommands.batch(List.of(put("b", "four", 3_000), resent))))
                    .get(1);
            assertThat(StoreCommands.reply(commands.write, inBatch))
                    .as("remembered across a restart, and inside an entry of several commands")
                    .isEqualTo(first);
            assertThat(replica.get(table, a)).isEqualTo(item("a", "three"));
            // Ten minutes on, the shard's expiry pass forgets the request: it is new again.
            commands.apply(
                    replica,
                    7,
                    StoreCommands.entry(
                            commands.expire,
                            com.google.protobuf.Empty.getDefaultInstance(),
                            2_000 + StoreCommands.REQUESTS_KEPT_MILLIS + 1));
            assertThat(replica.requestResult(id.bytes())).isEmpty();
            commands.apply(replica, 8, resent);
            assertThat(replica.get(table, a)).isEqualTo(item("a", "two"));
        }
    }
}
