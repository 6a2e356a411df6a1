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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
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
 * interleave.
 */
public final class PartitionStore implements AutoCloseable {
    /** DynamoDB stops a Query or Scan page after 1 MB of items read. */
    public static final long PAGE_BYTES = 1024 * 1024;
    private static final byte[] CATALOG_PREFIX = "table/".getBytes(StandardCharsets.UTF_8);
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
                ColumnFamilyHandle family = handles.stream()
                        .filter(h -> familyName(h).equals(table.tableId()))
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

    // ---- tables ------------------------------------------------------------------------------

    /** Creates the table, or throws ResourceInUseException if one of that name exists. */
    public void createTable(TableDefinition table) {
        synchronized (ddlLock) {
            if (tables.containsKey(table.name())) {
                throw new DynamoDbException(DynamoDbError.RESOURCE_IN_USE,
                        "Table already exists: " + table.name());
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
        }
    }

    /** Deletes the table and all its items; returns its definition. */
    public TableDefinition deleteTable(String name) {
        synchronized (ddlLock) {
            OpenTable table = table(name);
            try {
                db.delete(catalogFamily, syncWrite, catalogKey(name));
                tables.remove(name);
                // The handle stays open until close(): a request still running on the table must
                // not touch a freed native object.
                db.dropColumnFamily(table.family());
            } catch (RocksDBException e) {
                throw new StorageException("cannot delete table " + name, e);
            }
            return table.definition();
        }
    }

    public Optional<TableDefinition> describeTable(String name) {
        return Optional.ofNullable(tables.get(name)).map(OpenTable::definition);
    }

    /** Table names in ascending order, as ListTables returns them. */
    public List<String> tableNames() {
        return tables.keySet().stream().sorted(Comparator.naturalOrder()).toList();
    }

    /** RocksDB's estimate of the table's item count (DynamoDB's own figure is also approximate). */
    public long estimatedItemCount(String name) {
        try {
            return db.getLongProperty(table(name).family(), "rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            throw new StorageException("cannot read item count", e);
        }
    }

    /**
     * A RocksDB integer property summed over every column family (for example
     * {@code rocksdb.estimate-num-keys}, {@code rocksdb.cur-size-all-mem-tables}), for metrics.
     */
    public long aggregatedProperty(String property) {
        try {
            return db.getAggregatedLongProperty(property);
        } catch (RocksDBException e) {
            throw new StorageException("cannot read " + property, e);
        }
    }

    private OpenTable table(String name) {
        OpenTable table = tables.get(name);
        if (table == null) {
            throw DynamoDbException.resourceNotFound("Requested resource not found: Table: " + name + " not found");
        }
        return table;
    }

    private static byte[] catalogKey(String table) {
        byte[] name = table.getBytes(StandardCharsets.UTF_8);
        byte[] key = Arrays.copyOf(CATALOG_PREFIX, CATALOG_PREFIX.length + name.length);
        System.arraycopy(name, 0, key, CATALOG_PREFIX.length, name.length);
        return key;
    }

    // ---- items -------------------------------------------------------------------------------

    public Map<String, AttributeValue> get(String tableName, PrimaryKey key) {
        OpenTable table = table(tableName);
        try {
            byte[] value = db.get(table.family(), key.storageKey());
            return value == null ? null : ItemCodec.decode(value);
        } catch (RocksDBException e) {
            throw new StorageException("read failed", e);
        }
    }

    /** Stores the item durably; returns the item it replaced, or null. */
    public Map<String, AttributeValue> put(String tableName, PrimaryKey key, Map<String, AttributeValue> item) {
        return update(tableName, key, old -> item).old();
    }

    /** Deletes the item durably; returns the item deleted, or null. */
    public Map<String, AttributeValue> delete(String tableName, PrimaryKey key) {
        return update(tableName, key, old -> null).old();
    }

    /**
     * The atomic read-modify-write every item write goes through: {@code change} sees the current
     * item (or null) and returns the new one (null deletes it). If {@code change} throws, nothing
     * is written. Returns the item before and after.
     */
    public WriteResult update(
            String tableName, PrimaryKey key, UnaryOperator<Map<String, AttributeValue>> change) {
        OpenTable table = table(tableName);
        byte[] storageKey = key.storageKey();
        ReentrantLock lock = itemLocks[Math.floorMod(Arrays.hashCode(storageKey), LOCK_STRIPES)];
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
                if (ItemSize.of(updated) > ItemSize.MAX_ITEM_BYTES) {
                    throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
                }
                db.put(table.family(), syncWrite, storageKey, ItemCodec.encode(updated));
            }
            return new WriteResult(old, updated);
        } catch (RocksDBException e) {
            throw new StorageException("write failed", e);
        } finally {
            lock.unlock();
        }
    }

    // ---- ranges ------------------------------------------------------------------------------

    /**
     * One page of a partition, in sort-key order (or reversed), optionally narrowed by a sort-key
     * condition, starting after {@code exclusiveStart}; at most {@code limit} items and at most
     * 1 MB of them.
     */
    public Page query(String tableName, byte[] partitionPrefix, SortKeyCondition condition,
                      boolean forward, int limit, PrimaryKey exclusiveStart) {
        return query(tableName, partitionPrefix, condition, forward, limit, PAGE_BYTES, exclusiveStart);
    }

    /** As above, stopping after {@code maxBytes} of items instead of 1 MB. */
    public Page query(String tableName, byte[] partitionPrefix, SortKeyCondition condition,
                      boolean forward, int limit, long maxBytes, PrimaryKey exclusiveStart) {
        KeyRange range = condition == null ? KeyRange.ofPartition(partitionPrefix) : KeyRange.of(partitionPrefix, condition);
        return read(table(tableName), range, forward, limit, maxBytes, exclusiveStart);
    }

    /** One page of the items whose partition hash lies in {@code hashRange}, in storage order. */
    public Page scan(String tableName, HashRange hashRange, int limit, PrimaryKey exclusiveStart) {
        return scan(tableName, hashRange, limit, PAGE_BYTES, exclusiveStart);
    }

    /**
     * As above, stopping after {@code maxBytes} of items: a page that spans several shards
     * gives each shard what is left of the 1 MB.
     */
    public Page scan(String tableName, HashRange hashRange, int limit, long maxBytes, PrimaryKey exclusiveStart) {
        return read(table(tableName), KeyRange.ofHashRange(hashRange), true, limit, maxBytes, exclusiveStart);
    }

    /** The incarnation of the named table, or empty when there is none. */
    public Optional<String> tableId(String name) {
        return describeTable(name).map(TableDefinition::tableId);
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

    @Override
    public void close() {
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
    }
}
