package io.kubedyn.storage;

import static io.kubedyn.storage.PartitionStoreTest.key;
import static io.kubedyn.storage.PartitionStoreTest.music;
import static io.kubedyn.storage.PartitionStoreTest.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import io.kubedyn.core.DynamoNumber;
import io.kubedyn.core.expression.ConditionExpression;
import io.kubedyn.core.expression.ExpressionAttributes;
import io.kubedyn.core.write.CancellationReason;
import io.kubedyn.core.write.ItemChange;
import io.kubedyn.core.write.TransactionCanceledException;
import io.kubedyn.core.write.TransactionConflictException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's side of transactions: one-step transactions with their ledger record, the two
 * phases (items held durably between them, across a crash), the ledger's first decision
 * standing, and transactional reads noticing a write in between.
 */
class TransactionStoreTest {
    @TempDir
    Path dir;

    private static Map<String, AttributeValue> song(String title, String plays) {
        Map<String, AttributeValue> item = PartitionStoreTest.song("Acme", title);
        item.put("plays", new AttributeValue.N(DynamoNumber.parse(plays)));
        return item;
    }

    private static TableWrite put(PartitionStore store, Map<String, AttributeValue> item) {
        return new TableWrite(table(store), key(item), ItemChange.put(item, null, null));
    }

