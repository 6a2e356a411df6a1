package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Map;

/**
 * What the service says of itself: DescribeEndpoints (the address to send calls to, for clients
 * that discover endpoints) and DescribeLimits (DynamoDB's default capacity quotas).
 */
final class ServiceOperations {
    /** How long a client may keep the discovered endpoint, as DynamoDB answers: a day. */
    static final int ENDPOINT_CACHE_MINUTES = 1440;
    /** DynamoDB's default quotas for an account and for one table, in capacity units. */
    static final long ACCOUNT_MAX_CAPACITY_UNITS = 80_000;

    static final long TABLE_MAX_CAPACITY_UNITS = 40_000;

    void register(Map<String, Operation> operations) {
        operations.put("DescribeEndpoints", this::describeEndpoints);
        operations.put("DescribeLimits", this::describeLimits);
    }

    /** This server, at the address the client reached it by. */
    private void describeEndpoints(Request request, JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeArrayFieldStart("Endpoints");
        out.writeStartObject();
        out.writeStringField("Address", request.host() == null ? "localhost" : request.host());
        out.writeNumberField("CachePeriodInMinutes", ENDPOINT_CACHE_MINUTES);
        out.writeEndObject();
        out.writeEndArray();
        out.writeEndObject();
    }

    /**
     * DynamoDB's default quotas, as DynamoDB reports them to a new account. kubedyn enforces no
     * capacity (see docs/compatibility.md): these are what tools that plan capacity expect.
     */
    private void describeLimits(Request request, JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeNumberField("AccountMaxReadCapacityUnits", ACCOUNT_MAX_CAPACITY_UNITS);
        out.writeNumberField("AccountMaxWriteCapacityUnits", ACCOUNT_MAX_CAPACITY_UNITS);
        out.writeNumberField("TableMaxReadCapacityUnits", TABLE_MAX_CAPACITY_UNITS);
        out.writeNumberField("TableMaxWriteCapacityUnits", TABLE_MAX_CAPACITY_UNITS);
        out.writeEndObject();
    }
}
