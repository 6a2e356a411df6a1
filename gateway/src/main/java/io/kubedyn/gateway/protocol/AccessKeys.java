package io.kubedyn.gateway.protocol;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The access keys the gateway accepts: a file of {@code accessKeyId=secretAccessKey} lines
 * (Java properties), read again when it changes (looked at no more than once a second), so keys
 * are added and revoked without a restart. A file that cannot be read keeps the keys last read.
 */
public final class AccessKeys {
    private final WatchedFile<Map<String, String>> secrets;

    public AccessKeys(Path file) {
        this.secrets = new WatchedFile<>(file, AccessKeys::read, null);
    }

    /** The secret key of {@code accessKeyId}, if the file names it. */
    public Optional<String> secretOf(String accessKeyId) {
        return Optional.ofNullable(secrets.current().get(accessKeyId));
    }

    private static Map<String, String> read(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the access keys in " + file, e);
        }
        Map<String, String> keys = new java.util.HashMap<>();
        properties.forEach(
                (id, secret) -> keys.put(id.toString().trim(), secret.toString().trim()));
        return Map.copyOf(keys);
    }
}
