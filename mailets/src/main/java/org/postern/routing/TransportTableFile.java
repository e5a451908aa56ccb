package org.postern.routing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.postern.config.WatchedFile;

/**
 * {@code transport.xml} as a live table (see {@link WatchedFile}: reloaded when it changes, a broken edit keeps
 * the previous table). A missing file means "no overrides".
 */
public final class TransportTableFile {
    static final Duration CHECK_EVERY = WatchedFile.CHECK_EVERY;

    private final WatchedFile<TransportTable> file;

    private TransportTableFile(WatchedFile<TransportTable> file) {
        this.file = file;
    }

    public static TransportTableFile load(Path file, Clock clock) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        return new TransportTableFile(WatchedFile.load(file, clock, (in, source) -> TransportTable.parse(in, source, folder),
            TransportTable.EMPTY, table -> table.size() + " routes"));
    }

    public TransportTable.Entry lookup(String domain) {
        return file.current().lookup(domain);
    }

    /** See {@link TransportTable#mxPort}. */
    public int mxPort() {
        return file.current().mxPort();
    }

    /** See {@link TransportTable#entryFor}. */
    public TransportTable.Entry entryFor(NextHop nextHop, String domain) {
        return file.current().entryFor(nextHop, domain);
    }
}
