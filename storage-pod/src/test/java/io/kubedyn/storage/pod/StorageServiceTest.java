package io.kubedyn.storage.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ExpressionAttributes;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.ReturnItems;
import io.kubedyn.storage.StorageWire;
import io.kubedyn.storage.grpc.CreateTableRequest;
import io.kubedyn.storage.grpc.GetReply;
import io.kubedyn.storage.grpc.GetRequest;
import io.kubedyn.storage.grpc.PageReply;
import io.kubedyn.storage.grpc.ScanRequest;
import io.kubedyn.storage.grpc.StorageError;
import io.kubedyn.storage.grpc.TableReply;
import io.kubedyn.storage.grpc.WriteReply;
import io.kubedyn.storage.grpc.WriteRequest;
import io.quarkus.grpc.GrpcService;
import io.quarkus.runtime.BlockingOperationControl;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The pod's service as the gateway sees it (test profile: this pod owns the first half of the hash space). */
@QuarkusTest
class StorageServiceTest {
    @GrpcService
    StorageService service;

    @Inject
    StoreLifecycle lifecycle;

    @TestHTTPResource("/q/health/ready")
    URI ready;

    @TestHTTPResource("/q/metrics")
    URI metrics;

    private TableDefinition createTable() {
        String name = "t" + UUID.randomUUID().toString().substring(0, 8);
        TableDefinition table = new TableDefinition(
                name,
                UUID.randomUUID().toString(),
                KeySchema.of(new KeyAttribute("id", ScalarType.S), null),
                Map.of("id", ScalarType.S),
                "PAY_PER_REQUEST",
                0,
                0,
                0);
        TableReply reply = StorageServiceTest.<TableReply>call(o -> service.createTable(
                CreateTableRequest.newBuilder()
                        .setDefinition(StorageWire.definition(table))
                        .build(),
                o));
        assertThat(StorageWire.definition(reply.getDefinition())).isEqualTo(table);
        return table;
    }

    /** A key whose partition hash falls in (owned true) or out of (false) this pod's half. */
    private static String keyIn(boolean owned) {
        for (int i = 0; ; i++) {
            String id = "k" + i;
            if ((PrimaryKey.of(new AttributeValue.S(id), null).hash() >= 0) == owned) {
                return id;
            }
        }
    }

    @Test
    void writesAndReadsKeysInItsOwnRange() {
        TableDefinition table = createTable();
        String id = keyIn(true);
        StorageServiceTest.<WriteReply>call(o -> service.write(put(table, id, null), o));
        GetReply got = StorageServiceTest.<GetReply>call(o -> service.get(get(table, id), o));
        assertThat(StorageWire.got(got)).containsEntry("v", new AttributeValue.S("x"));
    }

    @Test
    void refusesKeysAndRangesOutsideItsOwnRangesAsNotOwned() {
        TableDefinition table = createTable();
        String id = keyIn(false);
        assertThat(StorageServiceTest.<WriteReply>error(o -> service.write(put(table, id, null), o))
                        .getCode())
                .isEqualTo(StorageError.Code.NOT_OWNED);
        assertThat(StorageServiceTest.<GetReply>error(o -> service.get(get(table, id), o))
                        .getCode())
                .isEqualTo(StorageError.Code.NOT_OWNED);
        HashRange all = HashRange.all();
        assertThat(StorageServiceTest.<PageReply>error(o -> service.scan(
                                ScanRequest.newBuilder()
                                        .setTable(StorageWire.table(table))
                                        .setLimit(10)
                                        .setRange(StorageWire.range(all))
                                        .build(),
                                o))
                        .getCode())
                .isEqualTo(StorageError.Code.NOT_OWNED);
        PageReply half = StorageServiceTest.<PageReply>call(o -> service.scan(
                ScanRequest.newBuilder()
                        .setTable(StorageWire.table(table))
                        .setLimit(10)
                        .setRange(StorageWire.range(new HashRange(0, Long.MAX_VALUE)))
                        .build(),
                o));
        assertThat(half.getItemsCount()).isZero();
    }

