package io.kubedyn.storage;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.ItemCodec;
import io.kubedyn.core.ItemSize;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.SecondaryIndex;
import io.kubedyn.core.SecondaryIndexes;
import io.kubedyn.core.SortKeyCondition;
import io.kubedyn.core.StreamViewType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.TableDefinitionCodec;
import io.kubedyn.core.TableStream;
import io.kubedyn.core.TimeToLive;
import io.kubedyn.core.write.CancellationReason;
import io.kubedyn.core.write.ConditionalCheckFailedException;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.core.write.TransactionCanceledException;
import io.kubedyn.core.write.TransactionConflictException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.BackgroundErrorReason;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.Range;
import org.rocksdb.ReadOptions;
import org.rocksdb.ReadTier;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.SizeApproximationFlag;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.Statistics;
import org.rocksdb.StatsLevel;
import org.rocksdb.Status;
import org.rocksdb.TickerType;
import org.rocksdb.TransactionLogIterator;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
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
 * A replica of a Raft group ({@link #openReplica}) writes its WAL unsynced: the group's log is
 * synced on a majority before an entry is applied, and the entry's index is written with its
 * changes, so a restart replays exactly the entries the store lacks.
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
    private static final System.Logger LOG = System.getLogger(PartitionStore.class.getName());
    /** DynamoDB stops a Query or Scan page after 1 MB of items read. */
    public static final long PAGE_BYTES = 1024 * 1024;

    private static final byte[] CATALOG_PREFIX = "table/".getBytes(StandardCharsets.UTF_8);
    /** The column family of a table adopted under a new incarnation (absent: named by its tableId). */
    private static final String FAMILY_PREFIX = "family/";

    private static final byte[] SHARD_ASSIGNMENT = "shard/assignment".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SHARD_ASSIGNMENT_GIVEN = "shard/assignment-given".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SHARD_SEALED = "shard/sealed".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SHARD_HANDED_OFF = "shard/handed-off".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SHARD_DRAINING = "shard/draining".getBytes(StandardCharsets.UTF_8);
    /** Catalog key: the last replicated log entry applied (see {@link #applyEntry}). */
    private static final byte[] APPLIED_INDEX = "raft/applied".getBytes(StandardCharsets.UTF_8);
    /** Catalog keys of applied gateway requests, by {@link RequestId} (see {@link #requestResult}). */
    private static final byte[] REQUEST_PREFIX = "raft/request/".getBytes(StandardCharsets.UTF_8);

    private static final long CLOSE_WAIT_SECONDS = 30;
    /** How long a call waits for RocksDB being reopened after a fault before it is refused. */
    private static final long REOPEN_WAIT_MILLIS = 5_000;
    /** How often a store that cannot write tries to again. */
    private static final long RECOVERY_RETRY_MILLIS = 1_000;
    /** Written (synced) to find out whether RocksDB takes writes again after a fault. */
    private static final byte[] PROBE_KEY = "store/probe".getBytes(StandardCharsets.UTF_8);

    private static final String LOG_SUFFIX = ".log";
    static final String TTL_SUFFIX = ".ttl";
    private static final String TTL_INDEXED_PREFIX = "ttl-indexed/";
    private static final String LOG_TRIMMED_PREFIX = "log-trimmed/";
    private static final String INDEX_SUFFIX = ".index.";
    private static final String INDEX_FED_PREFIX = "index-fed/";
    private static final String BACKFILL_PREFIX = "index-backfill/";
    /** Catalog key marking that a table's item collections are counted (see {@link ItemCollections}). */
    private static final String COLLECTIONS_COUNTED_PREFIX = "collections-counted/";
    /** Items a backfill step records per table and index. */
    private static final int BACKFILL_BATCH = 256;
    /** Most change records a global index feed takes in one step. */
    private static final int FEED_BATCH = 1000;

    private static final long FEED_BATCH_BYTES = 4L * 1024 * 1024;
    /** How long an idle feed waits before it looks again (a write wakes it at once). */
    private static final long FEED_IDLE_MILLIS = 200;
    /** How often items past their Time to Live are looked for. */
    private static final long EXPIRY_PERIOD_MILLIS = 5_000;
    /** Most expired items deleted per table and pass, so expiry never floods the write path. */
    private static final int EXPIRY_BATCH = 500;
    /** How often records past their stream's retention are trimmed. */
    private static final long TRIM_PERIOD_SECONDS = 60;
    /** How often dropped families' handles are looked at for closing (see {@link DroppedFamilies}). */
    private static final long RECLAIM_PERIOD_MILLIS = 500;

    private static final int LOCK_STRIPES = 1024;
    /** How long a transactional read's marks are kept when nobody releases them (its gateway died). */
    private static final long READ_MARK_MILLIS = 30_000;
    /** How long a hand-off's hold on the write-ahead log lasts when nobody reads through it. */
    private static final long CHANGE_HOLD_IDLE_MILLIS = 5 * 60_000;
    /** Catalog keys: how far a range hand-off's changes are applied here, by item column family. */
    private static final String RANGE_APPLIED_PREFIX = "range-applied/";
    /** Catalog key: the source replica a received range's applied position is of (see {@link #applyRange}). */
    private static final String RANGE_SOURCE_PREFIX = "range-source/";

    private static final String STREAM_EPOCHS_PREFIX = "stream-epochs/";

    private final LRUCache blockCache;
    private final WriteBufferManager writeBuffers;
    private final StoreMemory memory;
    private final BloomFilter bloomFilter;
    private final ColumnFamilyOptions tableOptions;
    private final ColumnFamilyOptions collectionOptions;
    private final UInt64AddOperator collectionMerge;
    private final DBOptions dbOptions;
    /**
     * Writes acknowledged to clients: synced, unless the store is a replica of a Raft group
     * ({@link #openReplica}), whose log makes each entry durable on a majority before it is
     * applied here (the WAL is still written, unsynced, so the store replays itself in order).
     */
    private final WriteOptions durableWrite;
    /** Reads that never touch the disk: an answer from the memtables and block cache, or Incomplete. */
    private final ReadOptions inMemoryRead;
    /** The replicated log's entry being applied on this thread, if any (see {@link #applyEntry}). */
    private final ThreadLocal<LogEntry> applying = new ThreadLocal<>();
    /** Whether this store runs the work only a Raft group's leader may do (feeds, expiry). */
    private volatile boolean leading = true;

    private final boolean replica;
    /** Unsynced writes of what can be derived again after a crash (see {@link #open(Path)}). */
    private final WriteOptions unsyncedWrite;
    /**
     * RocksDB's counters, for {@link #writeGroups}, at the lowest level RocksJava offers
     * (everything but the detailed timers).
     */
    private final Statistics statistics;

    private final Path directory;
    /**
     * Open RocksDB; null only while a reopen after a fault could not open it again
     * ({@link #recover}). Replaced only under the gate's write lock, with every handle below.
     */
    private volatile RocksDB db;

    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    /** Handles of families dropped while open, each closed once no call can still be using it. */
    private final DroppedFamilies droppedFamilies = new DroppedFamilies();

    private volatile ColumnFamilyHandle catalogFamily;
    private final Map<String, OpenTable> tables = new ConcurrentHashMap<>();
    private final Semaphore[] itemLocks = new Semaphore[LOCK_STRIPES];
    private final TableDefinitionCodec catalogCodec = new TableDefinitionCodec();
    private final Object ddlLock = new Object();
    // Calls hold the read lock; close takes the write lock, so it waits for them.
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private volatile boolean closed;
    /** Why RocksDB cannot write (an I/O error it stopped on), or null while it can. */
    private volatile String fault;
    /** Whether {@link #recover} is scheduled or running. */
    private final AtomicBoolean recovering = new AtomicBoolean();
    /** Whether a reopen is waiting for the gate or holds it: new calls wait behind it. */
    private volatile boolean reopening;
    /** Hears RocksDB's background errors (a failed flush or compaction), which stop its writes. */
    private final AbstractEventListener faults;
    /** Tables whose Time to Live index must be (re)built from their items, by the background thread. */
    private final Set<String> ttlRebuilds = ConcurrentHashMap.newKeySet();
    /** Where global secondary index changes go (set by {@link #open}). */
    private volatile IndexSink indexSink;
    /** Whether this store is its own index sink (one store owning every hash): its global index reads can catch up. */
    private volatile boolean ownsEveryIndexEntry;
    /** The last change-log sequence number each table's global indexes took in, by item column family. */
    private final Map<String, Long> indexFed = new ConcurrentHashMap<>();
    /** Global indexes being backfilled, by {@link #backfillKey}: where each stands. */
    private final Map<String, Backfill> backfills = new ConcurrentHashMap<>();
    /** Backfills recorded but not started yet (waiting for the writes in flight): already backfilling. */
    private final Set<String> pendingBackfills = ConcurrentHashMap.newKeySet();
    /** Held while backfill steps run ({@link #backfillIndexes}). */
    private final Object backfillSteps = new Object();
    /** The item collection size past which a write is refused: DynamoDB's 10 GB but in tests. */
    private volatile long itemCollectionLimitBytes = ItemCollections.LIMIT_BYTES;
    /** Transactions prepared here and not yet committed or aborted, by id (kept durably too). */
    private final Map<String, PreparedTransaction> prepared = new ConcurrentHashMap<>();
    /** The items those transactions hold ({@link #itemId}), and by which transaction. */
    private final Map<ByteBuffer, String> heldItems = new ConcurrentHashMap<>();
    /** Transactional reads spanning shards, by read id; and the read ids marking each item read. */
    private final Map<String, ReadMark> reads = new ConcurrentHashMap<>();

    private final Map<ByteBuffer, Set<String>> readMarks = new ConcurrentHashMap<>();
    private final Object feedSignal = new Object();
    /**
     * Who keeps RocksDB's write-ahead log files for a range hand-off ({@link #copyRange}), and
     * when each last read from it: while any does, RocksDB deletes no file.
     */
    private final Map<String, Long> changeHolds = new HashMap<>();
    /**
     * Tables whose store is receiving a range in a hand-off ({@link #applyRange}): it expires
     * nothing of theirs, since the source's deletions arrive with the range (and a deletion of
     * its own, then the source's, would count an item collection's shrink twice).
     */
    private final Set<String> receiving = ConcurrentHashMap.newKeySet();
    /** Held by the one feed step running: writers never wait for it (they only signal). */
    private final Object feedLock = new Object();
    /** Held while the feed's position is recorded (briefly: never across a feed step). */
    private final Object indexFedRecord = new Object();
    /** See {@link #expireWithin}: by default the store expires every item it holds, at any time. */
    private volatile java.util.function.Function<java.util.function.Supplier<Long>, Long> expiryScope =
            java.util.function.Supplier::get;

    private volatile java.util.function.BiPredicate<String, Long> expires = (table, hash) -> true;
    private boolean feedWoken;
    private final Thread feed = new Thread(this::feedInBackground, "kubedyn-index-feed");
    /**
     * Writes the item changes decided without waiting ({@link #updateWithoutWaiting}), grouped
     * under one WAL sync; null in a replica, whose writes go through its log.
     */
    private final GroupCommit commits;
    /**
     * How many times RocksDB was opened in this store's life: a change decided in one
     * incarnation is not written in the next ({@link #writeGroup}).
     */
    private volatile long incarnation;

    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "kubedyn-store-background");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        return thread;
    });

    /**
     * A table as the store serves it; {@code log} is null until the table first had a stream or
     * a global secondary index; {@code indexes} holds the column family of each secondary index.
     */
    private record OpenTable(
            TableDefinition definition,
            ColumnFamilyHandle family,
            TableChangeLog log,
            TimeToLiveIndex ttl,
            Map<String, ColumnFamilyHandle> indexes,
            ItemCollections collections) {

        /**
         * The log a change must be recorded in now: while the table's stream is enabled, and
         * while it has global secondary indexes (fed from the log).
         */
        TableChangeLog recording() {
            return definition.stream() == null && !definition.hasGlobalIndexes() ? null : log;
        }

        ColumnFamilyHandle index(String name) {
            ColumnFamilyHandle index = indexes.get(name);
            if (index == null) {
                throw DynamoDbException.validation("The table does not have the specified index: " + name);
            }
            return index;
        }

        /** The Time to Live index a change must keep now: only while Time to Live is enabled. */
        TimeToLiveIndex expiring() {
            return definition.timeToLiveAttribute() == null ? null : ttl;
        }
    }

    /** The Time to Live index's column family of a table whose items are in {@code family}. */
    private static String ttlFamilyName(String family) {
        return family + TTL_SUFFIX;
    }

    /** The column family of a table's secondary index {@code index}, its items being in {@code family}. */
    /** The item collections' column family of a table whose items are in {@code family}. */
    private static String collectionsFamilyName(String family) {
        return family + ItemCollections.SUFFIX;
    }

    private static byte[] collectionsCountedKey(String family) {
        return metadataKey(COLLECTIONS_COUNTED_PREFIX + family);
    }

    private static String indexFamilyName(String family, String index) {
        return family + INDEX_SUFFIX + index;
    }

    /** Catalog key holding the last change-log sequence number a table's global indexes took in. */
    private static byte[] indexFedKey(String family) {
        return metadataKey(INDEX_FED_PREFIX + family);
    }

    /**
     * Catalog key of the backfill of global index {@code index} of the table in {@code family}:
     * present while the index is being backfilled on this store.
     */
    private static String backfillKey(String family, String index) {
        return BACKFILL_PREFIX + family + "/" + index;
    }

    /**
     * Where a global index's backfill stands on this store: {@code after} is the storage key of
     * the last item recorded for it (empty: none yet), or, once every item is, {@code doneAt} the
     * last change-log sequence number the backfill wrote (the index is complete here once the
     * feed has taken it in). Stored in the catalog as {@code 'P' | key} or {@code 'D' | sequence}.
     */
    private record Backfill(byte[] after, long doneAt) {
        static final long NOT_DONE = -1;

        boolean done() {
            return doneAt != NOT_DONE;
        }

        byte[] encode() {
            if (done()) {
                byte[] out = new byte[9];
                out[0] = 'D';
                System.arraycopy(ChangeRecordCodec.key(doneAt), 0, out, 1, 8);
                return out;
            }
            byte[] out = new byte[after.length + 1];
            out[0] = 'P';
            System.arraycopy(after, 0, out, 1, after.length);
            return out;
        }

        static Backfill decode(byte[] bytes) {
            if (bytes[0] == 'D') {
                return new Backfill(new byte[0], ChangeRecordCodec.sequenceOf(Arrays.copyOfRange(bytes, 1, 9)));
            }
            return new Backfill(Arrays.copyOfRange(bytes, 1, bytes.length), NOT_DONE);
        }
    }

    /** Catalog key holding the last sequence number trimmed from a table's change log. */
    private static byte[] logTrimmedKey(String family) {
        return metadataKey(LOG_TRIMMED_PREFIX + family);
    }

    /** Catalog key naming the attribute a table's Time to Live index was built for. */
    private static byte[] ttlIndexedKey(String family) {
        return metadataKey(TTL_INDEXED_PREFIX + family);
    }

    /** The change log's column family of a table whose items are in {@code family}. */
    private static String logFamilyName(String family) {
        return family + LOG_SUFFIX;
    }

    static {
        // Loaded now: when the process is out of file descriptors, a class still to be read from
        // its jar could not be, and the fault would go unrecognised.
        List.of(
                        Status.class,
                        Status.Code.class,
                        Status.SubCode.class,
                        RocksDBException.class,
                        StoreFaultException.class,
                        BackgroundErrorReason.class)
                .forEach(Class::getName);
    }

    private PartitionStore(Path directory, boolean replica, StoreMemory memory) throws RocksDBException {
        this.replica = replica;
        RocksDB.loadLibrary();
        for (int i = 0; i < LOCK_STRIPES; i++) {
            // Fair: a write waiting for a stripe is not overtaken by those begun without waiting.
            itemLocks[i] = new Semaphore(1, true);
        }
        // One cache bounds the store's off-heap memory: blocks, index and filter blocks (which
        // otherwise grow with the data), and every column family's memtables (StoreMemory).
        this.memory = memory;
        // Half the cache kept for index and filter blocks, which every read needs, so scans and
        // memtable reservations do not push them out.
        blockCache = new LRUCache(memory.cacheBytes(), -1, false, 0.5);
        writeBuffers = new WriteBufferManager(memory.writeBufferBytes(), blockCache);
        bloomFilter = new BloomFilter(10);
        tableOptions = new ColumnFamilyOptions()
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(blockCache)
                        .setFilterPolicy(bloomFilter)
                        .setCacheIndexAndFilterBlocks(true)
                        .setPinL0FilterAndIndexBlocksInCache(true));
        collectionMerge = new UInt64AddOperator();
        collectionOptions = ItemCollections.options(tableOptions, collectionMerge);
        statistics = new Statistics();
        statistics.setStatsLevel(StatsLevel.EXCEPT_DETAILED_TIMERS);
        faults = new AbstractEventListener(AbstractEventListener.EnabledEventCallback.ON_BACKGROUND_ERROR) {
            @Override
            public void onBackgroundError(BackgroundErrorReason reason, Status status) {
                faulted(describe(status) + " (RocksDB's "
                        + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")");
            }
        };
        dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setStatistics(statistics)
                .setEnableWriteThreadAdaptiveYield(false)
                .setWriteBufferManager(writeBuffers)
                .setListeners(List.of(faults));
        durableWrite = new WriteOptions().setSync(!replica);
        unsyncedWrite = new WriteOptions();
        inMemoryRead = new ReadOptions().setReadTier(ReadTier.BLOCK_CACHE_TIER);
        this.directory = directory;
        openDatabase();
        commits = replica ? null : new GroupCommit("kubedyn-group-commit", this::writeGroup);
        background.scheduleWithFixedDelay(
                this::trimInBackground, TRIM_PERIOD_SECONDS, TRIM_PERIOD_SECONDS, TimeUnit.SECONDS);
        if (replica) {
            leading = false;
        } else {
            background.scheduleWithFixedDelay(
                    this::expireInBackground, EXPIRY_PERIOD_MILLIS, EXPIRY_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
        background.scheduleWithFixedDelay(
                this::dropStaleReads, READ_MARK_MILLIS, READ_MARK_MILLIS, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(
                droppedFamilies::reclaim, RECLAIM_PERIOD_MILLIS, RECLAIM_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(
                this::releaseIdleChangeHolds,
                CHANGE_HOLD_IDLE_MILLIS / 4,
                CHANGE_HOLD_IDLE_MILLIS / 4,
                TimeUnit.MILLISECONDS);
        feed.setDaemon(true);
    }

    /**
     * Opens RocksDB with every column family on disk, and loads what the store keeps in memory
     * from it: the catalog's tables and the prepared transactions.
     */
    private void openDatabase() throws RocksDBException {
        List<byte[]> familyNames = new ArrayList<>();
        try (Options options = new Options()) {
            familyNames.addAll(RocksDB.listColumnFamilies(options, directory.toString()));
        }
        if (familyNames.isEmpty()) {
            familyNames.add(RocksDB.DEFAULT_COLUMN_FAMILY);
        }
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (byte[] name : familyNames) {
            boolean collections = ItemCollections.isCollectionsFamily(new String(name, StandardCharsets.UTF_8));
            descriptors.add(new ColumnFamilyDescriptor(name, collections ? collectionOptions : tableOptions));
        }
        db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
        incarnation++;
        ColumnFamilyHandle defaultFamily = null;
        for (ColumnFamilyHandle handle : handles) {
            if (Arrays.equals(handle.getName(), RocksDB.DEFAULT_COLUMN_FAMILY)) {
                defaultFamily = handle;
            }
        }
        catalogFamily = defaultFamily;
        loadCatalog();
        loadPrepared();
        synchronized (changeHolds) {
            if (!changeHolds.isEmpty()) {
                db.disableFileDeletions();
            }
        }
    }

    /**
     * Closes RocksDB and every handle on it, and forgets what was loaded from it (under the
     * gate's write lock and the DDL lock, so no call is using any of it).
     */
    private void closeDatabase() {
        droppedFamilies.closeAll();
        for (ColumnFamilyHandle handle : handles) {
            handle.close();
        }
        handles.clear();
        tables.clear();
        prepared.clear();
        heldItems.clear();
        backfills.clear();
        indexFed.clear();
        RocksDB open = db;
        db = null;
        catalogFamily = null;
        if (open != null) {
            open.close();
        }
    }

    /**
     * Opens the store, its global index entries written to itself (one store owning every hash).
     * Those writes are not synced: they are in the same WAL as the feed's checkpoint written after
     * them, so a crash that loses them loses the checkpoint too, and the feed writes them again.
     */
    public static PartitionStore open(Path directory) {
        return open(directory, StoreMemory.DEFAULT);
    }

    /** As {@link #open(Path)}, RocksDB's off-heap memory bounded by {@code memory}. */
    public static PartitionStore open(Path directory, StoreMemory memory) {
        PartitionStore store = open(
                directory,
                own -> (definition, writes) -> own.applyIndexWrites(definition, writes, own.unsyncedWrite),
                memory);
        store.ownsEveryIndexEntry = true;
        return store;
    }

    /**
     * Opens the store, its global index entries sent to {@code sink} (made for the opened store):
     * the feed starts only once it has its sink, so no entry ever goes to a wrong place.
     */
    public static PartitionStore open(Path directory, Function<PartitionStore, IndexSink> sink) {
        return open(directory, sink, StoreMemory.DEFAULT);
    }

    /** As {@link #open(Path, Function)}, RocksDB's off-heap memory bounded by {@code memory}. */
    public static PartitionStore open(Path directory, Function<PartitionStore, IndexSink> sink, StoreMemory memory) {
        return open(directory, sink, false, memory);
    }

    /**
     * Opens the store as one replica of a Raft group: its writes are the group's log entries,
     * applied in log order ({@link #applyEntry}) and not synced (the log is); it starts as a
     * follower ({@link #lead}), and expires nothing by itself (the leader proposes expiry
     * through the log, {@link #expireDue}).
     */
    public static PartitionStore openReplica(Path directory, Function<PartitionStore, IndexSink> sink) {
        return openReplica(directory, sink, StoreMemory.DEFAULT);
    }

    /** As {@link #openReplica(Path, Function)}, RocksDB's off-heap memory bounded by {@code memory}. */
    public static PartitionStore openReplica(
            Path directory, Function<PartitionStore, IndexSink> sink, StoreMemory memory) {
        return open(directory, sink, true, memory);
    }

    private static PartitionStore open(
            Path directory, Function<PartitionStore, IndexSink> sink, boolean replica, StoreMemory memory) {
        PartitionStore store;
        try {
            Files.createDirectories(directory);
            store = new PartitionStore(directory, replica, memory);
        } catch (Exception e) {
            throw new StorageException("cannot open RocksDB at " + directory, e);
        }
        store.indexSink = sink.apply(store);
        store.feed.start();
        return store;
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
                        .orElseThrow(() -> new StorageException(
                                "catalog names table " + table.name() + " but its column family " + table.tableId()
                                        + " is missing",
                                null));
                ColumnFamilyHandle logFamily = handles.stream()
                        .filter(h -> familyName(h).equals(logFamilyName(familyName)))
                        .findFirst()
                        .orElse(null);
                ColumnFamilyHandle ttlFamily = handles.stream()
                        .filter(h -> familyName(h).equals(ttlFamilyName(familyName)))
                        .findFirst()
                        .orElse(null);
                Map<String, ColumnFamilyHandle> indexes = new HashMap<>();
                for (SecondaryIndex index : table.indexes()) {
                    String indexFamily = indexFamilyName(familyName, index.name());
                    Optional<ColumnFamilyHandle> handle = handles.stream()
                            .filter(h -> familyName(h).equals(indexFamily))
                            .findFirst();
                    if (handle.isEmpty()) {
                        // Dropped to be created again with another shape, cut short by a crash: create
                        // it now, and backfill it (the global ones) from the table's items.
                        handle = Optional.of(createFamily(indexFamily));
                        if (index.global()) {
                            db.put(
                                    catalogFamily,
                                    durableWrite,
                                    metadataKey(backfillKey(familyName, index.name())),
                                    new Backfill(new byte[0], Backfill.NOT_DONE).encode());
                        }
                    }
                    indexes.put(index.name(), handle.get());
                }
                tables.put(
                        table.name(),
                        new OpenTable(
                                table,
                                family,
                                logFamily == null
                                        ? null
                                        : TableChangeLog.open(db, logFamily, trimmedThrough(familyName), logClock()),
                                ttlFamily == null ? null : new TimeToLiveIndex(ttlFamily),
                                Map.copyOf(indexes),
                                loadCollections(table, familyName, family)));
                for (SecondaryIndex index : table.indexes()) {
                    byte[] backfill = db.get(catalogFamily, metadataKey(backfillKey(familyName, index.name())));
                    if (backfill != null) {
                        backfills.put(backfillKey(familyName, index.name()), Backfill.decode(backfill));
                    }
                }
                if (table.timeToLiveAttribute() != null && !indexedFor(familyName, table.timeToLiveAttribute())) {
                    ttlRebuilds.add(table.name());
                }
            }
        }
        for (ColumnFamilyHandle handle : handles) {
            boolean orphan = handle != catalogFamily
                    && tables.values().stream()
                            .noneMatch(t -> t.family() == handle
                                    || (t.log() != null && t.log().family() == handle)
                                    || (t.ttl() != null && t.ttl().family() == handle)
                                    || (t.collections() != null
                                            && t.collections().family() == handle)
                                    || t.indexes().containsValue(handle));
            if (orphan) {
                db.dropColumnFamily(handle);
            }
        }
    }

    /**
     * The item collections of a table with local indexes: counted from its items when the store
     * has not counted them yet (a table created before the store kept them, or a count cut short
     * by a crash, which the missing mark tells).
     */
    private ItemCollections loadCollections(TableDefinition table, String familyName, ColumnFamilyHandle items)
            throws RocksDBException {
        if (table.localIndexes().isEmpty()) {
            return null;
        }
        String name = collectionsFamilyName(familyName);
        Optional<ColumnFamilyHandle> handle =
                handles.stream().filter(h -> familyName(h).equals(name)).findFirst();
        if (handle.isPresent() && db.get(catalogFamily, collectionsCountedKey(familyName)) != null) {
            return new ItemCollections(handle.get());
        }
        if (handle.isPresent()) {
            db.dropColumnFamily(handle.get());
            handles.remove(handle.get());
            handle.get().close();
        }
        ItemCollections collections = new ItemCollections(createFamily(name, collectionOptions));
        LOG.log(
                System.Logger.Level.INFO,
                "counting the item collections of table " + table.name() + " from its items (once, before serving it)");
        collections.rebuild(db, table, items, durableWrite);
        db.put(catalogFamily, durableWrite, collectionsCountedKey(familyName), new byte[] {1});
        return collections;
    }

    private static String familyName(ColumnFamilyHandle handle) {
        try {
            return new String(handle.getName(), StandardCharsets.UTF_8);
        } catch (RocksDBException e) {
            throw new StorageException("cannot read column family name", e);
        }
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /**
     * Runs {@code call} while the store is open; refuses once close has begun, and while RocksDB
     * is being reopened after a fault (waiting a little for it first). A call that meets an I/O
     * error starts the recovery ({@link #recover}) and is refused as {@link StoreFaultException}.
     */
    private <T> T open(Supplier<T> call) {
        return open(call, true);
    }

    /**
     * Runs {@code call} on the open store. While it is being reopened (after a fault, or to
     * become a snapshot), {@code wait}: waits for the reopen, up to {@link #REOPEN_WAIT_MILLIS};
     * else throws {@link ReadWouldWaitException} at once.
     */
    private <T> T open(Supplier<T> call, boolean wait) {
        if (closed) {
            throw new StoreClosedException();
        }
        // While a reopen waits for the calls in flight, new ones queue behind it: an untimed
        // tryLock would barge past it, and a steady load would keep RocksDB from ever reopening.
        if (reopening || !gate.readLock().tryLock()) {
            if (!reopening && fault == null) {
                throw new StoreClosedException(); // close holds the gate
            }
            if (!wait) {
                throw new ReadWouldWaitException("the store is being reopened");
            }
            if (!awaitReopen()) {
                throw closed ? new StoreClosedException() : new StoreFaultException(String.valueOf(fault));
            }
        }
        int slot = droppedFamilies.enter();
        try {
            if (closed) {
                throw new StoreClosedException();
            }
            if (db == null) {
                throw new StoreFaultException(String.valueOf(fault));
            }
            return call.get();
        } catch (RuntimeException e) {
            String error = ioError(e);
            if (error == null) {
                throw e;
            }
            faulted(error);
            throw new StoreFaultException(error);
        } finally {
            droppedFamilies.exit(slot);
            gate.readLock().unlock();
        }
    }

    private boolean awaitReopen() {
        try {
            return gate.readLock().tryLock(REOPEN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean isOpen() {
        return !closed;
    }

    /**
     * Why the store cannot take writes now (RocksDB stopped on an I/O error: a full disk, too
     * many open files), or empty while it can. It reopens itself once the cause is gone.
     */
    public Optional<String> fault() {
        return Optional.ofNullable(fault);
    }

    /** The message of the RocksDB I/O error behind {@code e}, or null if it is not one. */
    private static String ioError(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RocksDBException rocks
                    && rocks.getStatus() != null
                    && rocks.getStatus().getCode() == Status.Code.IOError) {
                return describe(rocks.getStatus());
            }
        }
        return null;
    }

    private static String describe(Status status) {
        return status.getState() == null ? status.getCodeString() : status.getState();
    }

    /**
     * Notes that RocksDB cannot write, and starts the recovery unless it runs already. Called
     * from RocksDB's own threads too ({@link #faults}): it only records and schedules.
     */
    private void faulted(String cause) {
        if (closed) {
            return;
        }
        if (fault == null) {
            fault = cause;
            LOG.log(
                    System.Logger.Level.ERROR,
                    "RocksDB at " + directory + " cannot write (" + cause
                            + "); the store refuses writes and reopens itself once it can");
        }
        if (recovering.compareAndSet(false, true)) {
            scheduleRecovery(0);
        }
    }

    /** {@link #recover} after {@code delayMillis} on the background thread; none once closing. */
    private void scheduleRecovery(long delayMillis) {
        try {
            background.schedule(this::recover, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            recovering.set(false);
        }
    }

    /**
     * Brings writes back after a fault: if a synced write goes through again (RocksDB recovered
     * by itself), nothing more; otherwise RocksDB is closed and opened again, which replays its
     * WAL (every acknowledged write was synced before it was acknowledged). Until one of them
     * works it is tried again every {@link #RECOVERY_RETRY_MILLIS}, while reads go on.
     */
    private void recover() {
        if (closed) {
            return;
        }
        boolean recovered;
        try {
            // Reopening while files cannot be made would close RocksDB and fail to open it:
            // reads, which a stopped RocksDB still serves, would be refused too.
            recovered = probe() || (canMakeFiles() && reopen());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "recovering RocksDB at " + directory + " failed; retrying", e);
            recovered = false;
        }
        if (recovered) {
            LOG.log(System.Logger.Level.INFO, "RocksDB at " + directory + " takes writes again (after: " + fault + ")");
            fault = null;
            recovering.set(false);
            return;
        }
        scheduleRecovery(RECOVERY_RETRY_MILLIS);
    }

    /**
     * Whether a file can be made, written and synced in the store's directory now (RocksDB's
     * reopen makes a new WAL and manifest): not while the process is out of file descriptors or
     * the disk is full.
     */
    private boolean canMakeFiles() {
        Path probe = directory.resolve("RECOVERY-PROBE");
        try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(
                probe,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer block = ByteBuffer.allocate(1024 * 1024);
            while (block.hasRemaining()) {
                file.write(block);
            }
            file.force(true);
        } catch (java.io.IOException e) {
            return false;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (java.io.IOException e) {
                // removed at the next attempt
            }
        }
        return true;
    }

    /** Whether a synced write to the catalog goes through. */
    private boolean probe() {
        if (!gate.readLock().tryLock()) {
            return false;
        }
        try {
            RocksDB open = db;
            if (open == null || closed) {
                return false;
            }
            open.put(
                    catalogFamily,
                    durableWrite,
                    PROBE_KEY,
                    Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (RocksDBException e) {
            return false;
        } finally {
            gate.readLock().unlock();
        }
    }

    /**
     * Closes RocksDB and opens it again, once no call is running (calls wait for it a little,
     * then are refused as {@link StoreFaultException}). False when it cannot open yet: the store
     * stays closed and refuses every call until a later attempt opens it.
     */
    private boolean reopen() {
        boolean drained;
        reopening = true;
        try {
            drained = gate.writeLock().tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (!drained) {
            reopening = false;
            return false;
        }
        try {
            synchronized (ddlLock) {
                if (closed) {
                    return true;
                }
                closeDatabase();
                try {
                    openDatabase();
                    return true;
                } catch (RocksDBException | RuntimeException e) {
                    fault = "cannot reopen RocksDB: "
                            + (e instanceof RocksDBException rocks && rocks.getStatus() != null
                                    ? describe(rocks.getStatus())
                                    : e.getMessage());
                    closeDatabase();
                    return false;
                }
            }
        } finally {
            reopening = false;
            gate.writeLock().unlock();
        }
    }

    /**
     * Makes this store the RocksDB checkpoint in {@code checkpoint} (a snapshot another replica
     * of its shard took), in place: once no call is running (new ones wait, as for a reopen),
     * RocksDB is closed, the store's files are replaced by the checkpoint's
     * ({@link #replaceFiles}, {@code keep} left alone) and it is opened again, its catalog and
     * held transactions loaded from them. Objects holding this store hold it still.
     */
    public void replaceWith(Path checkpoint, Path keep, Set<String> skip) {
        reopening = true;
        gate.writeLock().lock();
        try {
            synchronized (ddlLock) {
                if (closed) {
                    throw new StoreClosedException();
                }
                closeDatabase();
                synchronized (changeHolds) {
                    // Another replica's files: its write-ahead log numbers writes its own way, so
                    // no hand-off following this one's can go on from where it stood.
                    changeHolds.clear();
                }
                try {
                    replaceFiles(directory, checkpoint, keep, skip);
                    openDatabase();
                } catch (IOException | RocksDBException | RuntimeException e) {
                    fault = "cannot load the snapshot " + checkpoint + ": " + e.getMessage();
                    closeDatabase();
                    throw new StorageException("cannot load the snapshot " + checkpoint, e);
                }
            }
        } finally {
            reopening = false;
            gate.writeLock().unlock();
        }
    }

    /**
     * Replaces the files of a closed store's {@code storeDirectory} by a checkpoint's: table
     * files hard-linked (RocksDB never writes one again), the rest copied (MANIFEST, CURRENT,
     * OPTIONS: RocksDB may write them); {@code keep} (inside the store's directory: a replica's
     * Raft directory) and the checkpoint's files named in {@code skip} are left out.
     */
    public static void replaceFiles(Path storeDirectory, Path checkpoint, Path keep, Set<String> skip)
            throws IOException {
        if (!Files.isDirectory(checkpoint)) {
            throw new IOException("no checkpoint in " + checkpoint);
        }
        try (java.util.stream.Stream<Path> entries = Files.list(storeDirectory)) {
            for (Path entry : entries.toList()) {
                if (!entry.equals(keep)) {
                    deleteRecursively(entry);
                }
            }
        }
        try (java.util.stream.Stream<Path> files = Files.list(checkpoint)) {
            for (Path file : files.filter(f -> !skip.contains(f.getFileName().toString()))
                    .toList()) {
                Path into = storeDirectory.resolve(file.getFileName().toString());
                if (file.getFileName().toString().endsWith(".sst")) {
                    Files.createLink(into, file);
                } else {
                    Files.copy(file, into);
                }
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    // ---- tables ------------------------------------------------------------------------------

    /**
     * Drops a family while the store is open (under the DDL lock): its handle leaves the open
     * ones and is closed once its grace period is over ({@link DroppedFamilies}).
     */
    private void drop(ColumnFamilyHandle family) throws RocksDBException {
        db.dropColumnFamily(family);
        handles.remove(family);
        droppedFamilies.drop(family);
    }

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
                    Map<String, ColumnFamilyHandle> indexes = new HashMap<>();
                    for (SecondaryIndex index : table.indexes()) {
                        indexes.put(index.name(), createFamily(indexFamilyName(table.tableId(), index.name())));
                    }
                    TableChangeLog log =
                            table.stream() == null && !table.hasGlobalIndexes() ? null : createLog(table.tableId());
                    TimeToLiveIndex ttl = null;
                    if (table.timeToLiveAttribute() != null) {
                        ttl = createTtlIndex(table.tableId());
                        // An empty table's index is complete.
                        db.put(
                                catalogFamily,
                                durableWrite,
                                ttlIndexedKey(table.tableId()),
                                table.timeToLiveAttribute().getBytes(StandardCharsets.UTF_8));
                    }
                    ItemCollections collections = null;
                    if (!table.localIndexes().isEmpty()) {
                        // An empty table's collections are all counted.
                        collections = new ItemCollections(
                                createFamily(collectionsFamilyName(table.tableId()), collectionOptions));
                        db.put(catalogFamily, durableWrite, collectionsCountedKey(table.tableId()), new byte[] {1});
                    }
                    db.put(catalogFamily, durableWrite, catalogKey(table.name()), catalogCodec.encode(table));
                    tables.put(table.name(), new OpenTable(table, family, log, ttl, Map.copyOf(indexes), collections));
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
                if (!current.definition().localIndexes().equals(table.localIndexes())) {
                    throw new IllegalArgumentException(
                            "the local secondary indexes of table " + table.name() + " cannot change");
                }
                try (WriteBatch batch = new WriteBatch()) {
                    List<String> added = new ArrayList<>();
                    OpenTable updated = withIndexes(withSettings(current, table), current, table, added);
                    batch.put(
                            catalogFamily,
                            metadataKey(FAMILY_PREFIX + table.name()),
                            current.family().getName());
                    batch.put(catalogFamily, catalogKey(table.name()), catalogCodec.encode(table));
                    commit(batch);
                    tables.put(table.name(), updated);
                    dropRemovedIndexes(current, updated);
                    startBackfills(current, updated, added);
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
                if (table.definition().deletionProtectionEnabled()) {
                    throw DynamoDbException.deletionProtected();
                }
                try (WriteBatch batch = new WriteBatch()) {
                    batch.delete(catalogFamily, catalogKey(name));
                    batch.delete(catalogFamily, metadataKey(FAMILY_PREFIX + name));
                    commit(batch);
                    tables.remove(name);
                    // Each handle is closed once no request still running can be using it.
                    drop(table.family());
                    if (table.log() != null) {
                        drop(table.log().family());
                    }
                    db.delete(catalogFamily, durableWrite, logTrimmedKey(familyName(table.family())));
                    if (table.ttl() != null) {
                        drop(table.ttl().family());
                        db.delete(catalogFamily, durableWrite, ttlIndexedKey(familyName(table.family())));
                    }
                    if (table.collections() != null) {
                        drop(table.collections().family());
                        db.delete(catalogFamily, durableWrite, collectionsCountedKey(familyName(table.family())));
                    }
                    for (Map.Entry<String, ColumnFamilyHandle> index :
                            table.indexes().entrySet()) {
                        drop(index.getValue());
                        forgetBackfill(backfillKey(familyName(table.family()), index.getKey()));
                    }
                    db.delete(catalogFamily, durableWrite, indexFedKey(familyName(table.family())));
                    db.delete(catalogFamily, durableWrite, streamEpochsKey(familyName(table.family())));
                    indexFed.remove(familyName(table.family()));
                } catch (RocksDBException e) {
                    throw new StorageException("cannot delete table " + name, e);
                }
                return table.definition();
            }
        });
    }

    /**
     * Changes the settings of the table's incarnation {@code table.tableId()} (its stream,
     * deletion protection) to those of {@code table}; its key schema cannot change. Enabling a
     * stream for the first time creates the table's change log.
     */
    @Override
    public void updateTable(TableDefinition table) {
        open(() -> {
            synchronized (ddlLock) {
                OpenTable current = table(table);
                if (!current.definition().keySchema().equals(table.keySchema())) {
                    throw new IllegalArgumentException("the key schema of table " + table.name() + " cannot change");
                }
                if (!current.definition().localIndexes().equals(table.localIndexes())) {
                    throw new IllegalArgumentException(
                            "the local secondary indexes of table " + table.name() + " cannot change");
                }
                try {
                    List<String> added = new ArrayList<>();
                    OpenTable updated = withIndexes(withSettings(current, table), current, table, added);
                    db.put(catalogFamily, durableWrite, catalogKey(table.name()), catalogCodec.encode(table));
                    tables.put(table.name(), updated);
                    dropRemovedIndexes(current, updated);
                    startBackfills(current, updated, added);
                } catch (RocksDBException e) {
                    throw new StorageException("cannot update table " + table.name(), e);
                }
                return null;
            }
        });
    }

    /**
     * The table {@code current} with the column families of {@code table}'s indexes: a global
     * index it did not have gets its family, and a backfill of the table's items (recorded before
     * the catalog names the index, so a crash never leaves an index without its backfill; the
     * caller starts it, adding each of {@code added}'s keys to the backfills under way).
     */
    private OpenTable withIndexes(OpenTable current, OpenTable before, TableDefinition table, List<String> added)
            throws RocksDBException {
        String family = familyName(current.family());
        Map<String, ColumnFamilyHandle> indexes = new HashMap<>();
        for (SecondaryIndex index : table.indexes()) {
            ColumnFamilyHandle handle = current.indexes().get(index.name());
            Optional<SecondaryIndex> had = before.definition().index(index.name());
            if (handle != null && had.isPresent() && !sameEntries(had.get(), index)) {
                // Deleted and created again with another key or projection: its old entries go.
                drop(handle);
                handle = null;
            }
            if (handle == null) {
                handle = createFamily(indexFamilyName(family, index.name()));
                Backfill start = new Backfill(new byte[0], Backfill.NOT_DONE);
                db.put(catalogFamily, durableWrite, metadataKey(backfillKey(family, index.name())), start.encode());
                added.add(backfillKey(family, index.name()));
                // Backfilling from now on for whoever asks, though the walk starts only later.
                pendingBackfills.add(backfillKey(family, index.name()));
            }
            indexes.put(index.name(), handle);
        }
        return new OpenTable(
                current.definition(),
                current.family(),
                current.log(),
                current.ttl(),
                Map.copyOf(indexes),
                current.collections());
    }

    /** Whether two definitions of an index have the same entries (capacities aside). */
    private static boolean sameEntries(SecondaryIndex a, SecondaryIndex b) {
        return a.global() == b.global()
                && a.keySchema().equals(b.keySchema())
                && a.projection().equals(b.projection());
    }

    /**
     * Starts the backfills of the indexes {@code added} to the table: once every write that took
     * the settings before now is done (such a write may still be inserting an item the walk would
     * never see, unrecorded). When the table had no global index before, the change records
     * written until now may lack the images an index needs (a stream keeping fewer, or a log
     * left from indexes dropped since): the feed skips them, the walk covering every item.
     */
    private void startBackfills(OpenTable before, OpenTable updated, List<String> added) throws RocksDBException {
        if (added.isEmpty()) {
            return;
        }
        awaitWritesInFlight();
        String family = familyName(updated.family());
        if (!before.definition().hasGlobalIndexes() && updated.log() != null) {
            long latest = Math.max(updated.log().latest(), indexFedThrough(family));
            db.put(catalogFamily, durableWrite, indexFedKey(family), ChangeRecordCodec.key(latest));
            indexFed.put(family, latest);
        }
        for (String key : added) {
            backfills.put(key, new Backfill(new byte[0], Backfill.NOT_DONE));
            pendingBackfills.remove(key);
        }
        wake();
    }

    /**
     * Returns once every write that holds an item lock stripe now has finished: each write takes
     * the table's settings under its stripe, so every write after this sees the settings of now.
     */
    private void awaitWritesInFlight() {
        for (Semaphore lock : itemLocks) {
            lock.acquireUninterruptibly();
            lock.release();
        }
    }

    /**
     * Drops the families (and so the entries) of the indexes {@code current} has and
     * {@code updated} no longer has, or has under another family (re-created with another shape,
     * whose old family {@link #withIndexes} already dropped).
     */
    private void dropRemovedIndexes(OpenTable current, OpenTable updated) throws RocksDBException {
        String family = familyName(current.family());
        for (Map.Entry<String, ColumnFamilyHandle> index : current.indexes().entrySet()) {
            if (!updated.indexes().containsKey(index.getKey())) {
                forgetBackfill(backfillKey(family, index.getKey()));
                // The handle is closed once no read still running can be using it.
                drop(index.getValue());
            }
        }
    }

    /**
     * The table {@code current} with {@code table}'s settings: its change log created when a
     * stream is first enabled, its Time to Live index created when Time to Live is first enabled,
     * and rebuilt in the background when it was built for another attribute.
     */
    private OpenTable withSettings(OpenTable current, TableDefinition table) throws RocksDBException {
        String itemFamily = familyName(current.family());
        TableChangeLog log = current.log();
        if (log == null && (table.stream() != null || table.hasGlobalIndexes())) {
            log = createLog(itemFamily);
        }
        TimeToLiveIndex ttl = current.ttl();
        if (table.timeToLiveAttribute() == null && current.definition().timeToLiveAttribute() != null) {
            // Writes stop keeping the index: enabled again, even on the same attribute, it is rebuilt.
            db.delete(catalogFamily, durableWrite, ttlIndexedKey(itemFamily));
        }
        if (table.timeToLiveAttribute() != null) {
            if (ttl == null) {
                ttl = createTtlIndex(itemFamily);
            }
            if (!indexedFor(itemFamily, table.timeToLiveAttribute())) {
                ttlRebuilds.add(table.name());
            }
        }
        return new OpenTable(table, current.family(), log, ttl, current.indexes(), current.collections());
    }

    private TimeToLiveIndex createTtlIndex(String itemFamily) throws RocksDBException {
        return new TimeToLiveIndex(createFamily(ttlFamilyName(itemFamily)));
    }

    private ColumnFamilyHandle createFamily(String name) throws RocksDBException {
        return createFamily(name, tableOptions);
    }

    private ColumnFamilyHandle createFamily(String name, ColumnFamilyOptions options) throws RocksDBException {
        ColumnFamilyHandle family =
                db.createColumnFamily(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), options));
        handles.add(family);
        return family;
    }

    /** Whether the table's Time to Live index holds every item's expiry under {@code attribute}. */
    private boolean indexedFor(String itemFamily, String attribute) {
        try {
            byte[] indexed = db.get(catalogFamily, ttlIndexedKey(itemFamily));
            return indexed != null && new String(indexed, StandardCharsets.UTF_8).equals(attribute);
        } catch (RocksDBException e) {
            throw new StorageException("cannot read the catalog", e);
        }
    }

    private TableChangeLog createLog(String itemFamily) throws RocksDBException {
        return TableChangeLog.open(db, createFamily(logFamilyName(itemFamily)), trimmedThrough(itemFamily), logClock());
    }

    /** The last sequence number trimmed from the table's change log, or 0. */
    private long trimmedThrough(String itemFamily) {
        try {
            byte[] trimmed = db.get(catalogFamily, logTrimmedKey(itemFamily));
            return trimmed == null ? 0 : ChangeRecordCodec.sequenceOf(trimmed);
        } catch (RocksDBException e) {
            throw new StorageException("cannot read the catalog", e);
        }
    }

    /**
     * The table's change records from sequence number {@code from} on: at most {@code limit}, and
     * about {@code maxBytes}. A table that never had a stream has an empty log.
     */
    @Override
    public ChangePage readChanges(TableDefinition definition, long from, int limit, long maxBytes) {
        return open(() -> {
            OpenTable table = table(definition);
            List<StreamEpoch> epochs = streamEpochs(table);
            if (table.log() == null) {
                return new ChangePage(List.of(), 1, 0, 0).withEpochs(epochs);
            }
            return table.log().read(db, from, limit, maxBytes).withEpochs(epochs);
        });
    }

    /**
     * Ends the table's current stretch of change log (a range hand-off's seal): its records so
     * far are those of {@code ranges}, the ranges owned until now; later ones are of what the
     * store keeps. Called while no write of the table runs, so none is numbered on the wrong side.
     */
    public void closeStreamEpoch(TableDefinition definition, List<io.kubedyn.core.HashRange> ranges) {
        open(() -> {
            OpenTable table = table(definition);
            List<StreamEpoch> epochs = new ArrayList<>(streamEpochs(table));
            StreamEpoch closed = new StreamEpoch(
                    ranges, table.log() == null ? 0 : table.log().reservedThrough());
            if (!epochs.isEmpty() && epochs.get(epochs.size() - 1).ranges().equals(closed.ranges())) {
                // Closed before, and the ranges were not given up (a crash in between): it lasted until now.
                epochs.set(epochs.size() - 1, closed);
            } else {
                epochs.add(closed);
            }
            try {
                db.put(
                        catalogFamily,
                        durableWrite,
                        streamEpochsKey(familyName(table.family())),
                        StreamEpoch.format(epochs).getBytes(StandardCharsets.UTF_8));
            } catch (RocksDBException e) {
                throw new StorageException("cannot record the end of a stream epoch of " + definition.name(), e);
            }
            return null;
        });
    }

    private List<StreamEpoch> streamEpochs(OpenTable table) {
        try {
            byte[] value = db.get(catalogFamily, streamEpochsKey(familyName(table.family())));
            return value == null ? List.of() : StreamEpoch.parse(new String(value, StandardCharsets.UTF_8));
        } catch (RocksDBException e) {
            throw new StorageException("cannot read the catalog", e);
        }
    }

    private static byte[] streamEpochsKey(String family) {
        return metadataKey(STREAM_EPOCHS_PREFIX + family);
    }

    /**
     * Deletes, from every table's change log, the records older than the table's stream retention
     * (24 hours after its stream was disabled) as of {@code nowMillis}; returns how many.
     */
    public long trimChanges(long nowMillis) {
        return open(() -> {
            long trimmed = 0;
            for (String name : List.copyOf(tables.keySet())) {
                // Under the DDL lock: an UpdateTable adding a global index in between must not let
                // this trim records the new index's feed still needs.
                synchronized (ddlLock) {
                    OpenTable table = tables.get(name);
                    if (table == null || table.log() == null) {
                        continue;
                    }
                    long retention = table.definition().stream() == null
                            ? TableStream.DEFAULT_RETENTION_SECONDS
                            : table.definition().stream().retentionSeconds();
                    long consumedThrough = table.definition().hasGlobalIndexes()
                            ? indexFedThrough(familyName(table.family()))
                            : Long.MAX_VALUE;
                    try {
                        trimmed += table.log()
                                .trim(
                                        db,
                                        durableWrite,
                                        nowMillis - retention * 1000,
                                        consumedThrough,
                                        catalogFamily,
                                        logTrimmedKey(familyName(table.family())));
                    } catch (RocksDBException e) {
                        throw new StorageException(
                                "cannot trim the change log of "
                                        + table.definition().name(),
                                e);
                    }
                }
            }
            return trimmed;
        });
    }

    /** Deletes the transaction ledger's records that need no keeping at {@code nowMillis}; returns how many. */
    public long trimLedger(long nowMillis) {
        return open(() -> {
            long trimmed = 0;
            try (RocksIterator it = db.newIterator(catalogFamily)) {
                byte[] prefix = TransactionLedger.PREFIX;
                for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                    if (!TransactionLedger.Entry.decode(it.value()).expiredAt(nowMillis)) {
                        continue;
                    }
                    // Under the record's lock, read again: a record written since the scan began stays.
                    byte[] key = it.key();
                    Semaphore lock = itemLocks[stripe(key)];
                    lock.acquireUninterruptibly();
                    try {
                        byte[] current = db.get(catalogFamily, key);
                        if (current != null
                                && TransactionLedger.Entry.decode(current).expiredAt(nowMillis)) {
                            db.delete(catalogFamily, unsyncedWrite, key);
                            trimmed++;
                        }
                    } finally {
                        lock.release();
                    }
                }
            } catch (RocksDBException e) {
                throw new StorageException("cannot trim the transaction ledger", e);
            }
            return trimmed;
        });
    }

    private void trimInBackground() {
        try {
            trimLedger(System.currentTimeMillis());
            trimChanges(System.currentTimeMillis());
        } catch (StoreClosedException e) {
            // closing: nothing left to trim
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "trimming change logs failed; retrying later", e);
        }
    }

    /**
     * Deletes the items whose Time to Live expiry is due at {@code nowSeconds} (at most
     * {@link #EXPIRY_BATCH} per table), each a REMOVE change record made by Time to Live where the
     * table has a stream; first builds any Time to Live index still to build. Returns how many
     * items were deleted.
     */
    public long expireDue(long nowSeconds) {
        return open(() -> {
            rebuildTtlIndexes();
            long deleted = 0;
            for (OpenTable table : tables.values()) {
                TimeToLiveIndex ttl = table.expiring();
                if (ttl == null || receiving.contains(table.definition().name())) {
                    continue;
                }
                for (TimeToLiveIndex.Due due : ttl.due(db, nowSeconds, EXPIRY_BATCH)) {
                    if (expire(table.definition().name(), due, nowSeconds)) {
                        deleted++;
                    }
                }
            }
            return deleted;
        });
    }

    private void rebuildTtlIndexes() {
        for (String name : List.copyOf(ttlRebuilds)) {
            OpenTable table = tables.get(name);
            ttlRebuilds.remove(name);
            if (table == null || table.expiring() == null) {
                continue;
            }
            String attribute = table.definition().timeToLiveAttribute();
            try {
                if (!table.ttl().rebuild(db, durableWrite, table.family(), attribute, () -> closed)) {
                    ttlRebuilds.add(name); // interrupted by close: rebuilt at the next open
                    return;
                }
                db.put(
                        catalogFamily,
                        durableWrite,
                        ttlIndexedKey(familyName(table.family())),
                        attribute.getBytes(StandardCharsets.UTF_8));
            } catch (RocksDBException e) {
                ttlRebuilds.add(name);
                throw new StorageException("cannot build the Time to Live index of " + name, e);
            }
        }
    }

    /**
     * Deletes the item of a due index entry if it is still expired (checked under its lock: the
     * entry may be stale), or else drops the stale entry. Whether the item was deleted.
     */
    private boolean expire(String tableName, TimeToLiveIndex.Due due, long nowSeconds) {
        Semaphore lock = itemLocks[stripe(due.storageKey())];
        lock.acquireUninterruptibly();
        OpenTable table = tables.get(tableName);
        List<Long> reserved = new ArrayList<>(1);
        try (WriteBatch batch = new WriteBatch()) {
            if (table == null || table.expiring() == null || held(table, due.storageKey())) {
                return false; // a held item expires once its transaction has ended
            }
            if (due.storageKey().length >= Long.BYTES
                    && !expires.test(
                            tableName,
                            java.nio.ByteBuffer.wrap(due.storageKey(), 0, Long.BYTES)
                                    .getLong())) {
                return false; // handed to another shard: it expires there
            }
            byte[] bytes = db.get(table.family(), due.storageKey());
            Map<String, AttributeValue> item = bytes == null ? null : ItemCodec.decode(bytes);
            OptionalLong expiry = TimeToLive.expiryOf(item, table.definition().timeToLiveAttribute());
            boolean current = expiry.isPresent() && expiry.getAsLong() == due.expirySeconds();
            if (current && TimeToLive.expired(due.expirySeconds(), nowSeconds)) {
                stage(
                        batch,
                        table,
                        table.definition().keySchema().keyOf(item, false),
                        item,
                        null,
                        true,
                        reserved,
                        new HashMap<>());
                commit(batch);
                wakeFeed(table);
                return true;
            }
            if (!current || due.expirySeconds() < nowSeconds - TimeToLive.IGNORED_AFTER_SECONDS) {
                db.delete(table.ttl().family(), durableWrite, due.indexKey());
            }
            return false;
        } catch (RocksDBException e) {
            throw new StorageException("cannot expire an item of " + tableName, e);
        } finally {
            if (!reserved.isEmpty()) {
                reserved.forEach(table.log()::release);
            }
            lock.release();
        }
    }

    /**
     * Lets the store's own Time to Live expiry run only within {@code scope} (a storage pod: while
     * its ranges cannot change) and delete only the items whose partition hash {@code expires}
     * says it owns: the source of a range hand-off keeps a sealed range's items until the new owner
     * serves it, and must not delete them meanwhile (their REMOVE would be recorded on the wrong
     * side of the split, and their index entries deleted behind the new owner's back).
     */
    public void expireWithin(
            java.util.function.Function<java.util.function.Supplier<Long>, Long> scope,
            java.util.function.BiPredicate<String, Long> expires) {
        this.expiryScope = scope;
        this.expires = expires;
    }

    private void expireInBackground() {
        try {
            expiryScope.apply(() -> expireDue(System.currentTimeMillis() / 1000));
        } catch (StoreClosedException e) {
            // closing: nothing left to expire
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "expiring items failed; retrying later", e);
        }
    }

    // ---- global secondary indexes --------------------------------------------------------------

    /**
     * Applies global secondary index changes fed from a base shard's change log, in one
     * WriteBatch with one sync. Entries are written only by their base item's shard feed, in
     * change-log order, so no item lock is needed; applying a write again changes nothing.
     */
    public void applyIndexWrites(TableDefinition definition, List<IndexWrite> writes) {
        applyIndexWrites(definition, writes, durableWrite);
    }

    private void applyIndexWrites(TableDefinition definition, List<IndexWrite> writes, WriteOptions options) {
        open(() -> {
            OpenTable table = table(definition);
            try (WriteBatch batch = new WriteBatch()) {
                for (IndexWrite write : writes) {
                    ColumnFamilyHandle index = table.indexes().get(write.index());
                    if (index == null) {
                        // Created or deleted on the sender's side first: it tries again once both agree.
                        throw new StorageException(
                                "table " + definition.name() + " has no index " + write.index()
                                        + " on this store (yet)",
                                null);
                    }
                    if (write.value() == null) {
                        batch.delete(index, write.entryKey());
                    } else {
                        batch.put(index, write.entryKey(), write.value());
                    }
                }
                commit(options, batch);
            } catch (RocksDBException e) {
                throw new StorageException("cannot write index entries of " + definition.name(), e);
            }
            return null;
        });
    }

    /**
     * One step of every table's global index feed: the change records after its checkpoint (at
     * most {@link #FEED_BATCH}, none of a write still in flight) turned into index writes, sent
     * to the sink, and the checkpoint moved past them once the sink has them durably. A crash
     * between the two replays the same writes, which changes nothing. Returns how many records
     * were taken in.
     */
    public long feedIndexes() {
        return open(() -> {
            synchronized (feedLock) {
                return feedOnce();
            }
        });
    }

    /** {@link #feedIndexes}, one feed at a time (so no two ever apply one item's changes out of order). */
    private long feedOnce() {
        long taken = 0;
        for (OpenTable table : tables.values()) {
            taken += feedTable(table);
        }
        return taken;
    }

    /** One step of the table's global index feed; how many change records it took in. */
    private long feedTable(OpenTable table) {
        if (!table.definition().hasGlobalIndexes() || table.log() == null) {
            return 0;
        }
        String family = familyName(table.family());
        ChangePage page = table.log().read(db, indexFedThrough(family) + 1, FEED_BATCH, FEED_BATCH_BYTES);
        if (page.records().isEmpty()) {
            return 0;
        }
        List<IndexWrite> writes = GlobalIndexChanges.of(table.definition(), page.records());
        if (!writes.isEmpty()) {
            try {
                indexSink.apply(table.definition(), writes);
            } catch (StoreClosedException e) {
                throw e;
            } catch (RuntimeException e) {
                // This table's entries wait and are sent again; the other tables' feeds go on.
                LOG.log(
                        System.Logger.Level.WARNING,
                        "feeding the global secondary indexes of "
                                + table.definition().name() + " failed; retrying",
                        e);
                return 0;
            }
        }
        long last = page.records().get(page.records().size() - 1).sequence();
        try {
            // Not synced: the WAL keeps writes in order, so a checkpoint that survives a crash
            // has the entries written before it; one that does not only replays them.
            recordFed(family, last, false);
        } catch (RocksDBException e) {
            throw new StorageException(
                    "cannot record the index feed of " + table.definition().name(), e);
        }
        return page.records().size();
    }

    /**
     * Records the feed of the table in {@code family} as past {@code through}, never going back
     * (the feed and a replicated log's entry may both move it); as the log entry being applied
     * when {@code asEntry}, else unsynced.
     */
    private void recordFed(String family, long through, boolean asEntry) throws RocksDBException {
        synchronized (indexFedRecord) {
            long now = Math.max(indexFedThrough(family), through);
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(catalogFamily, indexFedKey(family), ChangeRecordCodec.key(now));
                if (asEntry) {
                    commit(batch);
                } else {
                    db.write(unsyncedWrite, batch);
                }
            }
            indexFed.put(family, now);
        }
    }

    /** The last change-log sequence number the global indexes of {@code definition} took in here, or 0. */
    public long globalIndexesFedThrough(TableDefinition definition) {
        return open(() -> indexFedThrough(familyName(table(definition).family())));
    }

    /**
     * Takes the global index feed of {@code definition} past {@code through} (a replicated
     * log's entry: its leader fed that far), so this store, leading later, never sends the
     * entries of those changes again.
     */
    public void recordGlobalIndexesFed(TableDefinition definition, long through) {
        open(() -> {
            try {
                recordFed(familyName(table(definition).family()), through, true);
                return null;
            } catch (RocksDBException e) {
                throw new StorageException("cannot record the index feed of " + definition.name(), e);
            }
        });
    }

    /**
     * Takes the global index feed of {@code definition} past every change record written here so
     * far, within {@code timeout}; whether it got there (a shard an entry goes to may be down).
     * A range handed to another shard has its entries fed before the new owner serves it, so no
     * entry of a change made here reaches an index after one the new owner made.
     */
    public boolean feedGlobalIndexesToLastRecord(TableDefinition definition, java.time.Duration timeout) {
        return open(() -> {
            OpenTable table = table(definition);
            if (!table.definition().hasGlobalIndexes() || table.log() == null) {
                return true;
            }
            long last;
            try (RocksIterator it = db.newIterator(table.log().family())) {
                it.seekToLast();
                if (!it.isValid()) {
                    return true;
                }
                last = ChangeRecordCodec.sequenceOf(it.key());
            }
            String family = familyName(table.family());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (indexFedThrough(family) < last) {
                long taken;
                synchronized (feedLock) {
                    taken = feedTable(table);
                }
                if (taken == 0) {
                    if (System.nanoTime() > deadline) {
                        return false;
                    }
                    sleepQuietly(20);
                }
            }
            try {
                // The feed's checkpoint is written unsynced: a crash of the machine must not take
                // the store back to before it, to send entries of changes made before a seal again.
                db.flushWal(true);
            } catch (RocksDBException e) {
                throw new StorageException("cannot sync the write-ahead log", e);
            }
            return true;
        });
    }

    /**
     * Before a read of a global index of a store that holds every index entry itself (the
     * embedded server): the table's feed taken up to every write acknowledged so far, so the
     * read sees them, as DynamoDB Local's indexes do. A store whose entries live in other
     * shards' stores leaves that to its background feed (DynamoDB's eventual consistency).
     */
    private void catchUpGlobalIndexes(OpenTable table, String index) {
        if (!ownsEveryIndexEntry
                || index == null
                || table.definition().index(index).map(i -> !i.global()).orElse(true)) {
            return;
        }
        synchronized (feedLock) {
            while (feedTable(table) == FEED_BATCH) {
                // A full batch: there may be more.
            }
        }
    }

    /**
     * One step of every global index backfill: the next {@link #BACKFILL_BATCH} items of the
     * table, each recorded in the change log (under its item lock, as an unchanged MODIFY with
     * both images, not the stream's) so the feed writes its entries in log order with every
     * other change of the item; the backfill's progress is written in the same batch. Returns
     * how many items were recorded. One caller at a time: two steps from the same position would
     * both record it, and the later could put back a backfill the earlier had finished.
     */
    public long backfillIndexes() {
        return open(() -> {
            synchronized (backfillSteps) {
                return backfillStepsOfEveryTable();
            }
        });
    }

    private long backfillStepsOfEveryTable() {
        long recorded = 0;
        for (OpenTable table : tables.values()) {
            String family = familyName(table.family());
            for (SecondaryIndex index : table.definition().indexes()) {
                String key = backfillKey(family, index.name());
                Backfill backfill = backfills.get(key);
                if (backfill == null) {
                    continue;
                }
                if (backfill.done()) {
                    if (indexFedThrough(family) >= backfill.doneAt()) {
                        finishBackfill(key);
                    }
                    continue;
                }
                recorded += backfillStep(table, key, backfill);
            }
        }
        return recorded;
    }

    private long backfillStep(OpenTable table, String key, Backfill backfill) {
        List<byte[]> keys = new ArrayList<>(BACKFILL_BATCH);
        try (RocksIterator it = db.newIterator(table.family())) {
            if (backfill.after().length == 0) {
                it.seekToFirst();
            } else {
                it.seek(Arrays.copyOf(backfill.after(), backfill.after().length + 1));
            }
            for (; it.isValid() && keys.size() < BACKFILL_BATCH; it.next()) {
                keys.add(it.key());
            }
        }
        TreeSet<Integer> stripes = new TreeSet<>();
        keys.forEach(k -> stripes.add(stripe(k)));
        List<Semaphore> held = new ArrayList<>(stripes.size());
        List<Long> reserved = new ArrayList<>();
        TableChangeLog log = table.log();
        try (WriteBatch batch = new WriteBatch()) {
            lockInOrder(stripes, held);
            long last = 0;
            for (byte[] storageKey : keys) {
                byte[] bytes = db.get(table.family(), storageKey);
                if (bytes == null) {
                    continue; // deleted since: its REMOVE is in the log already
                }
                Map<String, AttributeValue> item = ItemCodec.decode(bytes);
                long sequence = log.reserve(sequenceFloor());
                reserved.add(sequence);
                last = sequence;
                batch.put(
                        log.family(),
                        ChangeRecordCodec.key(sequence),
                        ChangeRecordCodec.encode(new ChangeRecord(
                                sequence,
                                ChangeRecord.EventName.MODIFY,
                                now(),
                                table.definition().keySchema().attributesOf(item),
                                item,
                                item,
                                false,
                                false)));
            }
            Backfill next = keys.size() < BACKFILL_BATCH
                    ? new Backfill(new byte[0], Math.max(last, log.latest()))
                    : new Backfill(keys.get(keys.size() - 1), Backfill.NOT_DONE);
            batch.put(catalogFamily, metadataKey(key), next.encode());
            commit(batch);
            backfills.put(key, next);
            return reserved.size();
        } catch (RocksDBException e) {
            throw new StorageException(
                    "cannot backfill an index of " + table.definition().name(), e);
        } finally {
            reserved.forEach(log::release);
            held.forEach(Semaphore::release);
        }
    }

    private void finishBackfill(String key) {
        try {
            forgetBackfill(key);
        } catch (RocksDBException e) {
            throw new StorageException("cannot record a finished backfill", e);
        }
    }

    /** Ends a backfill, finished or of an index dropped: between steps, so no step records it again. */
    private void forgetBackfill(String key) throws RocksDBException {
        synchronized (backfillSteps) {
            db.delete(catalogFamily, durableWrite, metadataKey(key));
            backfills.remove(key);
        }
    }

    /** The table's secondary indexes in this store: entry counts and bytes, and the global ones still backfilling. */
    public IndexStatus indexStatus(TableDefinition definition) {
        return open(() -> {
            OpenTable table = table(definition);
            String family = familyName(table.family());
            Map<String, Long> counts = new HashMap<>();
            Map<String, Long> sizes = new HashMap<>();
            Set<String> backfilling = new java.util.HashSet<>();
            for (Map.Entry<String, ColumnFamilyHandle> index : table.indexes().entrySet()) {
                try {
                    counts.put(index.getKey(), db.getLongProperty(index.getValue(), "rocksdb.estimate-num-keys"));
                } catch (RocksDBException e) {
                    throw new StorageException("cannot read an index's entry count", e);
                }
                sizes.put(index.getKey(), approximateBytes(index.getValue()));
                String backfill = backfillKey(family, index.getKey());
                if (backfills.containsKey(backfill) || pendingBackfills.contains(backfill)) {
                    backfilling.add(index.getKey());
                }
            }
            return new IndexStatus(counts, sizes, backfilling);
        });
    }

    /** The last change-log sequence number the global indexes of the table in {@code family} took in, or 0. */
    private long indexFedThrough(String family) {
        return indexFed.computeIfAbsent(family, f -> {
            try {
                byte[] fed = db.get(catalogFamily, indexFedKey(f));
                return fed == null ? 0L : ChangeRecordCodec.sequenceOf(fed);
            } catch (RocksDBException e) {
                throw new StorageException("cannot read the catalog", e);
            }
        });
    }

    private void wakeFeed(OpenTable table) {
        if (table.definition().hasGlobalIndexes()) {
            wake();
        }
    }

    private void wake() {
        synchronized (feedSignal) {
            feedWoken = true;
            feedSignal.notifyAll();
        }
    }

    private void feedInBackground() {
        while (!closed) {
            long taken = 0;
            try {
                // Only a Raft group's leader feeds: a follower's log may lag behind what the
                // leader has already sent, and sending it again would step index entries back.
                taken = leading ? feedIndexes() + backfillIndexes() : 0;
            } catch (StoreClosedException e) {
                if (closed) {
                    return;
                }
                // This store recovering from a fault, or an index's store closed: try again soon.
                sleepQuietly(1000);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "feeding global secondary indexes failed; retrying", e);
                sleepQuietly(1000);
            }
            if (taken == 0) {
                synchronized (feedSignal) {
                    if (!feedWoken) {
                        try {
                            feedSignal.wait(FEED_IDLE_MILLIS);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    feedWoken = false;
                }
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- replication -------------------------------------------------------------------------

    /**
     * A replicated log's entry (or one command of it) being applied: its position, the time its
     * leader decided it at, the gateway's request it carries (or null), and whether it has written.
     */
    private static final class LogEntry {
        private final LogPosition position;
        private final long millis;
        private final byte[] request;
        private boolean wrote;

        LogEntry(LogPosition position, long millis, byte[] request) {
            this.position = position;
            this.millis = millis;
            this.request = request;
        }

        LogPosition position() {
            return position;
        }

        long millis() {
            return millis;
        }
    }

    /**
     * Where a replicated log stands: entry {@code index}, and the command within it ({@code part},
     * 0 for an entry of one command; an entry may carry several, applied in order).
     */
    public record LogPosition(long index, int part) {
        /** Nothing applied yet. */
        public static final LogPosition NONE = new LogPosition(-1, Integer.MAX_VALUE);

        /** Whether the command at {@code index} and {@code part} is at or before this position. */
        public boolean covers(long index, int part) {
            return index < this.index || index == this.index && part <= this.part;
        }
    }

    /**
     * Runs {@code work} as the replicated log's entry {@code index}, decided by the leader at
     * {@code millis}: see {@link #applyEntry(long, int, long, Supplier)}.
     */
    public <T> T applyEntry(long index, long millis, Supplier<T> work) {
        return applyEntry(index, 0, millis, work);
    }

    /**
     * Runs {@code work} as the command {@code part} of the replicated log's entry {@code index},
     * decided by the leader at {@code millis}: every write it makes records that position as
     * applied, in the same batch (so a restart that replays the log skips exactly what is already
     * here, {@link #applied}), and every time it stamps is {@code millis}, so each replica writes
     * the same bytes. Called in log order, by one thread.
     */
    public <T> T applyEntry(long index, int part, long millis, Supplier<T> work) {
        return applyEntry(index, part, millis, null, work, result -> new byte[0]);
    }

    /**
     * As {@link #applyEntry(long, int, long, Supplier)}, for a command a gateway sent as
     * {@code request} (a {@link RequestId}'s bytes): if the work writes, the request is recorded
     * as applied in the same batch, and its {@code result} once the work returns, for
     * {@link #requestResult} to answer the same request sent again.
     */
    public <T> T applyEntry(
            long index, int part, long millis, byte[] request, Supplier<T> work, Function<T, byte[]> result) {
        LogEntry entry = new LogEntry(new LogPosition(index, part), millis, request);
        applying.set(entry);
        T value;
        try {
            value = work.get();
        } finally {
            applying.remove();
        }
        if (request != null && entry.wrote) {
            byte[] outcome = result.apply(value);
            open(() -> {
                try {
                    db.put(
                            catalogFamily,
                            durableWrite,
                            requestKey(request),
                            ByteBuffer.allocate(Long.BYTES + outcome.length)
                                    .putLong(millis)
                                    .put(outcome)
                                    .array());
                    return null;
                } catch (RocksDBException e) {
                    throw new StorageException("cannot record the result of an applied request", e);
                }
            });
        }
        return value;
    }

    /**
     * What an applied request ({@link #applyEntry(long, int, long, byte[], Supplier, Function)})
     * resulted in: empty if it was never applied here (or is forgotten, {@link #forgetRequests}),
     * else its recorded result; an empty array when the store stopped between the request's
     * writes and the record of its result.
     */
    public Optional<byte[]> requestResult(byte[] request) {
        return open(() -> {
            try {
                byte[] value = db.get(catalogFamily, requestKey(request));
                return value == null
                        ? Optional.<byte[]>empty()
                        : Optional.of(Arrays.copyOfRange(value, Long.BYTES, value.length));
            } catch (RocksDBException e) {
                throw new StorageException("cannot read the record of an applied request", e);
            }
        });
    }

    /**
     * Forgets the requests whose ids were made before {@code beforeMillis} (a gateway sends one
     * again for seconds, not minutes). Cheap when there is nothing to forget: one seek.
     */
    public void forgetRequests(long beforeMillis) {
        open(() -> {
            byte[] end = requestKey(ByteBuffer.allocate(Long.BYTES)
                    .putLong(Math.max(0, beforeMillis))
                    .array());
            try (RocksIterator it = db.newIterator(catalogFamily)) {
                it.seek(REQUEST_PREFIX);
                if (!it.isValid()
                        || !startsWith(it.key(), REQUEST_PREFIX)
                        || Arrays.compareUnsigned(it.key(), end) >= 0) {
                    return null;
                }
            }
            try (WriteBatch batch = new WriteBatch()) {
                batch.deleteRange(catalogFamily, REQUEST_PREFIX, end);
                commit(batch);
            } catch (RocksDBException e) {
                throw new StorageException("cannot forget old requests", e);
            }
            return null;
        });
    }

    private static byte[] requestKey(byte[] request) {
        return ByteBuffer.allocate(REQUEST_PREFIX.length + request.length)
                .put(REQUEST_PREFIX)
                .put(request)
                .array();
    }

    /**
     * A consistent copy of the whole store in {@code target} (a new directory on the same file
     * system): RocksDB's checkpoint, its memtables flushed and its files hard-linked. A replica
     * takes it between two log entries, as the snapshot of its Raft group's state; a store opened
     * on it is the store as it was then.
     */
    public void checkpoint(Path target) {
        open(() -> {
            try (org.rocksdb.Checkpoint checkpoint = org.rocksdb.Checkpoint.create(db)) {
                checkpoint.createCheckpoint(target.toString());
                return null;
            } catch (RocksDBException e) {
                throw new StorageException("cannot take a checkpoint of the store into " + target, e);
            }
        });
    }

    /** The last replicated log entry whose writes are in this store; -1 if none. */
    public long appliedIndex() {
        return applied().index();
    }

    /** The last replicated command whose writes are in this store ({@link LogPosition#NONE} if none). */
    public LogPosition applied() {
        return open(() -> {
            try {
                byte[] bytes = db.get(catalogFamily, APPLIED_INDEX);
                if (bytes == null) {
                    return LogPosition.NONE;
                }
                ByteBuffer in = ByteBuffer.wrap(bytes);
                long index = in.getLong();
                // Stamped before entries carried several commands: the entry as a whole.
                return new LogPosition(index, in.remaining() >= Integer.BYTES ? in.getInt() : Integer.MAX_VALUE);
            } catch (RocksDBException e) {
                throw new StorageException("cannot read the applied log index", e);
            }
        });
    }

    /**
     * Whether this replica leads its Raft group: only the leader feeds global indexes (a
     * store opened unreplicated always leads).
     */
    public void lead(boolean leader) {
        leading = leader;
        if (leader) {
            wake();
        }
    }

    private void commit(WriteBatch batch) throws RocksDBException {
        commit(durableWrite, batch);
    }

    /**
     * A group of item changes ({@link GroupCommit}), written durably on the open store, unless it
     * was reopened since they were decided in {@code decidedIn}: the change log it reopened with
     * no longer holds their sequence numbers back, so a reader could pass their records unseen.
     */
    private void writeGroup(WriteBatch batch, long decidedIn) {
        open(() -> {
            if (decidedIn != incarnation) {
                throw new StoreFaultException("the store was reopened since the write was decided; retry");
            }
            try {
                db.write(durableWrite, batch);
            } catch (RocksDBException e) {
                throw new StorageException("write failed", e);
            }
            return null;
        });
    }

    private void commit(WriteOptions options, WriteBatch batch) throws RocksDBException {
        LogEntry entry = applying.get();
        if (entry != null) {
            batch.put(
                    catalogFamily,
                    APPLIED_INDEX,
                    ByteBuffer.allocate(Long.BYTES + Integer.BYTES)
                            .putLong(entry.position().index())
                            .putInt(entry.position().part())
                            .array());
            if (entry.request != null && !entry.wrote) {
                // Applied, with the writes: the same request sent again is not applied twice.
                batch.put(
                        catalogFamily,
                        requestKey(entry.request),
                        ByteBuffer.allocate(Long.BYTES).putLong(entry.millis()).array());
            }
            entry.wrote = true;
        }
        db.write(options, batch);
    }

    /** The least sequence number a change record may take: its log entry's time, replicated. */
    private long sequenceFloor() {
        LogEntry entry = applying.get();
        return entry == null ? 0 : entry.millis() * 1000;
    }

    /** The time a new change log's numbers start from: none for a replica (see {@link #sequenceFloor}). */
    private long logClock() {
        return replica ? 0 : System.currentTimeMillis();
    }

    /** The time a write stamps: its log entry's when replicated, else the clock's. */
    private long now() {
        LogEntry entry = applying.get();
        return entry == null ? System.currentTimeMillis() : entry.millis();
    }

    @Override
    public Optional<TableDefinition> describeTable(String name) {
        return open(() -> Optional.ofNullable(tables.get(name)).map(OpenTable::definition));
    }

    @Override
    public List<String> tableNames() {
        return open(
                () -> tables.keySet().stream().sorted(Comparator.naturalOrder()).toList());
    }

    @Override
    public TableEstimates estimates(TableDefinition definition) {
        return new TableEstimates(
                estimatedItemCount(definition), estimatedSizeBytes(definition), indexStatus(definition));
    }

    /** RocksDB's estimate of the table's item count (DynamoDB's own figure is also approximate). */
    public long estimatedItemCount(TableDefinition definition) {
        return open(() -> {
            try {
                return db.getLongProperty(table(definition).family(), "rocksdb.estimate-num-keys");
            } catch (RocksDBException e) {
                throw new StorageException("cannot read item count", e);
            }
        });
    }

    /** RocksDB's estimate of the bytes the table's items take (DescribeTable's TableSizeBytes). */
    public long estimatedSizeBytes(TableDefinition definition) {
        return open(() -> approximateBytes(table(definition).family()));
    }

    /**
     * RocksDB's estimate of the bytes a column family holds, in its files (compressed) and its
     * memtables: DescribeTable's TableSizeBytes and IndexSizeBytes, which DynamoDB itself only
     * estimates.
     */
    private long approximateBytes(ColumnFamilyHandle family) {
        return approximateBytes(family, HashRange.all()); // every key of these families leads with its hash
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

    /** RocksDB's memory in the store's block cache (memtables included) and the cache's capacity. */
    public CacheUse blockCache() {
        return open(() -> new CacheUse(blockCache.getUsage(), blockCache.getPinnedUsage(), memory.cacheBytes()));
    }

    /**
     * How the store's writes have shared WAL syncs since it opened: RocksDB joins writers that
     * arrive while a write is in progress into one group, written and synced by its leader, and
     * the group commit joins the changes queued while it syncs into one write (each change
     * counted here as a write of its own).
     */
    public WriteGroups writeGroups() {
        return open(() -> {
            long led = statistics.getTickerCount(TickerType.WRITE_DONE_BY_SELF);
            long joined = statistics.getTickerCount(TickerType.WRITE_DONE_BY_OTHER);
            long grouped = commits == null ? 0 : commits.changesBeyondWrites();
            return new WriteGroups(led + joined + grouped, led, statistics.getTickerCount(TickerType.WAL_FILE_SYNCED));
        });
    }

    /**
     * The hash ranges this store was last assigned ({@link #recordShardAssignment}), or empty
     * when it never was: part of the store, so it survives restarts and moves with the volume.
     */
    public Optional<String> shardAssignment() {
        return catalogText(SHARD_ASSIGNMENT);
    }

    /**
     * The ranges the pod was started with when it recorded {@link #shardAssignment} (absent in
     * stores recorded before hand-offs: the same). They differ once a range hand-off changed
     * what the store owns; a pod started with the same ranges again serves what the store records.
     */
    public Optional<String> shardAssignmentGiven() {
        return catalogText(SHARD_ASSIGNMENT_GIVEN);
    }

    public void recordShardAssignment(String ranges) {
        recordShardAssignment(ranges, ranges);
    }

    /**
     * Records that the store owns {@code ranges} since a range hand-off, keeping what its pod was
     * given as it was recorded ({@link #shardAssignmentGiven}; before hand-offs, the assignment).
     */
    public void reassignShard(String ranges) {
        String given = shardAssignmentGiven().orElse(shardAssignment().orElse(ranges));
        recordShardAssignment(ranges, given);
    }

    public void recordShardAssignment(String ranges, String given) {
        open(() -> {
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(catalogFamily, SHARD_ASSIGNMENT, ranges.getBytes(StandardCharsets.UTF_8));
                batch.put(catalogFamily, SHARD_ASSIGNMENT_GIVEN, given.getBytes(StandardCharsets.UTF_8));
                commit(batch);
                return null;
            } catch (RocksDBException e) {
                throw new StorageException("cannot record the shard assignment", e);
            }
        });
    }

    /**
     * The sealed hash ranges (of a replicated store) whose hand-off still takes in the global
     * index entries of the changes made before the seal, if any.
     */
    public Optional<String> drainingRanges() {
        return catalogText(SHARD_DRAINING);
    }

    public void recordDrainingRanges(String ranges) {
        recordCatalogText(SHARD_DRAINING, ranges);
    }

    /** The hash ranges this store sealed for a hand-off and still holds (until released), if any. */
    public Optional<String> sealedRanges() {
        return catalogText(SHARD_SEALED);
    }

    public void recordSealedRanges(String ranges) {
        recordCatalogText(SHARD_SEALED, ranges);
    }

    /**
     * The hash ranges this store handed to other pods, each with the address of the pod it went
     * to ({@code first-last=host:port}, comma-separated), if any: kept, so refusals name the new owner.
     */
    public Optional<String> handedOffRanges() {
        return catalogText(SHARD_HANDED_OFF);
    }

    public void recordHandedOffRanges(String ranges) {
        recordCatalogText(SHARD_HANDED_OFF, ranges);
    }

    private Optional<String> catalogText(byte[] key) {
        return open(() -> {
            try {
                byte[] value = db.get(catalogFamily, key);
                return Optional.ofNullable(value).map(v -> new String(v, StandardCharsets.UTF_8));
            } catch (RocksDBException e) {
                throw new StorageException("cannot read " + new String(key, StandardCharsets.UTF_8), e);
            }
        });
    }

    private void recordCatalogText(byte[] key, String value) {
        open(() -> {
            try {
                db.put(catalogFamily, durableWrite, key, value.getBytes(StandardCharsets.UTF_8));
                return null;
            } catch (RocksDBException e) {
                throw new StorageException("cannot record " + new String(key, StandardCharsets.UTF_8), e);
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

    // ---- range hand-off ---------------------------------------------------------------------

    /**
     * Copies {@code definition}'s data in {@code range}, consistent as of one moment, to
     * {@code pages} in pages of about {@code pageBytes}: every part of the table keyed by
     * partition hash ({@link RangeWrite}), read from one RocksDB snapshot. Each page comes with,
     * and the call returns, the WAL sequence number the copy is as of: {@link #rangeChangesSince}
     * from there gives every later change. From now on RocksDB keeps its write-ahead log files for {@code holder}, until
     * {@link #releaseRangeChanges} or five idle minutes.
     */
    public long copyRange(
            TableDefinition definition, HashRange range, String holder, long pageBytes, RangePages pages) {
        return open(() -> {
            RangeFamilies families = rangeFamilies(table(definition));
            holdChanges(holder);
            Snapshot snapshot = db.getSnapshot();
            try (ReadOptions options = new ReadOptions().setSnapshot(snapshot)) {
                List<RangeWrite> writes = new ArrayList<>();
                long bytes = 0;
                KeyRange keys = KeyRange.ofHashRange(range);
                for (Map.Entry<String, ColumnFamilyHandle> family :
                        families.byPart().entrySet()) {
                    String part = family.getKey();
                    boolean ranged = RangeFamilies.hashLeads(part);
                    try (RocksIterator it = db.newIterator(family.getValue(), options)) {
                        if (ranged) {
                            it.seek(keys.start());
                        } else {
                            it.seekToFirst();
                        }
                        for (; it.isValid() && (!ranged || keys.contains(it.key())); it.next()) {
                            byte[] key = it.key();
                            if (!ranged && !RangeFamilies.inRange(part, key, range)) {
                                continue;
                            }
                            RangeWrite write = new RangeWrite(part, RangeWrite.Kind.PUT, key, it.value());
                            writes.add(write);
                            bytes += write.size();
                            if (bytes >= pageBytes) {
                                pages.accept(snapshot.getSequenceNumber(), writes);
                                writes = new ArrayList<>();
                                bytes = 0;
                            }
                        }
                        it.status();
                    }
                }
                if (!writes.isEmpty()) {
                    pages.accept(snapshot.getSequenceNumber(), writes);
                }
                return snapshot.getSequenceNumber();
            } catch (RocksDBException e) {
                throw new StorageException("cannot copy the hash range " + range, e);
            } finally {
                db.releaseSnapshot(snapshot);
            }
        });
    }

    /**
     * The writes to {@code definition}'s data in {@code range} after WAL sequence number
     * {@code after} (from {@link #copyRange} or the last page's {@code through}), in order, up
     * to about {@code maxBytes}. Read from RocksDB's write-ahead log, which {@code holder}'s hold
     * keeps: {@link RangeChangesLostException} if it no longer has them.
     */
    public RangeChanges rangeChangesSince(
            TableDefinition definition, HashRange range, String holder, long after, long maxBytes) {
        return open(() -> {
            RangeFamilies families = rangeFamilies(table(definition));
            touchChangeHold(holder);
            long next = after + 1;
            if (after >= db.getLatestSequenceNumber()) {
                return new RangeChanges(List.of(), after);
            }
            List<RangeWrite> writes = new ArrayList<>();
            long bytes = 0;
            try (TransactionLogIterator log = db.getUpdatesSince(next)) {
                for (; log.isValid() && bytes < maxBytes; log.next()) {
                    TransactionLogIterator.BatchResult result = log.getBatch();
                    try (WriteBatch batch = result.writeBatch()) {
                        long first = result.sequenceNumber();
                        long following = first + batch.count();
                        if (following <= next) {
                            continue;
                        }
                        if (first > next) {
                            throw new RangeChangesLostException("the write-ahead log no longer holds sequence number "
                                    + next + " (it starts again at " + first + ")");
                        }
                        for (RangeWrite write : families.writesIn(batch, range)) {
                            writes.add(write);
                            bytes += write.size();
                        }
                        next = following;
                    }
                }
                log.status();
            } catch (RocksDBException e) {
                // TryAgain: the iterator reached the log's tail while it was being written ("Create a
                // new iterator to fetch the new tail"): what was read stands, the next call goes on.
                if (e.getStatus() == null || e.getStatus().getCode() != Status.Code.TryAgain) {
                    throw new RangeChangesLostException(
                            "the write-ahead log cannot be read from sequence number " + next + ": " + e.getMessage());
                }
            }
            return new RangeChanges(writes, next - 1);
        });
    }

    /** Takes the pages of a {@link #copyRange}, each with the WAL sequence number the copy is as of. */
    @FunctionalInterface
    public interface RangePages {
        void accept(long asOf, List<RangeWrite> writes);
    }

    /** Lets RocksDB delete write-ahead log files again, as far as {@code holder} is concerned. */
    public void releaseRangeChanges(String holder) {
        releaseChangeHolds(holds -> holds.remove(holder) != null);
    }

    private void holdChanges(String holder) {
        synchronized (changeHolds) {
            if (changeHolds.isEmpty()) {
                try {
                    db.disableFileDeletions();
                } catch (RocksDBException e) {
                    throw new StorageException("cannot keep the write-ahead log", e);
                }
            }
            changeHolds.put(holder, System.currentTimeMillis());
        }
    }

    private void touchChangeHold(String holder) {
        synchronized (changeHolds) {
            if (changeHolds.replace(holder, System.currentTimeMillis()) == null) {
                throw new RangeChangesLostException("no hand-off " + holder + " holds the write-ahead log (released, "
                        + "idle too long, or the store restarted)");
            }
        }
    }

    private void releaseIdleChangeHolds() {
        long cutoff = System.currentTimeMillis() - CHANGE_HOLD_IDLE_MILLIS;
        if (releaseChangeHolds(holds -> holds.values().removeIf(touched -> touched < cutoff))) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "range hand-offs idle for {0} ms: write-ahead log files are " + "deleted again",
                    CHANGE_HOLD_IDLE_MILLIS);
        }
    }

    /**
     * Drops holds as {@code release} says (true when it dropped any); once none is left, RocksDB
     * deletes write-ahead log files again. The gate first, then the holds, in the order a reopen
     * takes them (it holds the gate and restores the holds), so the two never wait for each other.
     * Whether deletions were enabled again.
     */
    private boolean releaseChangeHolds(java.util.function.Predicate<Map<String, Long>> release) {
        try {
            return open(() -> {
                synchronized (changeHolds) {
                    if (!release.test(changeHolds) || !changeHolds.isEmpty()) {
                        return false;
                    }
                    try {
                        db.enableFileDeletions();
                    } catch (RocksDBException e) {
                        throw new StorageException("cannot let the write-ahead log go", e);
                    }
                    return true;
                }
            });
        } catch (StoreClosedException e) {
            synchronized (changeHolds) {
                release.test(changeHolds); // closed: nothing of RocksDB's to let go
            }
            return false;
        }
    }

    /**
     * Deletes everything of {@code definition}'s data in {@code range} here, and forgets how far
     * a hand-off had applied: the store that receives a range starts each copy of it from
     * nothing, so nothing of an earlier, abandoned copy stays.
     */
    public void clearRange(TableDefinition definition, HashRange range) {
        clearRange(definition, range, null);
    }

    /**
     * As {@link #clearRange(TableDefinition, HashRange)}, recording in the same batch the hash
     * ranges the store has sealed and still holds from now on ({@code sealedAfter}, if not null):
     * a hand-off's release, all or nothing.
     */
    public void clearRange(TableDefinition definition, HashRange range, String sealedAfter) {
        open(() -> {
            OpenTable table = table(definition);
            RangeFamilies families = rangeFamilies(table);
            KeyRange keys = KeyRange.ofHashRange(range);
            try (WriteBatch batch = new WriteBatch()) {
                for (Map.Entry<String, ColumnFamilyHandle> family :
                        families.byPart().entrySet()) {
                    clearPart(batch, family.getKey(), family.getValue(), keys, range);
                }
                batch.delete(catalogFamily, rangeAppliedKey(familyName(table.family())));
                batch.delete(catalogFamily, rangeSourceKey(familyName(table.family())));
                if (sealedAfter != null) {
                    batch.put(catalogFamily, SHARD_SEALED, sealedAfter.getBytes(StandardCharsets.UTF_8));
                }
                commit(batch);
                return null;
            } catch (RocksDBException e) {
                throw new StorageException("cannot clear the hash range " + range, e);
            }
        });
    }

    private void clearPart(WriteBatch batch, String part, ColumnFamilyHandle family, KeyRange keys, HashRange range)
            throws RocksDBException {
        if (RangeFamilies.hashLeads(part) && keys.end() != null) {
            batch.deleteRange(family, keys.start(), keys.end());
            return;
        }
        try (RocksIterator it = db.newIterator(family)) {
            for (it.seek(RangeFamilies.hashLeads(part) ? keys.start() : new byte[0]); it.isValid(); it.next()) {
                if (RangeFamilies.inRange(part, it.key(), range)) {
                    batch.delete(family, it.key());
                }
            }
            it.status();
        }
    }

    /**
     * Applies a page of a hand-off's writes ({@link #copyRange}, {@link #rangeChangesSince}) to
     * this store's copy of {@code definition}, recording in the same batch that it holds the
     * source's writes {@code through} that WAL sequence number: a crash keeps both or neither,
     * so the merges of item collection sizes are never applied twice.
     */
    public void applyRange(TableDefinition definition, HashRange range, List<RangeWrite> writes, long through) {
        applyRange(definition, range, writes, through, null);
    }

    /**
     * As {@link #applyRange(TableDefinition, HashRange, List, long)}, recording too which source
     * ({@code source}, if not null: a replica's address) {@code through} is a position in the
     * write-ahead log of: each replica of a shard numbers its writes its own way.
     */
    public void applyRange(
            TableDefinition definition, HashRange range, List<RangeWrite> writes, long through, String source) {
        open(() -> {
            OpenTable table = table(definition);
            RangeFamilies families = rangeFamilies(table);
            KeyRange keys = KeyRange.ofHashRange(range);
            try (WriteBatch batch = new WriteBatch()) {
                for (RangeWrite write : writes) {
                    ColumnFamilyHandle family = families.family(write.part());
                    switch (write.kind()) {
                        case PUT -> batch.put(family, write.key(), write.value());
                        case DELETE -> batch.delete(family, write.key());
                        case MERGE -> batch.merge(family, write.key(), write.value());
                        case CLEAR -> clearPart(batch, write.part(), family, keys, range);
                    }
                }
                batch.put(catalogFamily, rangeAppliedKey(familyName(table.family())), ChangeRecordCodec.key(through));
                if (source != null) {
                    batch.put(
                            catalogFamily,
                            rangeSourceKey(familyName(table.family())),
                            source.getBytes(StandardCharsets.UTF_8));
                }
                commit(batch);
                return null;
            } catch (RocksDBException e) {
                throw new StorageException("cannot apply the hash range's writes", e);
            }
        });
    }

    /** Whether this store is receiving a range of {@code table} (see {@link #receiving}). */
    public void receiving(String table, boolean receiving) {
        if (receiving) {
            this.receiving.add(table);
        } else {
            this.receiving.remove(table);
        }
    }

    /** The source's WAL sequence number this store's copy of a range holds writes through, if any. */
    public OptionalLong rangeAppliedThrough(TableDefinition definition) {
        return open(() -> {
            OpenTable table = table(definition);
            try {
                byte[] value = db.get(catalogFamily, rangeAppliedKey(familyName(table.family())));
                return value == null ? OptionalLong.empty() : OptionalLong.of(ChangeRecordCodec.sequenceOf(value));
            } catch (RocksDBException e) {
                throw new StorageException("cannot read how far the hash range is applied", e);
            }
        });
    }

    /**
     * Whether a transaction prepared here and not yet finished holds an item of
     * {@code definition} in {@code range}: its commit would write there, so the range cannot be
     * sealed for a hand-off until it finishes.
     */
    public boolean holdsPreparedIn(TableDefinition definition, HashRange range) {
        String partitionKey = definition.keySchema().partitionKey().name();
        return prepared.values().stream()
                .flatMap(transaction -> transaction.writes().stream())
                .filter(write -> write.tableId().equals(definition.tableId()))
                .anyMatch(write -> range.contains(
                        PrimaryKey.of(write.key().get(partitionKey), null).hash()));
    }

    /** The source replica whose write-ahead log {@link #rangeAppliedThrough} is a position in, if recorded. */
    public Optional<String> rangeAppliedFrom(TableDefinition definition) {
        return open(() -> {
            OpenTable table = table(definition);
            try {
                byte[] value = db.get(catalogFamily, rangeSourceKey(familyName(table.family())));
                return Optional.ofNullable(value).map(v -> new String(v, StandardCharsets.UTF_8));
            } catch (RocksDBException e) {
                throw new StorageException("cannot read where the hash range's writes come from", e);
            }
        });
    }

    /** The last WAL sequence number RocksDB gave a write. */
    public long latestSequence() {
        return open(() -> db.getLatestSequenceNumber());
    }

    private static byte[] rangeAppliedKey(String family) {
        return metadataKey(RANGE_APPLIED_PREFIX + family);
    }

    private static byte[] rangeSourceKey(String family) {
        return metadataKey(RANGE_SOURCE_PREFIX + family);
    }

    // ---- split points ------------------------------------------------------------------------

    /**
     * RocksDB's estimate of the bytes {@code definition}'s data in {@code range} takes here, in
     * files (compressed) and memtables, over every family keyed by partition hash: what a shard
     * splitting by itself compares with its threshold.
     */
    public long approximateRangeBytes(TableDefinition definition, HashRange range) {
        return open(() -> {
            long bytes = 0;
            for (Map.Entry<String, ColumnFamilyHandle> family :
                    rangeFamilies(table(definition)).byPart().entrySet()) {
                if (RangeFamilies.hashLeads(family.getKey())) { // not Time to Live entries: keyed by time
                    bytes += approximateBytes(family.getValue(), range);
                }
            }
            return bytes;
        });
    }

    private long approximateBytes(ColumnFamilyHandle family, HashRange range) {
        KeyRange keys = KeyRange.ofHashRange(range);
        byte[] end = keys.end();
        if (end == null) {
            end = new byte[16];
            Arrays.fill(end, (byte) 0xFF);
        }
        try (Slice start = new Slice(keys.start());
                Slice limit = new Slice(end)) {
            return db.getApproximateSizes(
                            family,
                            List.of(new Range(start, limit)),
                            SizeApproximationFlag.INCLUDE_FILES,
                            SizeApproximationFlag.INCLUDE_MEMTABLES)[0];
        }
    }

    /** Up to this estimate, a range's median is found by reading its items; past it, from RocksDB's estimates. */
    static final long EXACT_MEDIAN_BYTES = 64L << 20;

    /**
     * The partition hash after which {@code range} splits in two halves of its items' bytes;
     * empty when its items share one hash or there are none. A range RocksDB estimates at up to
     * {@link #EXACT_MEDIAN_BYTES} is read once, leaving the block cache alone
     * ({@link HashMedian#of}); a larger one is bisected on RocksDB's size estimates
     * ({@link HashMedian#bisect}: some 64 estimates from the files' indexes, to within a data
     * block), so a shard of many gigabytes is weighed in milliseconds, not read whole.
     */
    public OptionalLong medianHash(TableDefinition definition, HashRange range) {
        return medianHash(definition, range, EXACT_MEDIAN_BYTES);
    }

    OptionalLong medianHash(TableDefinition definition, HashRange range, long exactUpTo) {
        return open(() -> {
            ColumnFamilyHandle items = table(definition).family();
            long total = approximateBytes(items, range);
            try (ReadOptions options = new ReadOptions().setFillCache(false);
                    RocksIterator it = db.newIterator(items, options)) {
                if (total <= exactUpTo) {
                    return HashMedian.of(it, range);
                }
                return HashMedian.bisect(
                        it, range, total, last -> approximateBytes(items, new HashRange(range.first(), last)));
            } catch (RocksDBException e) {
                throw new StorageException("cannot read the hash range " + range, e);
            }
        });
    }

    /** The table's column families a hand-off moves, by part. */
    private static RangeFamilies rangeFamilies(OpenTable table) {
        Map<String, ColumnFamilyHandle> parts = new LinkedHashMap<>();
        parts.put("", table.family());
        table.indexes().forEach((name, family) -> parts.put(INDEX_SUFFIX + name, family));
        if (table.collections() != null) {
            parts.put(ItemCollections.SUFFIX, table.collections().family());
        }
        if (table.ttl() != null) {
            parts.put(TTL_SUFFIX, table.ttl().family());
        }
        return new RangeFamilies(parts);
    }

    // ---- items -------------------------------------------------------------------------------

    @Override
    public Map<String, AttributeValue> get(TableDefinition definition, PrimaryKey key) {
        return open(() -> read(table(definition), key));
    }

    /**
     * As {@link #describeTable}, for a thread that must not wait (an event loop): while the store
     * is being reopened it throws {@link ReadWouldWaitException} rather than wait.
     */
    public Optional<TableDefinition> describeTableWithoutWaiting(String name) {
        return open(() -> Optional.ofNullable(tables.get(name)).map(OpenTable::definition), false);
    }

    /**
     * As {@link #get}, for a thread that must not wait (an event loop): it reads only what is in
     * memory (the memtables and the block cache) and throws {@link ReadWouldWaitException} when
     * the item's blocks would have to come from disk, or while the store is being reopened.
     */
    public Map<String, AttributeValue> getWithoutWaiting(TableDefinition definition, PrimaryKey key) {
        return open(() -> read(table(definition), key, inMemoryRead), false);
    }

    private Map<String, AttributeValue> read(OpenTable table, PrimaryKey key) {
        return read(table, key, null);
    }

    /** {@code key}'s item, read with {@code options} (RocksDB's defaults if null). */
    private Map<String, AttributeValue> read(OpenTable table, PrimaryKey key, ReadOptions options) {
        try {
            byte[] value = options == null
                    ? db.get(table.family(), key.storageKey())
                    : db.get(table.family(), options, key.storageKey());
            return value == null ? null : ItemCodec.decode(value);
        } catch (RocksDBException e) {
            if (e.getStatus() != null && e.getStatus().getCode() == Status.Code.Incomplete) {
                // Only a read limited to memory (inMemoryRead) answers Incomplete.
                throw new ReadWouldWaitException("the item is not in memory");
            }
            throw new StorageException("read failed", e);
        }
    }

    @Override
    public WriteResult write(TableDefinition definition, PrimaryKey key, ItemChange change, ReturnItems returns) {
        return update(definition, key, change::apply, returns);
    }

    @Override
    public CompletableFuture<WriteResult> writeWithoutWaiting(
            TableDefinition definition, PrimaryKey key, ItemChange change, ReturnItems returns) {
        return updateWithoutWaiting(definition, key, change::apply, returns);
    }

    /**
     * The atomic read-modify-write every item write goes through: {@code change} sees the current
     * item (or null) and returns the new one (null deletes it). If {@code change} throws, nothing
     * is written.
     */
    public WriteResult update(
            TableDefinition definition,
            PrimaryKey key,
            UnaryOperator<Map<String, AttributeValue>> change,
            ReturnItems returns) {
        return update(definition, key, change, returns, false);
    }

    /**
     * {@link #update}, by Time to Live when {@code byTimeToLive}: its change record then says the
     * service, not a user, deleted the item.
     */
    public WriteResult update(
            TableDefinition definition,
            PrimaryKey key,
            UnaryOperator<Map<String, AttributeValue>> change,
            ReturnItems returns,
            boolean byTimeToLive) {
        return open(() -> {
            table(definition); // refuse another incarnation before waiting for the lock
            byte[] storageKey = key.storageKey();
            Semaphore lock = itemLocks[stripe(storageKey)];
            lock.acquireUninterruptibly();
            // The table's settings as of now, under the lock: a write that waited across an
            // UpdateTable keeps the index or log the table has now.
            OpenTable table;
            try {
                table = table(definition);
            } catch (RuntimeException e) {
                lock.release();
                throw e;
            }
            List<Long> reserved = new ArrayList<>(1);
            try (WriteBatch batch = new WriteBatch()) {
                Decided decided = decide(table, key, change, returns, byTimeToLive, batch, reserved, null);
                if (decided.staged()) {
                    commit(batch);
                    wakeFeed(table);
                }
                return decided.result();
            } catch (RocksDBException e) {
                throw new StorageException("write failed", e);
            } finally {
                if (!reserved.isEmpty()) {
                    reserved.forEach(table.log()::release);
                }
                lock.release();
            }
        });
    }

    /**
     * As {@link #update}, for a thread that must not wait (an event loop), in an unreplicated
     * store: decides the change now, and hands its write to the store's {@link GroupCommit},
     * whose WAL sync it shares with the writes queued beside it. A failed condition or an invalid
     * change throws here, having written nothing. The future completes once the write is synced
     * (the item's lock is held until then, so no other write to it interleaves, and no read sees
     * it before). Null, having done nothing, when deciding would wait: the item's lock is taken,
     * the item is not in memory, the table keeps item collection sizes (read from disk), the
     * store is being reopened or closed, or it is a replica (whose writes go through its log); the
     * caller then calls {@link #update} on a thread that may wait.
     */
    public CompletableFuture<WriteResult> updateWithoutWaiting(
            TableDefinition definition,
            PrimaryKey key,
            UnaryOperator<Map<String, AttributeValue>> change,
            ReturnItems returns) {
        if (commits == null) {
            return null;
        }
        try {
            return open(() -> decideWithoutWaiting(definition, key, change, returns), false);
        } catch (ReadWouldWaitException e) {
            return null;
        }
    }

    private CompletableFuture<WriteResult> decideWithoutWaiting(
            TableDefinition definition,
            PrimaryKey key,
            UnaryOperator<Map<String, AttributeValue>> change,
            ReturnItems returns) {
        OpenTable table = table(definition);
        if (table.collections() != null) {
            return null;
        }
        Semaphore lock = itemLocks[stripe(key.storageKey())];
        if (!free(lock)) {
            return null;
        }
        List<Long> reserved = new ArrayList<>(1);
        WriteBatch batch = new WriteBatch();
        boolean queued = false;
        try {
            // Taken under the lock, as update takes it: the table's settings as of now.
            table = table(definition);
            Decided decided = decide(table, key, change, returns, false, batch, reserved, inMemoryRead);
            if (!decided.staged()) {
                return CompletableFuture.completedFuture(decided.result());
            }
            // The families the batch writes stay open until it is written (see DroppedFamilies).
            int slot = droppedFamilies.enter();
            OpenTable written = table;
            CompletableFuture<Void> synced = new CompletableFuture<>();
            queued = commits.submit(new GroupCommit.Pending(
                    batch,
                    incarnation,
                    () -> {
                        try {
                            if (!reserved.isEmpty()) {
                                reserved.forEach(written.log()::release);
                            }
                            wakeFeed(written);
                        } finally {
                            lock.release();
                            droppedFamilies.exit(slot);
                        }
                    },
                    synced));
            if (!queued) {
                droppedFamilies.exit(slot);
                return null;
            }
            return synced.thenApply(done -> decided.result());
        } catch (RocksDBException e) {
            throw new StorageException("write failed", e);
        } finally {
            if (!queued) {
                batch.close();
                if (!reserved.isEmpty()) {
                    reserved.forEach(table.log()::release);
                }
                lock.release();
            }
        }
    }

    /**
     * Takes {@code lock} if it is free and no write waits for it (a plain tryAcquire would
     * overtake the writes queued on a fair semaphore, and could starve them).
     */
    private static boolean free(Semaphore lock) {
        try {
            return lock.tryAcquire(0, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What an item change decided: its result, and whether it staged anything to write. */
    private record Decided(WriteResult result, boolean staged) {}

    /**
     * Decides, under the item's lock, the change of the item at {@code key}: reads it (with
     * {@code options}, RocksDB's defaults if null), applies {@code change}, checks the result
     * and stages it in {@code batch} (see {@link #stage}). A failed condition, an invalid item or
     * an item held by a prepared transaction throws, having staged nothing.
     */
    private Decided decide(
            OpenTable table,
            PrimaryKey key,
            UnaryOperator<Map<String, AttributeValue>> change,
            ReturnItems returns,
            boolean byTimeToLive,
            WriteBatch batch,
            List<Long> reserved,
            ReadOptions options)
            throws RocksDBException {
        byte[] storageKey = key.storageKey();
        if (held(table, storageKey)) {
            throw new TransactionConflictException();
        }
        Map<String, AttributeValue> old = read(table, key, options);
        Map<String, AttributeValue> updated = change.apply(old);
        if (updated != null) {
            check(table, updated);
        }
        Staged staged = stage(batch, table, key, old, updated, byTimeToLive, reserved, new HashMap<>());
        return new Decided(WriteResult.of(old, updated, returns, staged.collectionBytes()), staged.any());
    }

    /**
     * What staging an item change did: whether it staged anything, and the bytes of the item's
     * collection after it (-1 for a table without local indexes, which keeps none).
     */
    private record Staged(boolean any, long collectionBytes) {}

    /**
     * Stages, in {@code batch}, changing the item at {@code key} from {@code old} into
     * {@code updated} (either may be null): the item itself, its local index entries, its item
     * collection's size, its Time to Live index entry and its change record, each where the
     * table keeps one. A change that changes nothing visible stages nothing (and so records
     * nothing, as DynamoDB). A collection growing past its limit is refused before anything is
     * staged. Reserved sequence numbers are added to {@code reserved}; the caller releases them
     * once the batch is written or failed. {@code collectionDeltas}: what the batch's earlier
     * writes added to each item collection (see {@link ItemCollections#stage}).
     */
    private Staged stage(
            WriteBatch batch,
            OpenTable table,
            PrimaryKey key,
            Map<String, AttributeValue> old,
            Map<String, AttributeValue> updated,
            boolean byTimeToLive,
            List<Long> reserved,
            Map<ByteBuffer, Long> collectionDeltas)
            throws RocksDBException {
        return stage(batch, table, key, old, updated, byTimeToLive, reserved, collectionDeltas, false);
    }

    private Staged stage(
            WriteBatch batch,
            OpenTable table,
            PrimaryKey key,
            Map<String, AttributeValue> old,
            Map<String, AttributeValue> updated,
            boolean byTimeToLive,
            List<Long> reserved,
            Map<ByteBuffer, Long> collectionDeltas,
            boolean committing)
            throws RocksDBException {
        ChangeRecord.EventName event = ChangeRecord.eventOf(old, updated);
        ItemCollections collections = table.collections();
        byte[] prefix = key.partitionPrefix();
        if (event == null) {
            return new Staged(
                    false,
                    collections == null
                            ? -1
                            : collections.bytes(db, prefix)
                                    + collectionDeltas.getOrDefault(ByteBuffer.wrap(prefix), 0L));
        }
        // A prepared transaction's commit is never refused: its collection was checked when it was
        // prepared (writes to the same collection since may take it a little past the limit).
        long limit = committing ? Long.MAX_VALUE : itemCollectionLimitBytes;
        long collectionBytes = collections == null
                ? -1
                : collections.stage(db, batch, table.definition(), prefix, old, updated, limit, collectionDeltas);
        byte[] storageKey = key.storageKey();
        stage(batch, table, storageKey, updated);
        for (SecondaryIndex index : table.definition().indexes()) {
            if (!index.global()) {
                stageEntry(batch, table, index, old, updated);
            }
        }
        TimeToLiveIndex ttl = table.expiring();
        if (ttl != null) {
            ttl.stage(batch, table.definition().timeToLiveAttribute(), storageKey, old, updated);
        }
        TableChangeLog log = table.recording();
        if (log != null) {
            long sequence = log.reserve(sequenceFloor());
            reserved.add(sequence);
            batch.put(
                    log.family(),
                    ChangeRecordCodec.key(sequence),
                    ChangeRecordCodec.encode(record(table, sequence, event, old, updated, byTimeToLive)));
        }
        return new Staged(true, collectionBytes);
    }

    private void stage(WriteBatch batch, OpenTable table, byte[] storageKey, Map<String, AttributeValue> updated)
            throws RocksDBException {
        breakReads(table, storageKey);
        if (updated == null) {
            batch.delete(table.family(), storageKey);
        } else {
            batch.put(table.family(), storageKey, ItemCodec.encode(updated));
        }
    }

    /**
     * Stages the change of a local secondary index's entry: the old image's entry deleted when the
     * new image has none or another one, the new image's entry put.
     */
    private static void stageEntry(
            WriteBatch batch,
            OpenTable table,
            SecondaryIndex index,
            Map<String, AttributeValue> old,
            Map<String, AttributeValue> updated)
            throws RocksDBException {
        KeySchema schema = table.definition().keySchema();
        byte[] oldKey = old == null ? null : index.entryKey(old, schema);
        byte[] newKey = updated == null ? null : index.entryKey(updated, schema);
        ColumnFamilyHandle family = table.index(index.name());
        if (oldKey != null && (newKey == null || !Arrays.equals(oldKey, newKey))) {
            batch.delete(family, oldKey);
        }
        if (newKey != null) {
            batch.put(family, newKey, ItemCodec.encode(index.project(updated, schema)));
        }
    }

    /**
     * The record of a change, holding the images the table's stream view type keeps, and both
     * when the table has global secondary indexes (their feed needs them).
     */
    private ChangeRecord record(
            OpenTable table,
            long sequence,
            ChangeRecord.EventName event,
            Map<String, AttributeValue> old,
            Map<String, AttributeValue> updated,
            boolean byTimeToLive) {
        TableStream stream = table.definition().stream();
        StreamViewType view = table.definition().hasGlobalIndexes() || stream == null
                ? StreamViewType.NEW_AND_OLD_IMAGES
                : stream.viewType();
        Map<String, AttributeValue> item = updated != null ? updated : old;
        return new ChangeRecord(
                sequence,
                event,
                now(),
                table.definition().keySchema().attributesOf(item),
                view.keepsOldImage() ? old : null,
                view.keepsNewImage() ? updated : null,
                byTimeToLive,
                stream != null);
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
    public CompletableFuture<List<Long>> writeAll(List<TableWrite> writes) {
        try {
            return CompletableFuture.completedFuture(writeBatch(writes));
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

    /**
     * Applies every write together: one WriteBatch, one WAL sync, all or none. Answers, for each
     * write, the bytes of its item collection after it (-1 for a table without local indexes).
     */
    public List<Long> writeBatch(List<TableWrite> writes) {
        return open(() -> applyBatch(writes));
    }

    /**
     * The writes under all their items' lock stripes (taken in ascending order, so two batches,
     * or a batch and a single write, never wait for each other in a cycle), in one WriteBatch
     * with one WAL sync. A change that throws writes nothing of the batch.
     */
    private List<Long> applyBatch(List<TableWrite> writes) {
        List<Long> collectionBytes = new ArrayList<>(writes.size());
        List<OpenTable> tablesOf = new ArrayList<>(writes.size());
        TreeSet<Integer> stripes = new TreeSet<>();
        for (TableWrite write : writes) {
            tablesOf.add(table(write.table()));
            stripes.add(stripe(write.key().storageKey()));
        }
        List<Semaphore> held = new ArrayList<>(stripes.size());
        Map<TableChangeLog, List<Long>> reserved = new HashMap<>();
        Map<ByteBuffer, Long> collectionDeltas = new HashMap<>();
        try (WriteBatch batch = new WriteBatch()) {
            lockInOrder(stripes, held);
            // The tables' settings as of now, under the locks (see update).
            for (int i = 0; i < writes.size(); i++) {
                tablesOf.set(i, table(writes.get(i).table()));
            }
            boolean staged = false;
            for (int i = 0; i < writes.size(); i++) {
                TableWrite write = writes.get(i);
                OpenTable table = tablesOf.get(i);
                byte[] storageKey = write.key().storageKey();
                if (held(table, storageKey)) {
                    throw new TransactionConflictException();
                }
                // The current item is read only where it matters: a condition, an update, or a table
                // that records its changes or indexes expiries (which need the item replaced). An
                // unconditional put or delete on another table is staged blind.
                boolean needsCurrent = table.recording() != null
                        || table.expiring() != null
                        || !table.indexes().isEmpty()
                        || write.change().condition() != null
                        || write.change().kind() == ItemChange.Kind.UPDATE;
                Map<String, AttributeValue> current = null;
                if (needsCurrent) {
                    byte[] bytes = db.get(table.family(), storageKey);
                    current = bytes == null ? null : ItemCodec.decode(bytes);
                }
                Map<String, AttributeValue> updated = write.change().apply(current);
                if (updated != null) {
                    check(table, updated);
                }
                if (!needsCurrent) {
                    stage(batch, table, storageKey, updated);
                    staged = true;
                    collectionBytes.add(-1L);
                    continue;
                }
                List<Long> sequences = table.log() == null
                        ? new ArrayList<>()
                        : reserved.computeIfAbsent(table.log(), l -> new ArrayList<>());
                Staged change = stage(batch, table, write.key(), current, updated, false, sequences, collectionDeltas);
                staged |= change.any();
                collectionBytes.add(change.collectionBytes());
            }
            if (staged) {
                commit(batch);
                tablesOf.forEach(this::wakeFeed);
            }
            return collectionBytes;
        } catch (RocksDBException e) {
            throw new StorageException("batch write failed", e);
        } finally {
            reserved.forEach((log, sequences) -> sequences.forEach(log::release));
            for (Semaphore lock : held) {
                lock.release();
            }
        }
    }

    // ---- transactions ------------------------------------------------------------------------

    /** {@link #transactNow}, already done. */
    @Override
    public CompletableFuture<List<WriteResult>> transact(List<TableWrite> writes, TransactionToken token) {
        try {
            return CompletableFuture.completedFuture(transactNow(writes, token));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Applies a transaction whose items all live in this store: all or none, under every item's
     * lock stripe (in ascending order), every condition checked against the items as they are,
     * one WriteBatch and one WAL sync. With a {@code token} (nullable), its ledger record is
     * written in the same batch, and a repeat of the same request within ten minutes writes
     * nothing and succeeds again.
     *
     * @throws TransactionCanceledException with one reason per write, in order, when any write cannot be done
     */
    public List<WriteResult> transactNow(List<TableWrite> writes, TransactionToken token) {
        return open(() -> applyTransaction(writes, token));
    }

    private List<WriteResult> applyTransaction(List<TableWrite> writes, TransactionToken token) {
        TreeSet<Integer> stripes = new TreeSet<>();
        for (TableWrite write : writes) {
            table(write.table()); // refuse another incarnation before waiting for the locks
            stripes.add(stripe(write.key().storageKey()));
        }
        byte[] ledgerKey = token == null ? null : TransactionLedger.key(token.transactionId());
        if (ledgerKey != null) {
            stripes.add(stripe(ledgerKey));
        }
        List<Semaphore> held = new ArrayList<>(stripes.size());
        Map<TableChangeLog, List<Long>> reserved = new HashMap<>();
        try (WriteBatch batch = new WriteBatch()) {
            lockInOrder(stripes, held);
            long now = now();
            if (ledgerKey != null) {
                byte[] recorded = db.get(catalogFamily, ledgerKey);
                TransactionLedger.Entry entry = recorded == null ? null : TransactionLedger.Entry.decode(recorded);
                if (entry != null && entry.idempotentAt(now)) {
                    return token.repeatOf(entry, writes.size());
                }
            }
            // The tables' settings as of now, under the locks (see update).
            List<OpenTable> tablesOf = new ArrayList<>(writes.size());
            List<Map<String, AttributeValue>> olds = new ArrayList<>(writes.size());
            List<Map<String, AttributeValue>> updates = new ArrayList<>(writes.size());
            List<CancellationReason> reasons = new ArrayList<>(writes.size());
            boolean cancelled = false;
            for (TableWrite write : writes) {
                OpenTable table = table(write.table());
                tablesOf.add(table);
                Map<String, AttributeValue> current = read(table, write.key());
                olds.add(current);
                Evaluated evaluated = evaluate(table, write, current);
                cancelled |= !evaluated.reason().isNone();
                reasons.add(evaluated.reason());
                updates.add(evaluated.updated());
            }
            if (cancelled) {
                throw new TransactionCanceledException(reasons);
            }
            Map<ByteBuffer, Long> collectionDeltas = new HashMap<>();
            List<WriteResult> results = new ArrayList<>(writes.size());
            boolean staged = false;
            for (int i = 0; i < writes.size(); i++) {
                OpenTable table = tablesOf.get(i);
                List<Long> sequences = table.log() == null
                        ? new ArrayList<>()
                        : reserved.computeIfAbsent(table.log(), l -> new ArrayList<>());
                Staged change;
                try {
                    change = stage(
                            batch,
                            table,
                            writes.get(i).key(),
                            olds.get(i),
                            updates.get(i),
                            false,
                            sequences,
                            collectionDeltas);
                } catch (DynamoDbException e) {
                    if (e.error() != DynamoDbError.ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED) {
                        throw e;
                    }
                    List<CancellationReason> limited =
                            new ArrayList<>(Collections.nCopies(writes.size(), CancellationReason.none()));
                    limited.set(
                            i,
                            new CancellationReason(
                                    CancellationReason.ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED, e.getMessage(), null));
                    throw new TransactionCanceledException(limited);
                }
                staged |= change.any();
                results.add(WriteResult.of(olds.get(i), updates.get(i), ReturnItems.NONE, change.collectionBytes()));
            }
            if (ledgerKey != null) {
                batch.put(
                        catalogFamily,
                        ledgerKey,
                        new TransactionLedger.Entry(
                                        TransactionLedger.Decision.COMMITTED, now, token.fingerprint(), true)
                                .encode());
            }
            if (staged || ledgerKey != null) {
                commit(batch);
                tablesOf.forEach(this::wakeFeed);
            }
            return results;
        } catch (RocksDBException e) {
            throw new StorageException("transaction write failed", e);
        } finally {
            reserved.forEach((log, sequences) -> sequences.forEach(log::release));
            for (Semaphore lock : held) {
                lock.release();
            }
        }
    }

    /**
     * A transaction's write evaluated against the item as it is: the item after it, or why it
     * cannot be done (an item held by another transaction, a failed condition, an invalid change).
     */
    private record Evaluated(Map<String, AttributeValue> updated, CancellationReason reason) {}

    private Evaluated evaluate(OpenTable table, TableWrite write, Map<String, AttributeValue> current) {
        if (held(table, write.key().storageKey())) {
            return new Evaluated(null, CancellationReason.conflict());
        }
        try {
            Map<String, AttributeValue> updated = write.change().apply(current);
            if (updated != null) {
                check(table, updated);
            }
            return new Evaluated(updated, CancellationReason.none());
        } catch (ConditionalCheckFailedException e) {
            return new Evaluated(null, CancellationReason.conditionalCheckFailed(e.item()));
        } catch (DynamoDbException e) {
            return new Evaluated(
                    null, new CancellationReason(CancellationReason.VALIDATION_ERROR, e.getMessage(), null));
        }
    }

    /**
     * A prepared write's item collection checked against its limit now (its commit cannot be
     * refused): the collection's bytes with the write, and this transaction's earlier writes,
     * counted in a batch that is never written.
     */
    private Evaluated withinCollectionLimit(
            OpenTable table,
            PrimaryKey key,
            Map<String, AttributeValue> current,
            Evaluated evaluated,
            Map<ByteBuffer, Long> collectionDeltas) {
        try (WriteBatch scratch = new WriteBatch()) {
            table.collections()
                    .stage(
                            db,
                            scratch,
                            table.definition(),
                            key.partitionPrefix(),
                            current,
                            evaluated.updated(),
                            itemCollectionLimitBytes,
                            collectionDeltas);
            return evaluated;
        } catch (DynamoDbException e) {
            if (e.error() != DynamoDbError.ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED) {
                throw e;
            }
            return new Evaluated(
                    null,
                    new CancellationReason(
                            CancellationReason.ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED, e.getMessage(), null));
        } catch (RocksDBException e) {
            throw new StorageException("cannot read an item collection's size", e);
        }
    }

    /** {@link #readTogether}, already done. */
    @Override
    public CompletableFuture<List<Map<String, AttributeValue>>> getTransactional(List<TableKey> keys, String readId) {
        try {
            return CompletableFuture.completedFuture(readTogether(keys, readId));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The items of {@code keys} (null where there is none) as they are at one moment: read
     * under all their lock stripes, so no write of this store lies between two of them. An item
     * a prepared transaction holds cancels the read (TransactionConflict for it). With a
     * {@code readId} (nullable: a read of this store alone), the items stay marked until
     * {@link #releaseReads}, which says whether any of them was written (or prepared) meanwhile.
     */
    public List<Map<String, AttributeValue>> readTogether(List<TableKey> keys, String readId) {
        return open(() -> {
            TreeSet<Integer> stripes = new TreeSet<>();
            for (TableKey key : keys) {
                table(key.table());
                stripes.add(stripe(key.key().storageKey()));
            }
            List<Semaphore> held = new ArrayList<>(stripes.size());
            try {
                lockInOrder(stripes, held);
                List<Map<String, AttributeValue>> items = new ArrayList<>(keys.size());
                List<CancellationReason> reasons = new ArrayList<>(keys.size());
                boolean conflict = false;
                for (TableKey key : keys) {
                    OpenTable table = table(key.table());
                    boolean taken = held(table, key.key().storageKey());
                    conflict |= taken;
                    reasons.add(taken ? CancellationReason.conflict() : CancellationReason.none());
                    items.add(read(table, key.key()));
                }
                if (conflict) {
                    throw new TransactionCanceledException(reasons);
                }
                if (readId != null) {
                    List<ByteBuffer> marked = new ArrayList<>(keys.size());
                    for (TableKey key : keys) {
                        ByteBuffer item = itemId(table(key.table()), key.key().storageKey());
                        // Added inside the map's own operation: a release emptying the set at the same
                        // time cannot drop it with this mark in it.
                        readMarks.compute(item, (i, ids) -> {
                            Set<String> marks = ids == null ? ConcurrentHashMap.newKeySet() : ids;
                            marks.add(readId);
                            return marks;
                        });
                        marked.add(item);
                    }
                    reads.put(readId, new ReadMark(marked, System.currentTimeMillis(), new AtomicBoolean(true)));
                }
                return items;
            } finally {
                held.forEach(Semaphore::release);
            }
        });
    }

    /** The marks of a transactional read: its items, when it was made, and whether none was written since. */
    private record ReadMark(List<ByteBuffer> items, long atMillis, AtomicBoolean intact) {}

    @Override
    public CompletableFuture<Boolean> releaseReads(String readId) {
        try {
            return CompletableFuture.completedFuture(releaseReadsNow(readId));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Ends the transactional read {@code readId}: true if none of its items was written or
     * prepared for writing since it read them (false too for a read this store does not know:
     * its marks were dropped, or the store restarted).
     */
    public boolean releaseReadsNow(String readId) {
        return open(() -> {
            ReadMark mark = reads.remove(readId);
            if (mark == null) {
                return false;
            }
            unmark(readId, mark);
            return mark.intact().get();
        });
    }

    private void unmark(String readId, ReadMark mark) {
        for (ByteBuffer item : mark.items()) {
            readMarks.computeIfPresent(item, (i, ids) -> {
                ids.remove(readId);
                return ids.isEmpty() ? null : ids;
            });
        }
    }

    /** Drops the marks of transactional reads nobody released (their gateway died). */
    private void dropStaleReads() {
        long cutoff = System.currentTimeMillis() - READ_MARK_MILLIS;
        reads.forEach((id, mark) -> {
            if (mark.atMillis() < cutoff && reads.remove(id, mark)) {
                unmark(id, mark);
            }
        });
    }

    /** An item across the store's tables: its table incarnation and storage key. */
    private static ByteBuffer itemId(OpenTable table, byte[] storageKey) {
        return itemId(table.definition().tableId(), storageKey);
    }

    private static ByteBuffer itemId(String tableId, byte[] storageKey) {
        byte[] id = tableId.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = Arrays.copyOf(id, id.length + 1 + storageKey.length);
        System.arraycopy(storageKey, 0, bytes, id.length + 1, storageKey.length);
        return ByteBuffer.wrap(bytes);
    }

    /** Whether a prepared transaction holds the item (called under the item's lock). */
    private boolean held(OpenTable table, byte[] storageKey) {
        return !heldItems.isEmpty() && heldItems.containsKey(itemId(table, storageKey));
    }

    /** The item is being written or prepared: every transactional read of it is no longer good. */
    private void breakReads(OpenTable table, byte[] storageKey) {
        if (readMarks.isEmpty()) {
            return;
        }
        Set<String> ids = readMarks.remove(itemId(table, storageKey));
        if (ids != null) {
            for (String id : ids) {
                ReadMark mark = reads.get(id);
                if (mark != null) {
                    mark.intact().set(false);
                }
            }
        }
    }

    // ---- two-phase commit (a transaction spanning stores) ------------------------------------

    @Override
    public CompletableFuture<List<WriteResult>> prepare(
            String transactionId, String ledgerAddress, List<TableWrite> writes) {
        try {
            return CompletableFuture.completedFuture(prepareNow(transactionId, ledgerAddress, writes));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Phase one: under the items' locks, every write checked (an item held by another
     * transaction is a TransactionConflict) and its image on commit decided; then the prepared
     * transaction is written durably and its items held until {@link #finishNow}. Preparing
     * the same transaction again changes nothing.
     *
     * @throws TransactionCanceledException with one reason per write, in order, when any cannot be done
     */
    public List<WriteResult> prepareNow(String transactionId, String ledgerAddress, List<TableWrite> writes) {
        return open(() -> {
            TreeSet<Integer> stripes = new TreeSet<>();
            for (TableWrite write : writes) {
                table(write.table());
                stripes.add(stripe(write.key().storageKey()));
            }
            List<Semaphore> held = new ArrayList<>(stripes.size());
            try {
                lockInOrder(stripes, held);
                if (prepared.containsKey(transactionId)) {
                    return Collections.nCopies(writes.size(), WriteResult.NOTHING);
                }
                List<WriteResult> results = new ArrayList<>(writes.size());
                List<PreparedTransaction.Write> prepares = new ArrayList<>(writes.size());
                List<CancellationReason> reasons = new ArrayList<>(writes.size());
                List<OpenTable> tablesOf = new ArrayList<>(writes.size());
                boolean cancelled = false;
                Map<ByteBuffer, Long> collectionDeltas = new HashMap<>();
                for (TableWrite write : writes) {
                    OpenTable table = table(write.table());
                    tablesOf.add(table);
                    Map<String, AttributeValue> current = read(table, write.key());
                    Evaluated evaluated = evaluate(table, write, current);
                    if (evaluated.reason().isNone() && table.collections() != null) {
                        evaluated = withinCollectionLimit(table, write.key(), current, evaluated, collectionDeltas);
                    }
                    cancelled |= !evaluated.reason().isNone();
                    reasons.add(evaluated.reason());
                    Map<String, AttributeValue> updated = evaluated.updated();
                    PreparedTransaction.Outcome outcome = updated == null
                            ? (current == null
                                    ? PreparedTransaction.Outcome.NOTHING
                                    : PreparedTransaction.Outcome.DELETE)
                            : (updated.equals(current)
                                    ? PreparedTransaction.Outcome.NOTHING
                                    : PreparedTransaction.Outcome.PUT);
                    prepares.add(new PreparedTransaction.Write(
                            table.definition().name(),
                            table.definition().tableId(),
                            table.definition()
                                    .keySchema()
                                    .attributesOf(write.change().item()),
                            outcome,
                            outcome == PreparedTransaction.Outcome.PUT ? updated : null));
                    results.add(WriteResult.of(current, updated, ReturnItems.NONE, -1));
                }
                if (cancelled) {
                    throw new TransactionCanceledException(reasons);
                }
                PreparedTransaction transaction =
                        new PreparedTransaction(transactionId, ledgerAddress, now(), List.copyOf(prepares));
                try (WriteBatch batch = new WriteBatch()) {
                    batch.put(catalogFamily, PreparedTransaction.key(transactionId), transaction.encode());
                    commit(batch);
                }
                prepared.put(transactionId, transaction);
                for (int i = 0; i < writes.size(); i++) {
                    byte[] storageKey = writes.get(i).key().storageKey();
                    breakReads(tablesOf.get(i), storageKey);
                    heldItems.put(itemId(tablesOf.get(i), storageKey), transactionId);
                }
                return results;
            } catch (RocksDBException e) {
                throw new StorageException("cannot prepare transaction " + transactionId, e);
            } finally {
                held.forEach(Semaphore::release);
            }
        });
    }

    @Override
    public CompletableFuture<Void> finish(String transactionId, boolean commit) {
        try {
            finishNow(transactionId, commit);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Phase two: applies the prepared transaction's images ({@code commit}) or drops them, and
     * lets its items go; one WriteBatch, one sync. A transaction not prepared here (never, or
     * already finished) changes nothing, so finishing twice is harmless.
     */
    public void finishNow(String transactionId, boolean commit) {
        open(() -> {
            PreparedTransaction transaction = prepared.get(transactionId);
            if (transaction == null) {
                return null;
            }
            // Each write's table as it is now; a write whose table is gone, or is another incarnation, is moot.
            List<OpenTable> tablesOf = new ArrayList<>();
            List<PrimaryKey> keys = new ArrayList<>();
            TreeSet<Integer> stripes = new TreeSet<>();
            for (PreparedTransaction.Write write : transaction.writes()) {
                OpenTable table = tables.get(write.table());
                boolean same = table != null && table.definition().tableId().equals(write.tableId());
                PrimaryKey key = same ? table.definition().keySchema().keyOf(write.key(), true) : null;
                tablesOf.add(same ? table : null);
                keys.add(key);
                if (key != null) {
                    stripes.add(stripe(key.storageKey()));
                }
            }
            List<Semaphore> held = new ArrayList<>(stripes.size());
            Map<TableChangeLog, List<Long>> reserved = new HashMap<>();
            try (WriteBatch batch = new WriteBatch()) {
                lockInOrder(stripes, held);
                if (prepared.get(transactionId) != transaction) {
                    return null; // finished meanwhile
                }
                // The tables' settings as of now, under the locks (see update): an UpdateTable in
                // between (a stream, a global index, Time to Live) applies to these writes too.
                for (int i = 0; i < keys.size(); i++) {
                    if (tablesOf.get(i) != null) {
                        OpenTable now = tables.get(transaction.writes().get(i).table());
                        boolean same = now != null
                                && now.definition()
                                        .tableId()
                                        .equals(transaction.writes().get(i).tableId());
                        tablesOf.set(i, same ? now : null);
                    }
                }
                Map<ByteBuffer, Long> collectionDeltas = new HashMap<>();
                for (int i = 0; i < keys.size(); i++) {
                    PreparedTransaction.Write write = transaction.writes().get(i);
                    OpenTable table = tablesOf.get(i);
                    if (!commit || table == null || write.outcome() == PreparedTransaction.Outcome.NOTHING) {
                        continue;
                    }
                    Map<String, AttributeValue> old = read(table, keys.get(i));
                    List<Long> sequences = table.log() == null
                            ? new ArrayList<>()
                            : reserved.computeIfAbsent(table.log(), l -> new ArrayList<>());
                    stage(batch, table, keys.get(i), old, write.image(), false, sequences, collectionDeltas, true);
                }
                batch.delete(catalogFamily, PreparedTransaction.key(transactionId));
                commit(batch);
                prepared.remove(transactionId);
                for (int i = 0; i < keys.size(); i++) {
                    if (keys.get(i) != null) {
                        heldItems.remove(
                                itemId(
                                        transaction.writes().get(i).tableId(),
                                        keys.get(i).storageKey()),
                                transactionId);
                    }
                }
                tablesOf.stream().filter(java.util.Objects::nonNull).forEach(this::wakeFeed);
                return null;
            } catch (RocksDBException e) {
                throw new StorageException("cannot finish transaction " + transactionId, e);
            } finally {
                reserved.forEach((log, sequences) -> sequences.forEach(log::release));
                held.forEach(Semaphore::release);
            }
        });
    }

    /** The transactions prepared here before {@code cutoffMillis} and not finished yet. */
    public List<PreparedTransaction> preparedBefore(long cutoffMillis) {
        return prepared.values().stream()
                .filter(t -> t.preparedAtMillis() < cutoffMillis)
                .toList();
    }

    /** Reads the prepared transactions back at start-up and holds their items again. */
    private void loadPrepared() {
        try (RocksIterator it = db.newIterator(catalogFamily)) {
            byte[] prefix = PreparedTransaction.PREFIX;
            for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                PreparedTransaction transaction = PreparedTransaction.decode(it.value());
                prepared.put(transaction.id(), transaction);
                for (PreparedTransaction.Write write : transaction.writes()) {
                    OpenTable table = tables.get(write.table());
                    if (table != null && table.definition().tableId().equals(write.tableId())) {
                        byte[] storageKey = table.definition()
                                .keySchema()
                                .keyOf(write.key(), true)
                                .storageKey();
                        heldItems.put(itemId(write.tableId(), storageKey), transaction.id());
                    }
                }
            }
        }
    }

    @Override
    public CompletableFuture<TransactionLedger.Entry> decide(
            String transactionId, TransactionLedger.Entry proposal, String tokenId) {
        try {
            return CompletableFuture.completedFuture(decideNow(transactionId, proposal, tokenId));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The ledger's decision for {@code transactionId}: the one recorded, if any (and, when
     * {@code proposal} says the same decision is now complete, marked so); otherwise
     * {@code proposal}, recorded durably (null proposal: only look; answers null when none).
     * Whoever decides first decides for good. A commit proposed with a {@code tokenId}
     * (nullable) records, in the same write, that the token's request is done; if another
     * attempt of the token's request committed first, this transaction is recorded aborted and
     * the token's record (complete, with the request's fingerprint) is answered instead.
     */
    public TransactionLedger.Entry decideNow(String transactionId, TransactionLedger.Entry proposal, String tokenId) {
        return open(() -> {
            byte[] key = TransactionLedger.key(transactionId);
            byte[] tokenKey = tokenId == null ? null : TransactionLedger.key(tokenId);
            TreeSet<Integer> stripes = new TreeSet<>();
            stripes.add(stripe(key));
            if (tokenKey != null) {
                stripes.add(stripe(tokenKey));
            }
            List<Semaphore> held = new ArrayList<>(2);
            lockInOrder(stripes, held);
            try (WriteBatch batch = new WriteBatch()) {
                byte[] recorded = db.get(catalogFamily, key);
                if (recorded != null) {
                    TransactionLedger.Entry entry = TransactionLedger.Entry.decode(recorded);
                    if (proposal != null
                            && proposal.complete()
                            && !entry.complete()
                            && proposal.decision() == entry.decision()) {
                        TransactionLedger.Entry complete = new TransactionLedger.Entry(
                                entry.decision(), entry.decidedAtMillis(), entry.fingerprint(), true);
                        if (entry.fingerprint().length == 0) {
                            db.delete(catalogFamily, unsyncedWrite, key); // no token: nobody asks again
                        } else {
                            db.put(catalogFamily, unsyncedWrite, key, complete.encode());
                        }
                        return complete;
                    }
                    return entry;
                }
                if (proposal == null || proposal.complete()) {
                    return null;
                }
                if (tokenKey != null && proposal.decision() == TransactionLedger.Decision.COMMITTED) {
                    byte[] tokenBytes = db.get(catalogFamily, tokenKey);
                    TransactionLedger.Entry done =
                            tokenBytes == null ? null : TransactionLedger.Entry.decode(tokenBytes);
                    if (done != null && done.idempotentAt(now())) {
                        // The token's request was committed by another attempt meanwhile: this one aborts,
                        // and the caller gets the token's record (complete, with its fingerprint).
                        db.put(
                                catalogFamily,
                                durableWrite,
                                key,
                                new TransactionLedger.Entry(
                                                TransactionLedger.Decision.ABORTED,
                                                proposal.decidedAtMillis(),
                                                null,
                                                false)
                                        .encode());
                        return done;
                    }
                }
                batch.put(
                        catalogFamily,
                        key,
                        new TransactionLedger.Entry(proposal.decision(), proposal.decidedAtMillis(), null, false)
                                .encode());
                if (tokenKey != null && proposal.decision() == TransactionLedger.Decision.COMMITTED) {
                    batch.put(
                            catalogFamily,
                            tokenKey,
                            new TransactionLedger.Entry(
                                            proposal.decision(),
                                            proposal.decidedAtMillis(),
                                            proposal.fingerprint(),
                                            true)
                                    .encode());
                }
                commit(batch);
                return proposal;
            } catch (RocksDBException e) {
                throw new StorageException("cannot decide transaction " + transactionId, e);
            } finally {
                held.forEach(Semaphore::release);
            }
        });
    }

    /** Lowers the item collection limit from DynamoDB's 10 GB: for tests, which cannot write 10 GB. */
    void limitItemCollections(long bytes) {
        itemCollectionLimitBytes = bytes;
    }

    /**
     * Takes the item lock stripes in ascending order, adding each to {@code held} as it is taken
     * (for the caller's finally to release): two callers holding several never wait for each
     * other in a cycle.
     */
    private void lockInOrder(SortedSet<Integer> stripes, List<Semaphore> held) {
        for (int stripe : stripes) {
            itemLocks[stripe].acquireUninterruptibly();
            held.add(itemLocks[stripe]);
        }
    }

    /** The item lock stripe of {@code storageKey}. */
    static int stripe(byte[] storageKey) {
        return Math.floorMod(Arrays.hashCode(storageKey), LOCK_STRIPES);
    }

    /** Refuses an item too large, or whose index key attributes have another type than the indexes declare. */
    private static void check(OpenTable table, Map<String, AttributeValue> item) {
        if (ItemSize.of(item) > ItemSize.MAX_ITEM_BYTES) {
            throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
        }
        SecondaryIndexes.checkItem(table.definition(), item);
    }

    // ---- ranges ------------------------------------------------------------------------------

    @Override
    public Page query(
            TableDefinition definition,
            String index,
            AttributeValue partitionKey,
            SortKeyCondition condition,
            boolean forward,
            int limit,
            long maxBytes,
            byte[] exclusiveStart) {
        return open(() -> {
            byte[] prefix = PrimaryKey.partitionPrefix(partitionKey);
            KeyRange range = condition == null ? KeyRange.ofPartition(prefix) : KeyRange.of(prefix, condition);
            OpenTable table = table(definition);
            catchUpGlobalIndexes(table, index);
            return read(family(table, index), range, forward, limit, maxBytes, exclusiveStart);
        });
    }

    @Override
    public Page scan(
            TableDefinition definition,
            String index,
            HashRange hashRange,
            int limit,
            long maxBytes,
            byte[] exclusiveStart) {
        return open(() -> {
            OpenTable table = table(definition);
            catchUpGlobalIndexes(table, index);
            return read(family(table, index), KeyRange.ofHashRange(hashRange), true, limit, maxBytes, exclusiveStart);
        });
    }

    /** The column family a read of {@code index} (null: the table itself) goes to. */
    private static ColumnFamilyHandle family(OpenTable table, String index) {
        return index == null ? table.family() : table.index(index);
    }

    private Page read(
            ColumnFamilyHandle family,
            KeyRange range,
            boolean forward,
            int limit,
            long maxBytes,
            byte[] exclusiveStart) {
        if (exclusiveStart != null) {
            range = forward ? range.after(exclusiveStart) : range.before(exclusiveStart);
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        if (range.isEmpty()) {
            return new Page(items, null);
        }
        long bytes = 0;
        try (RocksIterator it = db.newIterator(family)) {
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
        if (commits != null) {
            commits.close(); // the writes it holds were decided: written before the store closes
        }
        closed = true;
        background.shutdownNow();
        feed.interrupt();
        boolean drained;
        try {
            drained = gate.writeLock().tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        try {
            synchronized (ddlLock) {
                try {
                    if (db != null) {
                        db.syncWal();
                    }
                } catch (RocksDBException e) {
                    // Every acknowledged write was already synced; nothing is lost if this fails.
                }
                closeDatabase();
                faults.close();
                durableWrite.close();
                unsyncedWrite.close();
                inMemoryRead.close();
                dbOptions.close();
                statistics.close();
                tableOptions.close();
                collectionOptions.close();
                collectionMerge.close();
                bloomFilter.close();
                writeBuffers.close();
                blockCache.close();
            }
        } finally {
            if (drained) {
                gate.writeLock().unlock();
            }
        }
    }
}