    @Test
    void aPreparedTransactionHoldsItsItemsAcrossACrashUntilItIsCommitted() {
        Map<String, AttributeValue> one = song("One", "1");
        Map<String, AttributeValue> two = song("Two", "2");
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            store.write(table(store), key(one), ItemChange.put(one, null, null), ReturnItems.NONE);
            store.prepareNow("tx-1", "ledger:9090", List.of(put(store, song("One", "10")), put(store, two)));
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(store.get(table(store), key(one)))
                    .as("read committed: the old item")
                    .isEqualTo(one);
            assertThat(store.get(table(store), key(two))).isNull();
            assertThatThrownBy(() ->
                            store.write(table(store), key(one), ItemChange.put(one, null, null), ReturnItems.NONE))
                    .as("held after reopening")
                    .isInstanceOf(TransactionConflictException.class)
                    .hasMessage("Transaction is ongoing for the item");
            assertThatThrownBy(() -> store.writeBatch(List.of(put(store, two))))
                    .isInstanceOf(TransactionConflictException.class);
            assertThatThrownBy(() -> store.transactNow(List.of(put(store, song("Three", "3")), put(store, two)), null))
                    .isInstanceOfSatisfying(
                            TransactionCanceledException.class,
                            e -> assertThat(e.reasons())
                                    .extracting(CancellationReason::code)
                                    .containsExactly("None", "TransactionConflict"));
            assertThatThrownBy(() -> store.readTogether(List.of(new TableKey(table(store), key(one))), null))
                    .isInstanceOf(TransactionCanceledException.class);
            assertThatThrownBy(() -> store.prepareNow("tx-2", "ledger:9090", List.of(put(store, one))))
                    .isInstanceOf(TransactionCanceledException.class);
            assertThat(store.preparedBefore(Long.MAX_VALUE))
                    .extracting(PreparedTransaction::id)
                    .containsExactly("tx-1");
            assertThat(store.preparedBefore(0)).isEmpty();

            store.finishNow("tx-1", true);
            assertThat(store.get(table(store), key(one))).isEqualTo(song("One", "10"));
            assertThat(store.get(table(store), key(two))).isEqualTo(two);
            store.write(table(store), key(one), ItemChange.put(one, null, null), ReturnItems.NONE);
            store.finishNow("tx-1", false); // finishing again changes nothing
            assertThat(store.get(table(store), key(two))).isEqualTo(two);
        }
        try (PartitionStore store = PartitionStore.open(dir)) {
            assertThat(store.preparedBefore(Long.MAX_VALUE)).isEmpty();
            store.write(table(store), key(two), ItemChange.delete(two, null, null), ReturnItems.NONE);
        }
    }

    @Test
    void anAbortedTransactionWritesNothingAndAFailedPrepareHoldsNothing() {
        Map<String, AttributeValue> one = song("One", "1");
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            store.prepareNow("tx-1", "ledger:9090", List.of(put(store, one)));
            store.finishNow("tx-1", false);
            assertThat(store.get(table(store), key(one))).isNull();

            ConditionExpression condition =
                    ConditionExpression.parse("attribute_exists(plays)", ExpressionAttributes.none());
            TableWrite checked = new TableWrite(
                    table(store), key(one), ItemChange.check(PartitionStoreTest.song("Acme", "One"), condition, null));
            assertThatThrownBy(() ->
                            store.prepareNow("tx-2", "ledger:9090", List.of(put(store, song("Two", "2")), checked)))
                    .isInstanceOfSatisfying(
                            TransactionCanceledException.class,
                            e -> assertThat(e.reasons())
                                    .extracting(CancellationReason::code)
                                    .containsExactly("None", "ConditionalCheckFailed"));
            assertThat(store.preparedBefore(Long.MAX_VALUE)).isEmpty();
            store.write(
                    table(store),
                    key(song("Two", "2")),
                    ItemChange.put(song("Two", "2"), null, null),
                    ReturnItems.NONE);
        }
    }

    @Test
    void theLedgersFirstDecisionStandsAndATokensCommitIsRecordedWithIt() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            TransactionLedger.Entry abort = new TransactionLedger.Entry(
                    TransactionLedger.Decision.ABORTED, System.currentTimeMillis(), null, false);
            TransactionLedger.Entry commit = new TransactionLedger.Entry(
                    TransactionLedger.Decision.COMMITTED, System.currentTimeMillis(), new byte[] {7}, false);
            assertThat(store.decideNow("tx-1", null, null))
                    .as("only looking decides nothing")
                    .isNull();
            assertThat(store.decideNow("tx-1", abort, null).decision()).isEqualTo(TransactionLedger.Decision.ABORTED);
            assertThat(store.decideNow("tx-1", commit, "token/t").decision())
                    .as("the first decision stands")
                    .isEqualTo(TransactionLedger.Decision.ABORTED);
            assertThat(store.decideNow("token/t", null, null))
                    .as("an aborted transaction records no token")
                    .isNull();

            assertThat(store.decideNow("tx-2", commit, "token/t").decision())
                    .isEqualTo(TransactionLedger.Decision.COMMITTED);
            TransactionLedger.Entry token = store.decideNow("token/t", null, null);
            assertThat(token.sameRequest(new byte[] {7})).isTrue();
            assertThat(token.idempotentAt(System.currentTimeMillis())).isTrue();

            TransactionLedger.Entry repeat = store.decideNow("tx-3", commit, "token/t");
            assertThat(repeat.complete())
                    .as("another attempt of the token's request committed first")
                    .isTrue();
            assertThat(store.decideNow("tx-3", null, null).decision()).isEqualTo(TransactionLedger.Decision.ABORTED);

            store.decideNow(
                    "tx-2", new TransactionLedger.Entry(TransactionLedger.Decision.COMMITTED, 0, null, true), null);
            assertThat(store.decideNow("tx-2", null, null))
                    .as("a complete record without a token is dropped")
                    .isNull();
            assertThat(store.trimLedger(System.currentTimeMillis() + TransactionLedger.TOKEN_MILLIS + 1))
                    .as("the token's record goes after ten minutes, the aborted one's after a day")
                    .isEqualTo(1);
            assertThat(store.decideNow("tx-1", null, null)).isNotNull();
        }
    }

    @Test
    void aOneStepTransactionWithATokenAppliesOnceAndRefusesAnotherRequest() {
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            TransactionToken token = new TransactionToken("t", new byte[] {1});
            store.transactNow(List.of(put(store, song("One", "1"))), token);
            store.write(
                    table(store),
                    key(song("One", "1")),
                    ItemChange.put(song("One", "5"), null, null),
                    ReturnItems.NONE);
            store.transactNow(List.of(put(store, song("One", "1"))), token);
            assertThat(store.get(table(store), key(song("One", "1"))))
                    .as("the repeat wrote nothing")
                    .isEqualTo(song("One", "5"));
            assertThatThrownBy(() -> store.transactNow(
                            List.of(put(store, song("One", "1"))), new TransactionToken("t", new byte[] {2})))
                    .isInstanceOfSatisfying(
                            DynamoDbException.class,
                            e -> assertThat(e.error()).isEqualTo(DynamoDbError.IDEMPOTENT_PARAMETER_MISMATCH));
        }
    }

    @Test
    void aTransactionalReadKnowsWhetherItsItemsWereWrittenOrPreparedSince() {
        Map<String, AttributeValue> one = song("One", "1");
        try (PartitionStore store = PartitionStore.open(dir)) {
            store.createTable(music("Music"));
            store.write(table(store), key(one), ItemChange.put(one, null, null), ReturnItems.NONE);
            List<TableKey> keys = List.of(new TableKey(table(store), key(one)));
            assertThat(store.readTogether(keys, "r1")).containsExactly(one);
            assertThat(store.releaseReadsNow("r1")).isTrue();
            assertThat(store.releaseReadsNow("r1")).as("already released").isFalse();

            store.readTogether(keys, "r2");
            store.write(table(store), key(one), ItemChange.put(song("One", "2"), null, null), ReturnItems.NONE);
            assertThat(store.releaseReadsNow("r2")).isFalse();

            store.readTogether(keys, "r3");
            store.prepareNow("tx", "ledger:9090", List.of(put(store, song("One", "3"))));
            assertThat(store.releaseReadsNow("r3")).isFalse();
            store.finishNow("tx", false);
        }
    }
}
