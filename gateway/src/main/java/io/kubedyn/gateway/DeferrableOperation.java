package io.kubedyn.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * An operation that can also be begun on a thread that must not wait (the event loop that
 * received it), its answer written once the store has done its part: an item write to a store in
 * this process, whose WAL sync a group commit shares, so no thread waits for it.
 */
public interface DeferrableOperation extends Operation {

    /**
     * Begins the call: the writer of its answer, once the store's part is done (failed as the
     * call fails). Null when it would have to wait, having written nothing: then
     * {@link #execute} runs the call on a thread that may wait.
     */
    CompletableFuture<Answer> begin(Request request) throws IOException;

    /** Writes an answer's body. */
    @FunctionalInterface
    interface Answer {
        void write(JsonGenerator out) throws IOException;
    }
}
