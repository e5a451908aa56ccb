package org.postern.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data file that an admin edits while the server runs (transport table, recipient list): read at start (a
 * broken file stops start-up), then looked at again at most every few seconds; a changed file that parses
 * replaces the value, a broken one is logged with its reason and the previous value stays in force. A missing
 * file stands for the given empty value.
 */
public final class WatchedFile<T> {
    private static final Logger LOGGER = LoggerFactory.getLogger(WatchedFile.class);
    public static final Duration CHECK_EVERY = Duration.ofSeconds(2);

    /** Reads the file's content; a content error is an {@link IllegalArgumentException} naming line and value. */
    public interface Reader<T> {
        T read(InputStream in, String source) throws IOException;
    }

    private final Path file;
    private final Clock clock;
    private final Reader<T> reader;
    private final T empty;
    private final Function<T, String> summary;
    private volatile T value;
    private volatile Optional<FileTime> seen;
    private volatile Instant nextCheck;

    private WatchedFile(Path file, Clock clock, Reader<T> reader, T empty, Function<T, String> summary) throws IOException {
        this.file = file;
        this.clock = clock;
        this.reader = reader;
        this.empty = empty;
        this.summary = summary;
        this.seen = modified(file);
        this.value = seen.isPresent() ? read() : empty;
        this.nextCheck = clock.instant().plus(CHECK_EVERY);
    }

    /** Reads the file now; its errors are the caller's start-up errors. */
    public static <T> WatchedFile<T> load(Path file, Clock clock, Reader<T> reader, T empty, Function<T, String> summary)
        throws IOException {
        return new WatchedFile<>(file, clock, reader, empty, summary);
    }

    public T current() {
        reloadIfChanged();
        return value;
    }

    public Path path() {
        return file;
    }

    private void reloadIfChanged() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return;
        }
        synchronized (this) {
            if (now.isBefore(nextCheck)) {
                return;
            }
            nextCheck = now.plus(CHECK_EVERY);
            try {
                Optional<FileTime> modified = modified(file);
                if (modified.equals(seen)) {
                    return;
                }
                seen = modified;
                value = modified.isPresent() ? read() : empty;
                LOGGER.info("{}: reloaded, {}", file, summary.apply(value));
            } catch (IllegalArgumentException | IOException e) {
                LOGGER.error("{} not reloaded, the previous content stays in force: {}", file, e.getMessage());
            }
        }
    }

    private T read() throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return reader.read(in, file.toString());
        }
    }

    private static Optional<FileTime> modified(Path file) throws IOException {
        try {
            return Optional.of(Files.getLastModifiedTime(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
