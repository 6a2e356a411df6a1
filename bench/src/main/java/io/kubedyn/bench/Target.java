package io.kubedyn.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A server the comparison measures: started on a free loopback port, loaded and driven with the
 * same client and requests as every other, then stopped. Adding a peer to the comparison is one
 * class implementing this.
 */
public interface Target extends AutoCloseable {
    /** The name in tables and charts. */
    String name();

    /**
     * Starts the server with its state under {@code workDir} and returns its endpoint once it
     * answers HTTP; throws if it does not start.
     */
    URI start(Path workDir) throws Exception;

    /** False for a target that answers without storing anything: its answers are not checked. */
    default boolean storesData() {
        return true;
    }

    /** What the target's tables are created with beyond their keys. */
    default TableFeatures tables() {
        return TableFeatures.PLAIN;
    }

    /** The server's JVM process id, for profiling with JFR; empty if it is not a JVM. */
    default OptionalLong jvmPid() {
        return OptionalLong.empty();
    }

    /**
     * The server's process id, to read how much CPU it spent; empty if it is not running. The
     * CPU time a target spends per request is the figure a shared, noisy machine disturbs least.
     */
    default OptionalLong serverPid() {
        return jvmPid();
    }

    /** Stops the server; never throws. */
    @Override
    void close();
}
