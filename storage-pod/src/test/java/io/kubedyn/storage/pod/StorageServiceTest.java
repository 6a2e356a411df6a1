package io.kubedyn.storage.pod;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.ItemCodec;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ExpressionAttributes;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.core.write.ItemChangeCodec;
import io.kubedyn.core.TableDefinitionCodec;
import io.kubedyn.storage.grpc.CreateTableRequest;
import io.kubedyn.storage.grpc.GetReply;
import io.kubedyn.storage.grpc.GetRequest;
import io.kubedyn.storage.grpc.PageReply;
import io.kubedyn.storage.grpc.ScanRequest;
import io.kubedyn.storage.grpc.StorageError;
import io.kubedyn.storage.grpc.TableName;
import io.kubedyn.storage.grpc.TableReply;
import io.kubedyn.storage.grpc.WriteReply;
import io.kubedyn.storage.grpc.WriteRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.grpc.GrpcService;
import io.quarkus.runtime.BlockingOperationControl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
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

    @TestHTTPResource("/q/health/ready")
    URI ready;

    @TestHTTPResource("/q/metrics")
    URI metrics;

    private String createTable() {
        String name = "t" + UUID.randomUUID().toString().substring(0, 8);
        TableDefinition table = new TableDefinition(name, UUID.randomUUID().toString(),
                KeySchema.of(new KeyAttribute("id", ScalarType.S), null), Map.of("id", ScalarType.S),
                "PAY_PER_REQUEST", 0, 0, 0);
        TableReply reply = StorageServiceTest.<TableReply>call(o -> service.createTable(CreateTableRequest.newBuilder()
                .setDefinition(ByteString.copyFrom(new TableDefinitionCodec().encode(table))).build(), o));
        assertThat(reply.getFound()).isTrue();
        return name;
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
        String table = createTable();
        String id = keyIn(true);
        StorageServiceTest.<WriteReply>call(o -> service.write(put(table, id, null), o));
        GetReply got = StorageServiceTest.<GetReply>call(o -> service.get(get(table, id), o));
        assertThat(got.getFound()).isTrue();
        assertThat(ItemCodec.decode(got.getItem().toByteArray())).containsEntry("v", new AttributeValue.S("x"));
    }

    @Test
    void refusesKeysAndRangesOutsideItsOwnRangesAsNotOwned() {
        String table = createTable();
        String id = keyIn(false);
        assertThat(StorageServiceTest.<WriteReply>error(o -> service.write(put(table, id, null), o)).getType()).isEqualTo("NOT_OWNED");
        assertThat(StorageServiceTest.<GetReply>error(o -> service.get(get(table, id), o)).getType()).isEqualTo("NOT_OWNED");
        HashRange all = HashRange.all();
        assertThat(StorageServiceTest.<PageReply>error(o -> service.scan(ScanRequest.newBuilder().setTable(table).setLimit(10).setRange(
                io.kubedyn.storage.grpc.HashRange.newBuilder().setFirst(all.first()).setLast(all.last())).build(), o))
                .getType()).isEqualTo("NOT_OWNED");
        PageReply half = StorageServiceTest.<PageReply>call(o -> service.scan(ScanRequest.newBuilder().setTable(table).setLimit(10).setRange(
                io.kubedyn.storage.grpc.HashRange.newBuilder().setFirst(0).setLast(Long.MAX_VALUE)).build(), o));
        assertThat(half.getItemsCount()).isZero();
    }

    @Test
    void aFailedConditionCarriesTheCurrentItem() {
        String table = createTable();
        String id = keyIn(true);
        StorageServiceTest.<WriteReply>call(o -> service.write(put(table, id, null), o));
        StorageError error = StorageServiceTest.<WriteReply>error(o -> service.write(put(table, id, "attribute_not_exists(id)"), o));
        assertThat(error.getType()).isEqualTo("CONDITION_FAILED");
        assertThat(ItemCodec.decode(error.getItem().toByteArray())).containsEntry("id", new AttributeValue.S(id));
    }

    @Test
    void dynamoDbErrorsKeepTheirType() {
        StorageError error = StorageServiceTest.<TableReply>error(o -> service.deleteTable(TableName.newBuilder().setName("missing").build(), o));
        assertThat(error.getType()).isEqualTo("DYNAMODB");
        assertThat(error.getDynamodbError()).isEqualTo("RESOURCE_NOT_FOUND");
    }

    @Test
    void answersFromAWorkerThreadWhereAWriteMayWaitForItsSync() {
        String table = createTable();
        Recorder<WriteReply> recorder = new Recorder<>();
        service.write(put(table, keyIn(true), null), recorder);
        recorder.await();
        assertThat(recorder.error.get()).isNull();
        assertThat(recorder.thread.get()).isNotSameAs(Thread.currentThread());
        assertThat(recorder.blockingAllowed.get()).isTrue();
    }

    @Test
    void isReadyWithRocksDbOpenAndExportsRequestMetrics() throws Exception {
        String table = createTable();
        StorageServiceTest.<GetReply>call(o -> service.get(get(table, keyIn(true)), o));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("rocksdb").contains("UP");
        String text = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(text).contains("kubedyn_storage_requests_seconds_count{operation=\"get\",outcome=\"ok\"")
                .contains("kubedyn_rocksdb_estimate_num_keys");
    }

    private static WriteRequest put(String table, String id, String condition) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("id", new AttributeValue.S(id));
        item.put("v", new AttributeValue.S("x"));
        ConditionExpression parsed = condition == null ? null : ConditionExpression.parse(condition, ExpressionAttributes.none());
        return WriteRequest.newBuilder().setTable(table)
                .setChange(ByteString.copyFrom(ItemChangeCodec.encode(ItemChange.put(item, parsed, null)))).build();
    }

    private static GetRequest get(String table, String id) {
        return GetRequest.newBuilder().setTable(table)
                .setKey(ByteString.copyFrom(ItemCodec.encode(Map.of("pk", new AttributeValue.S(id))))).build();
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
        return e.getTrailers().get(StorageService.ERROR_KEY);
    }

    /** The service answers from a worker thread, after the method has returned. */
    private static final class Recorder<T> implements StreamObserver<T> {
        final AtomicReference<T> value = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final AtomicReference<Boolean> blockingAllowed = new AtomicReference<>();
        private final CountDownLatch done = new CountDownLatch(1);

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
                assertThat(done.await(10, TimeUnit.SECONDS)).as("answered within 10 s").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
