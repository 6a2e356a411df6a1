package io.kubedyn.storage;

/** A call reached a partition store that is closing or closed: the caller may retry elsewhere or later. */
public class StoreClosedException extends StorageException {
    public StoreClosedException() {
        this("the partition store is closed");
    }

    protected StoreClosedException(String message) {
        super(message, null);
    }
}
