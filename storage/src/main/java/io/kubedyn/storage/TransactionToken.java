package io.kubedyn.storage;

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
}
