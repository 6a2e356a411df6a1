package io.kubedyn.storage;

/** RocksDB failed underneath a request: an internal error, never the client's fault. */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
