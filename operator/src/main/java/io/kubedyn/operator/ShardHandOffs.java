package io.kubedyn.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ShardHandOffs() {}

  /** A split's progress: the receiving pod's phase and what it says. */
  record Progress(String phase, String message) {
    boolean serving() {
      return SERVING.equals(phase);
    }
  }

  /** Each split of the model, by its target shard. */
  static Map<Integer, Progress> observe(ShardedTable model) {
    Map<Integer, Progress> progress = new LinkedHashMap<>();
    for (ShardSplit split : model.splits()) {
      progress.put(split.target(), read(model.shard(split.target()).podDns(0, model.clusterDomain())));
    }
    return progress;
  }

  private static Progress read(String host) {
    URI uri = URI.create("http://" + host + ":" + ShardIdentity.HTTP_PORT + PATH);
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET()
          .build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return new Progress("Starting", "the pod answers " + response.statusCode());
      }
      JsonNode status = JSON.readTree(response.body());
      return new Progress(status.path("phase").asText("Starting"), status.path("message").asText(""));
    } catch (IOException e) {
      return new Progress("Starting", "the pod does not answer yet");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Progress("Starting", "interrupted");
    }
  }
}
