package io.kubedyn.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One table's change log in its shard's store: a column family of {@link ChangeRecord}s keyed by
 * sequence number. Writers reserve a sequence number, put the record in the WriteBatch of the
 * change it records, and release the number once the batch is written (or failed). Concurrent
 * writers finish in any order, so readers see only up to {@link #latest}: the number below the
 * oldest write still in flight. A reader that went past a number a slower writer still holds
 * would skip that record forever.
 *
 * <p>Sequence numbers start, when the store opens, above both the last one in the log and the
 * current time in microseconds, so they never go back, not even after every record was trimmed.
 */
final class TableChangeLog {
    private final ColumnFamilyHandle family;
    private final TreeSet<Long> inFlight = new TreeSet<>();
    private long next;
    /** The last sequence number trimmed: a reader at or below it missed records. */
    private volatile long trimmedThrough;

    private TableChangeLog(ColumnFamilyHandle family, long next, long trimmedThrough) {
        this.family = family;
        this.next = next;
        this.trimmedThrough = trimmedThrough;
    }

    /**
     * @param clockMillis the time a new log's numbers start from (0 for a replica, whose numbers
     *        start from its log entries' times instead, see {@link #reserve(long)}: a replica's
     *        own clock would number the same record differently on each)
     */
    static TableChangeLog open(RocksDB db, ColumnFamilyHandle family, long trimmedThrough, long clockMillis) {
        long last = 0;
        try (RocksIterator it = db.newIterator(family)) {
            it.seekToLast();
            if (it.isValid()) {
                last = ChangeRecordCodec.sequenceOf(it.key());
            }
        }
        // Above what was ever trimmed too: a log emptied by trimming must not hand out numbers a
        // reader (or the index feed's checkpoint) has already passed, whatever the clock says.
        long next = Math.max(Math.max(last, trimmedThrough) + 1, clockMillis * 1000);
        return new TableChangeLog(family, next, trimmedThrough);
    }

    ColumnFamilyHandle family() {
        return family;
    }

    /** A sequence number for a record about to be written; {@link #release} it afterwards. */
    synchronized long reserve() {
        return reserve(0);
    }

    /**
     * A sequence number for a record about to be written, at least {@code floor}; {@link #release}
     * it afterwards. A replica passes its log entry's time (in microseconds), so every replica
     * numbers the entry's records alike.
     */
    synchronized long reserve(long floor) {
        next = Math.max(next, floor);
        long sequence = next++;
        inFlight.add(sequence);
        return sequence;
    }

    /** The write of {@code sequence}'s record is done (or failed and left a gap). */
    synchronized void release(long sequence) {
        inFlight.remove(sequence);
    }

    /** The newest sequence number handed out: every record written later has a higher one. */
    synchronized long reservedThrough() {
        return next - 1;
    }

    /** The newest sequence number every earlier one of which is written or abandoned. */
    synchronized long latest() {
        return inFlight.isEmpty() ? next - 1 : inFlight.first() - 1;
    }

    /**
     * At most {@code limit} records (and about {@code maxBytes} of them, at least one) from
     * {@code from} on, none past {@link #latest}.
     */
    ChangePage read(RocksDB db, long from, int limit, long maxBytes) {
        long latest = latest();
        List<ChangeRecord> records = new ArrayList<>();
        long bytes = 0;
        long horizon;
        try (RocksIterator it = db.newIterator(family)) {
            it.seekToFirst();
            horizon = it.isValid() ? ChangeRecordCodec.sequenceOf(it.key()) : latest + 1;
            for (it.seek(ChangeRecordCodec.key(Math.max(from, horizon)));
                    it.isValid() && records.size() < limit;
                    it.next()) {
                long sequence = ChangeRecordCodec.sequenceOf(it.key());
                if (sequence > latest) {
                    break;
                }
                ChangeRecord record = ChangeRecordCodec.decode(sequence, it.value());
                bytes += record.sizeBytes();
                if (bytes > maxBytes && !records.isEmpty()) {
                    break;
                }
                records.add(record);
            }
        }
        return new ChangePage(records, horizon, latest, trimmedThrough);
    }

    /**
     * Deletes the records no reader needs any more: from the oldest on, each at or below
     * {@code consumedThrough} (what the table's global secondary indexes have taken in, or
     * {@code Long.MAX_VALUE} without them) and either written before {@code cutoffMillis} or not
     * the stream's. Records the last sequence number deleted at {@code trimmedKey} of
     * {@code catalog} in the same batch; returns how many.
     */
    long trim(
            RocksDB db,
            WriteOptions options,
            long cutoffMillis,
            long consumedThrough,
            ColumnFamilyHandle catalog,
            byte[] trimmedKey)
            throws RocksDBException {
        long first = -1;
        long end = -1;
        long count = 0;
        try (RocksIterator it = db.newIterator(family)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                long sequence = ChangeRecordCodec.sequenceOf(it.key());
                byte[] value = it.value();
                boolean expired = !ChangeRecordCodec.streamedOf(value)
                        || ChangeRecordCodec.creationMillisOf(value) < cutoffMillis;
                if (sequence > consumedThrough || !expired) {
                    break;
                }
                if (first < 0) {
                    first = sequence;
                }
                end = sequence + 1;
                count++;
            }
        }
        if (count > 0) {
            try (WriteBatch batch = new WriteBatch()) {
                batch.deleteRange(family, ChangeRecordCodec.key(first), ChangeRecordCodec.key(end));
                batch.put(catalog, trimmedKey, ChangeRecordCodec.key(end - 1));
                db.write(options, batch);
            }
            trimmedThrough = end - 1;
        }
        return count;
    }
}
