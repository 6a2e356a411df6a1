package io.kubedyn.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * The ceiling: the gateway's HTTP stack answering {@code {}} to everything
 * ({@code bench/noop-server}). It stores nothing, so its answers are not checked.
 */
public final class NoopCeilingTarget extends JavaServerTarget {
    public static final String NAME = "no-op ceiling";

    public NoopCeilingTarget(Path jar, List<String> jvmOptions) {
        super(jar, jvmOptions);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean storesData() {
        return false;
    }

    @Override
    List<String> settings(Path workDir) {
        return List.of();
    }
}
