package io.kubedyn.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a storage pod's Prometheus endpoint says it served, as a dashboard would read it. */
record StoragePodMetrics(URI httpEndpoint) {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Successful requests of one operation of the storage API (get, write, query, scan, ...). */
    long served(String operation) throws Exception {
        String metrics = text();
        Matcher count = Pattern.compile("kubedyn_storage_requests_seconds_count\\{operation=\"" + operation
                        + "\",outcome=\"ok\"[^}]*} ([0-9.E]+)")
                .matcher(metrics);
        return count.find() ? (long) Double.parseDouble(count.group(1)) : 0;
    }

    /** A gauge without labels, e.g. {@code kubedyn_raft_applied_index}; -1 when absent or NaN. */
    long gauge(String name) throws Exception {
        Matcher value = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.E+-]+|NaN)$")
                .matcher(text());
        return value.find() && !value.group(1).equals("NaN") ? (long) Double.parseDouble(value.group(1)) : -1;
    }

    private String text() throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(httpEndpoint.resolve("/q/metrics"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
