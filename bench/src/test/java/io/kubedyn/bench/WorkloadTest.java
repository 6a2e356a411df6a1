package io.kubedyn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WorkloadTest {
    @Test
    void mixesFollowTheirShares() {
        SplittableRandom random = new SplittableRandom(7);
        int reads = 0;
        int draws = 100_000;
        for (int i = 0; i < draws; i++) {
            if (Workload.B.pick(random.nextDouble()) == Operation.READ) {
                reads++;
            }
        }
        assertThat(reads / (double) draws).isBetween(0.94, 0.96);
    }

    @Test
    void cOnlyReadsAndEQueriesOrWritesTheRangeTable() {
        assertThat(Workload.C.pick(0.999999)).isEqualTo(Operation.READ);
        assertThat(Workload.A.pick(0.49)).isEqualTo(Operation.READ);
        assertThat(Workload.A.pick(0.51)).isEqualTo(Operation.UPDATE);
        assertThat(Workload.E.pick(0.5)).isEqualTo(Operation.QUERY);
        assertThat(Workload.E.pick(0.97)).isEqualTo(Operation.UPDATE_RANGE);
    }

    @Test
    void namesAreCaseInsensitiveAndUnknownOnesAreRefused() {
        assertThat(Workload.named("e")).isEqualTo(Workload.E);
        assertThatThrownBy(() -> Workload.named("D")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void operationWorkloadsAreNamedAfterTheirDynamoDbOperationAndSendOnlyIt() {
        assertThat(Workload.operation("getitem")).isEqualTo(Workload.GET_ITEM);
        assertThat(Workload.operation(" Scan")).isEqualTo(Workload.SCAN);
        for (Workload operation : Workload.OPERATIONS) {
            assertThat(operation.pick(0.0)).isEqualTo(operation.pick(0.999999));
        }
        assertThat(Workload.PUT_ITEM.pick(0.5)).isEqualTo(Operation.UPDATE);
        assertThat(Workload.QUERY.pick(0.5)).isEqualTo(Operation.QUERY);
        assertThat(Workload.operation("batchwriteitem")).isEqualTo(Workload.BATCH_WRITE_ITEM);
        assertThat(Workload.BATCH_WRITE_ITEM.pick(0.5)).isEqualTo(Operation.BATCH_WRITE);
        assertThat(Workload.operation("transactwriteitems")).isEqualTo(Workload.TRANSACT_WRITE_ITEMS);
        assertThat(Workload.TRANSACT_WRITE_ITEMS.pick(0.5)).isEqualTo(Operation.TRANSFER);
        assertThat(Workload.UPDATE_ITEM_PAIR.pick(0.5)).isEqualTo(Operation.UPDATE_PAIR);
        assertThat(Workload.OPERATIONS)
                .extracting(Workload::name)
                .containsExactly(
                        "PutItem",
                        "GetItem",
                        "Query",
                        "Scan",
                        "BatchWriteItem",
                        "TransactWriteItems",
                        "UpdateItemPair");
        assertThatThrownBy(() -> Workload.operation("UpdateItem"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("known: PutItem, GetItem, Query, Scan, BatchWriteItem, TransactWriteItems, "
                        + "UpdateItemPair");
    }
}
