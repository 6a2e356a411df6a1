package io.kubedyn.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * This repository's embedded server ({@code gateway/target/quarkus-app/quarkus-run.jar}), data in
 * a fresh directory; as {@code kubedyn-streams}, with a NEW_AND_OLD_IMAGES stream on every table,
 * and as {@code kubedyn-gsi}, with two global secondary indexes on the key-value table, so that
 * the cost of the change log or of the indexes shows against plain kubedyn in the same run.
 */
public final class KubedynTarget extends JavaServerTarget {
    public static final String NAME = "kubedyn";
    public static final String WITH_STREAMS = "kubedyn-streams";
    public static final String WITH_GLOBAL_INDEXES = "kubedyn-gsi";

    private final TableFeatures features;

    public KubedynTarget(Path jar, List<String> jvmOptions) {
        this(jar, jvmOptions, TableFeatures.PLAIN);
    }

    public KubedynTarget(Path jar, List<String> jvmOptions, TableFeatures features) {
        super(jar, jvmOptions);
        this.features = features;
    }

    @Override
    public String name() {
        return features.streams() ? WITH_STREAMS : features.globalIndexes() ? WITH_GLOBAL_INDEXES : NAME;
    }

    @Override
    public TableFeatures tables() {
        return features;
    }

    @Override
    List<String> settings(Path workDir) {
        return List.of("-Dkubedyn.data-dir=" + workDir.resolve("data").toAbsolutePath());
    }
}
