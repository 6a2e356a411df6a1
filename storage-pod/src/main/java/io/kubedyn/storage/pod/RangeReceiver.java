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
import io.kubedyn.storage.grpc.ReceivedRange;
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
    /** The source's address: its pod's, or a replicated shard's replicas' (comma-separated). */
    private final Optional<String> from;
    /** The source's replicas (one when it is not replicated); the receiver follows one of them throughout. */
    private final List<String> sources;

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
    private final java.util.Map<String, ManagedChannel> channels = new java.util.concurrent.ConcurrentHashMap<>();
    /** Which of {@link #sources} the next copy tries first: the next one after a copy that failed. */
    private int preferred;
    /** The source replica the hand-off follows now. */
    private String followed = "";
    /** Whether the next attempt copies the range anew (the source lost the writes after the copy). */
    private boolean copyAgain;
    /** Attempts the followed replica does not answer before the range is copied from another. */
    private static final int UNANSWERED_ATTEMPTS = 10;
    /** Attempts in a row the followed replica did not answer (any answer from it starts again). */
    private int unanswered;
    /**
     * A fault-injection point, for tests that kill a pod at a chosen step: how long the hand-off
     * holds, once, when it reaches a phase ({@code Following} once copied, {@code Sealing} once
     * the source sealed the range). {@code kubedyn.storage.hand-off.hold}, as
     * {@code Following=4s,Sealing=4s}; unset (no hold) but in tests.
     */
    private final java.util.Map<String, Duration> holds;

    RangeReceiver(
            @ConfigProperty(name = "kubedyn.storage.receive-range") Optional<String> range,
            @ConfigProperty(name = "kubedyn.storage.receive-from") Optional<String> from,
            @ConfigProperty(name = "kubedyn.storage.receive-holder", defaultValue = "${HOSTNAME:receiver}")
                    String holder,
            @ConfigProperty(name = "kubedyn.storage.receive-address") Optional<String> address,
            @ConfigProperty(name = "kubedyn.storage.hand-off.bytes-per-second", defaultValue = "0") long bytesPerSecond,
            @ConfigProperty(name = "kubedyn.storage.hand-off.hold") Optional<String> hold,
            StoreLifecycle lifecycle,
            InternalTls tls) {
        this.bytesPerSecond = bytesPerSecond;
        this.holds = holds(hold.orElse(""));
        this.address = address.filter(a -> !a.isBlank()).orElse("");
        this.range = range.filter(r -> !r.isBlank()).map(HashRange::parse);
        this.from = from.filter(f -> !f.isBlank());
        this.sources = this.from
                .map(f -> java.util.Arrays.stream(f.split(","))
                        .map(String::trim)
                        .filter(a -> !a.isEmpty())
                        .toList())
                .orElse(List.of());
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
        for (ManagedChannel channel : channels.values()) {
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
        while (!stopped) {
            try {
                if (receive()) {
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
                if (unanswered(e) && ++unanswered >= UNANSWERED_ATTEMPTS && sources.size() > 1) {
                    // The replica followed is gone (its node lost, say): another has the same
                    // writes, numbered its own way, so the range is copied again from it.
                    Log.infof(
                            "hand-off of %s: %s does not answer; copying from another replica of the source",
                            range.get(), followed);
                    preferred = sources.indexOf(followed) + 1;
                    copyAgain = true;
                    unanswered = 0;
                }
            }
            pause(1000);
        }
    }

    /**
     * Whether the followed replica failed to answer: down, hung, or never applying the seal its
     * group's leader logged (a replica cut off from its group).
     */
    private static boolean unanswered(RuntimeException e) {
        if (e instanceof StatusRuntimeException call) {
            io.grpc.Status.Code code = call.getStatus().getCode();
            return code == io.grpc.Status.Code.UNAVAILABLE || code == io.grpc.Status.Code.DEADLINE_EXCEEDED;
        }
        return e instanceof SealNotAppliedException;
    }

    /** The followed replica did not apply its group's seal in time. */
    private static final class SealNotAppliedException extends RuntimeException {
        SealNotAppliedException(String message) {
            super(message);
        }
    }

    /** One attempt at the whole hand-off; true once this pod serves the range. */
    private boolean receive() {
        HashRange moving = range.get();
        Optional<TableDefinition> found = table();
        if (found.isEmpty()) {
            note("Waiting", COPYING, "the store holds no table yet");
            return false;
        }
        TableDefinition table = found.get();
        TableRef ref = StorageWire.table(table);
        if (lifecycle.scope().ranges(table).covers(moving)) {
            note("Serving", status.through(), "");
            return true;
        }
        Optional<ShardReplica> replica = lifecycle.replica();
        if (replica.isPresent()) {
            if (!replica.get().isLeader()) {
                // A replicated shard receives through its group's log: its leader does the work.
                note("Waiting", status.through(), "the leader of this shard's group receives the range");
                return false;
            }
            // Every step logged so far applied here (a new leader's own store may lag its log),
            // so it goes on from where the group stands.
            replica.get().readBarrier();
            if (lifecycle.scope().ranges(table).covers(moving)) {
                note("Serving", status.through(), "");
                return true;
            }
        }
        OptionalLong applied = store(store -> store.rangeAppliedThrough(table));
        // Where the recorded position is a place in: a replica's write-ahead log (a store of an
        // earlier version recorded none: its source was never replicated).
        followed = store(store -> store.rangeAppliedFrom(table)).orElse(sources.get(0));
        long through;
        if (copyAgain || applied.isEmpty() || applied.getAsLong() == COPYING || !sources.contains(followed)) {
            Copied copied = copy(table, ref);
            through = copied.through();
            followed = copied.source();
            copyAgain = false;
        } else {
            through = applied.getAsLong();
        }
        String source = followed;
        note("Following", through, "");
        hold("Following");
        RangePage page;
        long sealBy = System.nanoTime() + FOLLOW_AT_MOST.toNanos();
        do {
            page = changes(table, ref, source, through);
            through = page.getThrough();
            note("Following", through, "");
        } while (page.getSerializedSize() >= CAUGHT_UP_BYTES && System.nanoTime() < sealBy && !stopped);
        note("Sealing", through, "");
        long sealed = seal(ref, source);
        note("Sealing", through, "sealed by the source at its WAL sequence " + sealed);
        hold("Sealing");
        // At least once: a changes call checks the source still holds its log for this receiver
        // (a restart, or a snapshot installed into the followed replica, numbers writes anew).
        do {
            through = changes(table, ref, source, through).getThrough();
        } while (through < sealed);
        apply(ReceivedRange.newBuilder()
                .setTable(ref)
                .setRange(StorageWire.range(moving))
                .setServe(true)
                .build());
        Log.infof(
                "hand-off of %s of table %s from %s done at its WAL sequence %d: this pod owns %s",
                moving, table.name(), source, sealed, lifecycle.scope().ranges(table));
        note("Serving", through, "");
        return true;
    }

    /**
     * A step of the hand-off, on this pod's store: through its group's log when the shard is
     * replicated, so every replica applies it ({@link StoreCommands}, as {@link #applyReceived}).
     */
    private void apply(ReceivedRange step) {
        lifecycle.execute(lifecycle.commands().receiveRange, step);
    }

    /** A step of a hand-off applied to a store: {@link ReceivedRange} says which. */
    static void applyReceived(ShardScope scope, PartitionStore store, ReceivedRange step) {
        TableDefinition table = ShardScope.resolveIncarnation(store, step.getTable());
        HashRange moving = StorageWire.range(step.getRange());
        if ((step.getClear() || step.hasPage()) && scope.ranges(table).covers(moving)) {
            // Served already: a step proposed before, applied after (a proposal that timed out,
            // or a leader that had not applied its group's log yet) must not write over the
            // writes the range has taken since.
            throw new IllegalStateException("hash range " + moving + " is served here already");
        }
        if (step.getClear()) {
            store.receiving(table.name(), true);
            store.clearRange(table, moving);
        }
        if (step.hasPage()) {
            OptionalLong at = store.rangeAppliedThrough(table);
            Optional<String> from = store.rangeAppliedFrom(table);
            boolean follows = step.getAfter() == COPYING
                    ? at.isEmpty() || (at.getAsLong() == COPYING && from.equals(Optional.of(step.getSource())))
                    : at.equals(OptionalLong.of(step.getAfter()))
                            // (a store of before sources were recorded followed its one source)
                            && (from.isEmpty() || from.equals(Optional.of(step.getSource())));
            if (!follows) {
                // Proposed from a place the store has moved on from: applying it would apply
                // writes twice (an item collection's size counted twice) or out of order.
                throw new IllegalStateException("a hand-off page of " + moving + " from " + step.getSource()
                        + " at " + step.getAfter() + " does not follow what the store holds ("
                        + from.orElse("nothing") + " at " + (at.isPresent() ? at.getAsLong() : "none") + ")");
            }
            store.receiving(table.name(), true);
            store.applyRange(
                    table,
                    moving,
                    StorageWire.rangeWrites(step.getPage()),
                    step.getPage().getThrough(),
                    step.getSource().isEmpty() ? null : step.getSource());
        }
        if (step.getServe()) {
            scope.changeRanges(current -> {
                if (!current.covers(moving)) {
                    OwnedRanges now = current.with(moving);
                    store.reassignShard(now.toString());
                    scope.assign(now);
                }
                store.receiving(table.name(), false);
                return null;
            });
        }
    }

    /** A page of writes, from {@code source}'s position {@code after} (COPYING: a copy's) to {@code through}. */
    private ReceivedRange.Builder page(
            TableRef ref, String source, long after, long through, List<io.kubedyn.storage.grpc.RangeWrite> writes) {
        return ReceivedRange.newBuilder()
                .setTable(ref)
                .setRange(StorageWire.range(range.get()))
                .setSource(source)
                .setAfter(after)
                .setPage(RangePage.newBuilder().addAllWrites(writes).setThrough(through));
    }

    /** A complete copy: the source replica it came from, and the place in its log it is as of. */
    private record Copied(String source, long through) {}

    /** Copies the range anew, from the first of the source's replicas that answers. */
    private Copied copy(TableDefinition table, TableRef ref) {
        HashRange moving = range.get();
        String source = sources.get(Math.floorMod(preferred, sources.size()));
        note("Copying", COPYING, "");
        apply(ReceivedRange.newBuilder()
                .setTable(ref)
                .setRange(StorageWire.range(moving))
                .setClear(true)
                .build());
        long asOf = COPYING;
        long writes = 0;
        try {
            Iterator<RangePage> pages = StorageGrpc.newBlockingStub(channel(source))
                    .copyRange(CopyRangeRequest.newBuilder()
                            .setTable(ref)
                            .setRange(StorageWire.range(moving))
                            .setHolder(holder)
                            .build());
            while (pages.hasNext()) {
                RangePage page = pages.next();
                asOf = page.getThrough();
                if (page.getWritesCount() > 0) {
                    writes += page.getWritesCount();
                    apply(page(ref, source, COPYING, COPYING, page.getWritesList())
                            .build());
                }
                pace(page.getSerializedSize());
                note("Copying", COPYING, writes + " keys copied from " + source);
            }
        } catch (StatusRuntimeException e) {
            preferred++;
            throw translate(e);
        } catch (RuntimeException e) {
            preferred++;
            throw e;
        }
        long complete = asOf;
        apply(page(ref, source, COPYING, complete, List.of()).build());
        Log.infof("hand-off of %s: %d keys copied from %s as of its WAL sequence %d", moving, writes, source, complete);
        return new Copied(source, complete);
    }

    private RangePage changes(TableDefinition table, TableRef ref, String source, long after) {
        HashRange moving = range.get();
        RangePage page = call(() -> stub(source)
                .rangeChanges(RangeChangesRequest.newBuilder()
                        .setTable(ref)
                        .setRange(StorageWire.range(moving))
                        .setHolder(holder)
                        .setAfter(after)
                        .setMaxBytes(RangeHandOff.PAGE_BYTES)
                        .build()));
        unanswered = 0;
        apply(page(ref, source, after, page.getThrough(), page.getWritesList()).build());
        return page;
    }

    /**
     * Has the source seal the range; the place in {@code source}'s log every write to the range
     * is at or below. A replicated source seals through its group's log, on its leader: asked
     * where the receiver follows, a replica that does not lead names the leader, which is asked
     * to seal; then the followed replica is asked again, and answers once it applied the seal.
     */
    private long seal(TableRef ref, String source) {
        SealRangeRequest request = SealRangeRequest.newBuilder()
                .setTable(ref)
                .setRange(StorageWire.range(range.get()))
                .setReceiver(address)
                .build();
        long askUntil = System.nanoTime() + CALL_TIMEOUT.toNanos();
        while (true) {
            try {
                return call(() -> stub(source).sealRange(request)).getThrough();
            } catch (io.kubedyn.storage.NotLeaderException e) {
                if (System.nanoTime() > askUntil || stopped) {
                    throw new SealNotAppliedException(
                            source + " has not applied the seal of its group's leader (" + e.getMessage() + ")");
                }
                if (e.leader() != null && !e.leader().equals(source)) {
                    call(() -> stub(e.leader()).sealRange(request));
                } else {
                    pause(200);
                }
            }
        }
    }
    /** Has the source delete its copy; tried a few times (again at the next start if it never answers). */
    private void release() {
        Optional<TableDefinition> table = table();
        if (table.isEmpty()) {
            return;
        }
        TableRef ref = StorageWire.table(table.get());
        ReleaseRangeRequest request = ReleaseRangeRequest.newBuilder()
                .setTable(ref)
                .setRange(StorageWire.range(range.get()))
                .setHolder(holder)
                .build();
        String source = store(store -> store.rangeAppliedFrom(table.get())).orElse(sources.get(0));
        for (int attempt = 1; attempt <= 10 && !stopped; attempt++) {
            try {
                try {
                    call(() -> stub(source).releaseRange(request));
                } catch (io.kubedyn.storage.NotLeaderException e) {
                    // The followed replica let its log go; its group deletes the range on its leader.
                    if (e.leader() == null) {
                        throw e;
                    }
                    call(() -> stub(e.leader()).releaseRange(request));
                }
                Log.infof("hand-off of %s: released by %s", range.get(), source);
                return;
            } catch (RuntimeException e) {
                Log.infof("hand-off of %s: %s not released yet: %s", range.get(), source, e.getMessage());
                pause(1000L * attempt);
            }
        }
    }

    private Optional<TableDefinition> table() {
        return lifecycle.soleTable();
    }

    private StorageGrpc.StorageBlockingStub stub(String address) {
        return StorageGrpc.newBlockingStub(channel(address))
                .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ManagedChannel channel(String address) {
        return channels.computeIfAbsent(address, a -> tls.channel(a).build());
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

    private static java.util.Map<String, Duration> holds(String setting) {
        java.util.Map<String, Duration> holds = new java.util.concurrent.ConcurrentHashMap<>();
        for (String part : setting.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] phaseAndTime = part.trim().split("=", 2);
            if (phaseAndTime.length != 2) {
                throw new IllegalArgumentException(
                        "kubedyn.storage.hand-off.hold: expected phase=duration pairs, got " + setting);
            }
            holds.put(
                    phaseAndTime[0].trim(),
                    Duration.parse("PT" + phaseAndTime[1].trim().toUpperCase(java.util.Locale.ROOT)));
        }
        return holds;
    }

    /** Holds the hand-off in {@code phase} as {@link #holds} says, the first time it gets there. */
    private void hold(String phase) {
        Duration held = holds.remove(phase);
        if (held != null) {
            Log.warnf("hand-off of %s held in %s for %s (kubedyn.storage.hand-off.hold)", status.range(), phase, held);
            pause(held.toMillis());
        }
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
