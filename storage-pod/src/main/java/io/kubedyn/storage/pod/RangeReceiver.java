package io.kubedyn.storage.pod;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.kubedyn.core.HashRange;
import io.kubedyn.core.TableDefinition;
import io.kubedyn.storage.InternalTls;
import io.kubedyn.storage.PartitionStore;
import io.kubedyn.storage.RangeChangesLostException;
import io.kubedyn.storage.StorageWire;
import io.kubedyn.storage.grpc.CopyRangeRequest;
import io.kubedyn.storage.grpc.RangeChangesRequest;
import io.kubedyn.storage.grpc.RangePage;
import io.kubedyn.storage.grpc.ReleaseRangeRequest;
import io.kubedyn.storage.grpc.SealRangeRequest;
import io.kubedyn.storage.grpc.StorageError;
import io.kubedyn.storage.grpc.StorageGrpc;
import io.kubedyn.storage.grpc.TableRef;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The receiving side of a range hand-off: a pod started to take over hash range
 * {@code kubedyn.storage.receive-range} of its table from the pod at
 * {@code kubedyn.storage.receive-from} (on Kubernetes, a new shard's pod, dialled at
 * {@code kubedyn.storage.receive-address}, which the source names in its refusals; see
 * {@link RangeHandOff} for the source's side). A background thread, until the pod owns the range:
 * <ol>
 *   <li>copy: clears whatever an earlier attempt left, then applies the source's copy page by
 *       page (recorded as incomplete until its last page, so a crash in the middle copies again);</li>
 *   <li>follow: applies the source's later writes until a page comes back nearly empty;</li>
 *   <li>seal: asks the source to seal the range, then applies the writes up to the position it
 *       names;</li>
 *   <li>serve: adds the range to this pod's owned ranges, durably, and has the source release
 *       (delete) its copy.</li>
 * </ol>
 * Every step resumes after a restart of either pod from what the store recorded; changes the
 * source no longer has mean a new copy. {@code GET /kubedyn/hand-off} on the HTTP port says
 * where it stands, for the operator.
 */
@ApplicationScoped
public class RangeReceiver {
    static final String PATH = "/kubedyn/hand-off";
    /** The position recorded while a copy's pages are being applied: not a complete copy yet. */
    private static final long COPYING = -1;
    /** A follow page with fewer bytes than this means the receiver has nearly caught up: seal. */
    private static final long CAUGHT_UP_BYTES = 64 * 1024;

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long the receiver follows before it seals even if it has not nearly caught up (writes
     * coming faster than it applies them): the seal then lasts longer, but it ends.
     */
    private static final Duration FOLLOW_AT_MOST = Duration.ofSeconds(30);

    /** Where the hand-off stands: phase Waiting, Copying, Following, Sealing, Serving, or Retrying. */
    public record Status(String range, String from, String phase, long through, String message) {
        JsonObject json() {
            return new JsonObject()
                    .put("range", range)
                    .put("from", from)
                    .put("phase", phase)
                    .put("through", through)
                    .put("message", message);
        }
    }

    private final Optional<HashRange> range;
    private final Optional<String> from;
    private final String holder;
    /** The address the source names in its refusals once the range is sealed: this pod's, as others dial it. */
    private final String address;
    /**
     * How fast the range is copied, in bytes per second; 0: unlimited. Only the copy: the follow
     * runs at the pace clients write (capped below it, it would never catch up, and the seal
     * would then wait on a backlog), and after the seal the range has no owner until it is applied.
     */
    private final long bytesPerSecond;

    private final StoreLifecycle lifecycle;
    private final InternalTls tls;
    private volatile Status status;
    private volatile boolean stopped;
    private Thread thread;
    private ManagedChannel channel;

    RangeReceiver(
            @ConfigProperty(name = "kubedyn.storage.receive-range") Optional<String> range,
            @ConfigProperty(name = "kubedyn.storage.receive-from") Optional<String> from,
            @ConfigProperty(name = "kubedyn.storage.receive-holder", defaultValue = "${HOSTNAME:receiver}")
                    String holder,
            @ConfigProperty(name = "kubedyn.storage.receive-address") Optional<String> address,
            @ConfigProperty(name = "kubedyn.storage.hand-off.bytes-per-second", defaultValue = "0") long bytesPerSecond,
            StoreLifecycle lifecycle,
            InternalTls tls) {
        this.bytesPerSecond = bytesPerSecond;
        this.address = address.filter(a -> !a.isBlank()).orElse("");
        this.range = range.filter(r -> !r.isBlank()).map(HashRange::parse);
        this.from = from.filter(f -> !f.isBlank());
        this.holder = holder;
        this.lifecycle = lifecycle;
        this.tls = tls;
        if (this.range.isPresent() != this.from.isPresent()) {
            throw new IllegalArgumentException(
                    "kubedyn.storage.receive-range and kubedyn.storage.receive-from go " + "together");
        }
        this.status = new Status(
                this.range.map(HashRange::toString).orElse(""),
                this.from.orElse(""),
                this.range.isPresent() ? "Waiting" : "None",
                COPYING,
                "");
    }

    void start(@Observes @Priority(3000) StartupEvent event) {
        if (range.isEmpty()) {
            return;
        }
        channel = tls.channel(from.get()).build();
        thread = new Thread(this::run, "kubedyn-range-receiver");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes @Priority(1000) ShutdownEvent event) throws InterruptedException {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
            thread.join(5000);
        }
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    void routes(@Observes Router router) {
        router.get(PATH).handler(this::get);
    }

    private void get(RoutingContext context) {
        context.response()
                .putHeader("Content-Type", "application/json")
                .end(status.json().encode());
    }

    Status status() {
        return status;
    }

    private void run() {
        boolean copyAgain = false;
        while (!stopped) {
            try {
                if (receive(copyAgain)) {
                    release();
                    return;
                }
            } catch (RangeChangesLostException e) {
                Log.infof("hand-off of %s: %s; copying it again", range.get(), e.getMessage());
                copyAgain = true;
                continue;
            } catch (RuntimeException e) {
                if (stopped) {
                    return;
                }
                note("Retrying", status.through(), e.getMessage());
            }
            pause(1000);
        }
    }

    /** One attempt at the whole hand-off; true once this pod serves the range. */
    private boolean receive(boolean copyAgain) {
        HashRange moving = range.get();
        Optional<TableDefinition> found = table();
        if (found.isEmpty()) {
            note("Waiting", COPYING, "the store holds no table yet");
            return false;
        }
        TableDefinition table = found.get();
        TableRef ref = TableRef.newBuilder()
                .setName(table.name())
                .setTableId(table.tableId())
                .build();
        if (lifecycle.scope().ranges(table).covers(moving)) {
            note("Serving", status.through(), "");
            return true;
        }
        store(store -> {
            store.receiving(table.name(), true);
            return null;
        });
        OptionalLong applied = store(store -> store.rangeAppliedThrough(table));
        long through;
        if (copyAgain || applied.isEmpty() || applied.getAsLong() == COPYING) {
            through = copy(table, ref);
        } else {
            through = applied.getAsLong();
        }
        note("Following", through, "");
        RangePage page;
        long sealBy = System.nanoTime() + FOLLOW_AT_MOST.toNanos();
        do {
            page = changes(table, ref, through);
            through = page.getThrough();
            note("Following", through, "");
        } while (page.getSerializedSize() >= CAUGHT_UP_BYTES && System.nanoTime() < sealBy && !stopped);
        note("Sealing", through, "");
        long sealed = call(() -> stub().sealRange(SealRangeRequest.newBuilder()
                        .setTable(ref)
                        .setRange(StorageWire.range(moving))
                        .setReceiver(address)
                        .build()))
                .getThrough();
        while (through < sealed) {
            through = changes(table, ref, through).getThrough();
        }
        lifecycle
                .scope()
                .changeRanges(current -> store(store -> {
                    OwnedRanges now = current.with(moving);
                    store.reassignShard(now.toString());
                    lifecycle.scope().assign(now);
                    store.receiving(table.name(), false);
                    Log.infof(
                            "hand-off of %s of table %s from %s done at its WAL sequence %d: this pod owns %s",
                            moving, table.name(), from.get(), sealed, now);
                    return null;
                }));
        note("Serving", through, "");
        return true;
    }

    /** Copies the range anew; the source's position the copy is as of. */
    private long copy(TableDefinition table, TableRef ref) {
        HashRange moving = range.get();
        note("Copying", COPYING, "");
        store(store -> {
            store.clearRange(table, moving);
            return null;
        });
        long asOf = COPYING;
        long writes = 0;
        try {
            Iterator<RangePage> pages = StorageGrpc.newBlockingStub(channel)
                    .copyRange(CopyRangeRequest.newBuilder()
                            .setTable(ref)
                            .setRange(StorageWire.range(moving))
                            .setHolder(holder)
                            .build());
            while (pages.hasNext()) {
                RangePage page = pages.next();
                asOf = page.getThrough();
                List<io.kubedyn.storage.RangeWrite> received = StorageWire.rangeWrites(page);
                writes += received.size();
                if (!received.isEmpty()) {
                    store(store -> {
                        store.applyRange(table, moving, received, COPYING);
                        return null;
                    });
                }
                pace(page.getSerializedSize());
                note("Copying", COPYING, writes + " keys copied");
            }
        } catch (StatusRuntimeException e) {
            throw translate(e);
        }
        long complete = asOf;
        store(store -> {
            store.applyRange(table, moving, List.of(), complete);
            return null;
        });
        Log.infof(
                "hand-off of %s: %d keys copied from %s as of its WAL sequence %d",
                moving, writes, from.get(), complete);
        return complete;
    }

    private RangePage changes(TableDefinition table, TableRef ref, long after) {
        HashRange moving = range.get();
        RangePage page = call(() -> stub().rangeChanges(RangeChangesRequest.newBuilder()
                .setTable(ref)
                .setRange(StorageWire.range(moving))
                .setHolder(holder)
                .setAfter(after)
                .setMaxBytes(RangeHandOff.PAGE_BYTES)
                .build()));
        List<io.kubedyn.storage.RangeWrite> writes = StorageWire.rangeWrites(page);
        store(store -> {
            store.applyRange(table, moving, writes, page.getThrough());
            return null;
        });
        return page;
    }

    /** Has the source delete its copy; tried a few times (again at the next start if it never answers). */
    private void release() {
        Optional<TableDefinition> table = table();
        if (table.isEmpty()) {
            return;
        }
        TableRef ref = TableRef.newBuilder()
                .setName(table.get().name())
                .setTableId(table.get().tableId())
                .build();
        for (int attempt = 1; attempt <= 10 && !stopped; attempt++) {
            try {
                call(() -> stub().releaseRange(ReleaseRangeRequest.newBuilder()
                        .setTable(ref)
                        .setRange(StorageWire.range(range.get()))
                        .setHolder(holder)
                        .build()));
                Log.infof("hand-off of %s: released by %s", range.get(), from.get());
                return;
            } catch (RuntimeException e) {
                Log.infof("hand-off of %s: %s not released yet: %s", range.get(), from.get(), e.getMessage());
                pause(1000L * attempt);
            }
        }
    }

    private Optional<TableDefinition> table() {
        return lifecycle.soleTable();
    }

    private StorageGrpc.StorageBlockingStub stub() {
        return StorageGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private <T> T call(java.util.function.Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            throw translate(e);
        }
    }

    private static RuntimeException translate(StatusRuntimeException e) {
        StorageError error = StorageWire.errorOf(e);
        return error == null ? e : StorageWire.exception(error);
    }

    private <T> T store(java.util.function.Function<PartitionStore, T> work) {
        return lifecycle.withStore(work);
    }

    private void note(String phase, long through, String message) {
        Status now = new Status(status.range(), status.from(), phase, through, message == null ? "" : message);
        if (!now.phase().equals(status.phase()) || !now.message().equals(status.message())) {
            Log.infof("hand-off of %s from %s: %s %s", now.range(), now.from(), phase, now.message());
        }
        status = now;
    }

    /** Waits as long as {@code bytes} take at the configured rate (not at all without one). */
    private void pace(long bytes) {
        if (bytesPerSecond > 0 && bytes > 0) {
            pause(bytes * 1000 / bytesPerSecond);
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }
}
