package io.kubedyn.storage;

import io.kubedyn.core.HashRange;

/** A request for a key or hash range this store does not own: the caller's shard map is stale or wrong. */
public class RangeNotOwnedException extends RuntimeException {
    private final String owner;
    private final HashRange ownerRange;

    public RangeNotOwnedException(String message) {
        this(message, null, null);
    }

    /** @param owner the pod this one handed the key's range to (host:port), or null */
    public RangeNotOwnedException(String message, String owner) {
        this(message, owner, null);
    }

    /**
     * @param owner the pod this one handed the key's range to (host:port), or null
     * @param ownerRange the whole range handed to {@code owner}, or null
     */
    public RangeNotOwnedException(String message, String owner, HashRange ownerRange) {
        super(message, null, false, false);
        this.owner = owner;
        this.ownerRange = owner == null ? null : ownerRange;
    }

    /** The pod this one handed the key's range to in a split, if it did: the caller may go there. */
    public String owner() {
        return owner;
    }

    /** The whole range handed to {@link #owner}, if known: every key there may go there too. */
    public HashRange ownerRange() {
        return ownerRange;
    }
}
