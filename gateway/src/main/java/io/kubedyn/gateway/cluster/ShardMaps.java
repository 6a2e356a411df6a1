package io.kubedyn.gateway.cluster;

import io.kubedyn.core.ShardMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The shard maps of a gateway configured without Kubernetes: {@code kubedyn.cluster.shards}
 * lists the storage-pod addresses (host:port) in hash-range order for every table, and
 * {@code kubedyn.cluster.tables."<table>".shards} overrides it for one table. N addresses own
 * N equal contiguous ranges of the hash space ({@link ShardMap#equalRanges}); each pod must be
 * started with the matching {@code kubedyn.storage.owned-ranges=i/N}.
 */
public record ShardMaps(ShardMap defaults, Map<String, ShardMap> perTable) implements ShardMapSource {
    static final String SHARDS = "kubedyn.cluster.shards";
    private static final String TABLE_PREFIX = "kubedyn.cluster.tables.";
    private static final String TABLE_SUFFIX = ".shards";

    public ShardMaps {
        perTable = Map.copyOf(perTable);
    }

    /** Reads the maps from configuration properties (name to value). */
    public static ShardMaps fromProperties(Optional<String> shards, Map<String, String> properties) {
        ShardMap defaults = ShardMap.equalRanges(addresses(shards.orElseThrow(() -> new IllegalStateException(
                "kubedyn.backend=cluster needs " + SHARDS + " (storage-pod addresses in hash-range order)"))));
        Map<String, ShardMap> perTable = new LinkedHashMap<>();
        properties.forEach((name, value) -> {
            if (name.startsWith(TABLE_PREFIX) && name.endsWith(TABLE_SUFFIX)) {
                String table = name.substring(TABLE_PREFIX.length(), name.length() - TABLE_SUFFIX.length());
                if (table.length() >= 2 && table.startsWith("\"") && table.endsWith("\"")) {
                    table = table.substring(1, table.length() - 1);
                }
                perTable.put(table, ShardMap.equalRanges(addresses(value)));
            }
        });
        return new ShardMaps(defaults, perTable);
    }

    private static List<String> addresses(String list) {
        List<String> out = new ArrayList<>();
        for (String address : Arrays.asList(list.split(","))) {
            if (!address.isBlank()) {
                out.add(address.trim());
            }
        }
        return out;
    }

    @Override
    public ShardMap forTable(String table) {
        return perTable.getOrDefault(table, defaults);
    }

    @Override
    public Set<String> allAddresses() {
        Set<String> all = new LinkedHashSet<>(defaults.addresses());
        perTable.values().forEach(map -> all.addAll(map.addresses()));
        return all;
    }
}
