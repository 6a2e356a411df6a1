package io.kubedyn.storage.pod;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which hash ranges this pod owns, per table: {@code kubedyn.storage.tables."<table>".owned-ranges}
 * when set, else {@code kubedyn.storage.owned-ranges} (see {@link OwnedRanges} for the forms).
 */
@ApplicationScoped
public class OwnedRangesConfig {
    private final Config config;
    /** Given at startup, then what the store records: a range hand-off changes it while serving. */
    private volatile OwnedRanges defaults;

    private final Map<String, Optional<OwnedRanges>> perTable = new ConcurrentHashMap<>();

    OwnedRangesConfig(
            Config config,
            @ConfigProperty(name = "kubedyn.storage.owned-ranges", defaultValue = "all") String defaults) {
        this.config = config;
        this.defaults = OwnedRanges.parse(defaults);
    }

    public OwnedRanges forTable(String table) {
        return configured(table).orElse(defaults);
    }

    /** The ranges configured for {@code table} alone, if any. */
    public Optional<OwnedRanges> configured(String table) {
        return perTable.computeIfAbsent(
                table,
                t -> config.getOptionalValue("kubedyn.storage.tables.\"" + t + "\".owned-ranges", String.class)
                        .map(OwnedRanges::parse));
    }

    public OwnedRanges defaults() {
        return defaults;
    }

    /** The pod's ranges from now on (the store's record, or a hand-off's outcome). */
    void assign(OwnedRanges ranges) {
        defaults = ranges;
    }
}
