package io.kubedyn.operator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * A table's approximate item count, as DynamoDB's DescribeTable reports one: the sum over its
 * shards of the {@code kubedyn_table_items} gauge each storage pod exports with its metrics
 * (RocksDB's estimate). Read over the pods' HTTP port rather than gRPC so that the operator needs
 * no storage client; the one line wanted is found in Prometheus' text format, which needs no
 * parser for a gauge without labels.
 */
final class TableItemCount {
  static final String GAUGE = "kubedyn_table_items";
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Logger LOG = Logger.getLogger(TableItemCount.class);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  private TableItemCount() {}

  /**
   * The items of the shards reached at {@code hosts} (one per shard), or empty when one of them
   * cannot say: a partial sum would read as items lost.
   */
  static OptionalLong of(List<String> hosts) {
    long sum = 0;
    for (String host : hosts) {
      OptionalLong items = itemsAt(host);
      if (items.isEmpty()) {
        return OptionalLong.empty();
      }
      sum += items.getAsLong();
    }
    return OptionalLong.of(sum);
  }

  private static OptionalLong itemsAt(String host) {
    URI uri = URI.create("http://" + host + ":" + ShardIdentity.HTTP_PORT + "/q/metrics");
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return OptionalLong.empty();
      }
      return parse(response.body());
    } catch (IOException e) {
      LOG.debugf("item count of %s not read: %s", uri, e.getMessage());
      return OptionalLong.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalLong.empty();
    }
  }

  /** The gauge's value in a Prometheus text exposition, or empty when it is absent or NaN. */
  static OptionalLong parse(String metrics) {
    return metrics.lines()
        .filter(line -> line.startsWith(GAUGE + " "))
        .map(line -> line.substring(GAUGE.length() + 1).trim())
        .map(Double::parseDouble)
        .filter(value -> !value.isNaN() && value >= 0)
        .mapToLong(Double::longValue)
        .findFirst();
  }
}
