package io.kubedyn.gateway.protocol;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The access keys the gateway accepts: a file of {@code accessKeyId=secretAccessKey} lines
 * (Java properties), read again when it changes (looked at no more than once a second), so keys
 * are added and revoked without a restart. A file that cannot be read keeps the keys last read.
 */
public final class AccessKeys {
    private static final long RECHECK_NANOS = 1_000_000_000L;
    private final Path file;
    private volatile Map<String, String> secrets;
    private volatile FileTime readAt;
    private volatile long checkedAt;

    public AccessKeys(Path file) {
        this.file = file;
        this.secrets = read(file);
        this.readAt = modified(file);
        this.checkedAt = System.nanoTime();
    }

    /** The secret key of {@code accessKeyId}, if the file names it. */
    public Optional<String> secretOf(String accessKeyId) {
        long now = System.nanoTime();
        if (now - checkedAt > RECHECK_NANOS) {
            checkedAt = now;
            FileTime modified = modified(file);
            if (modified != null && !modified.equals(readAt)) {
                try {
                    secrets = read(file);
                    readAt = modified;
                } catch (UncheckedIOException e) {
                    // keep the keys last read; the next look tries again
                }
            }
        }
        return Optional.ofNullable(secrets.get(accessKeyId));
    }

    private static Map<String, String> read(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the access keys in " + file, e);
        }
        Map<String, String> keys = new java.util.HashMap<>();
        properties.forEach((id, secret) -> keys.put(id.toString().trim(), secret.toString().trim()));
        return Map.copyOf(keys);
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }
}
