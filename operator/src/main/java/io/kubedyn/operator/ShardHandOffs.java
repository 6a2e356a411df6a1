package io.kubedyn.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each split of a table stands, as the new shard's pod says on its HTTP port
 * ({@code GET /kubedyn/hand-off}: Waiting, Copying, Following, Sealing, Serving or Retrying,
 * with a message). A pod that does not answer yet is Starting.
 */
final class ShardHandOffs {
    static final String PATH = "/kubedyn/hand-off";
    static final String SERVING = "Serving";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ShardHandOffs() {}

    /** A split's progress: the receiving pod's phase and what it says. */
    record Progress(String phase, String message) {
        boolean serving() {
            return SERVING.equals(phase);
        }

        /** How far along: a pod starting or waiting (a replica that does not lead) least, serving most. */
        int rank() {
            return switch (phase) {
                case "Starting" -> 0;
                case "Waiting" -> 1;
                case SERVING -> 3;
                default -> 2;
            };
        }
    }

    /**
     * Each split of the model, by its target shard. A replicated shard's leader receives while
     * the other replicas wait: the furthest of its pods' answers stands (Serving once any serves:
     * the group's log committed it).
     */
    static Map<Integer, Progress> observe(ShardedTable model) {
        Map<Integer, Progress> progress = new LinkedHashMap<>();
        for (ShardSplit split : model.splits()) {
            int pods = model.replicated() ? model.replicasPerShard() : 1;
            Progress furthest = null;
            for (int pod = 0; pod < pods; pod++) {
                Progress read = read(model.shard(split.target()).podDns(pod, model.clusterDomain()));
                if (furthest == null || read.rank() > furthest.rank()) {
                    furthest = read;
                }
            }
            progress.put(split.target(), furthest);
        }
        return progress;
    }

    private static Progress read(String host) {
        PodHttpGet answer = PodHttpGet.of(host, PATH, TIMEOUT);
        if (!answer.answered()) {
            return new Progress("Starting", "the pod does not answer yet");
        }
        if (!answer.ok()) {
            return new Progress("Starting", "the pod answers " + answer.status());
        }
        try {
            JsonNode status = JSON.readTree(answer.body());
            return new Progress(
                    status.path("phase").asText("Starting"),
                    status.path("message").asText(""));
        } catch (IOException e) {
            return new Progress("Starting", "the pod's answer is no JSON: " + e.getMessage());
        }
    }
}
