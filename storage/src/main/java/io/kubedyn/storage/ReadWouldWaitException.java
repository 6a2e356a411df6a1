package io.kubedyn.storage;

/**
 * A read made not to wait ({@link PartitionStore#getWithoutWaiting}) could not be answered at
 * once: the store is being reopened (after an I/O fault, or to become a snapshot), or what it
 * reads is not in memory and would need the disk. Made again where waiting is allowed, it is
 * answered as usual.
 */
public class ReadWouldWaitException extends StoreClosedException {
    public ReadWouldWaitException(String why) {
        super("the read would wait: " + why);
    }
}
