package io.kubedyn.bench;

/** A run whose figures are not a result: a request failed, or an answer was wrong. */
public final class WorkloadFailedException extends RuntimeException {
    public WorkloadFailedException(String message) {
        super(message);
    }
}
