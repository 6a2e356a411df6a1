package io.kubedyn.operator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jboss.logging.Logger;

/**
 * A storage pod's Prometheus metrics, read over its HTTP port rather than gRPC so that the
 * operator needs no storage client. The gauges wanted have no labels, so their one line is found
 * in the text format without a parser.
 */
final class PodMetrics {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Logger LOG = Logger.getLogger(PodMetrics.class);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  private PodMetrics() {}

  /** The metrics text of the pod (or Service) at {@code host}; empty when it does not answer. */
  static Optional<String> read(String host) {
    URI uri = URI.create("http://" + host + ":" + ShardIdentity.HTTP_PORT + "/q/metrics");
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
    } catch (IOException e) {
      LOG.debugf("metrics of %s not read: %s", uri, e.getMessage());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** A gauge without labels in a Prometheus text exposition; empty when absent or NaN. */
  static OptionalDouble gauge(String metrics, String name) {
    return metrics.lines()
        .filter(line -> line.startsWith(name + " "))
        .map(line -> line.substring(name.length() + 1).trim())
        .mapToDouble(Double::parseDouble)
        .filter(value -> !Double.isNaN(value))
        .findFirst();
  }
}
