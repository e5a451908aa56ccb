package org.postern.mailbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers, across a crash, which (queue id, recipient) pairs local delivery had started and finished.
 *
 * <p>Why: the spool hands a mail to the pipeline and forgets it only when the pipeline is done. If the process dies
 * after the mailbox append but before that, the spool hands the same mail over again after the restart, and a
 * naive local delivery stores it twice. The journal lets the second attempt know: "finished" means skip;
 * "started but not finished" means look in the mailbox first.</p>
 *
 * <p>How: an append-only text file, one line per event ({@code S} started, {@code D} done), written with one
 * {@code write} per event so that it survives the death of the process (the OS keeps the page). Only mails that
 * were in flight at a crash can come back, and their lines are among the last ones written, so the journal keeps
 * only its last {@value #TAIL_LINES} lines: at start-up and whenever the file grows past {@value #ROLL_LINES}.</p>
 */
public class DeliveryJournal implements AutoCloseable {
    static final int TAIL_LINES = 50_000;
    static final int ROLL_LINES = 1_000_000;

    public enum State { STARTED, DONE }

    private final Path file;
    private final Map<String, State> recovered;
    private final Deque<String> tail = new ArrayDeque<>();
    private FileChannel channel;
    private int linesInFile;

    private DeliveryJournal(Path file, Map<String, State> recovered) {
        this.file = file;
        this.recovered = recovered;
    }

    /** Opens the journal, reading what the previous run left: that is what a redelivered mail is checked against. */
    public static DeliveryJournal open(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        List<String> previous = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        Map<String, State> recovered = new HashMap<>();
        DeliveryJournal journal = new DeliveryJournal(file, recovered);
        for (String line : previous.subList(Math.max(0, previous.size() - TAIL_LINES), previous.size())) {
            if (line.length() > 2 && (line.charAt(0) == 'S' || line.charAt(0) == 'D') && line.charAt(1) == ' ') {
                String key = line.substring(2);
                recovered.merge(key, line.charAt(0) == 'D' ? State.DONE : State.STARTED,
                    (before, now) -> before == State.DONE ? State.DONE : now);
                journal.tail.addLast(line);
            }
        }
        journal.rewriteWithTail();
        return journal;
    }

    /** What the previous run recorded for this delivery, if anything. */
    public synchronized State recovered(String queueId, String recipient) {
        return recovered.get(key(queueId, recipient));
    }

    public void started(String queueId, String recipient) {
        append("S " + key(queueId, recipient));
    }

    public void done(String queueId, String recipient) {
        append("D " + key(queueId, recipient));
    }

    private static String key(String queueId, String recipient) {
        return queueId + ' ' + recipient;
    }

    private synchronized void append(String line) {
        try {
            channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            tail.addLast(line);
            if (tail.size() > TAIL_LINES) {
                tail.removeFirst();
            }
            if (++linesInFile > ROLL_LINES) {
                rewriteWithTail();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the delivery journal " + file, e);
        }
    }

    /** Replaces the file by its tail, atomically, and appends from there. */
    private void rewriteWithTail() throws IOException {
        if (channel != null) {
            channel.close();
        }
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.write(next, tail, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        linesInFile = tail.size();
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
