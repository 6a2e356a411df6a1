package io.kubedyn.operator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What the operator reads from a storage pod: a {@code GET} on the pod's plain HTTP port
 * ({@link ShardIdentity#HTTP_PORT}: metrics, a split's progress, range weights). Never throws:
 * a pod that does not answer is an answer too ({@link #answered} false), and the caller decides
 * what that means.
 *
 * @param status the HTTP status, or 0 when the pod did not answer
 * @param body the answer's body, or why there was none
 */
record PodHttpGet(URI uri, int status, String body) {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code GET path} on {@code host}'s HTTP port, given up after {@code timeout}. */
    static PodHttpGet of(String host, String path, Duration timeout) {
        URI uri = URI.create("http://" + host + ":" + ShardIdentity.HTTP_PORT + path);
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new PodHttpGet(uri, response.statusCode(), response.body());
        } catch (IOException e) {
            return new PodHttpGet(uri, 0, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PodHttpGet(uri, 0, "interrupted");
        }
    }

    boolean answered() {
        return status != 0;
    }

    boolean ok() {
        return status == 200;
    }
}
