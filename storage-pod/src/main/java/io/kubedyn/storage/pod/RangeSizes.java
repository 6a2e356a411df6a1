package io.kubedyn.storage.pod;

import io.kubedyn.core.HashRange;
import io.kubedyn.core.TableDefinition;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What this pod's ranges weigh and where one would split, on the pod's HTTP port, for the
 * operator splitting a table's shards by themselves:
 * <ul>
 *   <li>{@code GET /kubedyn/ranges}: the table and each hash range this pod owns with RocksDB's
 *       estimate of its bytes (files and memtables), cheap enough to poll;</li>
 *   <li>{@code GET /kubedyn/ranges/median?range=0x...-0x...}: the partition hash after which an
 *       owned range splits in two halves of its items' bytes, {@code null} when its items share
 *       one partition key (read from the items up to 64 MiB, bisected on RocksDB's estimates
 *       past that: milliseconds either way).</li>
 * </ul>
 * 404 on a pod whose store holds no table, or more than one; 400 for a range that does not
 * parse; 409 for a range this pod does not own.
 */
@ApplicationScoped
public class RangeSizes {
    static final String PATH = "/kubedyn/ranges";

    private final StoreLifecycle lifecycle;

    RangeSizes(StoreLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    void routes(@Observes Router router) {
        router.get(PATH).blockingHandler(this::sizes, false);
        router.get(PATH + "/median").blockingHandler(this::median, false);
    }

    private void sizes(RoutingContext context) {
        table(context).ifPresent(table -> {
            List<HashRange> owned = lifecycle.scope().ranges(table).ranges();
            JsonArray ranges = new JsonArray();
            for (HashRange range : owned) {
                long bytes = lifecycle.withStore(store -> store.approximateRangeBytes(table, range));
                ranges.add(new JsonObject().put("range", range.toString()).put("bytes", bytes));
            }
            answer(context, 200, new JsonObject().put("table", table.name()).put("ranges", ranges));
        });
    }

    private void median(RoutingContext context) {
        table(context).ifPresent(table -> {
            HashRange range;
            try {
                range = HashRange.parse(context.queryParams().get("range"));
            } catch (RuntimeException e) {
                answer(
                        context,
                        400,
                        error("range must be 0x<first>-0x<last>, got "
                                + context.queryParams().get("range")));
                return;
            }
            if (!lifecycle.scope().ranges(table).covers(range)) {
                answer(context, 409, error("this pod does not own the hash range " + range));
                return;
            }
            OptionalLong median = lifecycle.withStore(store -> store.medianHash(table, range));
            answer(
                    context,
                    200,
                    new JsonObject()
                            .put("range", range.toString())
                            .put("median", median.isPresent() ? HashRange.formatBound(median.getAsLong()) : null));
        });
    }

    /** The one table of this pod's store; else the call is answered 404. */
    private Optional<TableDefinition> table(RoutingContext context) {
        Optional<TableDefinition> table = lifecycle.soleTable();
        if (table.isEmpty()) {
            answer(context, 404, error("this pod's store does not hold exactly one table"));
        }
        return table;
    }

    private static JsonObject error(String message) {
        return new JsonObject().put("message", message);
    }

    private static void answer(RoutingContext context, int status, JsonObject body) {
        context.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
    }
}
