package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.expression.ParsedExpressions;
import io.kubedyn.core.write.CancellationReason;
import io.kubedyn.core.write.ConditionalCheckFailedException;
import io.kubedyn.core.write.TransactionCanceledException;
import io.kubedyn.gateway.protocol.AccessKeys;
import io.kubedyn.gateway.protocol.AccessPolicy;
import io.kubedyn.gateway.protocol.BodyBudget;
import io.kubedyn.gateway.protocol.BodyText;
import io.kubedyn.gateway.protocol.HttpRules;
import io.kubedyn.gateway.protocol.InputConstraints;
import io.kubedyn.gateway.protocol.InputReader;
import io.kubedyn.gateway.protocol.ModelShape;
import io.kubedyn.gateway.protocol.ServiceModel;
import io.kubedyn.gateway.protocol.SignatureCheck;
import io.kubedyn.gateway.protocol.SignaturePresence;
import io.kubedyn.storage.StoreClosedException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The DynamoDB JSON 1.0 wire protocol: {@code POST /} with {@code X-Amz-Target:
 * DynamoDB_20120810.<Operation>} (or {@code DynamoDBStreams_20120810.<Operation>} for the
 * Streams API, which clients reach at the same endpoint). Parses the body, runs the operation (on
 * the event loop or a worker thread, see {@link #dispatch}) and answers with DynamoDB's body,
 * headers and error format.
 */
@ApplicationScoped
public class DynamoDbEndpoint {
    static final String TARGET_PREFIX = "DynamoDB_20120810.";
    /** The item reads answered on the event loop when the plane's reads are local. */
    private static final java.util.Set<String> LOCAL_READS = java.util.Set.of(
            TARGET_PREFIX + "GetItem", TARGET_PREFIX + "BatchGetItem", TARGET_PREFIX + "Query", TARGET_PREFIX + "Scan");
    /**
     * The item writes begun on the event loop when the plane's store is local: decided there,
     * their WAL sync shared by the store's group commit ({@link DeferrableOperation}).
     */
    private static final java.util.Set<String> LOCAL_WRITES =
            java.util.Set.of(TARGET_PREFIX + "PutItem", TARGET_PREFIX + "UpdateItem", TARGET_PREFIX + "DeleteItem");

    private final StoragePlane plane;
    /** Checks signatures against known access keys; null: any credentials are taken. */
    private final SignatureCheck signatures;
    /** What each key may do; null: every key may do everything. */
    private final AccessPolicy policy;
    /** Memory request bodies may hold at once ({@link #admit}). */
    private final BodyBudget bodies;
    /** How long a request's body may take to arrive. */
    private final long bodyTimeoutMillis;

    private static final String BODY_DEADLINE = "kubedyn.body-deadline";
    /** Set once a call's body is read and the call dispatched: failures before it are the client's. */
    private static final String DISPATCHED = "kubedyn.dispatched";
    /**
     * Reads bodies without Jackson's own limit on a name's length (50,000 characters), which is
     * below DynamoDB's on an attribute name's (65,535 bytes, checked where items are read).
     */
    private final ObjectMapper json = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxNameLength(HttpRules.MAX_REQUEST_BYTES)
                    .build())
            .build());

    private final Map<String, Operation> operations = new HashMap<>();
    /** The DynamoDB Streams API, served on the same endpoint under its own target prefix. */
    private final Map<String, Operation> streamOperations = new HashMap<>();
    /** Each DynamoDB operation's input shape from the service model, by X-Amz-Target. */
    private final Map<String, ModelShape> inputs = new HashMap<>();

    /**
     * With {@code kubedyn.auth.access-keys-file} set, every call's signature is checked against
     * the keys in that file ({@link AccessKeys}); without it, any credentials are taken, as
     * DynamoDB Local takes them. With signatures checked, {@code kubedyn.auth.policy-file} says
     * what each key may do ({@link AccessPolicy}).
     */
    public DynamoDbEndpoint(
            StoragePlane plane,
            @ConfigProperty(name = "kubedyn.auth.access-keys-file") Optional<Path> accessKeysFile,
            @ConfigProperty(name = "kubedyn.auth.policy-file") Optional<Path> policyFile,
            @ConfigProperty(name = "kubedyn.http.body-budget", defaultValue = "256M")
                    io.quarkus.runtime.configuration.MemorySize bodyBudget,
            @ConfigProperty(name = "kubedyn.http.body-timeout", defaultValue = "60s") java.time.Duration bodyTimeout) {
        this.plane = plane;
        this.bodies = new BodyBudget(bodyBudget.asLongValue());
        this.bodyTimeoutMillis = bodyTimeout.toMillis();
        this.signatures = accessKeysFile
                .map(file -> new SignatureCheck(new AccessKeys(file), Clock.systemUTC()))
                .orElse(null);
        this.policy =
                accessKeysFile.isPresent() ? policyFile.map(AccessPolicy::new).orElse(null) : null;
        new TableOperations(plane, Clock.systemUTC()).register(operations);
        new TimeToLiveOperations(plane).register(operations);
        new TagOperations(plane).register(operations);
        new ContinuousBackupsOperations(plane).register(operations);
        new ServiceOperations().register(operations);
        // One cache of parsed expression texts for every operation of this endpoint.
        ParsedExpressions parsedExpressions = new ParsedExpressions(ParsedExpressions.DEFAULT_MAXIMUM_TOKENS);
        new ItemOperations(plane, parsedExpressions).register(operations);
        new BatchOperations(plane, parsedExpressions).register(operations);
        new TransactionOperations(plane, parsedExpressions).register(operations);
        operations.put("Query", new QueryOperation(plane, parsedExpressions));
        operations.put("Scan", new ScanOperation(plane, parsedExpressions));
        // PartiQL statements run as the item operations registered above, each checked against
        // the access policy as the PartiQL action it is.
        new PartiQlOperations(plane, authorized(Map.copyOf(operations), CallResources.PARTIQL)).register(operations);
        new StreamOperations(plane, Clock.systemUTC()).register(streamOperations);
        operations.putAll(authorized(Map.copyOf(operations), java.util.function.UnaryOperator.identity()));
        streamOperations.putAll(authorized(Map.copyOf(streamOperations), java.util.function.UnaryOperator.identity()));
        ServiceModel model = ServiceModel.dynamoDb();
        operations
                .keySet()
                .forEach(name -> model.input(name).ifPresent(input -> inputs.put(TARGET_PREFIX + name, input)));
    }

    /**
     * The operations, each checking first that the caller's key may take the call's actions
     * ({@link CallResources}, named by {@code naming}) on its resources; as they are without an
     * access policy.
     */
    private Map<String, Operation> authorized(
            Map<String, Operation> served, java.util.function.UnaryOperator<String> naming) {
        if (policy == null) {
            return served;
        }
        Map<String, Operation> checked = new HashMap<>();
        served.forEach((name, operation) -> {
            java.util.function.Consumer<Request> authorize = request -> {
                if (request.caller() != null) {
                    policy.authorize(
                            request.caller(),
                            CallResources.of(name, request).stream()
                                    .map(a -> new AccessPolicy.Access(naming.apply(a.action()), a.resource()))
                                    .toList());
                }
            };
            checked.put(
                    name,
                    operation instanceof DeferrableOperation deferrable
                            ? new DeferrableOperation() {
                                @Override
                                public void execute(Request request, JsonGenerator response) throws IOException {
                                    authorize.accept(request);
                                    deferrable.execute(request, response);
                                }

                                @Override
                                public CompletableFuture<Answer> begin(Request request) throws IOException {
                                    authorize.accept(request);
                                    return deferrable.begin(request);
                                }
                            }
                            : (request, response) -> {
                                authorize.accept(request);
                                operation.execute(request, response);
                            });
        });
        return checked;
    }

    /** The DynamoDB operations served (not the Streams API's), by name. */
    java.util.Set<String> operations() {
        return java.util.Set.copyOf(operations.keySet());
    }

    /**
     * Opens the store at start-up, so a bad data directory fails the start rather than the first
     * request. Storage pods that are not up yet do not fail it: on Kubernetes they start in any
     * order, and until they answer, requests get a retryable error.
     */
    void openStore(@Observes StartupEvent event) {
        try {
            Log.infof("kubedyn serving %d tables", plane.catalog().names().size());
        } catch (DynamoDbException unreachable) {
            Log.warnf("storage not reachable yet (%s); requests fail retryably until it is", unreachable.getMessage());
        }
    }

    void route(@Observes Router router) {
        router.post("/")
                // A platform handler: Vert.x runs those before the body handler, as this must.
                .handler((io.vertx.ext.web.handler.PlatformHandler) this::admit)
                .handler(BodyHandler.create()
                        .setBodyLimit(HttpRules.MAX_REQUEST_BYTES)
                        .setHandleFileUploads(false))
                .handler(this::dispatch)
                .failureHandler(this::failed);
        router.route("/").handler(this::notACall);
        // First among failure handlers: it sees every failure, and passes on what is not its own.
        router.route().order(Integer.MIN_VALUE).failureHandler(this::unreadable);
    }

    /**
     * A request Vert.x could not read: no Host or one it cannot parse (a 400 raised before any
     * route runs), or a body that failed midway (chunks that are not HTTP's, a client gone). That
     * is the client's doing, so it is answered as Vert.x answers a malformed header, with an
     * empty 400, and its connection closed, saying so over HTTP/1.x; and it is logged only at
     * debug level, so a stranger cannot fill the server's log. A 413 and the server's own
     * failures go on to the handlers after this one.
     */
    private void unreadable(RoutingContext context) {
        // Until the call is dispatched, any failure but a 413 is Vert.x's reading the request.
        if (context.statusCode() == 413 || context.get(DISPATCHED) != null) {
            context.next();
            return;
        }
        Log.debugf(context.failure(), "refused a request the HTTP layer could not read (%d)", context.statusCode());
        HttpServerResponse response = context.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (context.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            response.putHeader("Connection", "close");
        }
        response.endHandler(ended -> context.request().connection().close());
        response.setStatusCode(400)
                .putHeader("x-amzn-RequestId", HttpRules.requestId())
                .end();
    }

    /**
     * Lets a request's body be read only while the bodies held fit the budget (its declared
     * length is reserved until it is answered or its connection goes), and only for so long: a
     * client that has not sent its whole body by the deadline gets 408 and its connection is
     * closed. Over budget, the call is refused with ThrottlingException, which clients retry with
     * back-off, and its connection closed, its body unread.
     */
    private void admit(RoutingContext context) {
        long reserved = BodyBudget.reservation(context.request().getHeader("Content-Length"));
        if (!bodies.reserve(reserved)) {
            HttpServerResponse response = context.response()
                    .setStatusCode(DynamoDbError.THROTTLING.httpStatus())
                    .putHeader("x-amzn-RequestId", HttpRules.requestId())
                    .putHeader("Connection", "close");
            // Vert.x keeps a connection by the request's wish, whatever the answer says: close it.
            response.endHandler(ended -> context.request().connection().close());
            end(
                    context.vertx().getOrCreateContext(),
                    response,
                    error(DynamoDbError.THROTTLING, "Too many request bodies in flight; try again"),
                    HttpRules.answerContentType(context.request().getHeader("Content-Type"), true)
                            .orElse("application/x-amz-json-1.0"));
            return;
        }
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong deadline = new java.util.concurrent.atomic.AtomicLong(-1);
        // Once the answer is sent (a 413 included) or the connection is gone, nothing is held and
        // the deadline no longer applies: a reused keep-alive connection must not be closed by it.
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                bodies.release(reserved);
                context.vertx().cancelTimer(deadline.get());
            }
        };
        context.addEndHandler(done -> release.run());
        deadline.set(context.vertx().setTimer(bodyTimeoutMillis, fired -> {
            if (released.get()) {
                return;
            }
            if (!context.response().ended()) {
                context.response()
                        .setStatusCode(408)
                        .putHeader("Connection", "close")
                        .end();
            }
            context.request().connection().close();
            release.run();
        }));
        context.put(BODY_DEADLINE, deadline.get());
        context.next();
    }

    /**
     * Runs the call where it belongs, with a store in this process: an item read on the event
     * loop that received it (it waits on nothing, and handing it to a worker thread and back cost
     * more than the read), and an item write begun there too, its answer written once the store's
     * group commit has synced it. Anything else, and an item write that would have to wait (see
     * {@link DeferrableOperation#begin}), runs on a worker thread, as every call does with remote
     * stores, which answer over the network.
     */
    private void dispatch(RoutingContext context) {
        context.put(DISPATCHED, Boolean.TRUE);
        Long deadline = context.get(BODY_DEADLINE);
        if (deadline != null) {
            context.vertx().cancelTimer(deadline);
        }
        String target = HttpRules.target(context.request().headers().getAll("X-Amz-Target"));
        // This handler runs on the connection's event loop: its context is where the answer is written.
        io.vertx.core.Context loop = context.vertx().getOrCreateContext();
        if (plane.localReads() && target != null && (LOCAL_READS.contains(target) || LOCAL_WRITES.contains(target))) {
            try {
                handle(context, loop, LOCAL_WRITES.contains(target));
            } catch (Throwable e) {
                context.fail(e);
            }
        } else {
            onWorker(context, () -> handle(context, loop, false));
        }
    }

    private static void onWorker(RoutingContext context, Runnable call) {
        context.vertx()
                .executeBlocking(
                        () -> {
                            call.run();
                            return null;
                        },
                        false)
                .onFailure(context::fail);
    }

    /** GET (liveness), a CORS preflight, or anything else that is not a DynamoDB call. */
    private void notACall(RoutingContext context) {
        HttpServerResponse response = context.response().putHeader("x-amzn-RequestId", HttpRules.requestId());
        boolean cors = context.request().getHeader("Origin") != null;
        if (cors) {
            response.putHeader("Access-Control-Allow-Origin", "*");
        }
        if (cors && context.request().method() == HttpMethod.OPTIONS) {
            copyHeader(context, "Access-Control-Request-Headers", "Access-Control-Allow-Headers");
            copyHeader(context, "Access-Control-Request-Method", "Access-Control-Allow-Methods");
            response.putHeader("Access-Control-Max-Age", HttpRules.CORS_MAX_AGE)
                    .setStatusCode(200)
                    .end();
        } else if (context.request().method() == HttpMethod.GET) {
            end(
                    context.vertx().getOrCreateContext(),
                    response.setStatusCode(200),
                    HttpRules.HEALTHY.getBytes(StandardCharsets.UTF_8),
                    null);
        } else {
            end(
                    context.vertx().getOrCreateContext(),
                    response.setStatusCode(404),
                    HttpRules.NOT_A_CALL.getBytes(StandardCharsets.UTF_8),
                    null);
        }
    }

    private static void copyHeader(RoutingContext context, String from, String to) {
        String value = context.request().getHeader(from);
        if (value != null) {
            context.response().putHeader(to, value);
        }
    }

    /**
     * A body over DynamoDB's limit: 413 with chunked framing, as DynamoDB sends it (dynalite's
     * suite checks both), and a DynamoDB error body saying which limit it broke, so that an SDK
     * reports more than a bare status.
     */
    private void failed(RoutingContext context) {
        if (context.statusCode() == 413) {
            String type = HttpRules.answerContentType(context.request().getHeader("Content-Type"), true)
                    .orElse("application/x-amz-json-1.0");
            HttpServerResponse response = context.response()
                    .setStatusCode(413)
                    .setChunked(true)
                    .putHeader("x-amzn-RequestId", HttpRules.requestId());
            end(
                    context.vertx().getOrCreateContext(),
                    response,
                    error(DynamoDbError.VALIDATION, HttpRules.TOO_LARGE),
                    type);
        } else {
            context.next();
        }
    }

    /**
     * Reads, checks and runs the call, and answers it. {@code begin}: on the event loop, a
     * {@link DeferrableOperation} is begun there, and answered when its store is done (or run on a
     * worker thread if it would wait).
     */
    private void handle(RoutingContext context, io.vertx.core.Context loop, boolean begin) {
        Buffer received = context.body().buffer();
        boolean hasBody = received != null && received.length() > 0;
        String answerType = HttpRules.answerContentType(context.request().getHeader("Content-Type"), hasBody)
                .orElse(null);
        if (answerType == null) {
            notACall(context);
            return;
        }
        String target = HttpRules.target(context.request().headers().getAll("X-Amz-Target"));
        answer(context, loop, answerType, target, () -> {
            JsonNode body = hasBody ? parse(received) : null;
            Operation operation = operation(target);
            Map<String, String> authorization =
                    SignaturePresence.check(context.request()::getHeader, context.queryParams()::get);
            String caller = null;
            if (signatures != null) {
                caller = signatures.verify(new SignatureCheck.Call(
                        context.request().method().name(),
                        context.request().path(),
                        new java.util.ArrayList<>(context.queryParams().entries()),
                        context.request().headers()::getAll,
                        hasBody ? received.getBytes() : new byte[0],
                        authorization));
            }
            if (body == null) {
                // A call without a body has no input to read (DynamoDB sends the type alone).
                throw new DynamoDbException(DynamoDbError.SERIALIZATION, null);
            }
            ModelShape input = inputs.get(target);
            if (input != null) {
                InputConstraints.check(target.substring(TARGET_PREFIX.length()), InputReader.read(body, input), input);
            }
            Request request = new Request(body, context.request().getHeader("Host"), caller);
            if (begin && operation instanceof DeferrableOperation deferrable) {
                CompletableFuture<DeferrableOperation.Answer> begun = deferrable.begin(request);
                if (begun == null) {
                    onWorker(
                            context,
                            () -> answer(context, loop, answerType, target, () -> body(operation::execute, request)));
                } else {
                    begun.whenComplete((done, failure) -> loop.runOnContext(now -> {
                        try {
                            answer(context, loop, answerType, target, () -> {
                                if (failure != null) {
                                    throw unwrapped(failure);
                                }
                                return body((ignored, out) -> done.write(out), request);
                            });
                        } catch (Throwable e) {
                            context.fail(e); // an Error: answered as any call's is
                        }
                    }));
                }
                return null;
            }
            return body(operation::execute, request);
        });
    }

    /** The answer's body, as {@code operation} writes it. */
    private byte[] body(Operation operation, Request request) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream(256);
        try (JsonGenerator out = json.getFactory().createGenerator(answer)) {
            operation.execute(request, out);
        }
        return answer.toByteArray();
    }

    private static RuntimeException unwrapped(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        if (cause instanceof Error error) {
            throw error;
        }
        return cause instanceof RuntimeException runtime
                ? runtime
                : new IllegalStateException(cause.getMessage(), cause);
    }

    /** A call's answer: its body, or null when it is answered later. */
    @FunctionalInterface
    private interface Call {
        byte[] run() throws IOException;
    }

    /** Answers with what {@code call} gives, or with DynamoDB's error for what it throws. */
    private void answer(
            RoutingContext context, io.vertx.core.Context loop, String answerType, String target, Call call) {
        byte[] response;
        int status = 200;
        try {
            response = call.run();
            if (response == null) {
                return;
            }
        } catch (ConditionalCheckFailedException e) {
            status = e.error().httpStatus();
            response = conditionalCheckFailed(e);
        } catch (TransactionCanceledException e) {
            status = e.error().httpStatus();
            response = transactionCanceled(e);
        } catch (DynamoDbException e) {
            status = e.error().httpStatus();
            response = error(e.error(), e.getMessage());
        } catch (StoreClosedException e) {
            // The store is closing, or recovering from an I/O error: a retryable InternalServerError.
            Log.warnf("%s refused: %s", target, e.getMessage());
            status = DynamoDbError.INTERNAL_SERVER_ERROR.httpStatus();
            response = error(DynamoDbError.INTERNAL_SERVER_ERROR, "Internal server error (" + e.getMessage() + ")");
        } catch (IOException | RuntimeException e) {
            Log.errorf(e, "%s failed", target);
            status = DynamoDbError.INTERNAL_SERVER_ERROR.httpStatus();
            response = error(DynamoDbError.INTERNAL_SERVER_ERROR, "Internal server error");
        }
        HttpServerResponse answer =
                context.response().setStatusCode(status).putHeader("x-amzn-RequestId", HttpRules.requestId());
        if (context.request().getHeader("Origin") != null) {
            answer.putHeader("Access-Control-Allow-Origin", "*");
        }
        end(loop, answer, response, answerType);
    }

    /**
     * Ends with {@code body}, its CRC32 as DynamoDB's clients check it, and its content type (if
     * any); a large body goes chunked ({@link #writeChunks}).
     */
    private static void end(io.vertx.core.Context loop, HttpServerResponse response, byte[] body, String contentType) {
        CRC32 crc = new CRC32();
        crc.update(body);
        if (contentType != null) {
            response.putHeader("Content-Type", contentType);
        }
        response.putHeader("x-amz-crc32", Long.toString(crc.getValue()));
        if (body.length > HttpRules.CHUNK_BYTES) {
            response.setChunked(true);
            // On the connection's event loop, where the write queue drains: no drain goes unseen.
            loop.runOnContext(start -> writeChunks(response, Buffer.buffer(body), 0));
        } else {
            response.end(Buffer.buffer(body));
        }
    }

    /**
     * Writes {@code body} from {@code offset} in chunks, as fast as the client takes them: when
     * the connection's write queue is full, the rest waits for it to drain. A client that goes
     * away mid-answer ends it: nothing more is written, and nothing else is disturbed.
     */
    private static void writeChunks(HttpServerResponse response, Buffer body, int offset) {
        int next = offset;
        while (next < body.length()) {
            if (response.closed()) {
                return;
            }
            int end = Math.min(next + HttpRules.CHUNK_BYTES, body.length());
            response.write(body.slice(next, end));
            next = end;
            if (response.writeQueueFull() && next < body.length()) {
                int rest = next;
                response.drainHandler(drained -> writeChunks(response, body, rest));
                return;
            }
        }
        if (!response.closed()) {
            response.end();
        }
    }

    private Operation operation(String target) {
        Operation operation = null;
        if (target != null && target.startsWith(TARGET_PREFIX)) {
            operation = operations.get(target.substring(TARGET_PREFIX.length()));
        } else if (target != null && target.startsWith(StreamOperations.TARGET_PREFIX)) {
            operation = streamOperations.get(target.substring(StreamOperations.TARGET_PREFIX.length()));
        }
        if (operation == null) {
            // DynamoDB sends the type alone.
            throw new DynamoDbException(DynamoDbError.UNKNOWN_OPERATION, null);
        }
        return operation;
    }

    /** The body as JSON; SerializationException (DynamoDB sends the type alone) when it is not JSON. */
    private JsonNode parse(Buffer body) {
        byte[] bytes = body.getBytes();
        if (!BodyText.wellFormed(bytes)) {
            // Not text DynamoDB reads: refused as a body that is not JSON.
            throw new DynamoDbException(DynamoDbError.SERIALIZATION, null);
        }
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw new DynamoDbException(DynamoDbError.SERIALIZATION, null);
        }
    }

    /** DynamoDB's error body, with the item as it was when the request asked for it. */
    private byte[] conditionalCheckFailed(ConditionalCheckFailedException e) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        try (JsonGenerator out = json.getFactory().createGenerator(body)) {
            out.writeStartObject();
            out.writeStringField("__type", e.error().wireType());
            out.writeStringField("message", e.getMessage());
            if (e.item() != null) {
                out.writeFieldName("Item");
                AttributeValueJson.writeItem(out, e.item());
            }
            out.writeEndObject();
        } catch (IOException io) {
            throw new IllegalStateException(io);
        }
        return body.toByteArray();
    }

    /** DynamoDB's error body for a cancelled transaction: its reasons, one per action, then the message. */
    private byte[] transactionCanceled(TransactionCanceledException e) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        try (JsonGenerator out = json.getFactory().createGenerator(body)) {
            out.writeStartObject();
            out.writeStringField("__type", e.error().wireType());
            out.writeArrayFieldStart("CancellationReasons");
            for (CancellationReason reason : e.reasons()) {
                out.writeStartObject();
                out.writeStringField("Code", reason.code());
                if (reason.message() != null) {
                    out.writeStringField("Message", reason.message());
                }
                if (reason.item() != null) {
                    out.writeFieldName("Item");
                    AttributeValueJson.writeItem(out, reason.item());
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeStringField(e.error().messageField(), e.getMessage());
            out.writeEndObject();
        } catch (IOException io) {
            throw new IllegalStateException(io);
        }
        return body.toByteArray();
    }

    /** DynamoDB's error body: {@code __type} first, then the message (if this error carries one). */
    private byte[] error(DynamoDbError error, String message) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(128);
        try (JsonGenerator out = json.getFactory().createGenerator(body)) {
            out.writeStartObject();
            out.writeStringField("__type", error.wireType());
            if (error.messageField() != null && message != null) {
                out.writeStringField(error.messageField(), message);
            }
            out.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return body.toByteArray();
    }
}
