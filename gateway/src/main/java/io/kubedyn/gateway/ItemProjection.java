package io.kubedyn.gateway;

import io.kubedyn.core.AttributeValue;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Which attributes of an item a read returns: all, or those AttributesToGet names. */
interface ItemProjection extends UnaryOperator<Map<String, AttributeValue>> {

    static ItemProjection of(Request request) {
        if (!request.has("AttributesToGet")) {
            return item -> item;
        }
        return item -> ItemOperations.attributesToGet(request, item);
    }
}
