package org.postern.mailbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import javax.annotation.PreDestroy;
import javax.inject.Singleton;

/** One open {@link DeliveryJournal} per file, shared by every mailet that names it. */
@Singleton
public class DeliveryJournals {
    private final Map<Path, DeliveryJournal> open = new HashMap<>();

    public synchronized DeliveryJournal open(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        DeliveryJournal journal = open.get(key);
        if (journal == null) {
            journal = DeliveryJournal.open(key);
            open.put(key, journal);
        }
        return journal;
    }

    @PreDestroy
    public synchronized void closeAll() throws IOException {
        for (DeliveryJournal journal : open.values()) {
            journal.close();
        }
        open.clear();
    }
}
