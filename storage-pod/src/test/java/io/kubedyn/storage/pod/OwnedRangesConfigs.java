package io.kubedyn.storage.pod;

import io.smallrye.config.SmallRyeConfigBuilder;

/** {@link OwnedRangesConfig}s for tests that build the pod's beans by hand. */
final class OwnedRangesConfigs {
    private OwnedRangesConfigs() {}

    static OwnedRangesConfig of(String ranges) {
        return new OwnedRangesConfig(new SmallRyeConfigBuilder().build(), ranges);
    }

    static OwnedRangesConfig all() {
        return of("all");
    }
}