    @Test
    void aFailedConditionCarriesTheCurrentItem() {
        TableDefinition table = createTable();
        String id = keyIn(true);
        StorageServiceTest.<WriteReply>call(o -> service.write(put(table, id, null), o));
        StorageError error =
                StorageServiceTest.<WriteReply>error(o -> service.write(put(table, id, "attribute_not_exists(id)"), o));
        assertThat(error.getCode()).isEqualTo(StorageError.Code.CONDITION_FAILED);
        assertThat(StorageWire.item(error.getItem())).containsEntry("id", new AttributeValue.S(id));
    }

    @Test
    void dynamoDbErrorsKeepTheirType() {
        StorageError error =
                StorageServiceTest.<TableReply>error(o -> service.deleteTable(StorageWire.table("missing"), o));
        assertThat(error.getCode()).isEqualTo(StorageError.Code.DYNAMODB);
        assertThat(error.getDynamodbError()).isEqualTo(StorageError.DynamoDbError.RESOURCE_NOT_FOUND);
    }

    @Test
    void refusesItemRequestsOnAnotherIncarnationOrNone() {
        TableDefinition table = createTable();
        TableDefinition stale = new TableDefinition(
                table.name(),
                UUID.randomUUID().toString(),
                table.keySchema(),
                table.attributeDefinitions(),
                "PAY_PER_REQUEST",
                0,
                0,
                0);
        StorageError error = StorageServiceTest.<GetReply>error(o -> service.get(get(stale, keyIn(true)), o));
        assertThat(error.getDynamodbError()).isEqualTo(StorageError.DynamoDbError.RESOURCE_NOT_FOUND);
        GetRequest noIncarnation = GetRequest.newBuilder()
                .setTable(StorageWire.table(table.name()))
                .setKey(StorageWire.key(PrimaryKey.of(new AttributeValue.S(keyIn(true)), null)))
                .build();
        assertThat(StorageServiceTest.<GetReply>error(o -> service.get(noIncarnation, o))
                        .getCode())
                .isEqualTo(StorageError.Code.INTERNAL);
    }

    @Test
    void hasWritesSyncedByTheStoresGroupCommitWithoutTakingAWorker() {
        TableDefinition table = createTable();
        List<String> ids = new ArrayList<>();
        for (int i = 0; ids.size() < 64; i++) {
            String id = "grouped-" + i;
            if (PrimaryKey.of(new AttributeValue.S(id), null).hash() >= 0) {
                ids.add(id);
            }
        }
        List<Recorder<WriteReply>> recorders = new ArrayList<>();
        for (String id : ids) {
            Recorder<WriteReply> recorder = new Recorder<>();
            service.write(put(table, id, null), recorder);
            recorders.add(recorder);
        }
        for (Recorder<WriteReply> recorder : recorders) {
            recorder.await();
            assertThat(recorder.error.get()).isNull();
        }
        // With no event loop here to answer on, each is answered by the group commit once synced
        // (or by this thread, if the sync was done before the call returned): never by a worker.
        assertThat(recorders)
                .allSatisfy(recorder -> assertThat(recorder.thread.get().getName())
                        .isIn("kubedyn-group-commit", Thread.currentThread().getName()));
        assertThat(recorders)
                .as("answered by the group commit, which synced them")
                .filteredOn(recorder -> recorder.thread.get().getName().equals("kubedyn-group-commit"))
                .isNotEmpty();
        for (String id : ids) {
            GetReply got = StorageServiceTest.<GetReply>call(o -> service.get(get(table, id), o));
            assertThat(StorageWire.got(got)).containsEntry("id", new AttributeValue.S(id));
        }
    }

