package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** One DynamoDB API operation: reads a validated request, writes the response body. */
@FunctionalInterface
public interface Operation {
    void execute(Request request, JsonGenerator response) throws IOException;
}
