package org.postern.server.queue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail queues' durable store: one SQLite database ({@code store/queue.db} in the data directory) with a row per
 * queued mail of every queue: its queue, due time, held mark, sender and recipients (for queue control), the
 * envelope ({@link MailCodec}) and the message bytes.
 *
 * <p>All writes go through one writer thread, which commits whatever is waiting as one transaction: concurrent
 * enqueues share one sync of SQLite's write-ahead log (group commit), and {@link #insert} returns only once its own
 * row is committed and synced. A removal ({@link #delete}) rides on the next commit and is not waited for: if the
 * process dies first, the mail is queued again at start, so a mail is delivered at least once and never lost.
 * Reads use a small pool of their own connections, which never wait for the writer.</p>
 *
 * <p>Why SQLite and not a hand-written journal or ActiveMQ: it is the best-tested embedded store there is, it
 * syncs a commit in one write-ahead-log append, and an admin can read the file with the {@code sqlite3} tool.</p>
 */
public final class QueueStore implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueStore.class);
    /** The most writes committed together; more simply wait for the next commit. */
    private static final int MAX_BATCH = 512;
    private static final int READERS = 4;
    private static final String COLUMNS = "id, queue, name, due, held, sender, recipients";

    /** A queued mail as stored. {@code recipients} one address per line; {@code sender} "" for the null sender. */
    public record Row(long id, String queue, String name, long due, boolean held, String sender, String recipients,
                      byte[] envelope, byte[] message) {
    }

    /** What is kept in memory of a stored mail: everything but its envelope and message. */
    public record IndexRow(long id, String queue, String name, long due, boolean held, String sender, String recipients) {
    }

    private final Path file;
    private final Connection writerConnection;
    private final PreparedStatement insert;
    private final PreparedStatement reschedule;
    private final PreparedStatement rewrite;
    private final PreparedStatement delete;
    private final BlockingQueue<Write> pending = new LinkedBlockingQueue<>();
    private final BlockingQueue<Reader> readers = new ArrayBlockingQueue<>(READERS);
    private final AtomicLong nextId;
    private final Thread writer;
    private volatile boolean closed;

    private QueueStore(Path file) throws SQLException {
        this.file = file;
        this.writerConnection = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement setup = writerConnection.createStatement()) {
            setup.execute("PRAGMA journal_mode=WAL");
            setup.execute("PRAGMA synchronous=FULL");
            setup.execute("PRAGMA busy_timeout=10000");
            setup.execute("PRAGMA journal_size_limit=67108864");
            setup.execute("CREATE TABLE IF NOT EXISTS queue_item (id INTEGER PRIMARY KEY, queue TEXT NOT NULL, "
                + "name TEXT NOT NULL, due INTEGER NOT NULL, held INTEGER NOT NULL, sender TEXT NOT NULL, "
                + "recipients TEXT NOT NULL, envelope BLOB NOT NULL, message BLOB NOT NULL)");
            setup.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        }
        writerConnection.setAutoCommit(false);
        this.insert = writerConnection.prepareStatement("INSERT INTO queue_item (" + COLUMNS + ", envelope, message) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.reschedule = writerConnection.prepareStatement("UPDATE queue_item SET due = ?, held = ? WHERE id = ?");
        this.rewrite = writerConnection.prepareStatement("UPDATE queue_item SET due = ?, held = ?, envelope = ? WHERE id = ?");
        this.delete = writerConnection.prepareStatement("DELETE FROM queue_item WHERE id = ?");
        try (Statement max = writerConnection.createStatement(); ResultSet row = max.executeQuery("SELECT max(id) FROM queue_item")) {
            this.nextId = new AtomicLong(row.next() ? row.getLong(1) + 1 : 1);
        }
        writerConnection.commit();
        for (int i = 0; i < READERS; i++) {
            readers.add(new Reader(file));
        }
        this.writer = new Thread(this::writeLoop, "postern-queue-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Opens (creating when missing) the store in {@code file}. */
    public static QueueStore open(Path file) throws SQLException {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new SQLException("cannot create the folder of " + file + ": " + e.getMessage(), e);
        }
        return new QueueStore(file);
    }

    public Path file() {
        return file;
    }

    /** A fresh row id: ids grow with time, so they also order mails due at the same moment. */
    public long nextId() {
        return nextId.getAndIncrement();
    }

    /** Stores the row; returns once it is committed and synced to disk. */
    public void insert(Row row) throws SQLException {
        await(submit(new Insert(row, new CompletableFuture<>())).done);
    }

    /** Changes the due time and held mark of a row, and its envelope unless null; false when there is no such row. */
    public boolean change(long id, long due, boolean held, byte[] envelope) throws SQLException {
        return await(submit(new Change(id, due, held, envelope, new CompletableFuture<>())).done);
    }

    /** Removes the row with the next commit, without waiting for it. */
    public void delete(long id) {
        if (closed) {
            LOGGER.warn("queue store closed: row {} stays queued and will be processed again after the restart", id);
            return;
        }
        pending.add(new Delete(id));
    }

    /** Every stored row but envelopes and messages, in id order: the queues' contents at start. */
    public List<IndexRow> index() throws SQLException {
        return read(reader -> {
            List<IndexRow> rows = new ArrayList<>();
            try (Statement select = reader.connection.createStatement();
                 ResultSet row = select.executeQuery("SELECT " + COLUMNS + " FROM queue_item ORDER BY id")) {
                while (row.next()) {
                    rows.add(new IndexRow(row.getLong(1), row.getString(2), row.getString(3), row.getLong(4),
                        row.getInt(5) != 0, row.getString(6), row.getString(7)));
                }
            }
            return rows;
        });
    }

    /** The envelope and message of a row, or empty when there is no such row. */
    public Optional<byte[][]> mail(long id) throws SQLException {
        return read(reader -> {
            reader.mail.setLong(1, id);
            try (ResultSet row = reader.mail.executeQuery()) {
                return row.next() ? Optional.of(new byte[][] {row.getBytes(1), row.getBytes(2)}) : Optional.empty();
            }
        });
    }

    /** The envelope of a row, or empty when there is no such row. */
    public Optional<byte[]> envelope(long id) throws SQLException {
        return read(reader -> {
            reader.envelope.setLong(1, id);
            try (ResultSet row = reader.envelope.executeQuery()) {
                return row.next() ? Optional.of(row.getBytes(1)) : Optional.empty();
            }
        });
    }

    public Optional<String> meta(String key) throws SQLException {
        return read(reader -> {
            try (PreparedStatement select = reader.connection.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
                select.setString(1, key);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** Stores every row {@code rows} gives and the meta entry {@code key} = {@code value} in one transaction. */
    public void importAll(Iterator<Row> rows, String key, String value) throws SQLException {
        await(submit(new Import(rows, key, value, new CompletableFuture<>())).done);
    }

    /** Commits what is waiting, then stops the writer and closes the database. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Stop stop = new Stop(new CompletableFuture<>());
        pending.add(stop);
        try {
            stop.done.get(30, java.util.concurrent.TimeUnit.SECONDS);
            writer.join(5_000);
        } catch (Exception e) {
            LOGGER.warn("queue store: the writer did not stop cleanly", e);
        }
        for (Reader reader : readers) {
            reader.close();
        }
        closeQuietly(writerConnection);
    }

    private <W extends Write> W submit(W write) throws SQLException {
        if (closed) {
            throw new SQLException("the queue store " + file + " is closed");
        }
        pending.add(write);
        return write;
    }

    private static <T> T await(CompletableFuture<T> done) throws SQLException {
        try {
            return done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException(e.getCause());
        }
    }

    private interface ReadAction<T> {
        T apply(Reader reader) throws SQLException;
    }

    private <T> T read(ReadAction<T> action) throws SQLException {
        Reader reader;
        try {
            reader = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a queue store reader", e);
        }
        try {
            return action.apply(reader);
        } finally {
            readers.add(reader);
        }
    }

    private void writeLoop() {
        List<Write> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(pending.take());
            } catch (InterruptedException e) {
                return;
            }
            pending.drainTo(batch, MAX_BATCH - 1);
            Stop stop = null;
            for (Iterator<Write> it = batch.iterator(); it.hasNext(); ) {
                if (it.next() instanceof Stop found) {
                    stop = found;
                    it.remove();
                }
            }
            commit(batch);
            batch.clear();
            if (stop != null) {
                pending.drainTo(batch);
                commit(batch);
                stop.done.complete(true);
                return;
            }
        }
    }

    /** One transaction for the batch; when it fails, each write alone, so that one bad write fails only itself. */
    private void commit(List<Write> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            List<Object> results = new ArrayList<>(batch.size());
            for (Write write : batch) {
                results.add(write.apply(this));
            }
            writerConnection.commit();
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).succeed(results.get(i));
            }
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            if (batch.size() == 1) {
                batch.get(0).fail(e);
                return;
            }
            for (Write write : batch) {
                commit(List.of(write));
            }
        }
    }

    private void rollbackQuietly() {
        try {
            writerConnection.rollback();
        } catch (SQLException e) {
            LOGGER.error("queue store: rollback failed", e);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOGGER.debug("closing a queue store connection", e);
        }
    }

    private sealed interface Write permits Insert, Change, Delete, Import, Stop {
        Object apply(QueueStore store) throws SQLException;

        void succeed(Object result);

        void fail(Exception e);
    }

    private record Insert(Row row, CompletableFuture<Void> done) implements Write {
        @Override
        public Object apply(QueueStore store) throws SQLException {
            store.bindInsert(row);
            store.insert.executeUpdate();
            return null;
        }

        @Override
        public void succeed(Object result) {
            done.complete(null);
        }

        @Override
        public void fail(Exception e) {
            done.completeExceptionally(e);
        }
    }

    private void bindInsert(Row row) throws SQLException {
        insert.setLong(1, row.id());
        insert.setString(2, row.queue());
        insert.setString(3, row.name());
        insert.setLong(4, row.due());
        insert.setInt(5, row.held() ? 1 : 0);
        insert.setString(6, row.sender());
        insert.setString(7, row.recipients());
        insert.setBytes(8, row.envelope());
        insert.setBytes(9, row.message());
    }

    private record Change(long id, long due, boolean held, byte[] envelope, CompletableFuture<Boolean> done) implements Write {
        @Override
        public Object apply(QueueStore store) throws SQLException {
            if (envelope == null) {
                store.reschedule.setLong(1, due);
                store.reschedule.setInt(2, held ? 1 : 0);
                store.reschedule.setLong(3, id);
                return store.reschedule.executeUpdate() > 0;
            }
            store.rewrite.setLong(1, due);
            store.rewrite.setInt(2, held ? 1 : 0);
            store.rewrite.setBytes(3, envelope);
            store.rewrite.setLong(4, id);
            return store.rewrite.executeUpdate() > 0;
        }

        @Override
        public void succeed(Object result) {
            done.complete((Boolean) result);
        }

        @Override
        public void fail(Exception e) {
            done.completeExceptionally(e);
        }
    }

    private record Delete(long id) implements Write {
        @Override
        public Object apply(QueueStore store) throws SQLException {
            store.delete.setLong(1, id);
            store.delete.executeUpdate();
            return null;
        }

        @Override
        public void succeed(Object result) {
        }

        @Override
        public void fail(Exception e) {
            LOGGER.error("queue store: row {} could not be removed; it will be processed again after a restart", id, e);
        }
    }

    private record Import(Iterator<Row> rows, String key, String value, CompletableFuture<Void> done) implements Write {
        @Override
        public Object apply(QueueStore store) throws SQLException {
            while (rows.hasNext()) {
                Row row = rows.next();
                store.bindInsert(row);
                store.insert.executeUpdate();
                store.nextId.accumulateAndGet(row.id() + 1, Math::max);
            }
            try (PreparedStatement meta = store.writerConnection.prepareStatement("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")) {
                meta.setString(1, key);
                meta.setString(2, value);
                meta.executeUpdate();
            }
            return null;
        }

        @Override
        public void succeed(Object result) {
            done.complete(null);
        }

        @Override
        public void fail(Exception e) {
            done.completeExceptionally(e);
        }
    }

    private record Stop(CompletableFuture<Boolean> done) implements Write {
        @Override
        public Object apply(QueueStore store) {
            return null;
        }

        @Override
        public void succeed(Object result) {
        }

        @Override
        public void fail(Exception e) {
        }
    }

    /** A read-only connection with its prepared statements; used by one thread at a time. */
    private static final class Reader {
        final Connection connection;
        final PreparedStatement mail;
        final PreparedStatement envelope;

        Reader(Path file) throws SQLException {
            connection = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement setup = connection.createStatement()) {
                setup.execute("PRAGMA busy_timeout=10000");
                setup.execute("PRAGMA query_only=1");
            }
            mail = connection.prepareStatement("SELECT envelope, message FROM queue_item WHERE id = ?");
            envelope = connection.prepareStatement("SELECT envelope FROM queue_item WHERE id = ?");
        }

        void close() {
            closeQuietly(connection);
        }
    }
}
