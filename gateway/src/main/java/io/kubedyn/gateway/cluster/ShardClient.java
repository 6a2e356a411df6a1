package io.kubedyn.gateway.cluster;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.ItemCodec;
import io.kubedyn.core.write.ConditionalCheckFailedException;
import io.kubedyn.storage.grpc.StorageError;
import io.kubedyn.storage.grpc.StorageGrpc;
import io.grpc.Metadata;
import io.grpc.protobuf.ProtoUtils;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One storage pod, reached over one gRPC channel. Every call has a deadline. A pod's
 * DynamoDB errors come back as themselves; anything that says the pod could not answer (not
 * reachable, timed out, shutting down, not owning the key) becomes DynamoDB's
 * InternalServerError, which the AWS SDKs retry: the client gets a retryable error, never a
 * wrong answer.
 */
final class ShardClient implements AutoCloseable {
    private static final Metadata.Key<StorageError> ERROR_KEY = ProtoUtils.keyForProto(StorageError.getDefaultInstance());
    private static final long RECONNECT_NOT_BEFORE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final String address;
    private final Duration timeout;
    private final ManagedChannel channel;
    private final AtomicLong lastReconnect = new AtomicLong(System.nanoTime());

    ShardClient(String address, Duration timeout) {
        this.address = address;
        this.timeout = timeout;
        this.channel = NettyChannelBuilder.forTarget(address)
                .usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
    }

    String address() {
        return address;
    }

    /** A blocking call. */
    <T> T call(Function<StorageGrpc.StorageBlockingStub, T> rpc) {
        try {
            return rpc.apply(StorageGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (StatusRuntimeException e) {
            throw translate(e);
        }
    }

    /** Starts a call; {@link Pending#join} waits for it. Calls started together run in parallel. */
    <T> Pending<T> start(Function<StorageGrpc.StorageFutureStub, ListenableFuture<T>> rpc) {
        return new Pending<>(rpc.apply(StorageGrpc.newFutureStub(channel).withDeadlineAfter(timeout.toMillis(),
                TimeUnit.MILLISECONDS)));
    }

    final class Pending<T> {
        private final ListenableFuture<T> future;

        private Pending(ListenableFuture<T> future) {
            this.future = future;
        }

        T join() {
            try {
                return future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable("interrupted");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StatusRuntimeException status) {
                    throw translate(status);
                }
                throw unavailable(String.valueOf(e.getCause()));
            }
        }
    }

    private RuntimeException translate(StatusRuntimeException e) {
        Metadata trailers = e.getTrailers();
        StorageError error = trailers == null ? null : trailers.get(ERROR_KEY);
        if (error != null) {
            switch (error.getType()) {
                case "DYNAMODB":
                    return new DynamoDbException(DynamoDbError.valueOf(error.getDynamodbError()), error.getMessage());
                case "CONDITION_FAILED":
                    return new ConditionalCheckFailedException(error.getHasItem()
                            ? ItemCodec.decode(error.getItem().toByteArray()) : null);
                case "NOT_OWNED":
                    // The shard map here and the pod's owned ranges disagree: answering from this
                    // pod could be wrong, so the client retries (by then the map may be updated).
                    Log.warnf("storage pod %s refused: %s", address, error.getMessage());
                    return unavailable("shard map out of date");
                default:
                    break;
            }
        }
        if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
            reconnectSoon();
        }
        return unavailable(e.getStatus().getCode() + (e.getStatus().getDescription() == null ? ""
                : ": " + e.getStatus().getDescription()));
    }

    /**
     * gRPC waits longer and longer between reconnection attempts to a pod that is down (up to
     * two minutes). A restarted pod should serve again within a second, so after a failure the
     * wait is reset, at most twice a second.
     */
    private void reconnectSoon() {
        long now = System.nanoTime();
        long last = lastReconnect.get();
        if (now - last > RECONNECT_NOT_BEFORE_NANOS && lastReconnect.compareAndSet(last, now)) {
            channel.resetConnectBackoff();
        }
    }

    private DynamoDbException unavailable(String why) {
        return new DynamoDbException(DynamoDbError.INTERNAL_SERVER_ERROR,
                "Internal server error (storage pod " + address + " unavailable: " + why + ")");
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.shutdownNow();
        }
    }
}