    @Test
    void aWriteArrivingWhileTheRangesChangeWaitsOnAWorker() throws Exception {
        TableDefinition table = createTable();
        String id = keyIn(true);
        CountDownLatch changing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread seal = new Thread(() -> lifecycle.scope().changeRanges(current -> {
            changing.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        seal.start();
        assertThat(changing.await(10, TimeUnit.SECONDS)).isTrue();
        Recorder<WriteReply> recorder = new Recorder<>();
        service.write(put(table, id, null), recorder);
        Thread.sleep(200);
        assertThat(recorder.done.getCount())
                .as("not written while the ranges change")
                .isEqualTo(1);
        release.countDown();
        recorder.await();
        seal.join();
        assertThat(recorder.error.get()).isNull();
        assertThat(recorder.blockingAllowed.get())
                .as("answered from a worker thread, where it waited")
                .isTrue();
        assertThat(recorder.thread.get().getName()).startsWith("executor-thread");
    }

    @Test
    void isReadyWithRocksDbOpenAndExportsRequestMetrics() throws Exception {
        TableDefinition table = createTable();
        StorageServiceTest.<GetReply>call(o -> service.get(get(table, keyIn(true)), o));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health =
                http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("rocksdb").contains("UP");
        String text = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(text)
                .contains("kubedyn_storage_requests_seconds_count{operation=\"get\",outcome=\"ok\"")
                .contains("kubedyn_rocksdb_estimate_num_keys")
                .as("RocksDB's memory: a quarter of the container's 512 MiB")
                .containsPattern("(?m)^kubedyn_rocksdb_block_cache_capacity_bytes 1\\.34217728E8$")
                .containsPattern("(?m)^kubedyn_rocksdb_block_cache_usage_bytes [0-9.E]+$");
        double before = itemsGauge(text);
        for (int i = 0, written = 0; written < 5; i++) {
            String id = "counted-" + i;
            if (PrimaryKey.of(new AttributeValue.S(id), null).hash() >= 0) { // a key this pod owns
                StorageServiceTest.<WriteReply>call(o -> service.write(put(table, id, null), o));
                written++;
            }
        }
        String after = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(itemsGauge(after))
                .as("kubedyn_table_items, the figure the operator reports")
                .isGreaterThan(before);
    }

    private static double itemsGauge(String metricsText) {
        return metricsText
                .lines()
                .filter(line -> line.startsWith("kubedyn_table_items "))
                .mapToDouble(line ->
                        Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no kubedyn_table_items in\n" + metricsText));
    }

    private static WriteRequest put(TableDefinition table, String id, String condition) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("id", new AttributeValue.S(id));
        item.put("v", new AttributeValue.S("x"));
        ConditionExpression parsed =
                condition == null ? null : ConditionExpression.parse(condition, ExpressionAttributes.none());
        return StorageWire.write(
                table,
                PrimaryKey.of(new AttributeValue.S(id), null),
                ItemChange.put(item, parsed, null),
                ReturnItems.NONE);
    }

    private static GetRequest get(TableDefinition table, String id) {
        return StorageWire.get(table, PrimaryKey.of(new AttributeValue.S(id), null));
    }

    private interface Call<T> {
        void run(StreamObserver<T> observer);
    }

    private static <T> T call(Call<T> call) {
        Recorder<T> recorder = new Recorder<>();
        call.run(recorder);
        recorder.await();
        if (recorder.error.get() != null) {
            throw new AssertionError("call failed", recorder.error.get());
        }
        return recorder.value.get();
    }

    private static <T> StorageError error(Call<T> call) {
        Recorder<T> recorder = new Recorder<>();
        call.run(recorder);
        recorder.await();
        assertThat(recorder.error.get()).isInstanceOf(StatusRuntimeException.class);
        StatusRuntimeException e = (StatusRuntimeException) recorder.error.get();
        assertThat(e.getStatus().getCode()).isNotEqualTo(Status.Code.OK);
        return e.getTrailers().get(StorageWire.ERROR_KEY);
    }

    /** What the service answered, and on which thread. */
    private static final class Recorder<T> implements StreamObserver<T> {
        final AtomicReference<T> value = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final AtomicReference<Boolean> blockingAllowed = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);

        @Override
        public void onNext(T v) {
            thread.set(Thread.currentThread());
            blockingAllowed.set(BlockingOperationControl.isBlockingAllowed());
            value.set(v);
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
            done.countDown();
        }

        @Override
        public void onCompleted() {
            done.countDown();
        }

        void await() {
            try {
                assertThat(done.await(10, TimeUnit.SECONDS))
                        .as("answered within 10 s")
                        .isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
