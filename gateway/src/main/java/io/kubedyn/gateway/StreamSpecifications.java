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
    record Asked(boolean enabled, StreamViewType viewType) {
    }

    private StreamSpecifications() {
    }

    /** The request's StreamSpecification, or empty when it has none. */
    static Optional<Asked> of(Request request) {
        JsonNode node = request.node("StreamSpecification");
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw Request.serialization("StreamSpecification", "a structure");
        }
        JsonNode enabled = node.get("StreamEnabled");
        if (enabled == null || enabled.isNull()) {
            throw DynamoDbException.validation("1 validation error detected: Value null at "
                    + "'streamSpecification.streamEnabled' failed to satisfy constraint: Member must not be null");
        }
        if (!enabled.isBoolean()) {
            throw Request.serialization("StreamSpecification.StreamEnabled", "a boolean");
        }
        JsonNode type = node.get("StreamViewType");
        StreamViewType viewType = null;
        if (type != null && !type.isNull()) {
            if (!type.isTextual()) {
                throw Request.serialization("StreamSpecification.StreamViewType", "a string");
            }
            try {
                viewType = StreamViewType.valueOf(type.textValue());
            } catch (IllegalArgumentException e) {
                throw DynamoDbException.validation("1 validation error detected: Value '" + type.textValue()
                        + "' at 'streamSpecification.streamViewType' failed to satisfy constraint: Member must satisfy "
                        + "enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]");
            }
        }
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
