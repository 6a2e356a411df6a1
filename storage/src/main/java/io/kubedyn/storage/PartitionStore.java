package io.kubedyn.storage;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.ItemCodec;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableDefinitionCodec;
import io.kubedyn.core.write.ItemChange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB partition store: every table's items in one RocksDB instance, a column family per
 * table incarnation, keyed {@code hash(pk) | pk | sk} so a partition, a sort-key range and a hash
 * range are each one contiguous key range. The catalog of tables lives in the default column
 * family. This class owns RocksDB's whole lifecycle: every native object it creates it closes.
 *
 * <p>Durability: every write goes through the WAL with sync on. RocksDB's write path batches
 * concurrent writers into one group whose leader syncs once for all of them, which is the
 * group commit the store relies on for throughput under concurrency.
 *
 * <p>Atomicity: a write that must see the item it replaces (ReturnValues, conditions, updates)
 * holds the item's lock stripe for its read-modify-write, so no other write to that item can
 * interleave. A batch holds the stripes of all its items (taken in one order, so batches never
 * deadlock) and writes them in one WriteBatch with one sync.
 *
 * <p>Lifecycle (as Kafka Streams' RocksDBStore): every call first checks that the store is open
 * and refuses with {@link StoreClosedException} once {@link #close} has begun; close waits for
 * the calls in flight (and so their iterators) before it frees any native object.
 *
 * <p>Item calls name the table incarnation they were validated against (the definition's
 * {@code tableId}); another incarnation, or none, is DynamoDB's ResourceNotFoundException.
 */
public final class PartitionStore implements StoreClient, AutoCloseable {
    /** DynamoDB stops a Query or Scan page after 1 MB of items read. */
    public static final long PAGE_BYTES = 1024 * 1024;
    private static final byte[] CATALOG_PREFIX = "table/".getBytes(StandardCharsets.UTF_8);
    /** The column family of a table adopted under a new incarnation (absent: named by its tableId). */
    private static final String FAMILY_PREFIX = "family/";
    private static final byte[] SHARD_ASSIGNMENT = "shard/assignment".getBytes(StandardCharsets.UTF_8);
    private static final long CLOSE_WAIT_SECONDS = 30;
    private static final int LOCK_STRIPES = 1024;

    private final LRUCache blockCache;
    private final BloomFilter bloomFilter;
    private final ColumnFamilyOptions tableOptions;
    private final DBOptions dbOptions;
    private final WriteOptions syncWrite;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final ColumnFamilyHandle catalogFamily;
    private final Map<String, OpenTable> tables = new ConcurrentHashMap<>();
    private final ReentrantLock[] itemLocks = new ReentrantLock[LOCK_STRIPES];
    private final TableDefinitionCodec catalogCodec = new TableDefinitionCodec();
    private final Object ddlLock = new Object();
    // Calls hold the read lock; close takes the write lock, so it waits for them.
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private record OpenTable(TableDefinition definition, ColumnFamilyHandle family) {
    }

    private PartitionStore(Path directory) throws RocksDBException {
        RocksDB.loadLibrary();
        for (int i = 0; i < LOCK_STRIPES; i++) {
            itemLocks[i] = new ReentrantLock();
        }
        blockCache = new LRUCache(256L * 1024 * 1024);
        bloomFilter = new BloomFilter(10);
        tableOptions = new ColumnFamilyOptions()
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache).setFilterPolicy(bloomFilter));
        dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        syncWrite = new WriteOptions().setSync(true);

        List<byte[]> familyNames = new ArrayList<>();
        try (Options options = new Options()) {
            familyNames.addAll(RocksDB.listColumnFamilies(options, directory.toString()));
        }
        if (familyNames.isEmpty()) {
            familyNames.add(RocksDB.DEFAULT_COLUMN_FAMILY);
        }
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (byte[] name : familyNames) {
            descriptors.add(new ColumnFamilyDescriptor(name, tableOptions));
        }
        db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
        ColumnFamilyHandle defaultFamily = null;
        for (ColumnFamilyHandle handle : handles) {
            if (Arrays.equals(handle.getName(), RocksDB.DEFAULT_COLUMN_FAMILY)) {
                defaultFamily = handle;
            }
        }
        catalogFamily = defaultFamily;
        loadCatalog();
    }

    public static PartitionStore open(Path directory) {
        try {
            Files.createDirectories(directory);
            return new PartitionStore(directory);
        } catch (Exception e) {
            throw new StorageException("cannot open RocksDB at " + directory, e);
        }
    }

    /**
     * Reads the catalog and matches each table to its column family. A column family no table
     * names is the remains of a CreateTable or DeleteTable cut short by a crash: it is dropped.
     */
    private void loadCatalog() throws RocksDBException {
        try (RocksIterator it = db.newIterator(catalogFamily)) {
            for (it.seek(CATALOG_PREFIX); it.isValid() && startsWith(it.key(), CATALOG_PREFIX); it.next()) {
                TableDefinition table = catalogCodec.decode(it.value());
                byte[] adopted = db.get(catalogFamily, metadataKey(FAMILY_PREFIX + table.name()));
                String familyName = adopted == null ? table.tableId() : new String(adopted, StandardCharsets.UTF_8);
                ColumnFamilyHandle family = handles.stream()
                        .filter(h -> familyName(h).equals(familyName))
                        .findFirst()
                        .orElseThrow(() -> new StorageException("catalog names table " + table.name()
                                + " but its column family " + table.tableId() + " is missing", null));
                tables.put(table.name(), new OpenTable(table, family));
            }
        }
        for (ColumnFamilyHandle handle : handles) {
            boolean orphan = handle != catalogFamily
                    && tables.values().stream().noneMatch(t -> t.family() == handle);
            if (orphan) {
                db.dropColumnFamily(handle);
            }
        }
    }

    private static String familyName(ColumnFamilyHandle handle) {
        try {
            return new String(handle.getName(), StandardCharsets.UTF_8);
        } catch (RocksDBException e) {
            throw new StorageException("cannot read column family name", e);
        }
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /** Runs {@code call} while the store is open; refuses once close has begun. */
    private <T> T open(Supplier<T> call) {
        if (closed || !gate.readLock().tryLock()) {
            throw new StoreClosedException();
        }
        try {
            if (closed) {
                throw new StoreClosedException();
            }
            return call.get();
        } finally {
            gate.readLock().unlock();
        }
    }

    public boolean isOpen() {
        return !closed;
    }

    // ---- tables ------------------------------------------------------------------------------

    @Override
    public void createTable(TableDefinition table) {
        open(() -> {
            synchronized (ddlLock) {
                if (tables.containsKey(table.name())) {
                    throw new DynamoDbException(DynamoDbError.RESOURCE_IN_USE, "Table already exists: " + table.name());
                }
                try {
                    ColumnFamilyHandle family = db.createColumnFamily(
                            new ColumnFamilyDescriptor(table.tableId().getBytes(StandardCharsets.UTF_8), tableOptions));
                    handles.add(family);
                    db.put(catalogFamily, syncWrite, catalogKey(table.name()), catalogCodec.encode(table));
                    tables.put(table.name(), new OpenTable(table, family));
                } catch (RocksDBException e) {
                    throw new StorageException("cannot create table " + table.name(), e);
                }
                return null;
            }
        });
    }

    /**
     * Serves the table this store holds under {@code table.name()} as the incarnation
     * {@code table} from now on, its items kept: a {@code Table} created again over volumes its
     * predecessor left behind (deletionPolicy Retain) finds its data again. Only a table with the
     * same key schema can be adopted; the caller checks that.
     */
    public void adoptTable(TableDefinition table) {
        open(() -> {
            synchronized (ddlLock) {
                OpenTable current = tables.get(table.name());
                if (current == null) {
                    throw DynamoDbException.tableNotFound(table.name());
                }
                try (WriteBatch batch = new WriteBatch()) {
                    batch.put(catalogFamily, metadataKey(FAMILY_PREFIX + table.name()), current.family().getName());
                    batch.put(catalogFamily, catalogKey(table.name()), catalogCodec.encode(table));
                    db.write(syncWrite, batch);
                    tables.put(table.name(), new OpenTable(table, current.family()));
                } catch (RocksDBException e) {
                    throw new StorageException("cannot adopt table " + table.name(), e);
                }
                return null;
            }
        });
    }

    @Override
    public TableDefinition deleteTable(String name) {
        return open(() -> {
            synchronized (ddlLock) {
                OpenTable table = tables.get(name);
                if (table == null) {
                    throw DynamoDbException.tableNotFound(name);
                }
                try (WriteBatch batch = new WriteBatch()) {
                    batch.delete(catalogFamily, catalogKey(name));
                    batch.delete(catalogFamily, metadataKey(FAMILY_PREFIX + name));
                    db.write(syncWrite, batch);
                    tables.remove(name);
                    // The handle stays open until close(): a request still running on the table must
                    // not touch a freed native object.
                    db.dropColumnFamily(table.family());
                } catch (RocksDBException e) {
                    throw new StorageException("cannot delete table " + name, e);
                }
                return table.definition();
            }
        });
    }

    @Override
    public Optional<TableDefinition> describeTable(String name) {
        return open(() -> Optional.ofNullable(tables.get(name)).map(OpenTable::definition));
    }

    @Override
    public List<String> tableNames() {
        return open(() -> tables.keySet().stream().sorted(Comparator.naturalOrder()).toList());
    }

    /** RocksDB's estimate of the table's item count (DynamoDB's own figure is also approximate). */
    @Override
    public long estimatedItemCount(TableDefinition definition) {
        return open(() -> {
            try {
                return db.getLongProperty(table(definition).family(), "rocksdb.estimate-num-keys");
            } catch (RocksDBException e) {
                throw new StorageException("cannot read item count", e);
            }
        });
    }

    /**
     * A RocksDB integer property summed over every column family (for example
     * {@code rocksdb.estimate-num-keys}, {@code rocksdb.cur-size-all-mem-tables}), for metrics.
     */
    public long aggregatedProperty(String property) {
        return open(() -> {
            try {
                return db.getAggregatedLongProperty(property);
            } catch (RocksDBException e) {
                throw new StorageException("cannot read " + property, e);
            }
        });
    }

    /**
     * The hash ranges this store was last assigned ({@link #recordShardAssignment}), or empty
     * when it never was: part of the store, so it survives restarts and moves with the volume.
     */
    public Optional<String> shardAssignment() {
        return open(() -> {
            try {
                byte[] value = db.get(catalogFamily, SHARD_ASSIGNMENT);
                return Optional.ofNullable(value).map(v -> new String(v, StandardCharsets.UTF_8));
            } catch (RocksDBException e) {
                throw new StorageException("cannot read the shard assignment", e);
            }
        });
    }

    public void recordShardAssignment(String ranges) {
        open(() -> {
            try {
                db.put(catalogFamily, syncWrite, SHARD_ASSIGNMENT, ranges.getBytes(StandardCharsets.UTF_8));
                return null;
            } catch (RocksDBException e) {
                throw new StorageException("cannot record the shard assignment", e);
            }
        });
    }

    /** The open table of {@code definition}'s incarnation, or DynamoDB's ResourceNotFoundException. */
    private OpenTable table(TableDefinition definition) {
        OpenTable table = tables.get(definition.name());
        if (table == null || !table.definition().tableId().equals(definition.tableId())) {
            throw DynamoDbException.tableNotFound(definition.name());
        }
        return table;
    }

    private static byte[] catalogKey(String table) {
        byte[] name = table.getBytes(StandardCharsets.UTF_8);
        byte[] key = Arrays.copyOf(CATALOG_PREFIX, CATALOG_PREFIX.length + name.length);
        System.arraycopy(name, 0, key, CATALOG_PREFIX.length, name.length);
        return key;
    }

    private static byte[] metadataKey(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    // ---- items -------------------------------------------------------------------------------

    @Override
    public Map<String, AttributeValue> get(TableDefinition definition, PrimaryKey key) {
        return open(() -> read(table(definition), key));
    }

    private Map<String, AttributeValue> read(OpenTable table, PrimaryKey key) {
        try {
            byte[] value = db.get(table.family(), key.storageKey());
            return value == null ? null : ItemCodec.decode(value);
        } catch (RocksDBException e) {
            throw new StorageException("read failed", e);
        }
    }

    @Override
    public WriteResult write(TableDefinition definition, PrimaryKey key, ItemChange change, ReturnItems returns) {
        return update(definition, key, change::apply, returns);
    }

    /**
     * The atomic read-modify-write every item write goes through: {@code change} sees the current
     * item (or null) and returns the new one (null deletes it). If {@code change} throws, nothing
     * is written.
     */
    public WriteResult update(TableDefinition definition, PrimaryKey key,
                              UnaryOperator<Map<String, AttributeValue>> change, ReturnItems returns) {
        return open(() -> {
            OpenTable table = table(definition);
            byte[] storageKey = key.storageKey();
            ReentrantLock lock = itemLocks[stripe(storageKey)];
            lock.lock();
            try {
                byte[] oldBytes = db.get(table.family(), storageKey);
                Map<String, AttributeValue> old = oldBytes == null ? null : ItemCodec.decode(oldBytes);
                Map<String, AttributeValue> updated = change.apply(old);
                if (updated == null) {
                    if (old != null) {
                        db.delete(table.family(), syncWrite, storageKey);
                    }
                } else {
                    checkSize(updated);
                    db.put(table.family(), syncWrite, storageKey, ItemCodec.encode(updated));
                }
                return WriteResult.of(old, updated, returns);
            } catch (RocksDBException e) {
                throw new StorageException("write failed", e);
            } finally {
                lock.unlock();
            }
        });
    }

    /** {@link #readAll}, already done: a store in this process answers at once. */
    @Override
    public CompletableFuture<List<Map<String, AttributeValue>>> getAll(List<TableKey> keys) {
        try {
            return CompletableFuture.completedFuture(readAll(keys));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** {@link #writeBatch}, already done. */
    @Override
    public CompletableFuture<Void> writeAll(List<TableWrite> writes) {
        try {
            writeBatch(writes);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The items of {@code keys} (null where there is none), in the order asked. */
    public List<Map<String, AttributeValue>> readAll(List<TableKey> keys) {
        return open(() -> {
            List<Map<String, AttributeValue>> items = new ArrayList<>(keys.size());
            for (TableKey key : keys) {
                items.add(read(table(key.table()), key.key()));
            }
            return items;
        });
    }

    /** Applies every write together: one WriteBatch, one WAL sync, all or none. */
    public void writeBatch(List<TableWrite> writes) {
        open(() -> {
            applyBatch(writes);
            return null;
        });
    }

    /**
     * The writes under all their items' lock stripes (taken in ascending order, so two batches,
     * or a batch and a single write, never wait for each other in a cycle), in one WriteBatch
     * with one WAL sync. A change that throws writes nothing of the batch.
     */
    private void applyBatch(List<TableWrite> writes) {
        List<OpenTable> tablesOf = new ArrayList<>(writes.size());
        TreeSet<Integer> stripes = new TreeSet<>();
        for (TableWrite write : writes) {
            tablesOf.add(table(write.table()));
            stripes.add(stripe(write.key().storageKey()));
        }
        List<ReentrantLock> held = new ArrayList<>(stripes.size());
        try (WriteBatch batch = new WriteBatch()) {
            for (int stripe : stripes) {
                itemLocks[stripe].lock();
                held.add(itemLocks[stripe]);
            }
            for (int i = 0; i < writes.size(); i++) {
                TableWrite write = writes.get(i);
                OpenTable table = tablesOf.get(i);
                byte[] storageKey = write.key().storageKey();
                // An unconditional put or delete does not depend on the current item: skip the read.
                boolean needsCurrent = write.change().condition() != null || write.change().kind() == ItemChange.Kind.UPDATE;
                Map<String, AttributeValue> current = null;
                if (needsCurrent) {
                    byte[] bytes = db.get(table.family(), storageKey);
                    current = bytes == null ? null : ItemCodec.decode(bytes);
                }
                Map<String, AttributeValue> updated = write.change().apply(current);
                if (updated == null) {
                    batch.delete(table.family(), storageKey);
                } else {
                    checkSize(updated);
                    batch.put(table.family(), storageKey, ItemCodec.encode(updated));
                }
            }
            db.write(syncWrite, batch);
        } catch (RocksDBException e) {
            throw new StorageException("batch write failed", e);
        } finally {
            for (ReentrantLock lock : held) {
                lock.unlock();
            }
        }
    }

    private static int stripe(byte[] storageKey) {
        return Math.floorMod(Arrays.hashCode(storageKey), LOCK_STRIPES);
    }

    private static void checkSize(Map<String, AttributeValue> item) {
        if (ItemSize.of(item) > ItemSize.MAX_ITEM_BYTES) {
            throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
        }
    }

    // ---- ranges ------------------------------------------------------------------------------

    @Override
    public Page query(TableDefinition definition, AttributeValue partitionKey, SortKeyCondition condition,
                      boolean forward, int limit, long maxBytes, PrimaryKey exclusiveStart) {
        return open(() -> {
            byte[] prefix = PrimaryKey.partitionPrefix(partitionKey);
            KeyRange range = condition == null ? KeyRange.ofPartition(prefix) : KeyRange.of(prefix, condition);
            return read(table(definition), range, forward, limit, maxBytes, exclusiveStart);
        });
    }

    @Override
    public Page scan(TableDefinition definition, HashRange hashRange, int limit, long maxBytes,
                     PrimaryKey exclusiveStart) {
        return open(() -> read(table(definition), KeyRange.ofHashRange(hashRange), true, limit, maxBytes,
                exclusiveStart));
    }

    private Page read(OpenTable table, KeyRange range, boolean forward, int limit, long maxBytes,
                      PrimaryKey exclusiveStart) {
        if (exclusiveStart != null) {
            byte[] startKey = exclusiveStart.storageKey();
            range = forward ? range.after(startKey) : range.before(startKey);
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        if (range.isEmpty()) {
            return new Page(items, null);
        }
        long bytes = 0;
        try (RocksIterator it = db.newIterator(table.family())) {
            if (forward) {
                it.seek(range.start());
            } else if (range.end() == null) {
                it.seekToLast();
            } else {
                it.seekForPrev(range.end());
                if (it.isValid() && Arrays.equals(it.key(), range.end())) {
                    it.prev();
                }
            }
            Map<String, AttributeValue> last = null;
            for (; it.isValid() && range.contains(it.key()); advance(it, forward)) {
                if (items.size() >= limit || bytes >= maxBytes) {
                    return new Page(items, last);
                }
                last = ItemCodec.decode(it.value());
                bytes += ItemSize.of(last);
                items.add(last);
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StorageException("range read failed", e);
        }
        return new Page(items, null);
    }

    private static void advance(RocksIterator it, boolean forward) {
        if (forward) {
            it.next();
        } else {
            it.prev();
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * Refuses new calls, waits for those in flight (at most 30 s: past that RocksDB is closed
     * under them rather than never), then frees every native object.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean drained;
        try {
            drained = gate.writeLock().tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        try {
            synchronized (ddlLock) {
                for (ColumnFamilyHandle handle : handles) {
                    handle.close();
                }
                try {
                    db.syncWal();
                } catch (RocksDBException e) {
                    // Every acknowledged write was already synced; nothing is lost if this fails.
                }
                db.close();
                syncWrite.close();
                dbOptions.close();
                tableOptions.close();
                bloomFilter.close();
                blockCache.close();
            }
        } finally {
            if (drained) {
                gate.writeLock().unlock();
            }
        }
    }
}
