package io.kubedyn.storage.pod;

/** A request for a key or hash range this pod does not own: the caller's shard map is stale or wrong. */
public class RangeNotOwnedException extends RuntimeException {
    public RangeNotOwnedException(String message) {
        super(message, null, false, false);
    }
}
