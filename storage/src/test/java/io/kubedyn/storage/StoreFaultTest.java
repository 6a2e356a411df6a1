package io.kubedyn.storage;

import static io.kubedyn.storage.PartitionStoreTest.get;
import static io.kubedyn.storage.PartitionStoreTest.key;
import static io.kubedyn.storage.PartitionStoreTest.music;
import static io.kubedyn.storage.PartitionStoreTest.put;
import static io.kubedyn.storage.PartitionStoreTest.song;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store whose WAL cannot grow (this process's file size limit lowered with {@code prlimit},
 * as a full disk fails appends) refuses writes with {@link StoreFaultException}, says why in
 * {@link PartitionStore#fault}, and reopens RocksDB by itself once the limit is lifted, even
 * while readers keep it busy without a pause.
 */
class StoreFaultTest {
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private static void prlimit(String fsize) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(PRLIMIT.toString(), "--pid", Long.toString(PID), "--fsize=" + fsize)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("prlimit: %s", output).isZero();
    }

    private static String softFsize() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(line -> line.startsWith("Max file size"))
                .map(line -> line.substring("Max file size".length()).trim().split("\\s+")[0])
                .findFirst()
                .orElseThrow();
    }

    @Test
    void writesAreRefusedWhileTheWalCannotGrowAndComeBackUnderAConstantReadLoad() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(PRLIMIT),
                "skipped: /usr/bin/prlimit (util-linux) is missing, so this process's file sizes cannot be limited");
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            Map<String, AttributeValue> kept = song("Kyuss", "Gardenia");
            put(store, key(kept), kept);
            String limit = softFsize();
            Map<String, AttributeValue> big = song("Kyuss", "big");
            big.put("payload", new AttributeValue.S("p".repeat(100_000)));
            StoreFaultException refused = null;
            prlimit((512 << 10) + ":");
            try {
                for (int i = 0; i < 100 && refused == null; i++) {
                    Map<String, AttributeValue> item = song("Kyuss", "big-" + i);
                    item.put("payload", big.get("payload"));
                    try {
                        put(store, key(item), item);
                    } catch (StoreFaultException e) {
                        refused = e;
                    }
                }
            } finally {
                prlimit(limit + ":");
            }
            // The limit is lifted, but RocksDB stays stopped until the store reopens it.
            assertThat(refused).as("a write once the WAL cannot grow").isNotNull();
            assertThat(refused).hasMessageContaining("File too large");
            assertThat(store.fault()).hasValueSatisfying(why -> assertThat(why).contains("File too large"));

            // Eight readers, never all out of the store at once: the reopen must not wait for a pause.
            AtomicBoolean reading = new AtomicBoolean(true);
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                Thread reader = new Thread(() -> {
                    while (reading.get()) {
                        try {
                            get(store, key(kept));
                        } catch (StoreClosedException reopening) {
                            // refused while it reopens
                        }
                    }
                });
                reader.start();
                readers.add(reader);
            }
            try {
                // Within about a second of the limit going (its next attempt); a reopen that
                // let readers barge past it waited for a pause in them (12 s in one run here).
                Instant deadline = Instant.now().plusSeconds(6);
                while (store.fault().isPresent()) {
                    assertThat(Instant.now()).as("recovered under reads").isBefore(deadline);
                    Thread.sleep(50);
                }
            } finally {
                reading.set(false);
                for (Thread reader : readers) {
                    reader.join();
                }
            }
            Map<String, AttributeValue> after = song("Kyuss", "after");
            put(store, key(after), after);
            assertThat(get(store, key(after))).isEqualTo(after);
            assertThat(get(store, key(kept))).isEqualTo(kept);
        }
        // Nothing acknowledged was lost, and the store opens as usual.
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(get(store, key(song("Kyuss", "Gardenia")))).isNotNull();
            assertThat(get(store, key(song("Kyuss", "after")))).isNotNull();
            assertThatThrownBy(() -> store.fault().orElseThrow()).isInstanceOf(java.util.NoSuchElementException.class);
        }
    }
}
