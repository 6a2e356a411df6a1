package io.kubedyn.bench.micro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.AttributeValueJson;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's request parsing, as it does it: the body into Jackson's tree, then the item into
 * kubedyn's attribute values. The body is the benchmark's PutItem (10 attributes of 100
 * characters), so the two steps can be weighed against each other and against a request's total.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JsonParsingBenchmark {
    private final ObjectMapper json = new ObjectMapper();
    private final byte[] putItemBody = putItemBody().getBytes(StandardCharsets.UTF_8);

    static String putItemBody() {
        StringBuilder body =
                new StringBuilder("{\"TableName\":\"bench_kv\",\"Item\":{\"id\":{\"S\":\"user0000012345\"}");
        for (int f = 0; f < 10; f++) {
            body.append(",\"field").append(f).append("\":{\"S\":\"");
            for (int c = 0; c < 100; c++) {
                body.append((char) ('a' + (c * 7 + f) % 26));
            }
            body.append("\"}");
        }
        return body.append("}}").toString();
    }

    @Benchmark
    public JsonNode jacksonTree() throws Exception {
        return json.readTree(putItemBody);
    }

    @Benchmark
    public Map<String, AttributeValue> jacksonTreeThenItem() throws Exception {
        return AttributeValueJson.readItem(json.readTree(putItemBody).get("Item"), "Item");
    }
}
