package io.kubedyn.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubedyn.core.HashRange;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * What a table's shards weigh and where one would split, as their pods say on their HTTP port
 * ({@code GET /kubedyn/ranges}: RocksDB's estimate of the bytes of each range a pod owns;
 * {@code GET /kubedyn/ranges/median}: the partition hash after which a range splits in two
 * halves of its items' bytes).
 */
final class ShardWeights {
    static final String PATH = "/kubedyn/ranges";
    private static final Logger LOG = Logger.getLogger(ShardWeights.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** A small range's median is read from its items (up to 64 MiB of them): allow for a busy pod. */
    private static final Duration MEDIAN_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private ShardWeights() {}

    /** The bytes each shard of the map holds, by shard; a shard whose pod does not answer is left out. */
    static Map<Integer, Long> observe(ShardedTable model) {
        Map<Integer, Long> bytes = new LinkedHashMap<>();
        for (int shard : model.assignment().shards()) {
            JsonNode answer = get(model, shard, PATH, TIMEOUT);
            if (answer != null && answer.path("ranges").isArray()) {
                long sum = 0;
                for (JsonNode range : answer.path("ranges")) {
                    sum += range.path("bytes").asLong(0);
                }
                bytes.put(shard, sum);
            }
        }
        return bytes;
    }

    /** Where {@code range} of {@code shard} splits in halves; empty if it cannot (or its pod does not say). */
    static OptionalLong median(ShardedTable model, int shard, HashRange range) {
        JsonNode answer = get(
                model,
                shard,
                PATH + "/median?range=" + URLEncoder.encode(range.toString(), StandardCharsets.UTF_8),
                MEDIAN_TIMEOUT);
        if (answer == null || !answer.path("median").isTextual()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(HashRange.parseBound(answer.path("median").asText()));
    }

    private static JsonNode get(ShardedTable model, int shard, String path, Duration timeout) {
        PodHttpGet answer = PodHttpGet.of(model.shard(shard).podDns(0, model.clusterDomain()), path, timeout);
        if (!answer.ok()) {
            LOG.debugf("%s answers %d: %s", answer.uri(), answer.status(), answer.body());
            return null;
        }
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            LOG.debugf("%s answers what is no JSON: %s", answer.uri(), e.getMessage());
            return null;
        }
    }
}
