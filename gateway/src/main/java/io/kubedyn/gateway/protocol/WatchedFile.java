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
    /** The value and the modification time of the file it was read from (null: no file), as one. */
    private volatile Read<T> last;

    private volatile long checkedAt;

    private record Read<T>(T value, FileTime modified) {}

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
        FileTime modified = modified(file);
        this.last = new Read<>(modified == null && absent != null ? absent : read.apply(file), modified);
        this.checkedAt = System.nanoTime();
    }

    T current() {
        if (System.nanoTime() - checkedAt > RECHECK_NANOS) {
            recheck();
        }
        return last.value();
    }

    /** One thread at a time, so that an older reading never lands after a newer one. */
    private synchronized void recheck() {
        long now = System.nanoTime();
        if (now - checkedAt <= RECHECK_NANOS) {
            return;
        }
        checkedAt = now;
        FileTime modified = modified(file);
        if (modified == null) {
            if (absent != null) {
                last = new Read<>(absent, null);
            }
        } else if (!modified.equals(last.modified())) {
            try {
                last = new Read<>(read.apply(file), modified);
            } catch (IllegalArgumentException e) {
                io.quarkus.logging.Log.warnf("keeping what %s said before: %s", file, e.getMessage());
                // What it says is wrong: not read again until it changes again.
                last = new Read<>(last.value(), modified);
            } catch (UncheckedIOException e) {
                io.quarkus.logging.Log.warnf("keeping what %s said before: %s", file, e.getMessage());
            }
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }
}
