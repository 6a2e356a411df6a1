package io.kubedyn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.PrimaryKey;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.crd.ShardRange;
import io.kubedyn.crd.Table;
import io.kubedyn.crd.TableDefinitions;
import io.kubedyn.crd.TableNames;
import io.kubedyn.crd.TableStatus;
import io.kubedyn.gateway.cluster.KubernetesTables;
import io.kubedyn.gateway.cluster.RemoteStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Scan while the gateway's shard map is behind a split: the range's old owner handed the
 * upper half of the hash space to a new pod and refuses a part that holds it. The gateway (its
 * data plane on fabric8's mock API server, the two pods real processes) reads the page again
 * once the operator's new map arrives, so the client gets every item, not an error.
 */
@EnableKubernetesMockClient(crud = true)
class SplitScanIT {
    private static final HashRange LOWER = new HashRange(0L, 0x7fffffffffffffffL);
    private static final HashRange UPPER = new HashRange(0x8000000000000000L, -1L);
    private static final int ITEMS = 300;

    KubernetesClient client;

    @TempDir
    Path data;

    @Test
    void aScanRefusedByAShardThatGaveItsRangeAwayIsReadAgainByTheMapThatFollows() throws Exception {
        LoopbackPorts ports = new LoopbackPorts();
        StoragePodProcess source = new StoragePodProcess(data.resolve("source"), 0, 1, ports);
        StoragePodProcess receiver = new StoragePodProcess(data.resolve("receiver"), 0, 1, ports);
        try (source;
                receiver;
                PlaneOperations gateway = new PlaneOperations(StoragePlane.kubernetes(
                        new KubernetesTables(client, "kubedyn", 1), new RemoteStores(Duration.ofSeconds(5))))) {
            source.start();
            gateway.createTable(new TableDefinition(
                    "music",
                    UUID.randomUUID().toString(),
                    KeySchema.of(new KeyAttribute("id", ScalarType.S), null),
                    Map.of("id", ScalarType.S),
                    "PAY_PER_REQUEST",
                    0,
                    0,
                    0));
            // The operator's part: the pod creates the table it is handed; the map names it.
            TableDefinition handed = TableDefinitions.of(client.resources(Table.class)
                    .inNamespace("kubedyn")
                    .withName(TableNames.resourceName("music"))
                    .get());
            try (RemoteStores stores = new RemoteStores(Duration.ofSeconds(5))) {
                stores.apply(source.address()).createTable(handed);
            }
            publish(List.of(range(0, new HashRange(0L, -1L), source)));
            awaitActive(gateway);
            Set<String> written = new TreeSet<>();
            for (int i = 0; i < ITEMS; i++) {
                AttributeValue id = new AttributeValue.S("song-" + i);
                gateway.write("music", PrimaryKey.of(id, null), ItemChange.put(Map.of("id", id), null, null));
                written.add("song-" + i);
            }

            // A new shard's pod takes the upper half over, as in a split; the map is not told yet.
            receiver.receiving(UPPER, source, handed).start();
            receiver.awaitServing(Duration.ofSeconds(60));

            // The operator publishes the new map a moment after the Scan is refused.
            Thread operator = new Thread(() -> {
                try {
                    Thread.sleep(500);
                    publish(List.of(range(0, LOWER, source), range(1, UPPER, receiver)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            operator.start();
            long started = System.nanoTime();
            io.kubedyn.storage.Page page = gateway.scan("music", ITEMS + 1);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            operator.join();
            assertThat(tookMillis).as("the Scan waited for the new map").isGreaterThanOrEqualTo(400);
            Set<String> scanned = new TreeSet<>();
            page.items().forEach(item -> scanned.add(((AttributeValue.S) item.get("id")).value()));
            assertThat(scanned)
                    .as("every item, each once")
                    .isEqualTo(written)
                    .hasSize(page.items().size());
            assertThat(page.lastEvaluated()).isNull();
            assertThat(IntStream.range(0, ITEMS)
                            .filter(i -> UPPER.contains(PrimaryKey.of(new AttributeValue.S("song-" + i), null)
                                    .hash()))
                            .count())
                    .as("items in the moved half")
                    .isPositive();
        }
    }

    private static ShardRange range(int shard, HashRange range, StoragePodProcess pod) {
        String[] hostPort = pod.address().split(":");
        return new ShardRange(
                shard,
                HashRange.formatBound(range.first()),
                HashRange.formatBound(range.last()),
                hostPort[0],
                Integer.parseInt(hostPort[1]));
    }

    /** As the operator publishes a Table's shard map, in its status. */
    private void publish(List<ShardRange> ranges) {
        client.resources(Table.class)
                .inNamespace("kubedyn")
                .withName(TableNames.resourceName("music"))
                .editStatus(t -> {
                    TableStatus status = t.getStatus() == null ? new TableStatus() : t.getStatus();
                    status.setShardMap(ranges);
                    status.setPhase(TableStatus.PHASE_READY);
                    t.setStatus(status);
                    return t;
                });
    }

    private static void awaitActive(PlaneOperations gateway) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!gateway.tableDescription("music").orElseThrow().status().equals("ACTIVE")) {
            assertThat(System.currentTimeMillis()).as("ACTIVE").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
