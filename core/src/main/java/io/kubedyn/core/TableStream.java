package io.kubedyn.core;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A table's DynamoDB stream, while it is enabled: what its records hold, its label (DynamoDB's
 * {@code LatestStreamLabel}, the time it was enabled, which names the stream in its ARN) and how
 * long its records are kept.
 */
public record TableStream(StreamViewType viewType, String label, long retentionSeconds) {
    /** DynamoDB keeps stream records for 24 hours. */
    public static final long DEFAULT_RETENTION_SECONDS = 24 * 60 * 60;

    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    /** A stream of {@code viewType} enabled at {@code millis}, keeping records 24 hours. */
    public static TableStream enabledAt(StreamViewType viewType, long millis) {
        return new TableStream(viewType, labelAt(millis), DEFAULT_RETENTION_SECONDS);
    }

    /** The label of a stream enabled at {@code millis}, as DynamoDB writes it: {@code 2026-11-30T14:00:00.000}, UTC. */
    public static String labelAt(long millis) {
        return LABEL.format(LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
    }

    /** When the stream was enabled, in epoch milliseconds (0 for a label that is no time). */
    public long enabledMillis() {
        try {
            return LocalDateTime.parse(label, LABEL).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    public TableStream {
        if (viewType == null || label == null || label.isEmpty()) {
            throw new IllegalArgumentException("a stream needs a view type and a label");
        }
        if (retentionSeconds < 1) {
            throw new IllegalArgumentException("stream retention must be positive, got " + retentionSeconds);
        }
    }
}
