package io.kubedyn.operator;

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

    private PodMetrics() {}

    /** The metrics text of the pod (or Service) at {@code host}; empty when it does not answer. */
    static Optional<String> read(String host) {
        PodHttpGet answer = PodHttpGet.of(host, "/q/metrics", TIMEOUT);
        if (!answer.ok()) {
            LOG.debugf("metrics of %s not read: %d %s", answer.uri(), answer.status(), answer.body());
            return Optional.empty();
        }
        return Optional.of(answer.body());
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
