package io.kubedyn.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * This repository's embedded server ({@code gateway/target/quarkus-app/quarkus-run.jar}), data in
 * a fresh directory; as {@code kubedyn-streams}, with a NEW_AND_OLD_IMAGES stream on every table,
 * so that the cost of the change log shows against plain kubedyn in the same run.
 */
public final class KubedynTarget extends JavaServerTarget {
    public static final String NAME = "kubedyn";
    public static final String WITH_STREAMS = "kubedyn-streams";

    private final boolean streams;

    public KubedynTarget(Path jar, List<String> jvmOptions) {
        this(jar, jvmOptions, false);
    }

    public KubedynTarget(Path jar, List<String> jvmOptions, boolean streams) {
        super(jar, jvmOptions);
        this.streams = streams;
    }

    @Override
    public String name() {
        return streams ? WITH_STREAMS : NAME;
    }

    @Override
    public boolean streams() {
        return streams;
    }

    @Override
    List<String> settings(Path workDir) {
        return List.of("-Dkubedyn.data-dir=" + workDir.resolve("data").toAbsolutePath());
    }
}
