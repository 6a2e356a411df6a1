package io.kubedyn.bench.micro;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.ItemCodec;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.ReturnItems;
import io.kubedyn.storage.WriteResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/**
 * {@link PartitionStore} against raw RocksDB with the same options (LZ4, 256 MB block cache,
 * bloom filter, one column family, synced WAL), in the same run and on the same disk: what the
 * store adds on top of RocksDB (the item's lock stripe, the read before every write, the item
 * codec and size check) is the gap between the two. The raw side writes and reads bytes already
 * encoded, as RocksDB would be used with no item model at all.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoreBenchmark {
    private static final String TABLE = "bench";

    /** Items in each store, all present before measuring. */
    @Param("10000")
    public int keyCount;

    private Path dir;
    private PartitionStore store;
    private LRUCache cache;
    private BloomFilter bloom;
    private ColumnFamilyOptions tableOptions;
    private TableDefinition table;
    private DBOptions dbOptions;
    private WriteOptions syncWrite;
    private RocksDB raw;
    private final List<ColumnFamilyHandle> rawHandles = new ArrayList<>();
    private ColumnFamilyHandle rawTable;

    private PrimaryKey[] keys;
    private byte[][] storageKeys;
    private Map<String, AttributeValue>[] items;
    private byte[][] encodedItems;
    private int next;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("kubedyn-store-bench");
        keys = new PrimaryKey[keyCount];
        storageKeys = new byte[keyCount][];
        items = new Map[keyCount];
        encodedItems = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++) {
            AttributeValue id = new AttributeValue.S(String.format("user%010d", i));
            keys[i] = PrimaryKey.of(id, null);
            storageKeys[i] = keys[i].storageKey();
            Map<String, AttributeValue> item = new LinkedHashMap<>();
            item.put("id", id);
            for (int f = 0; f < 10; f++) {
                item.put(
                        "field" + f,
                        new AttributeValue.S(
                                ("v" + i + "-" + f + "-").repeat(34).substring(0, 100)));
            }
            items[i] = item;
            encodedItems[i] = ItemCodec.encode(item);
        }

        store = PartitionStore.open(dir.resolve("store"));
        table = new TableDefinition(
                TABLE,
                UUID.randomUUID().toString(),
                KeySchema.of(new KeyAttribute("id", ScalarType.S), null),
                Map.of("id", ScalarType.S),
                "PAY_PER_REQUEST",
                0,
                0,
                System.currentTimeMillis());
        store.createTable(table);

        RocksDB.loadLibrary();
        cache = new LRUCache(256L * 1024 * 1024);
        bloom = new BloomFilter(10);
        tableOptions = new ColumnFamilyOptions()
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(
                        new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(bloom));
        dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        syncWrite = new WriteOptions().setSync(true);
        raw = RocksDB.open(
                dbOptions,
                dir.resolve("raw").toString(),
                List.of(
                        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, tableOptions),
                        new ColumnFamilyDescriptor("bench".getBytes(), tableOptions)),
                rawHandles);
        rawTable = rawHandles.get(1);

        // Both start with every key present, so a get always finds its item and a put always replaces one.
        // The store syncs every write: many writers at once share each sync, which keeps set-up short.
        ExecutorService writers = Executors.newFixedThreadPool(32);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < keyCount; i++) {
                int index = i;
                writes.add(writers.submit(() -> put(index)));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            writers.shutdown();
        }
        try (WriteOptions unsynced = new WriteOptions()) {
            for (int i = 0; i < keyCount; i++) {
                raw.put(rawTable, unsynced, storageKeys[i], encodedItems[i]);
            }
        }
    }

    private int nextIndex() {
        int i = next;
        next = i + 1 == keyCount ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public WriteResult storePut() {
        return put(nextIndex());
    }

    private WriteResult put(int i) {
        return store.write(table, keys[i], ItemChange.put(items[i], null, null), ReturnItems.NONE);
    }

    @Benchmark
    public int rawPut() throws Exception {
        int i = nextIndex();
        raw.put(rawTable, syncWrite, storageKeys[i], encodedItems[i]);
        return i;
    }

    @Benchmark
    public Map<String, AttributeValue> storeGet() {
        int i = nextIndex();
        return store.get(table, keys[i]);
    }

    @Benchmark
    public byte[] rawGet() throws Exception {
        return raw.get(rawTable, storageKeys[nextIndex()]);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        store.close();
        for (ColumnFamilyHandle handle : rawHandles) {
            handle.close();
        }
        raw.close();
        syncWrite.close();
        dbOptions.close();
        tableOptions.close();
        bloom.close();
        cache.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
