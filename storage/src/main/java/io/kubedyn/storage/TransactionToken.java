package io.kubedyn.storage;

import io.kubedyn.core.DynamoDbError;
import io.kubedyn.core.DynamoDbException;
import java.util.Collections;
import java.util.List;

/**
 * A transaction's ClientRequestToken and the fingerprint of the request it came with: a repeat
 * of the same request within ten minutes succeeds without writing again, another request with
 * the same token is refused (IdempotentParameterMismatchException).
 */
public record TransactionToken(String token, byte[] fingerprint) {
    /** The ledger's id of the transaction this token names. */
    public String transactionId() {
        return "token/" + token;
    }

    /**
     * The answer to a repeat of this token's request, which {@code done} (the token's ledger
     * record) says was committed: each of its {@code writes} answered as writing nothing, or
     * IdempotentParameterMismatchException when the token came with another request.
     */
    public List<WriteResult> repeatOf(TransactionLedger.Entry done, int writes) {
        if (!done.sameRequest(fingerprint)) {
            throw new DynamoDbException(
                    DynamoDbError.IDEMPOTENT_PARAMETER_MISMATCH,
                    "The request uses the same client token as a previous, but non-identical request. Do not reuse "
                            + "a client token with different requests, unless the requests are identical.");
        }
        return Collections.nCopies(writes, WriteResult.NOTHING);
    }
}
