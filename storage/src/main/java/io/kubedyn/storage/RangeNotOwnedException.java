package io.kubedyn.storage;

/** A request for a key or hash range this store does not own: the caller's shard map is stale or wrong. */
public class RangeNotOwnedException extends RuntimeException {
    private final String owner;

    public RangeNotOwnedException(String message) {
        this(message, null);
    }

    /** @param owner the pod this one handed the key's range to (host:port), or null */
    public RangeNotOwnedException(String message, String owner) {
        super(message, null, false, false);
        this.owner = owner;
    }

    /** The pod this one handed the key's range to in a split, if it did: the caller may go there. */
    public String owner() {
        return owner;
    }
}
