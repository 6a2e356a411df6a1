package io.kubedyn.storage;

/** A request for a key or hash range this store does not own: the caller's shard map is stale or wrong. */
public class RangeNotOwnedException extends RuntimeException {
    public RangeNotOwnedException(String message) {
        super(message, null, false, false);
    }
}
