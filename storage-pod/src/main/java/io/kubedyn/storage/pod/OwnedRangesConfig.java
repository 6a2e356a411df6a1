package io.kubedyn.storage.pod;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
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
    private final OwnedRanges defaults;
    private final Map<String, OwnedRanges> perTable = new ConcurrentHashMap<>();

    OwnedRangesConfig(Config config,
                      @ConfigProperty(name = "kubedyn.storage.owned-ranges", defaultValue = "all") String defaults) {
        this.config = config;
        this.defaults = OwnedRanges.parse(defaults);
    }

    public OwnedRanges forTable(String table) {
        return perTable.computeIfAbsent(table, t -> config
                .getOptionalValue("kubedyn.storage.tables.\"" + t + "\".owned-ranges", String.class)
                .map(OwnedRanges::parse)
                .orElse(defaults));
    }

    public OwnedRanges defaults() {
        return defaults;
    }
}
