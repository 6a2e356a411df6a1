package io.kubedyn.e2e;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Server-side apply for fabric8's mock API server, which answers it with 415. The packaged
 * operator applies its objects server-side (the setting is fixed when it is built, so the
 * end-to-end run cannot switch it off as the operator's own Quarkus tests do), so this
 * dispatcher turns an apply of a missing object into a create and an apply of an existing one
 * into an RFC 7386 merge of the applied fields into the stored object, written back with a
 * replace (PUT, with the read resourceVersion, so a concurrent change is a conflict). That is
 * what apply does for a single field manager that always sends every field it owns, which is
 * how the operator applies; unlike apply, it never removes a field the manager stopped sending.
 * The merge is done here because the mock's own merge patch appends to lists instead of
 * replacing them.
 */
final class ServerSideApplyAsMergePatch extends Dispatcher {
    private static final String APPLY = "application/apply-patch+yaml";

    private final Dispatcher api;
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    ServerSideApplyAsMergePatch(KubernetesMixedDispatcher api) {
        this.api = api;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String contentType = request.getHeader("Content-Type");
        if (request.method() != HttpMethod.PATCH || contentType == null || !contentType.startsWith(APPLY)) {
            return api.dispatch(request);
        }
        String path = request.getPath();
        String resource = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String object =
                resource.endsWith("/status") ? resource.substring(0, resource.length() - "/status".length()) : resource;
        // Apply bodies are YAML (JSON is YAML too); the CRUD handlers read JSON.
        String json = serialization.asJson(serialization.unmarshal(request.getUtf8Body(), Map.class));
        MockResponse current = api.dispatch(request(HttpMethod.GET, object, null, ""));
        if (current.code() == 404 && object.equals(resource)) {
            return api.dispatch(
                    request(HttpMethod.POST, object.substring(0, object.lastIndexOf('/')), "application/json", json));
        }
        if (current.code() != 200) {
            return current;
        }
        Map<String, Object> stored = serialization.unmarshal(current.getBody().readUtf8(), Map.class);
        Map<String, Object> merged = merge(stored, serialization.unmarshal(json, Map.class));
        return api.dispatch(request(HttpMethod.PUT, resource, "application/json", serialization.asJson(merged)));
    }

    /** RFC 7386: objects merge key by key, null removes, anything else (lists too) replaces. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> target, Map<String, Object> patch) {
        Map<String, Object> merged = new LinkedHashMap<>(target);
        for (Map.Entry<String, Object> field : patch.entrySet()) {
            Object value = field.getValue();
            Object existing = merged.get(field.getKey());
            if (value == null) {
                merged.remove(field.getKey());
            } else if (value instanceof Map && existing instanceof Map) {
                merged.put(field.getKey(), merge((Map<String, Object>) existing, (Map<String, Object>) value));
            } else {
                merged.put(field.getKey(), value);
            }
        }
        return merged;
    }

    private static RecordedRequest request(HttpMethod method, String path, String contentType, String body) {
        Headers.Builder headers = Headers.builder();
        if (contentType != null) {
            headers.add("Content-Type", contentType);
        }
        return new RecordedRequest("HTTP/1.1", method, path, headers.build(), new Buffer().writeUtf8(body));
    }

    @Override
    public void shutdown() {
        api.shutdown();
    }
}
