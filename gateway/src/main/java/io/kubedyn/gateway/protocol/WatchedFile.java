package io.kubedyn.gateway.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Function;

/**
 * A file read into a value and read again when it changes (looked at no more than once a
 * second), so a mounted Secret's update takes effect without a restart. A file that cannot be
 * read or read into a value keeps the value last read; a file that is not there (an optional
 * one, or one removed) has the value given for that.
 */
final class WatchedFile<T> {
    private static final long RECHECK_NANOS = 1_000_000_000L;
    private final Path file;
    private final Function<Path, T> read;
    private final T absent;
    private volatile T value;
    private volatile FileTime readAt;
    private volatile long checkedAt;

    /**
     * Reads {@code file} now; {@code read} throws {@link UncheckedIOException} or
     * {@link IllegalArgumentException} for a file it cannot read.
     *
     * @param absent the value while there is no file; null when the file must be there at start
     */
    WatchedFile(Path file, Function<Path, T> read, T absent) {
        this.file = file;
        this.read = read;
        this.absent = absent;
        this.readAt = modified(file);
        this.value = readAt == null && absent != null ? absent : read.apply(file);
        this.checkedAt = System.nanoTime();
    }

    T current() {
        long now = System.nanoTime();
        if (now - checkedAt > RECHECK_NANOS) {
            checkedAt = now;
            FileTime modified = modified(file);
            if (modified == null) {
                if (absent != null) {
                    value = absent;
                    readAt = null;
                }
            } else if (!modified.equals(readAt)) {
                try {
                    value = read.apply(file);
                    readAt = modified;
                } catch (UncheckedIOException | IllegalArgumentException e) {
                    io.quarkus.logging.Log.warnf("keeping what %s said before: %s", file, e.getMessage());
                }
            }
        }
        return value;
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }
}
