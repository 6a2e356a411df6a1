package io.kubedyn.storage;

/**
 * The changes asked for are no longer in the store's write-ahead log (it let the files go: no
 * hand-off held them, or the store restarted): the range must be copied again from a new
 * {@link PartitionStore#copyRange}.
 */
public final class RangeChangesLostException extends StorageException {
    public RangeChangesLostException(String message) {
        super(message, null);
    }
}
