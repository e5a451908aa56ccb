package org.postern.routing;

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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code transport.xml} as a live table: read at start (a broken file stops start-up), then looked at again at
 * most every few seconds; a changed file that parses replaces the table, a broken one is logged with its line
 * and reason and the previous table stays in force. A missing file means "no overrides".
 */
public final class TransportTableFile {
    private static final Logger LOGGER = LoggerFactory.getLogger(TransportTableFile.class);
    static final Duration CHECK_EVERY = Duration.ofSeconds(2);

    private final Path file;
    private final Clock clock;
    private volatile TransportTable table;
    private volatile Optional<FileTime> seen;
    private volatile Instant nextCheck;

    private TransportTableFile(Path file, Clock clock, TransportTable table, Optional<FileTime> seen) {
        this.file = file;
        this.clock = clock;
        this.table = table;
        this.seen = seen;
        this.nextCheck = clock.instant().plus(CHECK_EVERY);
    }

    public static TransportTableFile load(Path file, Clock clock) throws IOException {
        Optional<FileTime> modified = modified(file);
        TransportTable table = modified.isPresent() ? read(file) : TransportTable.EMPTY;
        return new TransportTableFile(file, clock, table, modified);
    }

    public TransportTable.Entry lookup(String domain) {
        reloadIfChanged();
        return table.lookup(domain);
    }

    public TransportTable current() {
        reloadIfChanged();
        return table;
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
                table = modified.isPresent() ? read(file) : TransportTable.EMPTY;
                LOGGER.info("{}: reloaded, {} routes", file, table.size());
            } catch (TransportTable.InvalidTableException | IOException e) {
                LOGGER.error("{} not reloaded, the previous table stays in force: {}", file, e.getMessage());
            }
        }
    }

    private static TransportTable read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return TransportTable.parse(in, file.toString());
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
