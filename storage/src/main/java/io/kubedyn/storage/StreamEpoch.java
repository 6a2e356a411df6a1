package io.kubedyn.storage;

import io.kubedyn.core.HashRange;
import java.util.ArrayList;
import java.util.List;

/**
 * A stretch of a store's change log ended by a range hand-off (a shard split): the hash ranges the
 * store owned while it lasted, and its last sequence number. The store's next stretch holds the
 * records after it, for the ranges the store kept. DynamoDB Streams shows each stretch as a shard
 * of its own: a split closes the parent and opens its children.
 */
public record StreamEpoch(List<HashRange> ranges, long through) {

    public StreamEpoch {
        ranges = List.copyOf(ranges);
    }

    /** As the store's catalog keeps a list of them: {@code first-last,first-last@through;...}. */
    static String format(List<StreamEpoch> epochs) {
        List<String> parts = new ArrayList<>();
        for (StreamEpoch epoch : epochs) {
            parts.add(String.join(
                            ",", epoch.ranges.stream().map(HashRange::toString).toList()) + "@" + epoch.through);
        }
        return String.join(";", parts);
    }

    static List<StreamEpoch> parse(String text) {
        List<StreamEpoch> epochs = new ArrayList<>();
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int at = part.lastIndexOf('@');
            List<HashRange> ranges = new ArrayList<>();
            for (String range : part.substring(0, at).split(",")) {
                if (!range.isBlank()) {
                    ranges.add(HashRange.parse(range));
                }
            }
            epochs.add(new StreamEpoch(ranges, Long.parseLong(part.substring(at + 1))));
        }
        return epochs;
    }
}
