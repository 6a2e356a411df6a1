package io.kubedyn.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.StreamViewType;
import java.util.Optional;

/**
 * DynamoDB's StreamSpecification as CreateTable and UpdateTable take it.
 */
final class StreamSpecifications {
    /** What a StreamSpecification asks: a stream of this view type, or none. */
    record Asked(boolean enabled, StreamViewType viewType) {}

    private StreamSpecifications() {}

    /** The request's StreamSpecification, or empty when it has none. */
    static Optional<Asked> of(Request request) {
        JsonNode node = request.node("StreamSpecification");
        if (node == null) {
            return Optional.empty();
        }
        // The model checked StreamEnabled is there and a boolean, and StreamViewType one of the view types.
        JsonNode enabled = node.get("StreamEnabled");
        JsonNode type = node.get("StreamViewType");
        StreamViewType viewType = type == null || type.isNull() ? null : StreamViewType.valueOf(type.textValue());
        if (enabled.booleanValue() && viewType == null) {
            throw DynamoDbException.validation("One or more parameter values were invalid: "
                    + "StreamViewType is required when StreamEnabled is true");
        }
        if (!enabled.booleanValue() && viewType != null) {
            throw DynamoDbException.validation("One or more parameter values were invalid: "
                    + "StreamViewType cannot be specified when StreamEnabled is false");
        }
        return Optional.of(new Asked(enabled.booleanValue(), viewType));
    }
}
