package io.kubedyn.gateway.protocol;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory the gateway lets request bodies hold at once, read or being served: each request
 * reserves its declared length (DynamoDB's largest when it declares none) before its body is
 * read, and gives it back when it is answered or its connection goes. Without it, a few dozen
 * clients sending 16 MB bodies slowly hold gigabytes.
 */
public final class BodyBudget {
    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    public BodyBudget(long capacity) {
        this.capacity = capacity;
    }

    /** The bytes a request with this Content-Length header reserves. */
    public static long reservation(String contentLength) {
        if (contentLength == null) {
            return HttpRules.MAX_REQUEST_BYTES;
        }
        try {
            long declared = Long.parseLong(contentLength.trim());
            // A longer body is refused with 413 as soon as it is declared, before any of it is
            // read: it holds nothing, and must not be throttled (retried) instead.
            return declared > HttpRules.MAX_REQUEST_BYTES ? 0 : Math.max(0, declared);
        } catch (NumberFormatException e) {
            return HttpRules.MAX_REQUEST_BYTES;
        }
    }

    /** Reserves {@code bytes}; false, reserving nothing, when they do not fit. */
    public boolean reserve(long bytes) {
        if (held.addAndGet(bytes) > capacity && bytes > 0) {
            held.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    public void release(long bytes) {
        held.addAndGet(-bytes);
    }

    /** Bytes reserved now. */
    public long held() {
        return held.get();
    }
}
