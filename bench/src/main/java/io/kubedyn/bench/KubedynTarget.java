package io.kubedyn.bench;

import java.nio.file.Path;
import java.util.List;

/** This repository's embedded server ({@code gateway/target/quarkus-app/quarkus-run.jar}), data in a fresh directory. */
public final class KubedynTarget extends JavaServerTarget {
    public static final String NAME = "kubedyn";

    public KubedynTarget(Path jar, List<String> jvmOptions) {
        super(jar, jvmOptions);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    List<String> settings(Path workDir) {
        return List.of("-Dkubedyn.data-dir=" + workDir.resolve("data").toAbsolutePath());
    }
}
