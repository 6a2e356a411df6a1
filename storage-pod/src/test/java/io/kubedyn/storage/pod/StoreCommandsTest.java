package io.kubedyn.storage.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
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
        log.add(createEntry(table));
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
        byte[] create = createEntry(table);
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
        byte[] create = createEntry(table);
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
            commands.apply(replica, 1, createEntry(table));
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

    @Test
    void aRangeHandOffsStepsFromEitherGroupsLogLeaveEachOfItsReplicasTheSame() {
        HashRange upper = new HashRange(0x8000000000000000L, -1L);
        List<String> moving = new ArrayList<>();
        List<String> staying = new ArrayList<>();
        for (int i = 0; moving.size() < 5 || staying.size() < 5; i++) {
            String id = "k" + i;
            (upper.contains(PrimaryKey.of(new AttributeValue.S(id), null).hash()) ? moving : staying).add(id);
        }
        io.kubedyn.storage.grpc.TableRef ref = StorageWire.table(table);
        byte[] create = createEntry(table);
        List<byte[]> sourceLog = new ArrayList<>(List.of(create));
        for (String id : moving) {
            sourceLog.add(put(id, "before", 2_000));
        }
        for (String id : staying) {
            sourceLog.add(put(id, "before", 2_000));
        }
        byte[] seal = sealEntry(ref, upper);
        byte[] release = StoreCommands.entry(
                commands.releaseRange,
                io.kubedyn.storage.grpc.ReleaseRangeRequest.newBuilder()
                        .setTable(ref)
                        .setRange(StorageWire.range(upper))
                        .setHolder("new-shard")
                        .build(),
                5_000);
        List<ShardScope> sourceScopes =
                List.of(new ShardScope(OwnedRangesConfigs.all()), new ShardScope(OwnedRangesConfigs.all()));
        List<ShardScope> receiverScopes =
                List.of(new ShardScope(OwnedRangesConfigs.of("none")), new ShardScope(OwnedRangesConfigs.of("none")));
        try (PartitionStore source0 = PartitionStore.openReplica(data.resolve("s0"), s -> (t, w) -> {});
                PartitionStore source1 = PartitionStore.openReplica(data.resolve("s1"), s -> (t, w) -> {});
                PartitionStore receiver0 = PartitionStore.openReplica(data.resolve("r0"), s -> (t, w) -> {});
                PartitionStore receiver1 = PartitionStore.openReplica(data.resolve("r1"), s -> (t, w) -> {})) {
            List<PartitionStore> sources = List.of(source0, source1);
            for (int r = 0; r < 2; r++) {
                StoreCommands replica = new StoreCommands(sourceScopes.get(r));
                for (int i = 0; i < sourceLog.size(); i++) {
                    replica.apply(sources.get(r), i + 1, sourceLog.get(i));
                }
            }
            // The receiver copies from one replica, source0, and records it with the position.
            List<io.kubedyn.storage.RangeWrite> copied = new ArrayList<>();
            long asOf = source0.copyRange(table, upper, "new-shard", 1 << 20, (at, writes) -> copied.addAll(writes));
            assertThat(copied).isNotEmpty();

            long sealedAt = sourceLog.size() + 1;
            for (int r = 0; r < 2; r++) {
                StoreCommands replica = new StoreCommands(sourceScopes.get(r));
                replica.apply(sources.get(r), sealedAt, seal);
                byte[] late = replica.apply(sources.get(r), sealedAt + 1, put(moving.get(0), "late", 4_000));
                assertThatThrownBy(() -> StoreCommands.reply(replica.write, late))
                        .as("a write to the range after the seal, on every replica")
                        .isInstanceOfSatisfying(
                                io.kubedyn.storage.RangeNotOwnedException.class,
                                refused -> assertThat(refused.owner()).isEqualTo("new-shard:9090"));
                byte[] kept = replica.apply(sources.get(r), sealedAt + 2, put(staying.get(0), "after", 4_000));
                assertThat(StoreCommands.reply(replica.write, kept)).isNotNull();
                assertThat(sourceScopes.get(r).ranges(table).intersects(upper)).isFalse();
            }

            io.kubedyn.storage.grpc.ReceivedRange step = io.kubedyn.storage.grpc.ReceivedRange.newBuilder()
                    .setTable(ref)
                    .setRange(StorageWire.range(upper))
                    .build();
            List<byte[]> receiverLog = List.of(
                    create,
                    StoreCommands.entry(
                            commands.receiveRange,
                            step.toBuilder().setClear(true).build(),
                            3_000),
                    StoreCommands.entry(
                            commands.receiveRange,
                            step.toBuilder()
                                    .setPage(StorageWire.rangePage(asOf, copied))
                                    .setSource("source-0:9090")
                                    .setAfter(-1) // a copy's page: the copy's last, complete as of asOf
                                    .build(),
                            3_001),
                    StoreCommands.entry(
                            commands.receiveRange,
                            step.toBuilder().setServe(true).build(),
                            3_002));
            for (int r = 0; r < 2; r++) {
                PartitionStore receiver = List.of(receiver0, receiver1).get(r);
                StoreCommands replica = new StoreCommands(receiverScopes.get(r));
                for (int i = 0; i < receiverLog.size(); i++) {
                    byte[] result = replica.apply(receiver, i + 1, receiverLog.get(i));
                    if (i > 0) {
                        assertThat(StoreCommands.reply(replica.receiveRange, result))
                                .isNotNull();
                    }
                }
                assertThat(receiverScopes.get(r).ranges(table).covers(upper))
                        .as("replica %d of the receiving group owns the range", r)
                        .isTrue();
                for (String id : moving) {
                    assertThat(receiver.get(table, PrimaryKey.of(new AttributeValue.S(id), null)))
                            .isEqualTo(item(id, "before"));
                }
                assertThat(receiver.rangeAppliedFrom(table)).hasValue("source-0:9090");
                assertThat(receiver.rangeAppliedThrough(table)).hasValue(asOf);

                // Steps logged again after it serves (a proposal that timed out, then committed;
                // a leader that had not applied its log yet) are refused and change nothing.
                byte[] written =
                        replica.apply(receiver, receiverLog.size() + 1, put(moving.get(0), "new owner's", 4_000));
                assertThat(StoreCommands.reply(replica.write, written)).isNotNull();
                for (int again = 1; again < receiverLog.size() - 1; again++) {
                    byte[] result = replica.apply(receiver, receiverLog.size() + 1 + again, receiverLog.get(again));
                    assertThatThrownBy(() -> StoreCommands.reply(replica.receiveRange, result))
                            .hasMessageContaining("served here already");
                }
                assertThat(receiver.get(table, PrimaryKey.of(new AttributeValue.S(moving.get(0)), null)))
                        .isEqualTo(item(moving.get(0), "new owner's"));
            }

            // A follow page proposed twice (its first proposal timed out, then committed): the
            // second does not follow what the store holds, and is refused.
            try (PartitionStore lagging = PartitionStore.openReplica(data.resolve("r2"), s -> (t, w) -> {})) {
                StoreCommands replica = new StoreCommands(new ShardScope(OwnedRangesConfigs.of("none")));
                for (int i = 0; i < 3; i++) {
                    replica.apply(lagging, i + 1, receiverLog.get(i));
                }
                byte[] follow = StoreCommands.entry(
                        commands.receiveRange,
                        step.toBuilder()
                                .setSource("source-0:9090")
                                .setAfter(asOf)
                                .setPage(StorageWire.rangePage(asOf + 10, List.of()))
                                .build(),
                        3_003);
                assertThat(StoreCommands.reply(replica.receiveRange, replica.apply(lagging, 4, follow)))
                        .isNotNull();
                byte[] twice = replica.apply(lagging, 5, follow);
                assertThatThrownBy(() -> StoreCommands.reply(replica.receiveRange, twice))
                        .hasMessageContaining("does not follow");
                assertThat(lagging.rangeAppliedThrough(table)).hasValue(asOf + 10);
            }

            for (int r = 0; r < 2; r++) {
                StoreCommands replica = new StoreCommands(sourceScopes.get(r));
                replica.apply(sources.get(r), sealedAt + 3, release);
                PartitionStore source = sources.get(r);
                assertThat(source.get(table, PrimaryKey.of(new AttributeValue.S(moving.get(1)), null)))
                        .as("the range deleted on every replica of the source once released")
                        .isNull();
                assertThat(source.get(table, PrimaryKey.of(new AttributeValue.S(staying.get(1)), null)))
                        .isEqualTo(item(staying.get(1), "before"));
            }
        }
    }

    @Test
    void aSealWhileAPreparedTransactionHoldsAnItemOfTheRangeIsRefusedAlikeOnEveryReplicaWhichGoesOn() {
        HashRange upper = new HashRange(0x8000000000000000L, -1L);
        String held = "k0";
        for (int i = 1;
                !upper.contains(PrimaryKey.of(new AttributeValue.S(held), null).hash());
                i++) {
            held = "k" + i;
        }
        PrimaryKey key = PrimaryKey.of(new AttributeValue.S(held), null);
        io.kubedyn.storage.grpc.TableRef ref = StorageWire.table(table);
        byte[] seal = sealEntry(ref, upper);
        List<byte[]> log = List.of(
                createEntry(table),
                StoreCommands.entry(
                        commands.prepare,
                        StorageWire.prepare(
                                "tx-1",
                                "ledger:9090",
                                List.of(new io.kubedyn.storage.TableWrite(
                                        table, key, ItemChange.put(item(held, "in a transaction"), null, null)))),
                        2_000),
                seal,
                StoreCommands.entry(
                        commands.finish,
                        io.kubedyn.storage.grpc.FinishRequest.newBuilder()
                                .setTransactionId("tx-1")
                                .setCommit(true)
                                .build(),
                        4_000),
                seal);
        for (String name : List.of("first", "second")) {
            ShardScope scope = new ShardScope(OwnedRangesConfigs.all());
            StoreCommands replica = new StoreCommands(scope);
            try (PartitionStore store = PartitionStore.openReplica(data.resolve(name), s -> (t, w) -> {})) {
                List<byte[]> results = new ArrayList<>();
                for (int i = 0; i < log.size(); i++) {
                    results.add(replica.apply(store, i + 1, log.get(i)));
                }
                assertThatThrownBy(() -> StoreCommands.reply(replica.sealRange, results.get(2)))
                        .as("the seal's result while the transaction holds the item")
                        .hasMessageContaining("transaction");
                assertThat(StoreCommands.reply(replica.sealRange, results.get(4)))
                        .as("sealed once it finished")
                        .isNotNull();
                assertThat(scope.ranges(table).intersects(upper)).isFalse();
                assertThat(store.get(table, key)).isEqualTo(item(held, "in a transaction"));
                assertThat(store.appliedIndex()).isEqualTo(log.size());
            }
        }
    }

    @Test
    void aSealWithGlobalIndexesTakesTheLeadersOwnEntriesOfTheRangeUntilDrainedAlikeOnEveryReplica() {
        HashRange upper = new HashRange(0x8000000000000000L, -1L);
        TableDefinition indexed = table.withIndexes(
                List.of(io.kubedyn.core.SecondaryIndex.global(
                        "byV",
                        KeySchema.of(new KeyAttribute("v", ScalarType.S), null),
                        io.kubedyn.core.IndexProjection.KEYS_ONLY)),
                Map.of("id", ScalarType.S, "v", ScalarType.S));
        io.kubedyn.storage.grpc.TableRef ref = StorageWire.table(indexed);
        // An entry whose index key hashes into the sealed range, as the leader's own feed logs it
        // (own) and as another shard's feed sends it.
        io.kubedyn.storage.IndexWrite entry = new io.kubedyn.storage.IndexWrite(
                "byV",
                java.nio.ByteBuffer.allocate(12)
                        .putLong(0x9000000000000000L)
                        .putInt(7)
                        .array(),
                new byte[0]);
        io.kubedyn.storage.grpc.ApplyIndexWritesRequest own =
                StorageWire.indexWrites(indexed, List.of(entry)).toBuilder()
                        .setOwn(true)
                        .build();
        io.kubedyn.storage.grpc.ApplyIndexWritesRequest another = StorageWire.indexWrites(indexed, List.of(entry));
        byte[] drained = StoreCommands.entry(
                commands.drainedRange,
                io.kubedyn.storage.grpc.DrainedRange.newBuilder()
                        .setTable(ref)
                        .setRange(StorageWire.range(upper))
                        .setFedThrough(123_456)
                        .build(),
                5_000);
        List<byte[]> log = List.of(
                createEntry(indexed),
                sealEntry(ref, upper),
                StoreCommands.entry(commands.applyIndexWrites, own, 4_000),
                StoreCommands.entry(commands.applyIndexWrites, another, 4_001),
                drained,
                StoreCommands.entry(commands.applyIndexWrites, own, 6_000));
        for (String name : List.of("first", "second")) {
            ShardScope scope = new ShardScope(OwnedRangesConfigs.all());
            StoreCommands replica = new StoreCommands(scope);
            Path directory = data.resolve(name);
            try (PartitionStore store = PartitionStore.openReplica(directory, s -> (t, w) -> {})) {
                List<byte[]> results = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    results.add(replica.apply(store, i + 1, log.get(i)));
                }
                assertThat(StoreCommands.reply(replica.sealRange, results.get(1)))
                        .isNotNull();
                assertThat(StoreCommands.reply(replica.applyIndexWrites, results.get(2)))
                        .as("the leader's own entry of the range, while it drains")
                        .isNotNull();
                assertThatThrownBy(() -> StoreCommands.reply(replica.applyIndexWrites, results.get(3)))
                        .as("another shard's entry of the range, from the seal on")
                        .isInstanceOfSatisfying(
                                io.kubedyn.storage.RangeNotOwnedException.class,
                                refused -> assertThat(refused.owner()).isEqualTo("new-shard:9090"));
                assertThat(store.indexStatus(indexed).itemCounts()).containsEntry("byV", 1L);
                assertThat(store.drainingRanges()).hasValue(upper.toString());
            }
            // Restarted (or rebuilt from a snapshot) in the middle of the drain: still draining.
            ShardScope restarted = new ShardScope(OwnedRangesConfigs.all());
            try (PartitionStore store = PartitionStore.openReplica(directory, s -> (t, w) -> {})) {
                restarted.asRecorded(store);
                assertThat(restarted.draining().covers(upper)).isTrue();
                StoreCommands again = new StoreCommands(restarted);
                again.apply(store, 5, log.get(4));
                byte[] late = again.apply(store, 6, log.get(5));
                assertThatThrownBy(() -> StoreCommands.reply(again.applyIndexWrites, late))
                        .as("the leader's own entry of the range once drained")
                        .isInstanceOfSatisfying(
                                io.kubedyn.storage.RangeNotOwnedException.class,
                                refused -> assertThat(refused.ownerRange()).isEqualTo(upper));
                assertThat(store.drainingRanges()).hasValue("none");
                assertThat(store.globalIndexesFedThrough(indexed))
                        .as("every replica's feed past what the leader fed")
                        .isEqualTo(123_456);
                assertThat(store.appliedIndex())
                        .as("the drained entry applied (the refused one after it writes nothing)")
                        .isEqualTo(5);
            }
        }
    }

    /** The log entry creating {@code definition}'s table. */
    private byte[] createEntry(TableDefinition definition) {
        return StoreCommands.entry(
                commands.createTable,
                CreateTableRequest.newBuilder()
                        .setDefinition(StorageWire.definition(definition))
                        .build(),
                1_000);
    }

    /** The log entry sealing {@code range} for a new shard at {@code new-shard:9090}. */
    private byte[] sealEntry(io.kubedyn.storage.grpc.TableRef ref, HashRange range) {
        return StoreCommands.entry(
                commands.sealRange,
                io.kubedyn.storage.grpc.SealRangeRequest.newBuilder()
                        .setTable(ref)
                        .setRange(StorageWire.range(range))
                        .setReceiver("new-shard:9090")
                        .build(),
                3_000);
    }
}
