package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubedyn.core.AttributeValueJson;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.write.ConditionalCheckFailedException;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.expression.ParsedExpressions;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The DynamoDB JSON 1.0 wire protocol: {@code POST /} with {@code X-Amz-Target:
 * DynamoDB_20120810.<Operation>} (or {@code DynamoDBStreams_20120810.<Operation>} for the
 * Streams API, which clients reach at the same endpoint). Parses the body, runs the operation on a worker thread (storage
 * writes block on the WAL sync) and answers with DynamoDB's body, headers and error format.
 */
@ApplicationScoped
public class DynamoDbEndpoint {
    static final String TARGET_PREFIX = "DynamoDB_20120810.";
    static final String CONTENT_TYPE = "application/x-amz-json-1.0";
    /** DynamoDB's largest request (a full BatchWriteItem) is 16 MB. */
    static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private final StoragePlane plane;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Operation> operations = new HashMap<>();
    /** The DynamoDB Streams API, served on the same endpoint under its own target prefix. */
    private final Map<String, Operation> streamOperations = new HashMap<>();

    public DynamoDbEndpoint(StoragePlane plane) {
        this.plane = plane;
        new TableOperations(plane, Clock.systemUTC()).register(operations);
        new TimeToLiveOperations(plane).register(operations);
        // One cache of parsed expression texts for every operation of this endpoint.
        ParsedExpressions parsedExpressions = new ParsedExpressions(ParsedExpressions.DEFAULT_MAXIMUM_TOKENS);
        new ItemOperations(plane, parsedExpressions).register(operations);
        new BatchOperations(plane, parsedExpressions).register(operations);
        operations.put("Query", new QueryOperation(plane, parsedExpressions));
        operations.put("Scan", new ScanOperation(plane, parsedExpressions));
        new StreamOperations(plane, Clock.systemUTC()).register(streamOperations);
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
                .handler(BodyHandler.create().setBodyLimit(MAX_REQUEST_BYTES).setHandleFileUploads(false))
                .blockingHandler(this::handle, false);
    }

    private void handle(RoutingContext context) {
        String target = context.request().getHeader("X-Amz-Target");
        byte[] response;
        int status = 200;
        try {
            Operation operation = operation(target);
            Request request = new Request(parse(context.body().buffer()));
            ByteArrayOutputStream body = new ByteArrayOutputStream(256);
            try (JsonGenerator out = json.getFactory().createGenerator(body)) {
                operation.execute(request, out);
            }
            response = body.toByteArray();
        } catch (ConditionalCheckFailedException e) {
            status = e.error().httpStatus();
            response = conditionalCheckFailed(e);
        } catch (DynamoDbException e) {
            status = e.error().httpStatus();
            response = error(e.error(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            Log.errorf(e, "%s failed", target);
            status = DynamoDbError.INTERNAL_SERVER_ERROR.httpStatus();
            response = error(DynamoDbError.INTERNAL_SERVER_ERROR, "Internal server error");
        }
        CRC32 crc = new CRC32();
        crc.update(response);
        context.response()
                .setStatusCode(status)
                .putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("x-amzn-RequestId", UUID.randomUUID().toString())
                .putHeader("x-amz-crc32", Long.toString(crc.getValue()))
                .end(Buffer.buffer(response));
    }

    private Operation operation(String target) {
        Operation operation = null;
        if (target != null && target.startsWith(TARGET_PREFIX)) {
            operation = operations.get(target.substring(TARGET_PREFIX.length()));
        } else if (target != null && target.startsWith(StreamOperations.TARGET_PREFIX)) {
            operation = streamOperations.get(target.substring(StreamOperations.TARGET_PREFIX.length()));
        }
        if (operation == null) {
            throw new DynamoDbException(DynamoDbError.UNKNOWN_OPERATION,
                    target == null ? "Missing X-Amz-Target header" : "Unknown operation: " + target);
        }
        return operation;
    }

    private JsonNode parse(Buffer body) {
        if (body == null || body.length() == 0) {
            throw new DynamoDbException(DynamoDbError.SERIALIZATION, "Request body is empty; expected a JSON object");
        }
        try {
            return json.readTree(body.getBytes());
        } catch (JsonProcessingException e) {
            throw new DynamoDbException(DynamoDbError.SERIALIZATION,
                    "Request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new DynamoDbException(DynamoDbError.SERIALIZATION, "Request body could not be read");
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

    private byte[] error(DynamoDbError error, String message) {
        try {
            return json.writeValueAsBytes(Map.of("__type", error.wireType(), "message", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
