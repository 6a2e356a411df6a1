package io.kubedyn.storage.pod;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.kubedyn.storage.RequestId;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** Every gRPC call's {@link RequestId}, from the gateway's header, current while it is served. */
@ApplicationScoped
@GlobalInterceptor
public class ReceivedRequestIds implements ServerInterceptor {
    private final ServerInterceptor receiving = RequestId.receiving();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return receiving.interceptCall(call, headers, next);
    }
}
