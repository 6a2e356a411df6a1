package io.kubedyn.bench.micro;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.KeyAttribute;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.KeySchema;
import io.kubedyn.core.ScalarType;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ExpressionAttributes;
import io.kubedyn.core.expression.KeyConditionExpression;
import io.kubedyn.core.expression.ParsedExpressions;
import io.kubedyn.core.expression.UpdateExpression;
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
 * The expressions of one request as the gateway handles them: the request's
 * ExpressionAttributes built, every expression turned into its evaluable form, unused names and
 * values refused. Once parsing the text with ANTLR every time ({@code ...Parsed}, as before
 * {@link ParsedExpressions}), once through the gateway's cache of parsed texts
 * ({@code ...Cached}). Two requests: workload E's Query ({@code p = :p AND s >= :s}) and a
 * conditional UpdateItem with names and values.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ExpressionParsingBenchmark {
    static final String KEY_CONDITION = "p = :p AND s >= :s";
    static final String UPDATE = "SET #count = #count + :inc, updatedAt = :now REMOVE pending";
    static final String CONDITION = "attribute_exists(id) AND #version = :expected";

    private final KeySchema schema =
            KeySchema.of(new KeyAttribute("p", ScalarType.S), new KeyAttribute("s", ScalarType.N));
    private final ParsedExpressions parsedExpressions = new ParsedExpressions(ParsedExpressions.DEFAULT_MAXIMUM_TOKENS);
    private final Map<String, AttributeValue> queryValues =
            Map.of(":p", new AttributeValue.S("part00000123"), ":s", AttributeValue.N.of("42"));
    private final Map<String, String> updateNames = Map.of("#count", "count", "#version", "version");
    private final Map<String, AttributeValue> updateValues = Map.of(
            ":inc",
            AttributeValue.N.of("1"),
            ":now",
            new AttributeValue.S("2026-11-25T12:00:00Z"),
            ":expected",
            AttributeValue.N.of("7"));

    @Benchmark
    public KeyCondition queryParsed() {
        ExpressionAttributes attributes = new ExpressionAttributes(null, queryValues);
        KeyCondition condition = KeyConditionExpression.parse(KEY_CONDITION, attributes, schema);
        attributes.verifyAllUsed();
        return condition;
    }

    @Benchmark
    public KeyCondition queryCached() {
        ExpressionAttributes attributes = new ExpressionAttributes(null, queryValues);
        KeyCondition condition = parsedExpressions.keyCondition(KEY_CONDITION, attributes, schema);
        attributes.verifyAllUsed();
        return condition;
    }

    @Benchmark
    public UpdateExpression updateParsed() {
        ExpressionAttributes attributes = new ExpressionAttributes(updateNames, updateValues);
        UpdateExpression update = UpdateExpression.parse(UPDATE, attributes);
        ConditionExpression condition = ConditionExpression.parse(CONDITION, attributes);
        attributes.verifyAllUsed();
        return condition == null ? null : update;
    }

    @Benchmark
    public UpdateExpression updateCached() {
        ExpressionAttributes attributes = new ExpressionAttributes(updateNames, updateValues);
        UpdateExpression update = parsedExpressions.update(UPDATE, attributes);
        ConditionExpression condition = parsedExpressions.condition(CONDITION, attributes);
        attributes.verifyAllUsed();
        return condition == null ? null : update;
    }
}
