package io.kubedyn.storage;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One gateway request to a shard, however many times the gateway sends it: when a replicated
 * shard's leader steps down, the requests it was replicating are answered "not the leader"
 * although their entries may still commit under the next leader, so the gateway sends them
 * again, and a shard must not apply one twice (an UpdateItem's ADD, a conditional write). The
 * gateway names each call with an id ({@link #during}), sent as a gRPC header on every attempt;
 * a replica's log entry carries it, and its store remembers the result of each id it applied.
 *
 * <p>The first 8 bytes are the gateway's clock in epoch milliseconds, so ids sort by age and a
 * store forgets old ones by range; the other 8 are random.
 */
public record RequestId(long millis, long random) {
    public static final int BYTES = 2 * Long.BYTES;

    private static final Metadata.Key<byte[]> HEADER =
            Metadata.Key.of("kubedyn-request-id-bin", Metadata.BINARY_BYTE_MARSHALLER);
    private static final Context.Key<RequestId> CURRENT = Context.key("kubedyn-request-id");

    /** A new id, for one call however often it is sent. */
    public static RequestId next() {
        return new RequestId(
                System.currentTimeMillis(), ThreadLocalRandom.current().nextLong());
    }

    public byte[] bytes() {
        return ByteBuffer.allocate(BYTES).putLong(millis).putLong(random).array();
    }

    public static RequestId of(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException(
                    "a request id has " + BYTES + " bytes, not " + bytes.length + ": " + Arrays.toString(bytes));
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        return new RequestId(in.getLong(), in.getLong());
    }

    /** Runs {@code body} with this id on every storage call it starts (see {@link #attaching}). */
    public <T> T during(Callable<T> body) {
        try {
            return Context.current().withValue(CURRENT, this).call(body);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The id of the storage call being served on this thread (see {@link #receiving}), or null. */
    public static RequestId current() {
        return CURRENT.get();
    }

    /** A gateway channel's interceptor: sends the id of the call being made, if any, as a header. */
    public static ClientInterceptor attaching() {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(
                    MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                RequestId id = CURRENT.get();
                ClientCall<Q, R> call = next.newCall(method, options);
                if (id == null) {
                    return call;
                }
                return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        headers.put(HEADER, id.bytes());
                        super.start(listener, headers);
                    }
                };
            }
        };
    }

    /** A storage pod's interceptor: makes a call's id {@link #current} while it is served. */
    public static ServerInterceptor receiving() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                byte[] bytes = headers.get(HEADER);
                if (bytes == null || bytes.length != BYTES) {
                    return next.startCall(call, headers);
                }
                return Contexts.interceptCall(Context.current().withValue(CURRENT, of(bytes)), call, headers, next);
            }
        };
    }
}
