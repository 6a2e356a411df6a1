package io.kubedyn.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * This repository's embedded server ({@code gateway/target/quarkus-app/quarkus-run.jar}), data in
 * a fresh directory; as {@code kubedyn-streams}, with a NEW_AND_OLD_IMAGES stream on every table,
 * and as {@code kubedyn-gsi}, with two global secondary indexes on the key-value table, so that
 * the cost of the change log or of the indexes shows against plain kubedyn in the same run; as
 * {@code kubedyn-sigv4}, checking every call's SigV4 signature against an access keys file
 * holding the bench client's key; as {@code kubedyn-tls}, serving HTTPS only; as {@code kubedyn-baseline}, another build's jar, so that a
 * change shows against its parent.
 */
public final class KubedynTarget extends JavaServerTarget {
    public static final String NAME = "kubedyn";
    public static final String WITH_STREAMS = "kubedyn-streams";
    public static final String WITH_GLOBAL_INDEXES = "kubedyn-gsi";
    /** Another build of kubedyn (an earlier commit's jar), to measure a change against in one run. */
    public static final String BASELINE = "kubedyn-baseline";
    /** kubedyn checking signatures (kubedyn.auth.access-keys-file), to measure what checking costs. */
    public static final String WITH_SIGNATURES = "kubedyn-sigv4";
    /** kubedyn serving HTTPS only (its tls profile), to measure what TLS costs. */
    public static final String WITH_TLS = "kubedyn-tls";

    private final TableFeatures features;
    private final String name;

    public KubedynTarget(Path jar, List<String> jvmOptions) {
        this(jar, jvmOptions, TableFeatures.PLAIN);
    }

    public KubedynTarget(Path jar, List<String> jvmOptions, TableFeatures features) {
        this(
                jar,
                jvmOptions,
                features,
                features.streams() ? WITH_STREAMS : features.globalIndexes() ? WITH_GLOBAL_INDEXES : NAME);
    }

    private KubedynTarget(Path jar, List<String> jvmOptions, TableFeatures features, String name) {
        super(jar, jvmOptions);
        this.features = features;
        this.name = name;
    }

    /** kubedyn checking every call's signature against the bench client's key. */
    public static KubedynTarget checkingSignatures(Path jar, List<String> jvmOptions) {
        return new KubedynTarget(jar, jvmOptions, TableFeatures.PLAIN, WITH_SIGNATURES);
    }

    /** kubedyn serving HTTPS with the run's own certificate ({@link BenchTls}). */
    public static KubedynTarget servingTls(Path jar, List<String> jvmOptions) {
        return new KubedynTarget(jar, jvmOptions, TableFeatures.PLAIN, WITH_TLS);
    }

    @Override
    boolean tls() {
        return name.equals(WITH_TLS);
    }

    /** The embedded server of another build, {@code jar} its {@code quarkus-run.jar}. */
    public static KubedynTarget baseline(Path jar, List<String> jvmOptions) {
        return new KubedynTarget(jar, jvmOptions, TableFeatures.PLAIN, BASELINE);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TableFeatures tables() {
        return features;
    }

    @Override
    List<String> settings(Path workDir) {
        String data = "-Dkubedyn.data-dir=" + workDir.resolve("data").toAbsolutePath();
        if (name.equals(WITH_TLS)) {
            Path tls = workDir.resolve("tls");
            try {
                BenchTls.writePem(tls);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return List.of(data, "-Dquarkus.profile=prod,tls", "-Dkubedyn.tls.directory=" + tls.toAbsolutePath());
        }
        if (!name.equals(WITH_SIGNATURES)) {
            return List.of(data);
        }
        Path keys = workDir.resolve("access-keys.properties");
        try {
            java.nio.file.Files.createDirectories(workDir);
            java.nio.file.Files.writeString(keys, Clients.ACCESS_KEY_ID + "=" + Clients.SECRET_ACCESS_KEY + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return List.of(data, "-Dkubedyn.auth.access-keys-file=" + keys.toAbsolutePath());
    }
}
