package io.kubedyn.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/** The CPU time (user and system) a server process has used so far, as the operating system counts it. */
final class ServerCpu {
    private ServerCpu() {}

    static Optional<Duration> used(OptionalLong pid) {
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid.getAsLong())
                .flatMap(process -> process.info().totalCpuDuration());
    }
}
