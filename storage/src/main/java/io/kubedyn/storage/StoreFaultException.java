package io.kubedyn.storage;

/**
 * A call reached a partition store whose RocksDB stopped on an I/O error (a full disk, too many
 * open files) and is recovering: the caller may retry later, or at another replica.
 */
public class StoreFaultException extends StoreClosedException {
    public StoreFaultException(String cause) {
        super("the partition store cannot write until it recovers: " + cause);
    }
}
