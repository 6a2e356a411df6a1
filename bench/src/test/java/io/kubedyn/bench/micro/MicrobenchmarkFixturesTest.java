package io.kubedyn.bench.micro;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubedyn.core.AttributeValue;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The microbenchmarks' set-up and one call of each benchmark method, without JMH: a benchmark that
 * cannot set up, or that measures something other than it claims, fails here rather than at
 * measurement time.
 */
class MicrobenchmarkFixturesTest {
    @Test
    void storeAndRawRocksDbHoldTheSameItemsAndAnswerAlike() throws Exception {
        StoreBenchmark bench = new StoreBenchmark();
        bench.keyCount = 500;
        bench.setUp();
        try {
            Map<String, AttributeValue> item = bench.storeGet();
            assertThat(item).hasSize(11);
            assertThat(item.get("field3"))
                    .isInstanceOfSatisfying(
                            AttributeValue.S.class, s -> assertThat(s.value()).hasSize(100));
            assertThat(bench.rawGet()).isNotNull();
            // Every key is present, so a put replaces an item and returns it.
            assertThat(bench.storePut()).isNotNull();
            bench.rawPut();
        } finally {
            bench.tearDown();
        }
    }

    @Test
    void jsonParsingReadsTheWholePutItem() throws Exception {
        JsonParsingBenchmark bench = new JsonParsingBenchmark();
        assertThat(bench.jacksonTree().get("Item").size()).isEqualTo(11);
        Map<String, AttributeValue> item = bench.jacksonTreeThenItem();
        assertThat(item).hasSize(11).containsKey("id");
    }

    @Test
    void keysOfBothShapesAreEncoded() {
        KeyEncodingBenchmark bench = new KeyEncodingBenchmark();
        assertThat(bench.hashKeyOnly().storageKey()).hasSizeGreaterThan(8);
        assertThat(bench.hashAndNumberSortKey().sortKey()).isNotNull();
    }

    @Test
    void parsedAndCachedExpressionsGiveTheSameRequest() {
        ExpressionParsingBenchmark bench = new ExpressionParsingBenchmark();
        for (int i = 0; i < 2; i++) {
            assertThat(bench.queryCached()).isEqualTo(bench.queryParsed());
            assertThat(bench.updateCached().updatedPaths())
                    .isEqualTo(bench.updateParsed().updatedPaths());
        }
        assertThat(bench.queryParsed().partitionKey()).isEqualTo(new AttributeValue.S("part00000123"));
    }
}
