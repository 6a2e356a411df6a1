package io.kubedyn.storage;

/**
 * The store is being reopened (after an I/O fault, or to become a snapshot) and the call was made
 * not to wait for it ({@link PartitionStore#getWithoutWaiting}): made again where waiting is
 * allowed, it is answered once the store is open.
 */
public class StoreReopeningException extends StorageException {
    public StoreReopeningException() {
        super("the store is being reopened", null);
    }
}
